"""core.dates: a date printed as precisely as it was said ("June 2022", not 1 June 2022)."""

import datetime as dt

import pytest

from core.dates import DatePrecision, format_at_precision, last_day_at_precision, truncate_to_precision


def test_precision_values_are_stable():
    # Stored in the database by several apps: the values must not change.
    assert [choice.value for choice in DatePrecision] == ["day", "month", "year"]


@pytest.mark.parametrize(
    ("precision", "expected"),
    [(DatePrecision.DAY, "20 June 2022"), (DatePrecision.MONTH, "June 2022"), (DatePrecision.YEAR, "2022")],
)
def test_format_at_precision(precision, expected):
    assert format_at_precision(dt.date(2022, 6, 20), precision) == expected


def test_format_accepts_the_plain_values_and_an_empty_date():
    assert format_at_precision(dt.date(2021, 7, 1), "month") == "July 2021"
    assert format_at_precision(None, "day") == ""
    assert format_at_precision(dt.date(2021, 7, 9)) == "9 July 2021"


def test_truncate_and_last_day():
    day = dt.date(2024, 2, 17)
    assert truncate_to_precision(day, "day") == day
    assert truncate_to_precision(day, "month") == dt.date(2024, 2, 1)
    assert truncate_to_precision(day, "year") == dt.date(2024, 1, 1)
    assert last_day_at_precision(day, "month") == dt.date(2024, 2, 29)
    assert last_day_at_precision(dt.date(2023, 12, 5), "month") == dt.date(2023, 12, 31)
    assert last_day_at_precision(day, "year") == dt.date(2024, 12, 31)
    assert last_day_at_precision(day, "day") == day
    assert truncate_to_precision(None, "month") is None
