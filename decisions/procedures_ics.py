"""
The deadlines of written procedures as iCalendar (RFC 5545): one event at each open procedure's
deadline. A feed of its own (/procedures/deadlines.ics), beside the meetings' calendar
(meetings/ics.py, a lower layer that knows nothing of procedures).
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.text import multi_line, one_line

PRODID = "-//IISG Board Portal//Written procedures//EN"
UID_DOMAIN = "iisg-board-portal"


def deadline_event(procedure, url: str) -> Event:
    event = Event()
    event.add("uid", f"procedure-{procedure.pk}-deadline@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now())
    deadline = timezone.localtime(procedure.deadline)
    # A point in time: a 30-minute slot ending at the deadline, so that calendars show it on the day.
    event.add("dtstart", deadline - dt.timedelta(minutes=30))
    event.add("dtend", deadline)
    event.add(
        "summary",
        _("Deadline: written procedure %(reference)s — %(title)s")
        % {"reference": procedure.reference, "title": one_line(procedure.title)},
    )
    event.add("description", "\n\n".join([multi_line(procedure.get_kind_display()), url]))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    event.add("sequence", procedure.version)
    return event


def deadlines_calendar(procedures, build_url) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("IISG written procedure deadlines"))
    for procedure in procedures:
        cal.add_component(deadline_event(procedure, build_url(procedure.get_absolute_url())))
    cal.add_missing_timezones()
    return cal.to_ical()
