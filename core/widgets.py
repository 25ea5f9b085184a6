"""
A date and a time typed as on the clock of some place: the two-input widget, the field that reads it
(naive, placed in a time zone later), and the checks a time in a zone needs (it can be stored, it
exists on the clock). Generic: the meeting forms use them for a meeting's start and end.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _


class DateAndTimeWidget(forms.MultiWidget):
    """
    A date and a time as the portal's one kind of date and time inputs: `<input type="date">` and
    `<input type="time">` (as core.forms.DateInput for a date alone), each with its own label saying the
    format the server reads (where a browser shows no picker, it is typed so) and, for the time, the time
    zone it is on the clock of (`zone`: a name, or a text such as "the time zone chosen below"). Grouped
    under the field's legend. Posted as <name>_date and <name>_time; a single <name>
    ("2022-06-20T10:00": an older page, a script, or a refused save taking the other editor's value) is
    read too. The field's id is the date input's, for the error summary's link; the time part is marked
    (`date-time-part-time`) so that "Times not announced" can hide it (static/js/forms.js).
    """

    use_fieldset = True

    def __init__(self, attrs=None, zone: str = ""):
        widgets = {
            "date": forms.DateInput(attrs={"autocomplete": "off"}, format="%Y-%m-%d"),
            "time": forms.TimeInput(attrs={"autocomplete": "off"}, format="%H:%M"),
        }
        widgets["date"].input_type = "date"
        widgets["time"].input_type = "time"
        self.zone = zone
        # Set by a form whose times were not announced: the time inputs show empty, not 00:00.
        self.times_cleared = False
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        if isinstance(value, dt.date):
            # A date alone: the times are not known (a meeting whose times were not announced).
            return [value, None]
        if isinstance(value, str) and value:
            day, _sep, time = value.replace("T", " ", 1).partition(" ")
            return [day, time[:5]]
        return [None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        date, time = context["widget"]["subwidgets"]
        field_id = (attrs or {}).get("id") or self.attrs.get("id")
        if field_id:
            date["attrs"]["id"], time["attrs"]["id"] = field_id, f"{field_id}_time"
        # The time may stay empty for an event whose dates only are shown (a meeting "all day").
        time["attrs"].pop("required", None)
        if self.times_cleared:
            time["value"] = None
        return context

    def labels(self) -> tuple[str, str]:
        time_label = (
            _("Time (HH:MM, 24-hour clock, %(zone)s)") % {"zone": self.zone}
            if self.zone
            else _("Time (HH:MM, 24-hour clock)")
        )
        return _("Date (YYYY-MM-DD)"), time_label

    def render(self, name, value, attrs=None, renderer=None):
        subwidgets = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        parts = format_html_join(
            "",
            '<div class="date-time-part date-time-part-{}"><label class="form-label small mb-0" for="{}">{}</label>'
            "<input{}></div>",
            (
                (
                    part,
                    subwidget["attrs"].get("id", ""),
                    label,
                    flatatt(
                        {
                            **subwidget["attrs"],
                            "type": subwidget["type"],
                            "name": subwidget["name"],
                            **({"value": subwidget["value"]} if subwidget["value"] not in (None, "") else {}),
                        }
                    ),
                )
                for part, label, subwidget in zip(("date", "time"), self.labels(), subwidgets, strict=True)
            ),
        )
        # Marked invalid as a whole too, so that the field's error below shows (Bootstrap's sibling rule).
        invalid = any(subwidget["attrs"].get("aria-invalid") for subwidget in subwidgets)
        return format_html('<div class="date-time{}">{}</div>', " is-invalid" if invalid else "", parts)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as on the clock where something takes place (a meeting): naive, placed in a time zone later."""

    widget = DateAndTimeWidget

    # What people type: ISO, or the day first with dots as across the region (never with slashes,
    # which read month first in some places). A time on the 24-hour clock, with a colon or a dot.
    DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d. %m. %Y")
    TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H.%M")

    def to_python(self, value):
        if isinstance(value, list | tuple):
            day, time = (str(part or "").strip().rstrip(".") for part in [*value, "", ""][:2])
            if not day and not time:
                return None
            if not day:
                raise ValidationError(_("Enter the date as well."), code="invalid")
            date = _parse(day, self.DATE_FORMATS, dt.date)
            if date is None:
                raise ValidationError(_("Enter the date as YYYY-MM-DD, for example 2022-06-20."), code="invalid")
            # A missing time is 00:00 here; dates_from_input asks for it where the times are shown.
            clock = _parse(time, self.TIME_FORMATS, dt.time) if time else dt.time(0, 0)
            if clock is None:
                raise ValidationError(
                    _("Enter the time as HH:MM on the 24-hour clock, for example 09:30."), code="invalid"
                )
            return dt.datetime.combine(date, clock)
        # Parse without the site's time zone; the place's own time zone is applied by the form's clean().
        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else None


class ZonedDateTimeField(LocalDateTimeField):
    """
    A date and time in the site's time zone (settings.TIME_ZONE, the Secretariat's: a procedure's
    deadline), entered with the same two inputs as a meeting's times and named beside the time.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DateAndTimeWidget(zone=timezone.get_default_timezone_name()))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            return timezone.make_aware(result, timezone.get_default_timezone())
        except (OverflowError, ValueError) as error:
            raise ValidationError(_("Enter a date between the years 1900 and 9000."), code="invalid") from error


def _parse(text: str, formats: tuple[str, ...], kind: type):
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date() if kind is dt.date else parsed.time()
    return None


def time_missing(form, name: str) -> bool:
    """True when `name`'s date was given and its time left empty (in two inputs)."""
    key = form.add_prefix(name)
    data = form.data
    return key not in data and bool(data.get(f"{key}_date")) and not (data.get(f"{key}_time") or "").strip()


def aware(value: dt.datetime, time_zone: str) -> dt.datetime:
    return value.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))


def in_range(value: dt.datetime) -> bool:
    """False for a date so close to year 1 or 9999 that it cannot be stored in UTC."""
    try:
        value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return False
    return True


def exists_on_the_clock(value: dt.datetime) -> bool:
    """False for a time skipped when the clocks go forward (02:30 on the last Sunday of March)."""
    return value.astimezone(dt.UTC).astimezone(value.tzinfo).replace(tzinfo=None) == value.replace(tzinfo=None)
