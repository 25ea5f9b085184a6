"""
Dates as precise as they were said: "20 June 2022", "announced for July 2021", "in 2027".

A date stored with a precision is the first day of the period it names (1 July 2021 for July 2021);
it is printed only as far as it is known.
"""

import datetime as dt

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def format_at_precision(date: dt.date, precision: str) -> str:
    """`date` as far as it is known: "20 June 2022", "June 2022" or "2022"."""
    if precision == DatePrecision.YEAR:
        return formats.date_format(date, "Y")
    if precision == DatePrecision.MONTH:
        return formats.date_format(date, "F Y")
    return formats.date_format(date, "j F Y")
