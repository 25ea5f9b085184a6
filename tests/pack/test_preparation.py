"""
Issue 20: Board members prepare for an announced meeting with its pack: its agenda and papers, while
its record is a draft. Nothing else of that draft reaches them, and nothing of it reaches the public.
"""

import pytest
from django.urls import reverse

from decisions.models import Document
from meetings.models import AgendaItem, Meeting
from tests.factories import DocumentFactory, DocumentFileFactory, MeetingPaperFactory
from tests.pack.conftest import read_pack
from tests.reading.conftest import ANNOUNCED_MARKER, DRAFT_MARKER, every_state_of_a_record


@pytest.fixture
def records(db):
    records = every_state_of_a_record()
    for state in ("announced", "draft"):
        meeting = records[state].meeting
        document = DocumentFactory(title=f"Paper for {meeting.ordinal}")
        DocumentFileFactory(document=document, number=1)
        MeetingPaperFactory(meeting=meeting, document=document, agenda_item=meeting.agenda_items.get(), order=1)
    return records


def pack_text(client, meeting) -> str:
    response = client.get(reverse("portal:meeting-pack", args=[meeting.slug]))
    assert response.status_code == 200
    return "\n".join(page.extract_text() for page in read_pack(response).pages)


def test_board_members_pack_of_an_announced_meeting_holds_its_agenda_and_papers_only(client_for, records):
    meeting = records["announced"].meeting
    text = pack_text(client_for("board_member"), meeting)
    assert f"Item on {ANNOUNCED_MARKER}" in text
    assert f"Paper for {meeting.ordinal}" in text
    # Nothing else of the draft record: its minutes notes, minutes, delegates, decisions, documents decided on.
    for hidden in (f"Notes on {ANNOUNCED_MARKER}", "Minutes:", f"Delegate {ANNOUNCED_MARKER}", "approved by the IISG"):
        assert hidden not in text
    assert f"Output on {ANNOUNCED_MARKER}" not in text


def test_board_members_read_an_announced_meetings_papers_not_a_drafts(board_member, records):
    visible = set(Document.objects.visible_to(board_member).values_list("title", flat=True))
    assert f"Paper for {records['announced'].meeting.ordinal}" in visible
    assert f"Paper for {records['draft'].meeting.ordinal}" not in visible
    # The documents the draft's decisions acted on stay hidden until the record is circulated.
    assert f"Output on {ANNOUNCED_MARKER}" not in visible


def test_the_public_reads_no_announced_meetings_papers_or_agenda(anonymous, records):
    assert not Document.objects.visible_to(anonymous).filter(meeting_papers__meeting__announced_at__isnull=False)
    assert not AgendaItem.objects.agenda_visible_to(anonymous).exists()
    assert list(Meeting.objects.prepared_for(anonymous)) == [records["published"].meeting]


def test_the_agenda_to_prepare_is_not_the_minutes(board_member, records):
    announced = records["announced"].meeting
    preparing = AgendaItem.objects.agenda_visible_to(board_member).filter(meeting=announced)
    assert [item.title for item in preparing] == [f"Item on {ANNOUNCED_MARKER}"]
    # The minutes' rule is unchanged: the draft's agenda (with its notes) is not in the record, nor in search.
    assert not AgendaItem.objects.visible_to(board_member).filter(meeting=announced).exists()
    assert not AgendaItem.objects.search(ANNOUNCED_MARKER, board_member).exists()
    # A draft not announced: nothing to prepare with.
    assert not AgendaItem.objects.agenda_visible_to(board_member).filter(meeting=records["draft"].meeting).exists()


def test_the_announced_meetings_page_stays_its_announcement(client_for, records):
    body = client_for("board_member").get(records["announced"].meeting.get_absolute_url()).content.decode()
    assert f"Item on {ANNOUNCED_MARKER}" not in body
    assert DRAFT_MARKER not in body


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_no_pack_of_a_draft_not_announced(client_for, records, persona):
    url = reverse("portal:meeting-pack", args=[records["draft"].meeting.slug])
    assert client_for(persona).get(url).status_code == 404


def test_the_pack_link_for_an_announced_meeting(board_member, anonymous, records):
    from django.template.loader import render_to_string

    meeting = records["announced"].meeting
    assert "Meeting pack (PDF)" in render_to_string(
        "portal/_pack_link.html", {"meeting": meeting, "user": board_member}
    )
    assert render_to_string("portal/_pack_link.html", {"meeting": meeting, "user": anonymous}).strip() == ""


def test_the_secretariat_is_told_board_members_read_an_announced_meetings_papers(client_for, records):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = records["announced"].meeting
    client = client_for("secretariat")
    response = client.post(
        reverse("decisions-edit:meeting-papers", args=[meeting.slug]),
        {"title": "Late paper", "file": SimpleUploadedFile("late.pdf", b"%PDF-1.4\n%late\n", "application/pdf")},
        follow=True,
    )
    assert "Board members read it now, to prepare for the meeting." in response.content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat", "admin_user"])
def test_the_rule_on_a_row_is_the_rule_as_a_query(request, records, persona, django_assert_num_queries):
    # The pack's link asks Meeting.is_prepared_for (no query); the view and the lists Meeting.objects.prepared_for.
    user = request.getfixturevalue(persona)
    prepared = set(Meeting.objects.prepared_for(user).values_list("pk", flat=True))
    for meeting in Meeting.objects.all():
        assert meeting.is_prepared_for(user) == (meeting.pk in prepared), (persona, meeting.status)
    # A listed row (its announcement only, where the record is not the reader's) answers the same, with no query.
    listed = list(Meeting.objects.listable_by(user))
    with django_assert_num_queries(0):
        answers = {meeting.pk: meeting.is_prepared_for(user) for meeting in listed}
    assert answers == {meeting.pk: meeting.pk in prepared for meeting in listed}
