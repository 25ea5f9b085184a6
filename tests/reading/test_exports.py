"""iCalendar feeds (RFC 5545, in the meeting's time zone) and the PDF of the record."""

import datetime as dt
import zoneinfo

import pytest
import weasyprint
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from members.models import KOSOVO_FOOTNOTE
from tests.factories import MeetingFactory, RescheduleFactory


def events(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    return list(calendar.walk("VEVENT"))


def test_the_6th_meeting_as_an_all_day_event(client, demo):
    response = client.get(reverse("meetings:meeting-ics", args=[demo.slug]))
    [event] = events(response)
    assert str(event["SUMMARY"]) == demo.title
    # No times were announced: a whole day, DTEND exclusive.
    assert event.decoded("DTSTART") == dt.date(2022, 6, 20)
    assert event.decoded("DTEND") == dt.date(2022, 6, 21)
    assert "Sarajevo, Bosnia and Herzegovina" in str(event["LOCATION"])
    assert str(event["URL"]).endswith(demo.get_absolute_url())
    assert event["UID"] == f"meeting-{demo.pk}@iisg-board-portal"


def test_timed_meeting_in_its_own_time_zone(client, db):
    tz = zoneinfo.ZoneInfo("Europe/Skopje")
    start = dt.datetime(2030, 3, 5, 9, 30, tzinfo=tz)
    meeting = MeetingFactory(
        start=start, end=start + dt.timedelta(hours=7), time_zone="Europe/Skopje", all_day=False, city="Skopje"
    )
    RescheduleFactory(meeting=meeting)
    response = client.get(reverse("meetings:meeting-ics", args=[meeting.slug]))
    [event] = events(response)
    assert event["DTSTART"].params["TZID"] == "Europe/Skopje"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + dt.timedelta(hours=7)
    assert event["SEQUENCE"] == 1  # rescheduled once
    assert b"BEGIN:VTIMEZONE" in response.content
    assert b"TZID:Europe/Skopje" in response.content


def test_feed_of_all_meetings_the_user_may_see(client_for, records):
    # Announced meetings too, as their announcement: the record's state is not said. This one was
    # postponed to a new date: its title no longer says "Postponed:" (the event is at the new date).
    announced = records["announced"].meeting.title
    anonymous = {str(e["SUMMARY"]) for e in events(client_for("anonymous").get(reverse("meetings:meetings-ics")))}
    assert anonymous == {records["published"].meeting.title, announced}
    board = {str(e["SUMMARY"]) for e in events(client_for("board_member").get(reverse("meetings:meetings-ics")))}
    assert board == {records["published"].meeting.title, f"DRAFT: {records['circulated'].meeting.title}", announced}


@pytest.fixture
def pdf_html(monkeypatch):
    sources = []
    real_html = weasyprint.HTML

    def spy(*args, string=None, **kwargs):
        sources.append(string)
        return real_html(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return sources


def test_board_member_downloads_the_minutes_as_pdf(client_for, demo, pdf_html):
    response = client_for("board_member").get(reverse("portal:meeting-pdf", args=[demo.slug]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{demo.slug}-minutes.pdf"'
    assert response.content.startswith(b"%PDF")
    [source] = pdf_html
    # The PDF is laid out from this HTML, and holds the meeting's title in its metadata and on page one.
    assert f"<title>{demo.title}</title>" in source
    assert f"<h1>{demo.title}</h1>" in source
    document = weasyprint.HTML(string=source).render()
    assert document.metadata.title == demo.title
    for part in ['id="attendance"', 'id="agenda"', 'id="decisions"', "Minutes"]:
        assert part in source
    assert source.count(str(KOSOVO_FOOTNOTE)) == 1


def test_public_pdf_is_the_public_record(client, demo, pdf_html):
    response = client.get(reverse("portal:meeting-pdf", args=[demo.slug]))
    assert response["Content-Disposition"] == f'attachment; filename="{demo.slug}-record.pdf"'
    [source] = pdf_html
    assert 'id="decisions"' in source
    assert 'id="attendance"' not in source
    assert 'id="agenda"' not in source


def test_circulated_pdf_is_marked_draft(client_for, records, pdf_html):
    meeting = records["circulated"].meeting
    client_for("board_member").get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    [source] = pdf_html
    assert f"<h1>DRAFT: {meeting.title}</h1>" in source
    assert "DRAFT — not published" in source  # on top of every page


def test_every_page_of_a_draft_says_draft(client_for, records):
    client = client_for("board_member")
    for url in [
        records["circulated"].meeting.get_absolute_url(),
        records["circulated"].decision.get_absolute_url(),
        reverse("decisions:decision-list"),
        reverse("meetings:meeting-list"),
    ]:
        assert "DRAFT" in client.get(url).content.decode(), url


def test_event_has_passed_and_upcoming(client, db):
    MeetingFactory(title="Past meeting")
    soon = timezone.now() + dt.timedelta(days=10)
    MeetingFactory(title="Coming meeting", start=soon, end=soon + dt.timedelta(hours=5))
    page = client.get(reverse("meetings:meeting-list")).content.decode()
    # Upcoming first, then the past, which says so.
    assert page.index("Upcoming meetings") < page.index("Coming meeting") < page.index("Past meetings")
    assert page.index("Past meetings") < page.index("Past meeting<")
    assert page.count("This event has passed.") == 1
