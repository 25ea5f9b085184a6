"""Template filters for a meeting's dates, in its own time zone ({% load meeting_dates %})."""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.dates import format_at_precision, weekday_format

register = template.Library()


@register.filter
def meeting_dates(meeting) -> str:
    """
    When a meeting takes place, in its own time zone and as far as it is known: "Monday, 20 June 2022"
    (no times announced), "Monday, 20 June 2022, 10:00-16:00 (Europe/Sarajevo)", a range of days,
    "July 2026" (announced for a month), or "New date to be announced" (postponed without one).
    """
    if meeting.new_date_pending:
        return _("New date to be announced")
    if not meeting.dates_are_exact:
        return format_at_precision(meeting.local_start.date(), meeting.date_precision)
    return format_dates(meeting.local_start, meeting.local_end, meeting.all_day, meeting.time_zone)


def format_dates(start, end, all_day: bool, time_zone: str) -> str:
    day = weekday_format()
    if all_day:
        if start.date() == end.date():
            return formats.date_format(start, day)
        return f"{formats.date_format(start, day)} – {formats.date_format(end, day)}"
    if start.date() == end.date():
        return _("%(day)s, %(start)s–%(end)s (%(tz)s)") % {
            "day": formats.date_format(start, day),
            "start": formats.time_format(start, "H:i"),
            "end": formats.time_format(end, "H:i"),
            "tz": time_zone,
        }
    return _("%(start)s – %(end)s (%(tz)s)") % {
        "start": formats.date_format(start, day + ", H:i"),
        "end": formats.date_format(end, day + ", H:i"),
        "tz": time_zone,
    }


@register.filter
def meeting_day(meeting, fmt="DATE_FORMAT") -> str:
    """The meeting's (first) day as it was where it took place, not in the server's time zone; the
    month or year only, when only that is known."""
    if not meeting.dates_are_exact:
        return format_at_precision(meeting.local_start.date(), meeting.date_precision)
    return formats.date_format(meeting.local_start, fmt)


@register.filter
def in_meeting_tz(value, meeting):
    """An instant (e.g. dates announced before) in the meeting's own time zone."""
    return value.astimezone(meeting.tz) if value else value


@register.filter
def meeting_when(meeting) -> str:
    """
    For e-mails, which are read anywhere: the day and the time with the zone's abbreviation and name,
    "20 June 2022, 10:00-16:00 CEST (Europe/Sarajevo)"; the days only when no times were announced,
    the month or year when only that is known.
    """
    if meeting.new_date_pending:
        return _("New date to be announced")
    if not meeting.dates_are_exact:
        return format_at_precision(meeting.local_start.date(), meeting.date_precision)
    start, end = meeting.local_start, meeting.local_end
    day = "j F Y"
    if meeting.all_day:
        if start.date() == end.date():
            return formats.date_format(start, day)
        return f"{formats.date_format(start, day)} – {formats.date_format(end, day)}"
    zone = meeting.time_zone
    if start.date() == end.date():
        abbreviation = start.tzname()
        return _("%(day)s, %(start)s–%(end)s %(zone)s") % {
            "day": formats.date_format(start, day),
            "start": formats.time_format(start, "H:i"),
            "end": formats.time_format(end, "H:i"),
            "zone": _zone_name(abbreviation, zone),
        }
    return _("%(start)s – %(end)s %(zone)s") % {
        "start": f"{formats.date_format(start, day + ', H:i')} {start.tzname()}",
        "end": formats.date_format(end, day + ", H:i"),
        "zone": _zone_name(end.tzname(), zone),
    }


def _zone_name(abbreviation: str | None, zone: str) -> str:
    """ "CEST (Europe/Sarajevo)"; "UTC" alone; a zone without an abbreviation as its offset: "UTC+04 (Asia/Dubai)"."""
    if not abbreviation or abbreviation == zone:
        return zone
    if abbreviation[0] in "+-":
        return f"UTC{abbreviation} ({zone})"
    return f"{abbreviation} ({zone})"


# The kind in a meeting's short name, after its number: "6th Board".
SHORT_KINDS = {
    "board": gettext_lazy("Board"),
    "support_group": gettext_lazy("Support Group"),
    "pillar": gettext_lazy("pillar meeting"),
}


@register.filter
def meeting_short(meeting) -> str:
    """
    A meeting named in a list where its title would repeat on every row: "6th Board · 20 Jun 2022",
    the title itself for a meeting of another kind. Reads only the meeting's own row (no queries).
    """
    kind = SHORT_KINDS.get(meeting.kind)
    if kind is None or not meeting.ordinal:
        name = meeting.title if kind is None else str(meeting.get_kind_display())
    else:
        name = pgettext("a meeting's ordinal, then its kind: 6th Board", "%(ordinal)s %(kind)s") % {
            "ordinal": meeting.ordinal_label,
            "kind": kind,
        }
    return f"{name} · {meeting_day(meeting, 'j M Y')}"
