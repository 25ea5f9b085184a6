"""
Dates as precise as they were said: "from June 2022" is a month, not 1 June 2022.

A date field that may be known only to the month or the year is stored as a `DateField` (the first
day of the month or year) beside a precision field (`DatePrecision`); `format_at_precision` prints
it as it was said. Shared by `members` (the terms of roles held) and `meetings` (announced dates).
"""

import datetime as dt

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


# How a date of each precision is printed: the language's own formats (Django's, or iisg_portal/formats/), never a
# fixed pattern or strftime: the month's name, its case and the full stops are the language's.
_FORMATS = {
    DatePrecision.DAY: "DATE_FORMAT",
    DatePrecision.MONTH: "YEAR_MONTH_FORMAT",
    DatePrecision.YEAR: "Y",
}


def weekday_format() -> str:
    """A day with its weekday, in the active language's pattern: "Monday, 20 June 2022", "ponedjeljak, 20. lipnja"."""
    return pgettext("date format (Django's date filter) of a day with its weekday", "l, j F Y")


def long_date(value) -> str:
    """A day (or the day of a datetime) as the active language writes it: "20 June 2022", "20. јун 2022."."""
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def long_datetime(value) -> str:
    """An instant as the active language writes it, with its time zone's abbreviation: "20 June 2022, 14:00 CEST"."""
    if not value:
        return ""
    return pgettext("a day, then a time", "%(day)s, %(time)s") % {
        "day": formats.date_format(value, "DATE_FORMAT"),
        "time": formats.time_format(value, "H:i T"),
    }


def format_at_precision(date: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """
    `date` as precise as it is known: "20 June 2022" (day), "June 2022" (month), "2022" (year), in the active
    language ("20. јун 2022.", "lipanj 2022.").
    An empty date is an empty string; an unknown precision is treated as a day.
    """
    if date is None:
        return ""
    return formats.date_format(date, _FORMATS.get(precision, _FORMATS[DatePrecision.DAY]))


def truncate_to_precision(date: dt.date | None, precision: str) -> dt.date | None:
    """The date as stored for `precision`: the first day of its month (month) or year (year)."""
    if date is None:
        return None
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    return date


def last_day_at_precision(date: dt.date | None, precision: str) -> dt.date | None:
    """The last day a date of `precision` covers: the end of its month or year (for overlaps and "until")."""
    if date is None:
        return None
    if precision == DatePrecision.MONTH:
        following = (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    if precision == DatePrecision.YEAR:
        return date.replace(month=12, day=31)
    return date
