"""
VTIMEZONE components (RFC 5545, 3.6.5) that calendar programs read alike.

icalendar's `Timezone.from_tzid()` writes every change of offset since 1970 as RDATE lists, with each
onset on the clock after the change. Outlook's desktop app and vobject (dateutil) read no RDATE in a
time zone and put every summer date an hour off (tests/reading/calendars.py caught it with vobject;
Outlook's is a known fault of long standing). So a zone is written as Google Calendar and Outlook
write it: the rule in force as a yearly RRULE ("last Sunday of March at 02:00"), and the changes
before it, from FIRST_YEAR, each as an observance of its own, with no RDATE; every onset on the clock
before the change (TZOFFSETFROM), as the RFC's examples do.

Worked out from the tz database (zoneinfo) once per zone and process: a few thousand look-ups, about
ten milliseconds.
"""

import calendar
import datetime as dt
import functools
import zoneinfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

# No meeting of the record is older; a time before this reads with the offset in force on 1 January.
FIRST_YEAR = 1990
# Past this, the rule in force goes on (RRULE), or the last offset does.
LAST_YEAR = 2037


@functools.lru_cache(maxsize=128)
def vtimezone(tzid: str) -> Timezone | None:
    """The VTIMEZONE of `tzid`, None for a zone the tz database does not know. Only read (serialised) after."""
    try:
        zone = zoneinfo.ZoneInfo(tzid)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    start = dt.datetime(FIRST_YEAR, 1, 1, tzinfo=dt.UTC)
    first = _state(zone, start)
    changes = _changes(zone, start, dt.datetime(LAST_YEAR + 1, 1, 1, tzinfo=dt.UTC))
    component = Timezone()
    component.add("tzid", tzid)
    # The offset in force at the start (its onset is the start itself: from and to are the same).
    offset, is_dst, name = first
    onset = start.astimezone(zone).replace(tzinfo=None)
    component.add_component(_observance({"onset": onset, "offsets": (offset, offset), "dst": is_dst, "name": name}))
    observances, ruled = [], set()
    for onsets, byday, month in _yearly_rules(changes):
        ruled.update(id(change) for change in onsets)
        observance = _observance(onsets[0])
        observance.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday=byday))
        observances.append((onsets[0]["onset"], observance))
    observances.extend((change["onset"], _observance(change)) for change in changes if id(change) not in ruled)
    for _onset, observance in sorted(observances, key=lambda item: item[0]):
        component.add_component(observance)
    return component


def _state(zone: zoneinfo.ZoneInfo, moment: dt.datetime) -> tuple[dt.timedelta, bool, str]:
    local = moment.astimezone(zone)
    return local.utcoffset(), bool(local.dst()), local.tzname()


def _changes(zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """
    Every change of offset, daylight saving or name between `start` and `end`, found week by week and
    then to the minute (no zone changes twice within a week and back).
    """
    changes = []
    week = dt.timedelta(days=7)
    moment, state = start, _state(zone, start)
    while moment < end:
        following = moment + week
        new_state = _state(zone, following)
        if new_state != state:
            low, high = 0, 7 * 24 * 60
            while high - low > 1:
                middle = (low + high) // 2
                if _state(zone, moment + dt.timedelta(minutes=middle)) == state:
                    low = middle
                else:
                    high = middle
            instant = moment + dt.timedelta(minutes=high)
            after = _state(zone, instant)
            changes.append(
                {
                    # On the clock before the change (RFC 5545 3.6.5: the onset in TZOFFSETFROM's time).
                    "onset": (instant + state[0]).replace(tzinfo=None),
                    "offsets": (state[0], after[0]),
                    "dst": after[1],
                    "name": after[2],
                }
            )
            state = after
        moment = following
    return changes


def _yearly_rules(changes: list[dict]) -> list[tuple[list[dict], str, int]]:
    """
    The rules in force at LAST_YEAR: for each kind of change (its offsets, daylight saving and name),
    its changes of the last years, once a year, on the same weekday of the same month at the same time
    (the last, or the first to fourth, of the month) — as (those changes, BYDAY, BYMONTH).
    """
    by_kind: dict[tuple, list[dict]] = {}
    for change in changes:
        by_kind.setdefault((change["offsets"], change["dst"], change["name"]), []).append(change)
    rules = []
    for kind_changes in by_kind.values():
        latest = kind_changes[-1]["onset"]
        if latest.year != LAST_YEAR:
            continue
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[latest.weekday()]
        # "The last Sunday" or "the second Sunday": whichever holds for more years.
        candidates = [(_run(kind_changes, lambda onset: _is_last(onset)), f"-1{weekday}")]
        nth = (latest.day - 1) // 7
        candidates.append(
            (_run(kind_changes, lambda onset, nth=nth: (onset.day - 1) // 7 == nth), f"{nth + 1}{weekday}")
        )
        run, byday = max(candidates, key=lambda candidate: len(candidate[0]))
        if len(run) >= 2:
            rules.append((run, byday, latest.month))
    return rules


def _run(changes: list[dict], same_day) -> list[dict]:
    """
    The last of `changes`, one a year up to LAST_YEAR, in the month, on the weekday and at the time of
    the latest, each on the `same_day` of the month.
    """
    latest = changes[-1]["onset"]
    run: list[dict] = []
    for change in reversed(changes):
        onset = change["onset"]
        if onset.year != LAST_YEAR - len(run) or not same_day(onset):
            break
        if (onset.month, onset.weekday(), onset.time()) != (latest.month, latest.weekday(), latest.time()):
            break
        run.append(change)
    run.reverse()
    return run


def _is_last(onset: dt.datetime) -> bool:
    return onset.day + 7 > calendar.monthrange(onset.year, onset.month)[1]


def _observance(change: dict):
    observance = TimezoneDaylight() if change["dst"] else TimezoneStandard()
    observance.add("dtstart", change["onset"])
    observance.add("tzoffsetfrom", change["offsets"][0])
    observance.add("tzoffsetto", change["offsets"][1])
    observance.add("tzname", change["name"])
    return observance
