"""
Meetings as iCalendar (RFC 5545), in each meeting's own time zone, with the icalendar library.

Each meeting is one event for good (its UID); a postponement, a new date or a cancellation is a new
version of it (SEQUENCE counts up), which calendar clients take in place of the one they hold. Dates
known only to the month or year are an all-day span over it, tentative, and say so. Titles and STATUS
say the schedule as it stands: "Cancelled:", "Postponed:" while the new date is to be announced (not
once it is given: the event is then at its new date, and its description says it was postponed).

The feed of all meetings (`/meetings.ics`) covers a window: the meetings to come and those of the
last WINDOW_DAYS (counted from the start of today, so that the window moves once a day); older ones
come per year (`?year=2019`). A calendar with no event still holds one component, as RFC 5545 asks:
the VTIMEZONE of the portal's zone.

Conditional requests (ETag, Last-Modified → 304) are answered from the data, never the clock, with or
without Redis (`feed_version()`): both validators are drawn from what the reader's feed shows and from
what the reader could list before — each row's projection as they read it (a record, or only its
announcement), when it last changed *as they read it*, and when a meeting they could list left their
feed (unpublished, deleted, moved out of the year, aged out of the window). A draft nobody of that
audience may see changes neither validator, and neither does a change to a record's part the reader
reads only as an announcement: the validators must not tell a reader that work goes on where they
cannot look. DTSTAMP is each event's last change as the reader reads it, so one ETag is one body.

A feed's body is kept in the cache under its ETag and the site's address (`cached_feed()`), so that a
repeated request costs the rows' queries and one cache read, not 180 events serialised. The ETag
names everything the body depends on (the reader's kind, the language, every row's facts as shown
and their change times), so a body is only ever served to readers who would get the same one.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core import pagecache
from core.dates import format_at_precision
from core.links import web_url
from core.roles import is_board_member
from core.text import multi_line, one_line
from core.workflow import RecordStatus, visible_statuses
from meetings.models import ANNOUNCED_FIELDS, Meeting, Occasion, Reschedule
from meetings.vtimezones import vtimezone

# The feed's window: meetings to come, and those that started within this many days.
WINDOW_DAYS = 2 * 365
# ?year= outside these is no year of the record.
YEARS = range(1990, 2101)

PRODID = "-//IISG Board Portal//Meetings//EN"
UID_DOMAIN = "iisg-board-portal"

# What an announcement shows, compared version by version in the meeting's history (the SEQUENCE is
# not kept there: it moves only with a reschedule, whose own history says when).
_ANNOUNCEMENT_FIELDS = tuple(name for name in ANNOUNCED_FIELDS if name not in ("id", "schedule_sequence"))


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


def event_title(meeting: Meeting) -> str:
    """
    The event's SUMMARY as the schedule stands: "Cancelled: …"; "Postponed: …" only while the new
    date is to be announced — once it is given the event is at its new date, and calendars must not
    keep saying it is off. A record not yet published is marked DRAFT for those who may read it.
    """
    summary = one_line(meeting.title)
    if meeting.is_draft:
        summary = _("DRAFT: %(title)s") % {"title": summary}
    if meeting.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": summary}
    elif meeting.new_date_pending:
        summary = _("Postponed: %(title)s") % {"title": summary}
    return summary


def meeting_event(meeting: Meeting, url: str, stamp: dt.datetime | None = None) -> Event:
    """
    One VEVENT: the announcement of the meeting (title, dates as far as known, place, format, occasion,
    postponement or cancellation) and, where the reader may read the record, its public summary.
    Texts are cleaned of control characters (RFC 5545 allows none in a value; rows saved before the
    input refused them may hold some), and one-line properties of line breaks. `stamp` (DTSTAMP): when
    the event last changed as the reader reads it (feed_version()), so that the same data gives the
    same bytes.
    """
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    if not meeting.dates_are_exact or meeting.all_day:
        # Whole days (the month or year when only those are known); DTEND exclusive (RFC 5545, 3.6.1).
        event.add("dtstart", meeting.local_start.date())
        event.add("dtend", meeting.local_end.date() + dt.timedelta(days=1))
    else:
        event.add("dtstart", meeting.local_start)
        event.add("dtend", meeting.local_end)
    event.add("summary", event_title(meeting))
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


def feed(events: Iterable[Event], name: str, prodid: str = PRODID) -> bytes:
    """
    A VCALENDAR of `events` (meetings' events, and any other entries), with the time zones they use.
    With no event, it holds the VTIMEZONE of the portal's zone: RFC 5545 (3.6) wants at least one
    component in a calendar (an empty VCALENDAR fails strict validators), and a time zone is one that
    says nothing of the record and that calendar programs only keep for the events that name it.
    """
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    for event in events:
        cal.add_component(event)
    # VTIMEZONE components for each TZID used, so that clients read the local times right: as Outlook
    # and Google write them, with yearly rules and no RDATE (meetings.vtimezones).
    position = len(cal.timezones)
    for tzid in sorted(cal.get_missing_tzids()):
        timezone_component = vtimezone(tzid)
        if timezone_component is not None:
            cal.subcomponents.insert(position, timezone_component)
            position += 1
    if not cal.subcomponents:
        cal.add_component(vtimezone(settings.TIME_ZONE) or vtimezone("UTC"))
    return to_ical(cal)


# RFC 5545 (3.1): lines of at most 75 octets; icalendar folds them before, not at, the 75th.
FOLD_LIMIT = 75


def fold(line: str) -> str:
    """
    `line` folded as icalendar 7 folds it (Contentline.to_ical): a CRLF and a space before the octet that
    would make the line 75 long, never splitting a character, nor a backslash or caret escape from what it
    escapes. The same text, byte for byte; icalendar looks at each character's UTF-8 length in turn, which
    cost the 180-meeting calendar 84 ms.
    """
    if len(line) < FOLD_LIMIT and (line.isascii() or len(line.encode()) < FOLD_LIMIT):
        return line
    chunks: list[str] = []
    start = 0
    if line.isascii():  # one octet per character: cut by slicing
        while len(line) - start >= FOLD_LIMIT:
            end = start + FOLD_LIMIT - 1
            if end - start > 1 and line[end - 1] in "\\^":
                end -= 1
            chunks.append(line[start:end])
            start = end
        chunks.append(line[start:])
        return "\r\n ".join(chunks)
    count = 0  # octets from start
    for index, char in enumerate(line):
        size = 1 if char < "\x80" else len(char.encode())
        if index > start and count + size >= FOLD_LIMIT:
            if index - start > 1 and line[index - 1] in "\\^":
                chunks.append(line[start : index - 1])
                start = index - 1
                count = 1
            else:
                chunks.append(line[start:index])
                start = index
                count = 0
        count += size
    chunks.append(line[start:])
    return "\r\n ".join(chunks)


def to_ical(component) -> bytes:
    """`component.to_ical()` (icalendar 7: its content lines, folded, CRLF after each), with fold() above."""
    return b"".join(fold(line).encode() + b"\r\n" for line in component.content_lines() if line)


def calendar(meetings, build_url, name: str, stamps: dict[int, dt.datetime] | None = None) -> bytes:
    """A VCALENDAR of `meetings`; build_url(meeting) gives each meeting's absolute URL, `stamps` their DTSTAMPs."""
    stamps = stamps or {}
    return feed((meeting_event(meeting, build_url(meeting), stamps.get(meeting.pk)) for meeting in meetings), name)


def requested_year(request) -> int | None:
    """The year asked for with ?year=YYYY, or None (the window) for none or anything else."""
    value = request.GET.get("year", "").strip()
    if value.isdigit() and int(value) in YEARS:
        return int(value)
    return None


def today_start() -> dt.datetime:
    """The start of today in the portal's zone: the window moves once a day, so one day's feed is one version."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))


def in_window(meetings, year: int | None = None, now=None):
    """
    `meetings` of `year`, or without a year those to come and those of the last WINDOW_DAYS, counted
    from `now` (the start of today by default). Works on a meeting's history as well (the same fields).
    """
    if year is not None:
        return meetings.filter(start__year=year)
    return meetings.filter(_window(now or today_start()))


def _window(now: dt.datetime) -> Q:
    return Q(start__gte=now - dt.timedelta(days=WINDOW_DAYS)) | Q(end__gte=now) | Q(new_date_pending=True)


def _reader(user) -> str:
    """What decides which rows and texts a reader gets: the states they may read, and whether they read as a member."""
    statuses = visible_statuses(user)
    return (
        f"{'all' if statuses is None else ','.join(sorted(statuses))};{'member' if is_board_member(user) else 'public'}"
    )


def cached_feed(etag: str, origin: str, build: Callable[[], bytes]) -> bytes:
    """
    The feed's body for `etag` (feed_version()) with URLs starting with `origin`: from the cache, or
    built by `build()` and kept for core.pagecache's PAGE_CACHE_SECONDS (which also bounds a body kept
    by the previous version of the code). The ETag names everything the body is built from.
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


# --- Validators from the data ---------------------------------------------------------------------


@dataclass(frozen=True)
class FeedVersion:
    """A feed's validators, and each event's DTSTAMP (its meeting's last change as the reader reads it)."""

    etag: str
    last_modified: dt.datetime | None
    stamps: dict[int, dt.datetime]


def feed_rows(meetings) -> list[Meeting]:
    """
    The rows of a feed (`meetings`: what the reader may list, listable_by), oldest first, with what
    their events show and when what they show last changed: the row, its occasion and its reschedules
    (their histories: an edit or a deletion in the admin counts too).
    """
    occasion_history = Occasion.history.model.objects.filter(id=OuterRef("occasion_id"))
    reschedule_history = Reschedule.history.model.objects.filter(meeting_id=OuterRef("pk"))
    return list(
        meetings.for_listing()
        .annotate(
            row_updated=F("updated_at"),
            occasion_changed=Subquery(occasion_history.order_by("-history_date").values("history_date")[:1]),
            reschedules_changed=Subquery(reschedule_history.order_by("-history_date").values("history_date")[:1]),
        )
        .order_by("start", "pk")
    )


def feed_version(user, rows: list[Meeting], *, listable=None, year: int | None = None) -> FeedVersion:
    """
    The validators of the feed of `rows` (feed_rows()) for `user`. With `listable` (what the user may
    list, before the window or year), a feed of many meetings: the moments a meeting the user could
    list left it count as changes too (Last-Modified must move then, or a client asking only
    If-Modified-Since keeps a meeting that was withdrawn).
    """
    stamps = _changes(user, rows)
    moments = list(stamps.values())
    if listable is not None:
        now = today_start()
        moments.append(_departed(user, in_window(listable, year, now), year, now))
        if year is None:
            moments.append(_aged_out(listable, now))
    moments = [moment for moment in moments if moment is not None]
    last_modified = max(moments) if moments else None
    facts = [_shown(meeting, stamps[meeting.pk]) for meeting in rows]
    key = f"{_reader(user)}|{get_language()}|{last_modified and last_modified.isoformat()}|{facts!r}"
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    return FeedVersion(etag=etag, last_modified=last_modified, stamps=stamps)


def _shown(meeting: Meeting, stamp: dt.datetime) -> tuple:
    """Everything the event of `meeting` is built from: its announcement, the record's state and summary where read."""
    occasion = meeting.occasion
    return (
        meeting.pk,
        tuple(getattr(meeting, Meeting._meta.get_field(name).attname) for name in ANNOUNCED_FIELDS),
        meeting.record_status,
        meeting.summary_as_listed,
        occasion and (occasion.pk, occasion.name, occasion.place, occasion.url, occasion.start_date, occasion.end_date),
        tuple(
            (r.pk, r.previous_start, r.previous_end, r.previous_precision, r.new_date_pending, r.reason, r.created_at)
            for r in meeting.reschedules.all()
        ),
        stamp,
    )


def _changes(user, rows: list[Meeting]) -> dict[int, dt.datetime]:
    """
    When each row last changed as `user` reads it: a record they may open, at its last save; a meeting
    they read only as its announcement, when the announcement last changed (its history: a save of
    the record's other fields is not a change of the announcement); and the occasion's and the
    reschedules' last change.
    """
    since = _announcement_since(visible_statuses(user), [meeting for meeting in rows if meeting.is_announcement_only])
    changes = {}
    for meeting in rows:
        moments = [
            since.get(meeting.pk, meeting.row_updated),
            meeting.occasion_changed,
            meeting.reschedules_changed,
            *(reschedule.created_at for reschedule in meeting.reschedules.all()),
        ]
        changes[meeting.pk] = max(moment for moment in moments if moment is not None)
    return changes


def _announcement_since(statuses, rows: list[Meeting]) -> dict[int, dt.datetime]:
    """
    For meetings read only as their announcement: since when each has read as it does now, walking
    its history back while each version shows the same announcement and no record to this reader
    (a version they could read as a record was another feed entry for them). A row whose latest
    version differs (a write that kept no history) is left out: its last save counts then.
    """
    if not rows:
        return {}
    current = {
        meeting.pk: tuple(getattr(meeting, Meeting._meta.get_field(name).attname) for name in _ANNOUNCEMENT_FIELDS)
        for meeting in rows
    }
    versions = (
        Meeting.history.model.objects.filter(id__in=current)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "status", "history_date", *_ANNOUNCEMENT_FIELDS)
    )
    since, done = {}, set()
    for pk, status, date, *shown in versions:
        if pk in done:
            continue
        if tuple(shown) == current[pk] and status not in statuses:
            since[pk] = date
        else:
            done.add(pk)
    return since


def _departed(user, shown, year: int | None, now: dt.datetime) -> dt.datetime | None:
    """
    When a meeting `user` could list in this feed (`shown`: what it holds now) last left it: the first
    version after the last one they could list in it (unpublished, its announcement withdrawn, moved
    out of the year or the window), or its deletion. From the meetings' history; only versions this
    reader could list count, so nothing is learnt of a draft they never saw.
    """
    statuses = visible_statuses(user)
    history = Meeting.history.model.objects.all()
    if statuses is not None:
        history = history.filter(Q(status__in=statuses) | Q(announced_at__isnull=False))
    last_listed = dict(
        in_window(history, year, now)
        .exclude(id__in=shown.values("pk"))
        .values("id")
        .annotate(last=Max("history_date"))
        .values_list("id", "last")
    )
    if not last_listed:
        return None
    left = dict(last_listed)  # a deletion's version is the last one: it left then
    later = Meeting.history.model.objects.filter(id__in=list(last_listed)).values_list("id", "history_date")
    for pk, date in later:
        if date > last_listed[pk] and (left[pk] == last_listed[pk] or date < left[pk]):
            left[pk] = date
    return max(left.values())


def _aged_out(listable, now: dt.datetime) -> dt.datetime | None:
    """
    When the last meeting left the window with time (the window moves at the start of each day): the
    first start of a day after it was both WINDOW_DAYS old and over.
    """
    out = listable.exclude(_window(now)).aggregate(start=Max("start"), end=Max("end"))
    if out["start"] is None:
        return None
    last_in = max(out["start"] + dt.timedelta(days=WINDOW_DAYS), out["end"])
    next_day = timezone.localtime(last_in).date() + dt.timedelta(days=1)
    return min(timezone.make_aware(dt.datetime.combine(next_day, dt.time())), now)
