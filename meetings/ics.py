"""
Meetings as iCalendar (RFC 5545), in each meeting's own time zone, with the icalendar library.

Each meeting is one event for good (its UID); a postponement, a new date or a cancellation is a new
version of it (SEQUENCE counts up), which calendar clients take in place of the one they hold. Dates
known only to the month or year are an all-day span over it, tentative, and say so.

The feed of all meetings (`/meetings.ics`) covers a window: the meetings to come and those of the
last WINDOW_DAYS; older ones come per year (`?year=2019`). It answers conditional requests
(ETag, Last-Modified → 304) with validators drawn from the rows the reader may see (`validators()`):
they differ between readers who see different things, so a member's feed's validators never match
the public's. The calendar is assembled from an iterable of events (`feed()`), so that other
entries (deadlines) can join the meetings' events.

A feed's body is kept in the cache under its ETag and the site's address (`cached_feed()`), so that
a repeated request costs the validators' query and one cache read, not 180 events serialised. The
ETag already names everything the body depends on: which rows and texts the reader gets (the
states they may read and whether they read as a member, never who they are), the language, the
window's day or the year, the rows' facts, and the site's generation, which every saved change
renews (core.pagecache). So a body is only ever served to readers of the same kind, and a change
is seen at once. Without the page cache (no Redis) there is no generation: nothing is kept.
"""

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from core import pagecache
from core.dates import format_at_precision
from core.links import web_url
from core.roles import is_board_member
from core.text import multi_line, one_line
from core.workflow import RecordStatus, visible_statuses
from meetings.models import Meeting

# The feed's window: meetings to come, and those that started within this many days.
WINDOW_DAYS = 2 * 365
# How long the first time a version of the feed was served is kept (then it counts from anew: a 200).
FIRST_SERVED_SECONDS = 7 * 24 * 3600
# ?year= outside these is no year of the record.
YEARS = range(1990, 2101)

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
    # A calendar shows an address in the text as a link: only an http or https one (core.links).
    link = web_url(occasion.url)
    return f"{sentence} {link}" if link else sentence


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


def feed(events: Iterable[Event], name: str) -> bytes:
    """A VCALENDAR of `events` (meetings' events, and any other entries), with the time zones they use."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    for event in events:
        cal.add_component(event)
    # VTIMEZONE components for each TZID used, so that clients read the local times right.
    position = len(cal.timezones)
    for tzid in sorted(cal.get_missing_tzids()):
        timezone_component = vtimezone(tzid)
        if timezone_component is not None:
            cal.subcomponents.insert(position, timezone_component)
            position += 1
    return cal.to_ical()


@functools.lru_cache(maxsize=128)
def vtimezone(tzid: str) -> Timezone | None:
    """
    The VTIMEZONE of `tzid` (None for one unknown), as Calendar.add_missing_timezones() makes it: its
    transitions from 1970 to 2038 are worked out offset by offset, milliseconds per time zone (the
    feed's ten zones took more than half of its time), and depend on nothing but the zone. Kept per
    process; the component is only read (serialised) after.
    """
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None


def calendar(meetings, build_url, name: str) -> bytes:
    """A VCALENDAR of `meetings`; build_url(meeting) gives each meeting's absolute URL."""
    return feed((meeting_event(meeting, build_url(meeting)) for meeting in meetings), name)


def requested_year(request) -> int | None:
    """The year asked for with ?year=YYYY, or None (the window) for none or anything else."""
    value = request.GET.get("year", "").strip()
    if value.isdigit() and int(value) in YEARS:
        return int(value)
    return None


def in_window(meetings, year: int | None = None, now=None):
    """`meetings` of `year`, or without a year those to come and those of the last WINDOW_DAYS."""
    if year is not None:
        return meetings.filter(start__year=year)
    now = now or timezone.now()
    return meetings.filter(
        Q(start__gte=now - dt.timedelta(days=WINDOW_DAYS)) | Q(end__gte=now) | Q(new_date_pending=True)
    )


def _reader(user) -> str:
    """What decides which rows and texts a reader gets: the states they may read, and whether they read as a member."""
    statuses = visible_statuses(user)
    return (
        f"{'all' if statuses is None else ','.join(sorted(statuses))};{'member' if is_board_member(user) else 'public'}"
    )


def cached_feed(etag: str, origin: str, build: Callable[[], bytes]) -> bytes:
    """
    The feed's body for `etag` (validators()) with URLs starting with `origin`: from the cache, or
    built by `build()` and kept for core.pagecache's PAGE_CACHE_SECONDS. The ETag is made before the
    body is built, and holds the site's generation: a body stored under it was built from data at
    least as new as that generation (core.pagecache, rule 3).
    """
    if not pagecache.enabled():
        return build()
    key = "ics-feed:" + hashlib.sha256(f"{etag}|{origin}".encode()).hexdigest()
    cache = caches["default"]
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, timeout=settings.PAGE_CACHE_SECONDS)
    return body


def validators(user, meetings, year: int | None) -> tuple[str, dt.datetime | None]:
    """
    (ETag, Last-Modified) of the feed of `meetings` (what `user` may list, in the window or the year),
    from one aggregate query: the rows' count, their last change and calendar sequences, their
    occasions' and reschedules' last rows, with the reader's kind, the language and the day (the
    window moves with it), and the public page cache's generation, which any saved change renews
    (core.pagecache: an occasion renamed, say, which no meeting row shows). A change of any of these
    gives another ETag.
    """
    facts = meetings.order_by().aggregate(
        count=Count("pk", distinct=True),
        changed=Max("updated_at"),
        sequences=Sum("schedule_sequence"),
        occasions=Max("occasion_id"),
        reschedules=Max("reschedules__pk"),
        ids=Sum("pk"),
    )
    day = timezone.localdate().isoformat()
    generation = pagecache.current_generation() if pagecache.enabled() else ""
    if generation is None:
        # The cache keeps no generation (unreachable): no change can be told apart, so this ETag
        # matches nothing, neither a client's copy (no 304) nor a kept body (cached_feed()).
        generation = "none-" + secrets.token_hex(8)
    key = f"{_reader(user)}|{get_language()}|{year or day}|{generation}|{sorted(facts.items())}"
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    # Last-Modified: when this version of the feed was first served (kept beside its ETag), and never
    # before its rows' last change. A meeting that left the window or was deleted changes the ETag
    # but not the rows' last change: a client asking only If-Modified-Since must not get a 304 then.
    first_served_key = f"ics-first-served:{etag}"
    caches["default"].add(first_served_key, timezone.now(), timeout=FIRST_SERVED_SECONDS)
    first_served = caches["default"].get(first_served_key) or timezone.now()
    changed = facts["changed"]
    return etag, max(first_served, changed) if changed else first_served
