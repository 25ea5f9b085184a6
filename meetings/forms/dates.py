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
                form.add_error(name, _("Give the time (HH:MM), or tick “Times not announced”."))
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


TIMES_NOT_ANNOUNCED = _("Times not announced")
TIMES_NOT_ANNOUNCED_HELP = _("Tick when only the dates are known: the times are then left out, and ignored if typed.")
END_HELP = _(
    "Leave the date empty for a one-day meeting: it is the start's date. Not needed when the dates are known "
    "only to the month or the year."
)


def prepare_date_fields(form, *, zone: str, times_not_announced: bool) -> None:
    """
    What a meeting's dates form (the record, a new date) does before its input is read: the time inputs
    name `zone`; "Times not announced" hides them (static/js/forms.js); a bound form whose end date
    is empty takes the start's (a one-day meeting is entered once) and, with "Times not announced"
    ticked, has its times cleared, so that they are ignored and shown empty; an unbound one for a
    meeting whose times were not announced shows them empty too (not 00:00 and 23:59).
    """
    for name in ("start", "end"):
        form.fields[name].widget.zone = zone
    form.fields["all_day"].label = TIMES_NOT_ANNOUNCED
    form.fields["all_day"].help_text = TIMES_NOT_ANNOUNCED_HELP
    form.fields["all_day"].widget.attrs["data-hides-times"] = ""
    if form.is_bound:
        ticked = form.fields["all_day"].widget.value_from_datadict(form.data, form.files, form.add_prefix("all_day"))
        data = form.data.copy()
        start_date, end_date = form.add_prefix("start") + "_date", form.add_prefix("end") + "_date"
        if form.add_prefix("end") not in data and not (data.get(end_date) or "").strip() and data.get(start_date):
            data[end_date] = data[start_date]
        if ticked:
            for name in ("start", "end"):
                data[form.add_prefix(name) + "_time"] = ""
        form.data = data
    elif times_not_announced:
        for name in ("start", "end"):
            form.fields[name].widget.times_cleared = True


PRECISION_HELP = _(
    "“Day” when the days are known. “Month” or “Year” for a meeting announced for July or for 2027: "
    "give any day in it as the start; the meeting reads “July 2026” and spans the whole month."
)
