"""
Reading an iCalendar feed as calendar programs do: with three independent parsers, each strict, and
the rules of RFC 5545 that none of them checks (a calendar holds at least one component; content
lines end with CRLF and fold at 75 octets).

- icalendar (collective/icalendar, what the portal writes with): a property it cannot read is kept in
  the component's `errors`, which must stay empty.
- ical (allenporter/ical, Home Assistant's calendar): a pydantic model of RFC 5545, which refuses a
  value of the wrong type, an event without DTSTAMP or UID, an end before the start.
- vobject (py-vobject): its own parser, with `validate=True` (required properties, their counts).

They must agree on every event: UID, SUMMARY, STATUS, SEQUENCE, DTSTART and DTEND (as instants in
UTC, or as days for all-day events).
"""

import datetime as dt
import re

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

# RFC 5545 3.6: a component is one of these (or an IANA or X- one); a calendar needs one or more.
COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE")


def _moment(value):
    """An instant in UTC, or a day (an all-day event); floating times are refused."""
    if isinstance(value, dt.datetime):
        assert value.tzinfo is not None, f"a floating time: {value}"
        return value.astimezone(dt.UTC)
    assert isinstance(value, dt.date), value
    return value


def check_rfc5545(body: bytes) -> None:
    """What the parsers let through: line ends, line length, the calendar's frame and its one component at least."""
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "a line not delimited by CRLF"
    assert all(len(line) <= 75 for line in lines), "a content line longer than 75 octets"
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert lines[-1] == b"END:VCALENDAR"
    unfolded = re.sub(rb"\r\n[ \t]", b"", body).decode("utf-8")
    assert "\nVERSION:2.0\r" in unfolded
    assert "\nPRODID:" in unfolded
    begun = re.findall(r"^BEGIN:(\S+)\r$", unfolded, flags=re.MULTILINE)
    assert [name for name in begun if name in COMPONENTS], "a calendar with no component (RFC 5545, 3.6)"


def _by_icalendar(body: bytes) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    return [
        (
            str(event["UID"]),
            str(event["SUMMARY"]),
            str(event["STATUS"]),
            int(event["SEQUENCE"]),
            _moment(event.decoded("DTSTART")),
            _moment(event.decoded("DTEND")),
        )
        for event in calendar.walk("VEVENT")
    ]


def _by_ical(body: bytes) -> list[tuple]:
    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return [
        (
            event.uid,
            event.summary,
            str(event.status.value),
            event.sequence,
            _moment(event.dtstart),
            _moment(event.dtend),
        )
        for event in calendar.events
    ]


def _by_vobject(body: bytes) -> list[tuple]:
    calendar = vobject.readOne(body.decode("utf-8"), validate=True)
    return [
        (
            event.uid.value,
            event.summary.value,
            event.status.value,
            int(event.sequence.value),
            _moment(event.dtstart.value),
            _moment(event.dtend.value),
        )
        for event in getattr(calendar, "vevent_list", [])
    ]


def read_calendar(body: bytes) -> list[tuple]:
    """
    The events of `body` as (UID, SUMMARY, STATUS, SEQUENCE, DTSTART, DTEND), the same for all three
    parsers, after the RFC's frame is checked; in the feed's order.
    """
    check_rfc5545(body)
    events = _by_icalendar(body)
    for name, read in (("ical", _by_ical), ("vobject", _by_vobject)):
        other = read(body)
        assert other == events, f"{name} reads {set(other) - set(events)}, icalendar {set(events) - set(other)}"
    return events
