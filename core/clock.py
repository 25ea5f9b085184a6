"""
The portal's clock for rules that depend on the time (a written procedure's deadline).

`now()` is `timezone.now()` unless settings.CLOCK_NOW holds an aware datetime: tests set it (the
`clock` fixture) to put the portal before or after a deadline without sleeping. Every thread reads
the same setting, so a test's server thread and its client agree on the time.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def now() -> dt.datetime:
    fixed = getattr(settings, "CLOCK_NOW", None)
    if fixed is not None:
        if timezone.is_naive(fixed):
            raise ValueError("settings.CLOCK_NOW must be an aware datetime")
        return fixed
    return timezone.now()


def localdate() -> dt.date:
    """Today in the portal's zone (settings.TIME_ZONE), by the same clock."""
    return timezone.localtime(now()).date()
