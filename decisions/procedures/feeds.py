"""
The deadlines of written procedures as iCalendar (RFC 5545): one event at each open procedure's
deadline. A feed of its own (/procedures/deadlines.ics), beside the meetings' calendar
(meetings/ics.py, a lower layer that knows nothing of procedures), assembled by its `feed()`: with no
open procedure the calendar still holds a component (the portal zone's VTIMEZONE), as RFC 5545 asks.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from core.text import multi_line, one_line
from meetings.ics import feed

PRODID = "-//IISG Board Portal//Written procedures//EN"
UID_DOMAIN = "iisg-board-portal"


def deadline_event(procedure, url: str) -> Event:
    event = Event()
    event.add("uid", f"procedure-{procedure.pk}-deadline@{UID_DOMAIN}")
    # When the procedure last changed, not the request's time: the same data gives the same bytes.
    event.add("dtstamp", procedure.updated_at.astimezone(dt.UTC))
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
    events = (deadline_event(procedure, build_url(procedure.get_absolute_url())) for procedure in procedures)
    return feed(events, _("IISG written procedure deadlines"), prodid=PRODID)
