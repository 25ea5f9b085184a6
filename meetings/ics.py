"""Meetings as iCalendar (RFC 5545), in each meeting's own time zone, with the icalendar library."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.text import multi_line, one_line
from meetings.models import Meeting

PRODID = "-//IISG Board Portal//Meetings//EN"
UID_DOMAIN = "iisg-board-portal"


def meeting_event(meeting: Meeting, url: str) -> Event:
    """
    One VEVENT: only the public part of the record (title, dates, place, format, public summary).
    Texts are cleaned of control characters (RFC 5545 allows none in a value; rows saved before the
    input refused them may hold some), and one-line properties of line breaks.
    """
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now())
    if meeting.all_day:
        # No times were announced: whole days, DTEND exclusive (RFC 5545, 3.6.1).
        event.add("dtstart", meeting.local_start.date())
        event.add("dtend", meeting.local_end.date() + dt.timedelta(days=1))
    else:
        event.add("dtstart", meeting.local_start)
        event.add("dtend", meeting.local_end)
    summary = one_line(meeting.title)
    if meeting.is_draft:
        summary = _("DRAFT: %(title)s") % {"title": summary}
    event.add("summary", summary)
    if meeting.place:
        event.add("location", one_line(meeting.place))
    description = "\n\n".join(
        part
        for part in (
            multi_line(meeting.public_summary),
            _("Format: %(format)s") % {"format": meeting.get_format_display()},
            url,
        )
        if part
    )
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CONFIRMED" if meeting.status == Meeting.Status.PUBLISHED else "TENTATIVE")
    # Each reschedule is a new version of the event for calendar clients.
    event.add("sequence", len(meeting.reschedules.all()))
    return event


def calendar(meetings, build_url, name: str) -> bytes:
    """A VCALENDAR of `meetings`; build_url(meeting) gives each meeting's absolute URL."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, build_url(meeting)))
    # VTIMEZONE components for each TZID used, so that clients read the local times right.
    cal.add_missing_timezones()
    return cal.to_ical()
