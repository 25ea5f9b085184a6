"""
The dates a meeting form gives, as far as they are known: shared by the meeting form and the
reschedule form.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision
from core.widgets import aware, exists_on_the_clock, in_range, time_missing
from meetings.models import period_span


def dates_from_input(cleaned: dict, form, time_zone: str, precision: str, all_day: bool):
    """
    The start and end a form gave, as UTC instants on the clock of `time_zone`, as far as they are
    known: the day, month or year around the start when `precision` is not the day (any day in it
    will do; the end is then the end of that month or year). Errors go beside the fields; (None, None)
    when there is nothing to use.
    """
    start, end = cleaned.get("start"), cleaned.get("end")
    if start is None:
        return None, None
    if precision != DatePrecision.DAY:
        try:
            return period_span(start.date(), precision, time_zone)
        except (OverflowError, ValueError):
            form.add_error("start", _("Enter a date between the years 1900 and 9000."))
            return None, None
    if end is None:
        if "end" not in form.errors:
            form.add_error("end", _("Give the end (the same day for a one-day meeting)."))
        return None, None
    if not all_day:
        for name in ("start", "end"):
            if time_missing(form, name) and name not in form.errors:
                form.add_error(name, _("Give the time (hh:mm), or tick “No times announced”."))
    if all_day:
        start = dt.datetime.combine(start.date(), dt.time(0, 0))
        end = dt.datetime.combine(end.date(), dt.time(23, 59))
    start, end = aware(start, time_zone), aware(end, time_zone)
    for name, value in (("start", start), ("end", end)):
        if not in_range(value):
            form.add_error(name, _("Enter a date between the years 1900 and 9000."))
            return None, None
        if not exists_on_the_clock(value):
            form.add_error(name, _("This time does not exist in %(tz)s (the clocks go forward).") % {"tz": time_zone})
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


PRECISION_HELP = _(
    "“Day” when the days are known. “Month” or “Year” for a meeting announced for July or for 2027: "
    "give any day in it as the start; the meeting reads “July 2026” and spans the whole month."
)
