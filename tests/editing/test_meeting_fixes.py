"""
What was seen wrong (issue 10), fixed and kept so: the chair's and the participants' position at the
time of the meeting (never silently today's), the participants page's rows, empty sections of the
record and its PDF, a short record's PDF on one page, the Secretariat's history in local time and in
the meeting's own zone, and the reschedules recorded before calendars had a SEQUENCE.
"""

import datetime as dt
import importlib
import re
import zoneinfo

import pytest
import weasyprint
from django.apps import apps as django_apps
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, Participation, Reschedule
from tests.editing.conftest import errors_of
from tests.editing.test_participants_and_agenda import blank_row, formset_data
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingFactory,
    ParticipationFactory,
    PersonFactory,
    RescheduleFactory,
)
from tests.reading.pagetext import text_of

pytestmark = pytest.mark.django_db

SARAJEVO = zoneinfo.ZoneInfo("Europe/Sarajevo")


def meeting_form(**values) -> dict:
    data = {
        "kind": "board",
        "ordinal": "",
        "title": "A Board meeting",
        "date_precision": "day",
        "start": "2022-03-10T10:00",
        "end": "2022-03-10T16:00",
        "time_zone": "Europe/Sarajevo",
        "city": "Podgorica",
        "country": "Montenegro",
        "venue": "",
        "format": "in_person",
        "occasion_relation": "",
        "occasion": "",
        "chair": "",
        "chair_position": "",
        "public_summary": "",
        "minutes": "",
    }
    return data | values


def held_on(day: dt.date, **values) -> Meeting:
    start = dt.datetime.combine(day, dt.time(10), tzinfo=SARAJEVO)
    return MeetingFactory(start=start, end=start + dt.timedelta(hours=6), **values)


# --- The position at the time -----------------------------------------------------------------------


@pytest.fixture
def minister():
    """Today Prime Minister; recorded as Deputy Minister in 2019 and as Minister of Interior in 2021."""
    person = PersonFactory(name="Arben Kelmendi", position_title="Prime Minister")
    ParticipationFactory(meeting=held_on(dt.date(2019, 5, 3)), person=person, position="Deputy Minister of Interior")
    ParticipationFactory(meeting=held_on(dt.date(2021, 6, 1)), person=person, position="Minister of Interior")
    return person


def test_the_chair_of_a_past_meeting_holds_the_post_recorded_at_their_latest_earlier_meeting(
    secretariat_client, make_client, minister
):
    response = secretariat_client.post(
        reverse("meetings-edit:meeting-create"), meeting_form(title="March 2022 meeting", chair=minister.pk)
    )
    assert response.status_code == 302
    chair = Meeting.objects.get(title="March 2022 meeting").participations.get(role=Participation.Role.CHAIR)
    assert chair.position == "Minister of Interior"  # 2021's, not 2019's, not today's
    # …and the public record says so.
    meeting = chair.meeting
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    for persona in ("anonymous", "board_member", "secretariat", "admin"):
        page = text_of(make_client(persona).get(meeting.get_absolute_url()).content.decode())
        assert "Chair: Ms Arben Kelmendi, Minister of Interior" in page, persona


def test_between_two_earlier_meetings_the_nearer_one_counts(secretariat_client, minister):
    data = meeting_form(title="2020 meeting", start="2020-02-10T10:00", end="2020-02-10T16:00", chair=minister.pk)
    assert secretariat_client.post(reverse("meetings-edit:meeting-create"), data).status_code == 302
    chair = Meeting.objects.get(title="2020 meeting").participations.get(role=Participation.Role.CHAIR)
    assert chair.position == "Deputy Minister of Interior"


def test_with_no_earlier_record_the_person_s_position_is_taken_and_said(secretariat_client, minister):
    url = reverse("meetings-edit:meeting-create")
    data = meeting_form(title="2018 meeting", start="2018-02-10T10:00", end="2018-02-10T16:00", chair=minister.pk)
    response = secretariat_client.post(url, data)
    assert response.status_code == 302
    chair = Meeting.objects.get(title="2018 meeting").participations.get(role=Participation.Role.CHAIR)
    assert chair.position == "Prime Minister"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "The chair's position at the time was taken from the person's record: “Prime Minister”." in messages[0]


def test_a_position_typed_for_the_chair_is_kept(secretariat_client, minister):
    url = reverse("meetings-edit:meeting-create")
    data = meeting_form(title="2018 meeting", start="2018-02-10T10:00", end="2018-02-10T16:00", chair=minister.pk)
    assert secretariat_client.post(url, data | {"chair_position": "State Secretary"}).status_code == 302
    chair = Meeting.objects.get(title="2018 meeting").participations.get(role=Participation.Role.CHAIR)
    assert chair.position == "State Secretary"


def test_a_chair_with_no_position_anywhere_is_asked_for_one(secretariat_client, minister):
    type(minister).objects.filter(pk=minister.pk).update(position_title="")
    url = reverse("meetings-edit:meeting-create")
    data = meeting_form(title="2018 meeting", start="2018-02-10T10:00", end="2018-02-10T16:00", chair=minister.pk)
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response)["chair_position"]
    assert 'value="2018 meeting"' in response.content.decode()  # the input is kept
    assert not Meeting.objects.filter(title="2018 meeting").exists()


def test_a_meeting_to_come_takes_the_current_position(secretariat_client):
    person = PersonFactory(position_title="Minister of Security")
    day = (timezone.now() + dt.timedelta(days=30)).date()
    data = meeting_form(title="Next meeting", start=f"{day}T10:00", end=f"{day}T16:00", chair=person.pk)
    assert secretariat_client.post(reverse("meetings-edit:meeting-create"), data).status_code == 302
    chair = Meeting.objects.get(title="Next meeting").participations.get(role=Participation.Role.CHAIR)
    assert chair.position == "Minister of Security"


def test_another_chair_picked_on_the_edit_page_does_not_inherit_the_previous_chair_s_position(
    secretariat_client, minister
):
    meeting = held_on(dt.date(2022, 3, 10), status=Meeting.Status.DRAFT)
    ParticipationFactory(meeting=meeting, role=Participation.Role.CHAIR, position="Director-General")
    url = reverse("meetings-edit:meeting-edit", args=[meeting.slug])
    form = secretariat_client.get(url).context["form"]
    assert form.initial["chair_position"] == "Director-General"
    data = meeting_form(
        title=meeting.title,
        ordinal=meeting.ordinal,
        chair=minister.pk,
        chair_position="Director-General",  # as the page showed it, untouched
        version=meeting.version,
        lock_snapshot=form.initial["lock_snapshot"],
    )
    assert secretariat_client.post(url, data).status_code == 302
    chair = meeting.participations.get(role=Participation.Role.CHAIR)
    assert (chair.person, chair.position) == (minister, "Minister of Interior")


def test_participants_take_the_position_recorded_at_their_latest_earlier_meeting(secretariat_client, minister):
    meeting = held_on(dt.date(2022, 3, 10), status=Meeting.Status.DRAFT)
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    assert secretariat_client.post(url, formset_data([blank_row(person=minister.pk)])).status_code == 302
    assert meeting.participations.get().position == "Minister of Interior"


def test_participants_page_takes_the_current_position_when_no_earlier_meeting_records_one(secretariat_client, minister):
    meeting = held_on(dt.date(2018, 3, 10), status=Meeting.Status.DRAFT)
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    response = secretariat_client.post(
        url, formset_data([blank_row(person=minister.pk, level="ministerial")]), follow=True
    )
    assert meeting.participations.get().position == "Prime Minister"
    assert "Position taken from the person&#x27;s record: Ms Arben Kelmendi — Prime Minister." in (
        response.content.decode()
    )
    data = formset_data([blank_row(person=minister.pk, position="State Secretary")])
    meeting.participations.all().delete()
    assert secretariat_client.post(url, data).status_code == 302
    assert meeting.participations.get().position == "State Secretary"


def test_participants_page_asks_for_a_position_nothing_records(secretariat_client):
    unknown = PersonFactory(name="Arta Unknown", position_title="")
    meeting = held_on(dt.date(2018, 3, 10), status=Meeting.Status.DRAFT)
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    response = secretariat_client.post(url, formset_data([blank_row(person=unknown.pk, level="ministerial")]))
    assert response.status_code == 200
    errors = response.context["formset"].errors[0]
    assert "Type the position Ms Arta Unknown held at this meeting" in " ".join(errors["position"])
    assert not meeting.participations.exists()


def test_the_model_asks_too_for_the_admin():
    meeting = held_on(dt.date(2018, 3, 10))
    participation = Participation(meeting=meeting, person=PersonFactory(position_title=""))
    with pytest.raises(Exception, match="Type the position"):
        participation.full_clean()


# --- The participants page's rows --------------------------------------------------------------------


def test_the_participants_page_starts_with_one_blank_row_and_a_row_to_copy(secretariat_client, draft_meeting):
    response = secretariat_client.get(reverse("meetings-edit:participants", args=[draft_meeting.slug]))
    formset = response.context["formset"]
    assert len(formset.forms) == 1
    page = response.content.decode()
    assert '<template id="participant-row-template">' in page
    template = page.split('<template id="participant-row-template">', 1)[1].split("</template>", 1)[0]
    assert 'name="form-__prefix__-person"' in template
    assert "Row __number__ (new)" in template
    # The script is a static file (the Content Security Policy allows no inline script), and the
    # "Add a row" button it uses is hidden until it runs; "Add rows" works without it.
    assert '<script src="/static/js/formset-rows.js"></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert re.search(r'<button type="button"[^>]*hidden[^>]*data-formset-add', page)
    assert 'name="add_rows"' in page


def test_add_rows_without_javascript_keeps_the_input(secretariat_client, draft_meeting):
    data = formset_data([blank_row(position="Typed already")]) | {"add_rows": "1"}
    response = secretariat_client.post(reverse("meetings-edit:participants", args=[draft_meeting.slug]), data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 6
    assert 'value="Typed already"' in response.content.decode()
    assert not draft_meeting.participations.exists()


def test_rows_added_in_place_are_saved(secretariat_client, draft_meeting):
    """What the script sends: TOTAL_FORMS counted up, each row under its own index."""
    organisations = [ParticipationFactory().organisation for _ in range(3)]
    rows = [blank_row(organisation=organisation.pk, role="support_group") for organisation in organisations]
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    assert secretariat_client.post(url, formset_data(rows)).status_code == 302
    assert draft_meeting.participations.count() == 3


# --- Sections with nothing in them -------------------------------------------------------------------

MEMBER_SECTIONS = ("minutes", "attendance", "agenda", "documents")


@pytest.fixture
def pdf_sources(monkeypatch):
    sources = []
    real_html = weasyprint.HTML

    def spy(*args, string=None, **kwargs):
        sources.append(string or "")
        return real_html(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return sources


def test_a_record_with_only_a_summary_has_no_empty_sections(make_client, pdf_sources):
    meeting = MeetingFactory(public_summary="The Board met.", minutes="")
    for persona in ("anonymous", "board_member"):
        client = make_client(persona)
        page = client.get(meeting.get_absolute_url()).content.decode()
        client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
        for markup in (page, pdf_sources[-1]):
            assert 'id="follow-up"' not in markup
            assert "Agreed follow-up" not in markup
            for section in MEMBER_SECTIONS:
                assert f'id="{section}"' not in markup
            assert "No agenda is recorded" not in markup
            assert "The full record below is for Board members" not in markup


def test_sections_with_something_in_them_are_there(make_client, pdf_sources):
    meeting = MeetingFactory(minutes="The Board discussed.")
    ActionItemFactory(meeting=meeting, description="Write to the donors")
    AgendaItemFactory(meeting=meeting, position=1)
    ParticipationFactory(meeting=meeting)
    client = make_client("board_member")
    page = client.get(meeting.get_absolute_url()).content.decode()
    client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    for markup in (page, pdf_sources[-1]):
        assert "Write to the donors" in markup
        for section in ("follow-up", "minutes", "attendance", "agenda"):
            assert f'id="{section}"' in markup


def _pages(source: str) -> list[str]:
    """The text of each page of the PDF WeasyPrint lays out from `source` (the body, not the margins)."""
    document = weasyprint.HTML(string=source).render()

    def texts(box) -> list[str]:
        if type(box).__name__ == "MarginBox":
            return []
        found = [box.text] if hasattr(box, "text") else []
        for child in getattr(box, "children", None) or []:
            found += texts(child)
        return found

    return [" ".join(t for t in texts(page._page_box) if t.strip()) for page in document.pages]


def test_the_pdf_of_a_short_record_is_one_page(make_client, pdf_sources):
    meeting = MeetingFactory(public_summary="The Board met in Podgorica and agreed to meet again.")
    response = make_client("anonymous").get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    assert response.content.startswith(b"%PDF")
    # WeasyPrint compresses the page tree (no /Type /Page to count in the file): count the pages it lays out.
    pages = _pages(pdf_sources[-1])
    assert len(pages) == 1
    assert "Generated by the IISG Board Portal" in pdf_sources[-1]


def test_no_page_of_the_pdf_holds_only_the_footer(make_client, pdf_sources):
    """Summaries of every length around a page's end: the last page always has text of the record."""
    client = make_client("anonymous")
    for sentences in range(58, 76, 2):
        meeting = MeetingFactory(public_summary="The Board met and discussed the work plan at length. " * sentences)
        client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
        for number, text in enumerate(_pages(pdf_sources[-1]), start=1):
            assert text.strip(), f"{sentences} sentences: page {number} holds only the margins"
            assert not text.startswith("Generated by"), f"{sentences} sentences: page {number}"


# --- The Secretariat's history -------------------------------------------------------------------------


def test_the_history_reads_local_time_and_reschedules_in_the_meeting_s_zone(secretariat_client):
    # 00:30 in Sarajevo on 1 December is 23:30 UTC on 30 November.
    start = dt.datetime(2027, 12, 1, 0, 30, tzinfo=SARAJEVO)
    meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=5), status=Meeting.Status.DRAFT)
    url = reverse("meetings-edit:reschedule", args=[meeting.slug])
    data = {"date_precision": "day", "start": "2027-12-08T00:30", "end": "2027-12-08T05:30", "reason": "Host"}
    assert secretariat_client.post(url, data).status_code == 302
    # The change itself was made at 23:00 UTC on 30 November: 00:00 on 1 December in the portal's zone.
    reschedule = Reschedule.objects.get(meeting=meeting)
    reschedule.history.update(history_date=dt.datetime(2027, 11, 30, 23, 0, tzinfo=dt.UTC))
    page = text_of(
        secretariat_client.get(reverse("meetings-edit:meeting-history", args=[meeting.slug])).content.decode()
    )
    assert f"Reschedule: {meeting.title}: Wednesday, 1 December 2027" in page
    assert "30 November 2027" not in page
    assert "1 December 2027, 00:00 CET" in page
    assert "+00:00" not in page


# --- The reschedules recorded before -------------------------------------------------------------------


def test_existing_reschedules_are_carried_into_the_calendar_sequence_and_the_schedule():
    migration = importlib.import_module("meetings.migrations.0004_schedule_from_reschedules")
    moved = MeetingFactory()
    RescheduleFactory(meeting=moved)  # announced two weeks earlier: postponed
    RescheduleFactory(meeting=moved, previous_start=moved.start - dt.timedelta(days=7))
    brought_forward = MeetingFactory()
    RescheduleFactory(
        meeting=brought_forward,
        previous_start=brought_forward.start + dt.timedelta(days=7),
        previous_end=brought_forward.end + dt.timedelta(days=7),
    )
    untouched = MeetingFactory()
    # As they were before the migration: no sequence, no schedule.
    Meeting.objects.update(schedule_sequence=0, schedule_status=Meeting.ScheduleStatus.SCHEDULED)
    versions = dict(Meeting.objects.values_list("pk", "version"))
    migration.schedule_from_reschedules(django_apps, None)
    moved.refresh_from_db()
    brought_forward.refresh_from_db()
    untouched.refresh_from_db()
    assert (moved.schedule_sequence, moved.schedule_status) == (2, Meeting.ScheduleStatus.POSTPONED)
    assert (brought_forward.schedule_sequence, brought_forward.schedule_status) == (1, "scheduled")
    assert (untouched.schedule_sequence, untouched.schedule_status) == (0, "scheduled")
    assert dict(Meeting.objects.values_list("pk", "version")) == versions


def test_the_secretariat_is_given_the_occasions_of_meetings_by_the_permissions_table():
    from django.contrib.auth.models import Group, Permission

    from core.roles import sync_group_permissions
    from portal.permissions import ROLE_PERMISSIONS

    occasion = Permission.objects.filter(content_type__model="occasion")
    for group in Group.objects.all():
        group.permissions.remove(*occasion)  # as a database migrated before occasions existed
    sync_group_permissions(ROLE_PERMISSIONS)  # as after the next migrate
    secretariat = Group.objects.get(name="Secretariat").permissions.filter(content_type__model="occasion")
    board = Group.objects.get(name="Board members").permissions.filter(content_type__model="occasion")
    assert sorted(p.codename for p in secretariat) == ["add_occasion", "change_occasion", "view_occasion"]
    assert [p.codename for p in board] == ["view_occasion"]
