"""
Every calendar the portal serves, read by three independent iCalendar parsers (tests/reading/
calendars.py): the feed of all meetings for each kind of reader, a year of it, a single meeting, the
written procedures' deadlines, and each of them empty. Titles and STATUS follow the schedule as it
stands.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import WrittenProcedure
from meetings import services
from meetings.models import Meeting
from members.models import DatePrecision
from tests.factories import MeetingFactory, OccasionFactory, WrittenProcedureFactory
from tests.reading.calendars import read_calendar

FEED = reverse("meetings:meetings-ics")
DEADLINES = reverse("decisions:procedures-ics")
PERSONAS = ("anonymous", "board_member", "secretariat")


def body(client, url, **params) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


@pytest.fixture
def schedule(records, secretariat):
    """Beside the records: meetings announced, then postponed, dated again, cancelled; one for a month; an old one."""
    soon = timezone.now() + dt.timedelta(days=60)

    def announced(title, **fields):
        meeting = MeetingFactory(title=title, start=soon, end=soon + dt.timedelta(hours=5), status="draft", **fields)
        return services.announce_meeting(meeting=meeting, user=secretariat)

    pending = announced("Pendingqx meeting")
    services.reschedule_meeting(meeting=pending, new_date_pending=True, reason="Elections.", user=secretariat)
    dated = announced("Datedqx meeting", occasion=OccasionFactory(), occasion_relation="alongside")
    services.reschedule_meeting(meeting=dated, new_date_pending=True, reason="Elections.", user=secretariat)
    later = soon + dt.timedelta(days=90)
    services.reschedule_meeting(meeting=dated, start=later, end=later + dt.timedelta(hours=5), user=secretariat)
    cancelled = announced("Cancelledqx meeting")
    services.cancel_meeting(meeting=cancelled, reason="No quorum.", user=secretariat)
    month = MeetingFactory(title="Monthqx meeting", start=soon, end=soon, date_precision=DatePrecision.MONTH)
    month.full_clean()
    month.save()
    old = MeetingFactory(
        title="Oldqx meeting",
        start=timezone.make_aware(dt.datetime(2015, 3, 4, 10)),
        end=timezone.make_aware(dt.datetime(2015, 3, 4, 16)),
        time_zone="Europe/Skopje",
    )
    return {"pending": pending, "dated": dated, "cancelled": cancelled, "month": month, "old": old}


def summaries(events) -> dict[str, tuple[str, str]]:
    """{title word: (SUMMARY, STATUS)} of the events of the schedule fixture."""
    found = {}
    for _uid, summary, status, *_ in events:
        for word in ("Pendingqx", "Datedqx", "Cancelledqx", "Monthqx", "Oldqx"):
            if word in summary:
                found[word] = (summary, status)
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_meetings_feed_reads_alike_in_three_parsers(client_for, personas, schedule, persona):
    client = client_for(persona)
    window = read_calendar(body(client, FEED))
    # Announced, their records drafts: the Secretariat reads the records, marked DRAFT.
    draft = "DRAFT: " if persona == "secretariat" else ""
    assert summaries(window) == {
        "Pendingqx": (f"Postponed: {draft}Pendingqx meeting", "TENTATIVE"),
        "Datedqx": (f"{draft}Datedqx meeting", "CONFIRMED"),
        "Cancelledqx": (f"Cancelled: {draft}Cancelledqx meeting", "CANCELLED"),
        "Monthqx": ("Monthqx meeting", "TENTATIVE"),
    }
    [old] = read_calendar(body(client, FEED, year="2015"))
    assert old[1:] == (
        "Oldqx meeting",
        "CONFIRMED",
        0,
        dt.datetime(2015, 3, 4, 9, tzinfo=dt.UTC),
        dt.datetime(2015, 3, 4, 15, tzinfo=dt.UTC),
    )
    # Each meeting's own calendar, for every meeting the reader may list.
    listable = Meeting.objects.listable_by(personas[persona])
    assert listable.count() == len(window) + 1  # the old meeting is outside the window
    for meeting in listable:
        [event] = read_calendar(body(client, reverse("meetings:meeting-ics", args=[meeting.slug])))
        assert event[0] == f"meeting-{meeting.pk}@iisg-board-portal"


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_empty_feed_is_still_a_calendar(client_for, db, persona):
    client = client_for(persona)
    for content in (body(client, FEED), body(client, FEED, year="1995"), body(client, DEADLINES)):
        assert read_calendar(content) == []
        # The component RFC 5545 asks for: the portal's time zone.
        assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Sarajevo\r\n" in content


def test_the_deadlines_feed_reads_alike_in_three_parsers(client_for, db, settings):
    deadline = timezone.make_aware(dt.datetime(2030, 5, 6, 17))
    procedure = WrittenProcedureFactory(
        title="Adoption of the work plan – Kosovo* and Đakovica",
        deadline=deadline,
        stage=WrittenProcedure.Stage.OPEN,
        status="circulated",
        launched_at=timezone.now(),
    )
    [event] = read_calendar(body(client_for("board_member"), DEADLINES))
    assert event == (
        f"procedure-{procedure.pk}-deadline@iisg-board-portal",
        f"Deadline: written procedure {procedure.reference} — Adoption of the work plan – Kosovo* and Đakovica",
        "CONFIRMED",
        procedure.version,
        deadline - dt.timedelta(minutes=30),
        deadline,
    )
    # The public sees no open procedure: an empty calendar, still a valid one.
    assert read_calendar(body(client_for("anonymous"), DEADLINES)) == []


def test_a_postponed_meeting_given_its_new_date_is_no_longer_called_postponed(client, schedule):
    dated = schedule["dated"]
    [event] = read_calendar(body(client, reverse("meetings:meeting-ics", args=[dated.slug])))
    _uid, summary, status, sequence, start, _end = event
    assert (summary, status, sequence) == ("Datedqx meeting", "CONFIRMED", 2)
    assert start == Meeting.objects.get(pk=dated.pk).start.replace(microsecond=0)
    # Its description still says what happened to the dates.
    assert b"Postponed: announced before for" in body(client, reverse("meetings:meeting-ics", args=[dated.slug]))
