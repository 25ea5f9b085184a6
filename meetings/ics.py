"""
Meetings as iCalendar (RFC 5545), in each meeting's own time zone, with the icalendar library.

Each meeting is one event for good (its UID); a postponement, a new date or a cancellation is a new
version of it (SEQUENCE counts up), which calendar clients take in place of the one they hold. Dates
known only to the month or year are an all-day span over it, tentative, and say so.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.dates import format_at_precision
from core.text import multi_line, one_line
from core.workflow import RecordStatus
from meetings.models import Meeting

PRODID = "-//IISG Board Portal//Meetings//EN"
UID_DOMAIN = "iisg-board-portal"


def event_status(meeting: Meeting) -> str:
    """
    CANCELLED; TENTATIVE while the day is not known (a month, a year, a new date to be announced) or
    while only a draft record exists that was not announced; else CONFIRMED.
    """
    if meeting.is_cancelled:
        return "CANCELLED"
    if meeting.new_date_pending or not meeting.dates_are_exact:
        return "TENTATIVE"
    if meeting.record_status == RecordStatus.PUBLISHED or meeting.is_announced:
        return "CONFIRMED"
    return "TENTATIVE"


def schedule_note(meeting: Meeting) -> str:
    """Postponed or cancelled, with the reason: the first thing the event's description says."""
    if meeting.is_cancelled:
        note = _("Cancelled.")
        if meeting.cancellation_reason:
            note += " " + _("Reason: %(reason)s") % {"reason": meeting.cancellation_reason}
        return note
    if not meeting.is_postponed:
        return ""
    reschedules = list(meeting.reschedules.all())
    first = reschedules[0] if reschedules else None
    if meeting.new_date_pending:
        note = _("Postponed: new date to be announced.")
    elif first is not None:
        note = _("Postponed: announced before for %(dates)s.") % {"dates": first.previous_dates}
    else:
        note = _("Postponed.")
    reasons = [reschedule.reason for reschedule in reschedules if reschedule.reason]
    if reasons:
        note += " " + _("Reason: %(reason)s") % {"reason": reasons[-1]}
    return note


def occasion_sentence(meeting: Meeting) -> str:
    """ "Held back-to-back with the Salzburg Forum Ministerial Conference, Ljubljana, 12-13 May 2022." """
    occasion = meeting.occasion
    if occasion is None:
        return ""
    parts = [occasion.name, occasion.place, occasion.dates_label]
    text = ", ".join(part for part in parts if part)
    sentence = f"{meeting.get_occasion_relation_display()} {text}."
    sentence = sentence[:1].upper() + sentence[1:]
    return f"{sentence} {occasion.url}" if occasion.url else sentence


def meeting_event(meeting: Meeting, url: str) -> Event:
    """
    One VEVENT: the announcement of the meeting (title, dates as far as known, place, format, occasion,
    postponement or cancellation) and, where the reader may read the record, its public summary.
    Texts are cleaned of control characters (RFC 5545 allows none in a value; rows saved before the
    input refused them may hold some), and one-line properties of line breaks.
    """
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now())
    if not meeting.dates_are_exact or meeting.all_day:
        # Whole days (the month or year when only those are known); DTEND exclusive (RFC 5545, 3.6.1).
        event.add("dtstart", meeting.local_start.date())
        event.add("dtend", meeting.local_end.date() + dt.timedelta(days=1))
    else:
        event.add("dtstart", meeting.local_start)
        event.add("dtend", meeting.local_end)
    summary = one_line(meeting.title)
    if meeting.is_draft:
        summary = _("DRAFT: %(title)s") % {"title": summary}
    if meeting.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": summary}
    elif meeting.is_postponed:
        summary = _("Postponed: %(title)s") % {"title": summary}
    event.add("summary", summary)
    if meeting.place:
        event.add("location", one_line(meeting.place))
    precision_note = ""
    if not meeting.dates_are_exact and not meeting.new_date_pending:
        precision_note = _("The day is not known yet: announced for %(when)s.") % {
            "when": format_at_precision(meeting.local_start.date(), meeting.date_precision)
        }
    parts = (
        one_line(schedule_note(meeting)),
        precision_note,
        one_line(occasion_sentence(meeting)),
        multi_line(meeting.summary_as_listed),
        _("Format: %(format)s") % {"format": meeting.get_format_display()},
        url,
    )
    event.add("description", "\n\n".join(part for part in parts if part))
    event.add("url", url)
    event.add("status", event_status(meeting))
    # Counted up with every change of the dates or the schedule: clients replace the event they hold.
    event.add("sequence", meeting.schedule_sequence)
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
