"""
The Secretariat's path through a meeting's record (issue 19): the progress line and "Save and continue"
on every step, the decisions and papers steps, the checks before circulating and publishing (errors block,
warnings need a reason kept in the history), the public page shown before publishing, messages that name
whom the step e-mailed, and the state said once.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.readiness import Level
from decisions.models import Document, DocumentFile, MeetingPaper
from meetings import readiness
from meetings.models import Meeting
from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    DocumentFactory,
    MeetingPaperFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
REASON = {"override_reason": "A small meeting: nothing more was recorded."}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def url(name: str, meeting: Meeting) -> str:
    return reverse(name, args=[meeting.slug])


def complete(meeting: Meeting) -> Meeting:
    """A meeting that passes every check: summary, minutes, a participant, an agenda item, a decision."""
    Meeting.objects.filter(pk=meeting.pk).update(public_summary="The Board met.", minutes="The Board discussed.")
    ParticipationFactory(meeting=meeting, person=PersonFactory(), position="Minister")
    item = AgendaItemFactory(meeting=meeting, position=1)
    DecisionFactory(meeting=meeting, agenda_item=item, verb="took_note")
    meeting.refresh_from_db()
    return meeting


# --- The progress line and Save and continue ---------------------------------------------------------


def test_every_step_of_the_path_shows_the_progress_line(secretariat_client, draft_meeting):
    for name in (
        "meetings-edit:meeting-edit",
        "meetings-edit:participants",
        "meetings-edit:agenda",
        "decisions-edit:meeting-decisions",
        "decisions-edit:meeting-papers",
        "meetings-edit:circulate",
    ):
        page = secretariat_client.get(url(name, draft_meeting)).content.decode()
        assert 'aria-label="Steps of the record"' in page, name
        assert 'aria-current="step"' in page, name
        for label in ("Details", "Participants", "Agenda", "Decisions", "Papers", "Circulate", "Publish"):
            assert f". {label}<" in page, (name, label)


def test_the_progress_says_which_parts_are_done(draft_meeting, django_assert_num_queries):
    ParticipationFactory(meeting=draft_meeting)
    with django_assert_num_queries(1):
        progress = readiness.PATH.progress(draft_meeting, "participants")
    done = {stop.key: stop.done for stop in progress.stops}
    assert done == {
        "details": True,
        "participants": True,
        "agenda": False,
        "outcomes": False,
        "papers": False,
        "circulate": False,
        "publish": False,
    }
    assert progress.next.key == "agenda"
    # An empty agenda opens on its first item's form.
    assert progress.next.url == url("meetings-edit:agenda-item-create", draft_meeting)


def test_save_and_continue_on_participants_opens_the_first_agenda_item(secretariat_client, draft_meeting):
    person = PersonFactory(position_title="Minister of the Interior")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-person": str(person.pk),
        "form-0-role": "delegate",
        "form-0-attendance": "in_person",
        "form-0-position": "Minister of the Interior",
        "continue": "1",
    }
    response = secretariat_client.post(url("meetings-edit:participants", draft_meeting), data)
    assert response.status_code == 302, response.context["formset"].errors
    assert response["Location"] == url("meetings-edit:agenda-item-create", draft_meeting)


def test_save_and_continue_on_an_agenda_item_opens_the_decisions(secretariat_client, draft_meeting):
    data = {"title": "Opening", "kind": "opening", "continue": "1"}
    response = secretariat_client.post(url("meetings-edit:agenda-item-create", draft_meeting), data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == url("decisions-edit:meeting-decisions", draft_meeting)
    # "Save and add another item" comes back to a blank item.
    data = {"title": "Work plan", "kind": "discussion", "save_and_add": "1"}
    response = secretariat_client.post(url("meetings-edit:agenda-item-create", draft_meeting), data)
    assert response["Location"] == url("meetings-edit:agenda-item-create", draft_meeting)
    assert list(draft_meeting.agenda_items.values_list("title", flat=True).order_by("position")) == [
        "Opening",
        "Work plan",
    ]


def test_the_decisions_step_lists_the_decisions_and_each_kind_of_outcome(secretariat_client, draft_meeting):
    DecisionFactory(meeting=draft_meeting, reference="B9/2026/01", subject="The work plan")
    page = secretariat_client.get(url("decisions-edit:meeting-decisions", draft_meeting)).content.decode()
    assert "B9/2026/01" in page
    assert url("decisions-edit:admit-members", draft_meeting) in page
    assert url("decisions-edit:decision-create", draft_meeting) in page
    # Its "Continue" goes to the papers.
    assert f'href="{url("decisions-edit:meeting-papers", draft_meeting)}"' in page


def test_an_empty_decisions_step_says_a_meeting_may_decide_nothing(secretariat_client, draft_meeting):
    page = secretariat_client.get(url("decisions-edit:meeting-decisions", draft_meeting)).content.decode()
    assert "No decision yet. A meeting may decide nothing" in page


# --- Papers ----------------------------------------------------------------------------------------


def test_a_new_paper_is_one_save_document_file_and_place(secretariat_client, draft_meeting, secretariat):
    item = AgendaItemFactory(meeting=draft_meeting, position=1)
    response = secretariat_client.post(
        url("decisions-edit:meeting-papers", draft_meeting),
        {
            "title": "Needs mapping 2027",
            "file": SimpleUploadedFile("mapping.pdf", PDF),
            "agenda_item": str(item.pk),
            "continue": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == url("meetings-edit:circulate", draft_meeting)
    paper = MeetingPaper.objects.get(meeting=draft_meeting)
    assert (paper.document.title, paper.agenda_item, paper.added_by) == ("Needs mapping 2027", item, secretariat)
    assert DocumentFile.objects.filter(document=paper.document).count() == 1
    assert "Paper “Needs mapping 2027” added" in messages_of(response)[0]


def test_an_existing_document_becomes_a_paper_without_a_file(secretariat_client, draft_meeting):
    document = DocumentFactory(title="Work plan")
    response = secretariat_client.post(
        url("decisions-edit:meeting-papers", draft_meeting), {"document": str(document.pk)}
    )
    assert response.status_code == 302
    assert list(draft_meeting.papers.values_list("document", flat=True)) == [document.pk]
    # It is no longer offered for this meeting.
    page = secretariat_client.get(url("decisions-edit:meeting-papers", draft_meeting)).content.decode()
    choices = page.split('id="id_document"')[1].split("</select>")[0]
    assert f'<option value="{document.pk}"' not in choices
    assert "Work plan" not in choices


def test_a_paper_without_title_or_file_is_refused_beside_the_fields(secretariat_client, draft_meeting):
    response = secretariat_client.post(url("decisions-edit:meeting-papers", draft_meeting), {"title": "  "})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors
    assert "file" in errors
    assert not MeetingPaper.objects.exists()


def test_removing_a_paper_keeps_the_document(secretariat_client, draft_meeting):
    paper = MeetingPaperFactory(meeting=draft_meeting)
    remove = reverse("decisions-edit:paper-remove", args=[draft_meeting.slug, paper.pk])
    response = secretariat_client.post(remove, {"confirm": "1"})
    assert response.status_code == 302
    assert not MeetingPaper.objects.exists()
    assert Document.objects.filter(pk=paper.document_id).exists()


def test_a_paper_of_another_meeting_is_a_404(secretariat_client, draft_meeting):
    paper = MeetingPaperFactory()
    remove = reverse("decisions-edit:paper-remove", args=[draft_meeting.slug, paper.pk])
    assert secretariat_client.get(remove).status_code == 404


@pytest.mark.parametrize(
    ("status", "board_reads", "public_reads"),
    [("draft", False, False), ("circulated", True, False), ("published", True, False)],
)
def test_papers_are_read_with_the_full_record(board_member, status, board_reads, public_reads):
    from django.contrib.auth.models import AnonymousUser

    paper = MeetingPaperFactory(meeting__status=status)
    assert Document.objects.visible_to(board_member).filter(pk=paper.document_id).exists() is board_reads
    assert Document.objects.visible_to(AnonymousUser()).filter(pk=paper.document_id).exists() is public_reads


# --- Checks before circulating and publishing --------------------------------------------------------


def test_an_empty_draft_lists_what_is_missing_with_links(secretariat_client, draft_meeting):
    Meeting.objects.filter(pk=draft_meeting.pk).update(public_summary="")
    page = secretariat_client.get(url("meetings-edit:circulate", draft_meeting)).content.decode()
    for text in ("There is no public summary", "No participant is recorded", "There is no agenda", "No decision"):
        assert text in page
    assert url("meetings-edit:participants", draft_meeting) in page
    assert 'name="override_reason"' in page


def test_warnings_without_a_reason_are_refused_and_nothing_changes(secretariat_client, draft_meeting):
    response = secretariat_client.post(url("meetings-edit:circulate", draft_meeting), {"confirm": "1"})
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    assert Meeting.objects.get(pk=draft_meeting.pk).status == "draft"


def test_a_reason_overrides_warnings_and_is_kept_in_the_history(secretariat_client, draft_meeting):
    response = secretariat_client.post(url("meetings-edit:circulate", draft_meeting), {"confirm": "1", **REASON})
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=draft_meeting.pk)
    assert meeting.status == "circulated"
    reason = meeting.history.order_by("-history_id").first().history_change_reason
    assert "There is no agenda." in reason
    assert "A small meeting: nothing more was recorded." in reason


def test_a_complete_record_circulates_without_a_reason(secretariat_client, draft_meeting):
    meeting = complete(draft_meeting)
    page = secretariat_client.get(url("meetings-edit:circulate", meeting)).content.decode()
    assert "Nothing is missing: every check passed." in page
    assert 'name="override_reason"' not in page
    response = secretariat_client.post(url("meetings-edit:circulate", meeting), {"confirm": "1"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == "circulated"


def test_a_meeting_not_yet_held_cannot_be_published(secretariat_client, circulated_meeting):
    meeting = complete(circulated_meeting)
    start = timezone.now() + dt.timedelta(days=3)
    Meeting.objects.filter(pk=meeting.pk).update(start=start, end=start + dt.timedelta(hours=3))
    page = secretariat_client.get(url("meetings-edit:publish", meeting)).content.decode()
    assert "has not taken place yet" in page
    assert 'name="confirm"' not in page  # no button: an error cannot be overridden
    response = secretariat_client.post(url("meetings-edit:publish", meeting), {"confirm": "1", **REASON})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).status == "circulated"


def test_a_decision_whose_verb_implies_an_effect_is_flagged(draft_meeting):
    decision = DecisionFactory(meeting=draft_meeting, verb="adopted", reference="B9/2026/02")
    findings = readiness.CHECKS.run(draft_meeting, readiness.CIRCULATE)
    flagged = [f for f in findings.warnings if f.code == "no_effect"]
    assert len(flagged) == 1
    assert "B9/2026/02" in flagged[0].message
    assert flagged[0].fix_url == reverse("decisions-edit:decision-edit", args=[decision.pk])
    decision.documents.add(DocumentFactory())
    assert not [f for f in readiness.CHECKS.run(draft_meeting, "circulate").warnings if f.code == "no_effect"]


def test_a_participant_without_a_position_is_flagged(draft_meeting):
    participation = ParticipationFactory(meeting=draft_meeting, person=PersonFactory())
    type(participation).objects.filter(pk=participation.pk).update(position="")
    findings = readiness.CHECKS.run(draft_meeting, readiness.CIRCULATE)
    assert any(f.code == "no_position" and f.level == Level.WARNING for f in findings.items)


def test_a_cancelled_meeting_cannot_be_circulated(draft_meeting):
    Meeting.objects.filter(pk=draft_meeting.pk).update(cancelled_at=timezone.now(), schedule_status="cancelled")
    draft_meeting.refresh_from_db()
    findings = readiness.CHECKS.run(draft_meeting, readiness.CIRCULATE)
    assert [f.code for f in findings.errors] == ["cancelled"]


# --- Publishing shows the public page --------------------------------------------------------------


def test_the_publish_page_shows_the_public_record_and_changes_nothing(secretariat_client, circulated_meeting):
    meeting = complete(circulated_meeting)
    Meeting.objects.filter(pk=meeting.pk).update(public_summary="The Board welcomed its new members.")
    versions = meeting.history.count()
    response = secretariat_client.get(url("meetings-edit:publish", meeting))
    page = response.content.decode()
    assert "What the public will see" in page
    preview = page.split('id="public-preview-heading"')[1]
    assert "The Board welcomed its new members." in preview
    # The minutes are for Board members: not in the public's page.
    assert "The Board discussed." not in preview
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at, meeting.history.count()) == ("circulated", None, versions)
    assert Client().get(meeting.get_absolute_url()).status_code == 404


def test_the_circulate_page_shows_no_public_preview(secretariat_client, draft_meeting):
    page = secretariat_client.get(url("meetings-edit:circulate", draft_meeting)).content.decode()
    assert "What the public will see" not in page


# --- Messages, the state said once, actions that apply ------------------------------------------------


def test_the_message_names_the_board_members_emailed(
    secretariat_client, board_member, draft_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url("meetings-edit:circulate", draft_meeting), {"confirm": "1", **REASON})
    assert messages_of(response) == [
        "Circulated: Board members can read the record, marked DRAFT. "
        f"1 Board member was e-mailed: {board_member.email}."
    ]
    assert [m.to for m in mailoutbox] == [[board_member.email]]


def test_a_step_from_the_wrong_state_is_not_offered(secretariat_client, published_meeting):
    response = secretariat_client.get(url("meetings-edit:circulate", published_meeting))
    assert response.status_code == 302
    assert "cannot be circulated" in messages_of(response)[0]


def test_the_state_is_said_once_for_the_secretariat(secretariat_client, draft_meeting):
    page = secretariat_client.get(draft_meeting.get_absolute_url()).content.decode()
    h1 = page.split("<h1")[1].split("</h1>")[0]
    assert h1.count('class="badge') == 1
    assert ">Draft</span>" in h1
    assert "DRAFT" not in h1
    assert ">State<" not in page
    assert "draft-banner" not in page
    assert "Only the Secretariat reads this record" in page


def test_board_members_still_read_draft(client, board_member, circulated_meeting):
    client.force_login(board_member)
    page = client.get(circulated_meeting.get_absolute_url()).content.decode()
    assert "draft-banner" in page
    assert ">DRAFT</span>" in page


def test_a_published_record_says_who_reads_it_and_puts_changes_behind_one_menu(secretariat_client, published_meeting):
    published_meeting.announced_at = None
    page = secretariat_client.get(published_meeting.get_absolute_url()).content.decode()
    assert "the public reads the summary and the decisions" in page
    assert "Not announced" not in page
    assert "<summary" in page
    assert "Change this record" in page.split("<summary")[1]
    assert 'aria-label="Steps of the record"' not in page


def test_a_meeting_held_offers_no_postponing_or_cancelling(secretariat_client, draft_meeting):
    page = secretariat_client.get(draft_meeting.get_absolute_url()).content.decode()
    assert url("meetings-edit:reschedule", draft_meeting) not in page
    assert url("meetings-edit:cancel", draft_meeting) not in page
    for name in ("meetings-edit:reschedule", "meetings-edit:cancel"):
        response = secretariat_client.post(url(name, draft_meeting), {"reason": "Late", "confirm": "1"})
        assert response.status_code == 302
        assert "has taken place" in messages_of(response)[0]
    assert Meeting.objects.get(pk=draft_meeting.pk).cancelled_at is None


def test_a_meeting_to_come_still_offers_them(secretariat_client, upcoming_meeting):
    page = secretariat_client.get(upcoming_meeting.get_absolute_url()).content.decode()
    assert url("meetings-edit:reschedule", upcoming_meeting) in page
    assert url("meetings-edit:cancel", upcoming_meeting) in page


def test_a_warning_added_since_the_page_was_opened_is_not_overridden_unseen(secretariat_client, draft_meeting):
    page = secretariat_client.get(url("meetings-edit:circulate", draft_meeting))
    seen = page.context["form"].initial["warnings_seen"]
    # Meanwhile another editor empties the summary: one warning more.
    Meeting.objects.filter(pk=draft_meeting.pk).update(public_summary="")
    data = {"confirm": "1", "warnings_seen": seen, **REASON}
    response = secretariat_client.post(url("meetings-edit:circulate", draft_meeting), data)
    assert response.status_code == 200
    assert "The checks changed since you opened this page" in " ".join(
        response.context["form"].errors["override_reason"]
    )
    assert Meeting.objects.get(pk=draft_meeting.pk).status == "draft"
    # Read again, confirmed: it goes ahead.
    again = secretariat_client.get(url("meetings-edit:circulate", draft_meeting)).context["form"].initial
    data["warnings_seen"] = again["warnings_seen"]
    assert secretariat_client.post(url("meetings-edit:circulate", draft_meeting), data).status_code == 302


def test_the_publish_preview_is_drawn_on_the_page_only(secretariat_client, circulated_meeting, monkeypatch):
    drawn = []
    monkeypatch.setattr(readiness, "PREVIEWS", [lambda request, meeting: drawn.append(request.method) or "<p>x</p>"])
    secretariat_client.get(url("meetings-edit:publish", circulated_meeting))
    secretariat_client.post(url("meetings-edit:publish", circulated_meeting), {"confirm": "1", **REASON})
    assert drawn == ["GET"]
