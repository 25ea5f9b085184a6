"""Forms of the Secretariat's editing pages for meetings, participants, the agenda and the workflow."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision
from core.forms import (
    DateInput,
    LimitedRowsFormSetMixin,
    LineEndingsMixin,
    form_helper,
    limited_rows,
    records_formfield,
)
from core.locking import OptimisticLockFormMixin, OptimisticLockListMixin
from meetings.models import (
    MAX_PARTICIPANTS,
    AgendaItem,
    Meeting,
    Occasion,
    Participation,
    WebAddressFormField,
    period_span,
)
from meetings.services import ParticipantEntry, chair_position_at_the_time
from members.forms import PeopleChoiceField, PersonChoiceField, people
from members.models import Organisation, Person

# --- Time zones: the region's and the EU capitals' first, then every canonical zone --------------

# Where the Board and its Support Group meet: the Western Balkans partners' zones (Kosovo* keeps
# Europe/Belgrade), then their neighbours and the seats of the EU institutions, and UTC.
REGION_TIME_ZONES = (
    "Europe/Sarajevo",
    "Europe/Belgrade",
    "Europe/Podgorica",
    "Europe/Skopje",
    "Europe/Tirane",
    "Europe/Zagreb",
    "Europe/Ljubljana",
    "Europe/Vienna",
    "Europe/Brussels",
    "Europe/Berlin",
    "UTC",
)
# The EU member states' capitals (Nicosia's zone is filed under Asia).
EU_CAPITAL_TIME_ZONES = (
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Bratislava",
    "Europe/Bucharest",
    "Europe/Budapest",
    "Europe/Copenhagen",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Lisbon",
    "Europe/Luxembourg",
    "Europe/Madrid",
    "Europe/Malta",
    "Europe/Paris",
    "Europe/Prague",
    "Europe/Riga",
    "Europe/Rome",
    "Europe/Sofia",
    "Europe/Stockholm",
    "Europe/Tallinn",
    "Europe/Vilnius",
    "Europe/Warsaw",
    "Asia/Nicosia",
)


def canonical_time_zones() -> list[str]:
    """
    The zones the tz database lists for a country (zone.tab, zone1970.tab), with UTC: its canonical
    names, without the backward-compatible aliases (Africa/Asmera, US/Eastern, Europe/Kiev …) that
    zoneinfo.available_timezones() also offers.
    """
    import importlib.resources

    names: set[str] = {"UTC"}
    for table in ("zone.tab", "zone1970.tab"):
        try:
            text = importlib.resources.files("tzdata").joinpath("zoneinfo", table).read_text(encoding="utf-8")
        except (ModuleNotFoundError, FileNotFoundError):
            paths = [Path(path) / table for path in zoneinfo.TZPATH]
            text = next((path.read_text(encoding="utf-8") for path in paths if path.exists()), "")
        for line in text.splitlines():
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 3:
                continue
            names.add(fields[2].strip())
    available = zoneinfo.available_timezones()
    return sorted(names & available)


def time_zone_choices(keep: str = "") -> list:
    """
    The time zone list, grouped: the region's, the EU capitals', then all others by name. `keep`: a
    meeting's current zone, offered even when it is an alias the list no longer has (it still validates).
    """
    canonical = canonical_time_zones()
    first = [*REGION_TIME_ZONES, *EU_CAPITAL_TIME_ZONES]
    rest = [name for name in canonical if name not in first]
    choices = [
        (_("Western Balkans and neighbours"), [(name, name) for name in REGION_TIME_ZONES]),
        (_("EU capitals"), [(name, name) for name in EU_CAPITAL_TIME_ZONES]),
        (_("All time zones"), [(name, name) for name in rest]),
    ]
    if keep and keep not in first and keep not in rest:
        choices.insert(0, (_("This meeting's time zone"), [(keep, keep)]))
    return choices


TIME_ZONE_CHOICES = time_zone_choices()


# --- Dates and times: a date input and a time input, on the clock of the meeting's time zone -----


class DateAndTimeWidget(forms.MultiWidget):
    """
    A date and a time as two text inputs, each with its own label and format, grouped under the field's
    legend: two tab stops. Measured in Chromium: datetime-local takes 7 stops, type=date and type=time
    4 each (day, month, year or hours, minutes, AM/PM, and the picker), text inputs 1 each. Posted as
    <name>_date and <name>_time; a single <name> ("2022-06-20T10:00": an older page, a script, or a
    refused save taking the other editor's value) is read too. The field's id is the date input's, for
    the error summary's link.
    """

    use_fieldset = True

    def __init__(self, attrs=None):
        widgets = {
            "date": forms.DateInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10, "maxlength": 10}, format="%Y-%m-%d"
            ),
            "time": forms.TimeInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "size": 5, "maxlength": 5}, format="%H:%M"
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            return [value.date(), value.time().replace(second=0, microsecond=0)]
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
        # The time may stay empty for a meeting whose dates only are shown.
        time["attrs"].pop("required", None)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        subwidgets = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        parts = format_html_join(
            "",
            '<div class="date-time-part"><label class="form-label small mb-0" for="{}">{}</label><input{}></div>',
            (
                (
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
                for label, subwidget in zip(
                    (_("Date (yyyy-mm-dd)"), _("Time (hh:mm, 24-hour clock)")), subwidgets, strict=True
                )
            ),
        )
        # Marked invalid as a whole too, so that the field's error below shows (Bootstrap's sibling rule).
        invalid = any(subwidget["attrs"].get("aria-invalid") for subwidget in subwidgets)
        return format_html('<div class="date-time{}">{}</div>', " is-invalid" if invalid else "", parts)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as on the clock where the meeting takes place: naive, placed in a time zone later."""

    widget = DateAndTimeWidget

    # What people type: ISO, or the day first with dots as across the region (never with slashes,
    # which read month first in some places). A time on the 24-hour clock, with a colon or a dot.
    DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d. %m. %Y")
    TIME_FORMATS = ("%H:%M", "%H.%M")

    def to_python(self, value):
        if isinstance(value, list | tuple):
            day, time = (str(part or "").strip().rstrip(".") for part in [*value, "", ""][:2])
            if not day and not time:
                return None
            if not day:
                raise ValidationError(_("Enter the date as well."), code="invalid")
            date = _parse(day, self.DATE_FORMATS, dt.date)
            if date is None:
                raise ValidationError(_("Enter the date as 2022-06-20 (or 20.06.2022)."), code="invalid")
            # A missing time is 00:00 here; dates_from_input asks for it where the times are shown.
            clock = _parse(time, self.TIME_FORMATS, dt.time) if time else dt.time(0, 0)
            if clock is None:
                raise ValidationError(_("Enter the time as 09:30 (24-hour clock)."), code="invalid")
            return dt.datetime.combine(date, clock)
        # Parse without the site's time zone; the meeting's own time zone is applied in clean().
        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else None


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


class CorrectionReasonMixin:
    """Changing a published record needs a reason, shown on the record ("Corrected on …: …")."""

    def add_correction_reason(self, meeting: Meeting, *, required: bool = True) -> None:
        """`required=False` where the service asks for it only when the save changes something."""
        if meeting.pk and meeting.status == Meeting.Status.PUBLISHED:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Reason for the correction"),
                help_text=(
                    _("This record is published. Say what you correct and why; it is shown on the record.")
                    if required
                    else _(
                        "This record is published. If you change something, say what you correct and why; it is "
                        "shown on the record. A save that changes nothing records nothing."
                    )
                ),
                required=required,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def reason_given(self) -> str:
        return self.cleaned_data.get("correction_reason", "") if hasattr(self, "cleaned_data") else ""


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


class MeetingForm(LineEndingsMixin, CorrectionReasonMixin, OptimisticLockFormMixin, forms.ModelForm):
    start = LocalDateTimeField(label=_("Start"), help_text=_("Local time where the meeting takes place."))
    end = LocalDateTimeField(
        label=_("End"),
        required=False,
        help_text=_("Local time where the meeting takes place. Not needed for a month or year."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/Sarajevo")
    new_occasion_name = forms.CharField(
        label=_("…or a new occasion: name"),
        max_length=300,
        required=False,
        help_text=Occasion._meta.get_field("name").help_text,
    )
    new_occasion_place = forms.CharField(label=_("New occasion's place"), max_length=200, required=False)
    new_occasion_url = WebAddressFormField(
        label=_("New occasion's link"), max_length=500, required=False, help_text=_("http:// or https://")
    )
    new_occasion_start = forms.DateField(label=_("New occasion's first day"), required=False, widget=DateInput)
    new_occasion_end = forms.DateField(
        label=_("New occasion's last day"), required=False, widget=DateInput, help_text=_("Empty for one day.")
    )
    chair = PersonChoiceField(
        label=_("Chair"),
        queryset=people(),
        required=False,
        help_text=_("Recorded as the participant with the chair role. Add new people on the participants page."),
    )
    chair_position = forms.CharField(
        label=_("Chair's position at the time"),
        max_length=300,
        required=False,
        help_text=_(
            "Empty: as recorded at the chair's latest earlier meeting (for a meeting to come, their current "
            "position). You are asked when no earlier meeting records it."
        ),
    )

    NEW_OCCASION_FIELDS = {
        "new_occasion_name": "name",
        "new_occasion_place": "place",
        "new_occasion_url": "url",
        "new_occasion_start": "start_date",
        "new_occasion_end": "end_date",
    }
    # The chair when the form was opened: the chair is a row of the participants list, which others may
    # change meanwhile (core.locking locks the meeting's own fields, not that row).
    chair_as_opened = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "pillar",
            "ordinal",
            "title",
            "date_precision",
            "start",
            "end",
            "time_zone",
            "all_day",
            "city",
            "country",
            "venue",
            "format",
            "occasion_relation",
            "occasion",
            "chair",
            "participants_in_person",
            "participants_online",
            "public_summary",
            "minutes",
            "first_published_on",
        ]
        widgets = {
            "public_summary": forms.Textarea(attrs={"rows": 8}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "first_published_on": DateInput,
        }

    lock_fields = [
        "kind",
        "pillar",
        "ordinal",
        "title",
        "date_precision",
        "start",
        "end",
        "time_zone",
        "all_day",
        "city",
        "country",
        "venue",
        "format",
        "occasion_relation",
        "occasion",
        "participants_in_person",
        "participants_online",
        "public_summary",
        "minutes",
        "first_published_on",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        self.new_occasion: Occasion | None = None
        if meeting.pk:
            # As on the clock where the meeting takes place, not in UTC or the site's time zone.
            self.initial["start"] = meeting.local_start.replace(tzinfo=None)
            self.initial["end"] = meeting.local_end.replace(tzinfo=None)
            chair = meeting.participations.filter(role=Participation.Role.CHAIR).order_by("order", "id").first()
            self.initial.setdefault("chair", chair.person_id if chair else None)
            self.initial.setdefault("chair_position", chair.position if chair else "")
            self.initial["chair_as_opened"] = str(chair.person_id) if chair and chair.person_id else ""
        self.fields["all_day"].help_text = _("Show the dates only. The start is taken as 00:00 and the end as 23:59.")
        self.fields["date_precision"].help_text = PRECISION_HELP
        if meeting.new_date_pending:
            self.fields["start"].help_text = _(
                "Postponed, new date to be announced: give the new date with “Give the new date…” on the "
                "meeting's page, so that it stops saying so and the calendars are told."
            )
        # Not sent (an older page, a script): the days are known, as before precisions existed.
        self.fields["date_precision"].required = False
        self.fields["occasion"].queryset = Occasion.objects.order_by("-start_date", "name")
        self.fields["occasion"].help_text = _(
            "A conference or process it was part of; pick one, or name a new one below."
        )
        self.fields["occasion_relation"].label = _("Held … the occasion")
        self.add_correction_reason(meeting, required=False)
        # A meeting recorded with an alias zone (Europe/Kiev) keeps it as a choice: it still validates.
        self.fields["time_zone"].choices = time_zone_choices(keep=meeting.time_zone if meeting.pk else "")
        self.helper = form_helper()
        self.helper.layout = Layout(
            Fieldset(_("The meeting"), "kind", "pillar", "ordinal", "title"),
            Fieldset(_("When"), "date_precision", "start", "end", "time_zone", "all_day"),
            Fieldset(_("Where and how"), "city", "country", "venue", "format"),
            Fieldset(
                _("The wider occasion"),
                "occasion_relation",
                "occasion",
                *self.NEW_OCCASION_FIELDS,
            ),
            Fieldset(_("Who took part"), "chair", "chair_position", "participants_in_person", "participants_online"),
            Fieldset(
                _("The record"),
                "public_summary",
                "minutes",
                "first_published_on",
                *(["correction_reason"] if "correction_reason" in self.fields else []),
            ),
            "chair_as_opened",
            "version",
            "lock_snapshot",
        )

    def clean(self):
        cleaned = super().clean()
        # Without a valid time zone (an error already) the model's checks still need aware times.
        time_zone = cleaned.get("time_zone") or timezone.get_current_timezone_name()
        precision = cleaned.get("date_precision") or DatePrecision.DAY
        start, end = dates_from_input(cleaned, self, time_zone, precision, cleaned.get("all_day"))
        if start is not None:
            cleaned["start"], cleaned["end"] = start, end
        else:
            # Nothing usable (the error is beside the field): each of start and end that was given is
            # still placed in the meeting's time zone, so that the model never sees a time without a zone.
            for name in ("start", "end"):
                value = cleaned.get(name)
                if value is None or value.tzinfo is not None:
                    continue
                value = aware(value, time_zone)
                if in_range(value):
                    cleaned[name] = value.astimezone(dt.UTC)
                else:
                    cleaned.pop(name)
        # The model's own checks (end after start, number unique per kind) then see the real dates.
        for name in ("start", "end"):
            if cleaned.get(name) is not None:
                setattr(self.instance, name, cleaned[name])
        cleaned["date_precision"] = precision
        if precision != DatePrecision.DAY:
            cleaned["all_day"] = True
        self._clean_new_occasion(cleaned)
        self._clean_chair_position(cleaned)
        return cleaned

    def _clean_new_occasion(self, cleaned) -> None:
        values = {model_name: cleaned.get(name) for name, model_name in self.NEW_OCCASION_FIELDS.items()}
        if not any(values.values()):
            return
        if not values["name"]:
            self.add_error("new_occasion_name", _("Give the new occasion's name."))
            return
        if cleaned.get("occasion"):
            self.add_error("new_occasion_name", _("Pick an occasion or name a new one, not both."))
            return
        occasion = Occasion(
            **{name: value or ("" if name in ("name", "place", "url") else None) for name, value in values.items()}
        )
        try:
            occasion.full_clean()
        except ValidationError as error:
            fields = {model_name: name for name, model_name in self.NEW_OCCASION_FIELDS.items()}
            for model_name, messages in error.message_dict.items():
                self.add_error(fields.get(model_name, "new_occasion_name"), messages)
            return
        self.new_occasion = occasion
        # The model's checks see the occasion (saved by the service, with the meeting).
        cleaned["occasion"] = occasion

    def _clean_chair_position(self, cleaned) -> None:
        person = cleaned.get("chair")
        if person is None or self.chair_position_value or self.instance.start is None:
            return
        if self.chair_value is False:
            return
        current = None
        if self.instance.pk:
            current = self.instance.participations.filter(role=Participation.Role.CHAIR, person=person).first()
        if current is not None and current.position:
            return
        if person.position_title and not chair_position_at_the_time(meeting=self.instance, person=person):
            probe = Participation(meeting=self.instance, person=person)
            self.add_error("chair_position", probe.position_unknown_message())

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.new_occasion is not None:
            # Not saved yet (the service saves it with the meeting): the database's check of the
            # occasion would not see it. The model's clean() checks it with its relation.
            exclude.add("occasion")
        return exclude

    def clean_chair(self):
        chair = self.cleaned_data.get("chair")
        opened, now = self._chair_as_opened(), self.initial.get("chair")
        chosen = chair.pk if chair else None
        if opened is not False and chosen != opened and now != opened and chosen != now:
            # Both this editor and someone else (on the participants page) changed the chair.
            current = Person.objects.filter(pk=now).first() if now else None
            data = self.data.copy()
            data[self.add_prefix("chair_as_opened")] = str(now or "")
            self.data = data
            raise forms.ValidationError(
                _(
                    "Someone else made %(chair)s the chair after you opened the form. Choose again, or save "
                    "to keep yours."
                )
                % {"chair": current or _("no one")}
            )
        return chair

    def _chair_as_opened(self):
        """The chair's person id when the form was opened (None: no chair), or False if not posted."""
        key = self.add_prefix("chair_as_opened")
        if not self.instance.pk or key not in self.data:
            return False
        value = self.data.get(key) or ""
        return int(value) if value.isdigit() else None

    @property
    def chair_value(self):
        """
        The chair to record: False to leave the chair as it is — when this editor changed neither the
        chair nor their position since the form was opened (someone else may have changed the chair
        meanwhile, on the participants page).
        """
        chair = self.cleaned_data.get("chair")
        position_changed = "chair_position" in self.changed_data
        opened = self._chair_as_opened()
        if opened is not False:
            if (chair.pk if chair else None) != opened:
                return chair
            # The chair as opened is kept. Their position matters only if there is one and it is still
            # theirs (if someone else changed the chair meanwhile, the position was compared with the
            # new chair's, not with what this editor saw).
            if chair is None or self.initial.get("chair") != opened:
                return False
            return chair if position_changed else False
        if self.instance.pk and "chair" not in self.changed_data and not position_changed:
            return False
        return self.cleaned_data.get("chair")

    @property
    def chair_position_value(self) -> str:
        """The position typed for the chair; "" to look it up (also when another chair was picked and the
        position shown was the previous chair's)."""
        if self.instance.pk and "chair" in self.changed_data and "chair_position" not in self.changed_data:
            return ""
        return (self.cleaned_data.get("chair_position") or "").strip()


class ParticipationForm(forms.ModelForm):
    """One participant: an existing person, one created on the spot, or an organisation alone."""

    person = PersonChoiceField(label=_("Person"), queryset=people(), required=False)
    new_person_honorific = forms.ChoiceField(label=_("Honorific"), choices=Person.Honorific.choices, required=False)
    new_person_name = forms.CharField(label=_("…or a new person: name"), max_length=200, required=False)
    new_person_position = forms.CharField(label=_("New person's position"), max_length=300, required=False)
    new_person_organisation = forms.ModelChoiceField(
        label=_("New person's organisation"), queryset=Organisation.objects.all(), required=False
    )

    class Meta:
        model = Participation
        fields = ["person", "organisation", "position", "role", "level", "attendance", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "class": "form-control-sm"})}

    NEW_PERSON_FIELDS = ("new_person_honorific", "new_person_name", "new_person_position", "new_person_organisation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Empty: after the others.")
        if self.instance.pk is None:
            # A blank row must not count as changed because its order field is empty.
            self.initial.pop("order", None)
            self.fields["order"].initial = None
        self.fields["position"].help_text = _(
            "Empty: as recorded at the person's latest earlier meeting (for a meeting to come, their current "
            "position). You are asked when no earlier meeting records it."
        )
        self.fields["organisation"].help_text = _("Empty: the person's organisation is filled in.")

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("new_person_name") or "").strip()
        if cleaned.get("person") and name:
            self.add_error("new_person_name", _("Pick an existing person or name a new one, not both."))
        elif not name and any(cleaned.get(f) for f in self.NEW_PERSON_FIELDS[2:]):
            self.add_error("new_person_name", _("Give the new person's name."))
        if name and not cleaned.get("position"):
            # A person named on the spot: their position as given here is the one at the meeting.
            cleaned["position"] = (cleaned.get("new_person_position") or "").strip()
        if name and not cleaned.get("organisation"):
            if cleaned.get("new_person_organisation"):
                cleaned["organisation"] = cleaned["new_person_organisation"]
            else:
                self.add_error(
                    "organisation", _("Choose the organisation represented, or the new person's organisation.")
                )
        if not name and not cleaned.get("person") and not cleaned.get("organisation"):
            self.add_error("person", forms.ValidationError(_("Name a person, an organisation, or both."), code="who"))
        return cleaned

    def _post_clean(self):
        # "Name a person, an organisation, or both" is shown beside the person already; the model
        # would only say it again above the row.
        if self.has_error("person", code="who"):
            return
        super()._post_clean()

    def entry(self) -> ParticipantEntry:
        participation = self.save(commit=False)
        new_person = None
        name = (self.cleaned_data.get("new_person_name") or "").strip()
        if name:
            new_person = Person(
                honorific=self.cleaned_data.get("new_person_honorific") or "",
                name=name,
                position_title=self.cleaned_data.get("new_person_position") or "",
                organisation=self.cleaned_data.get("new_person_organisation") or self.cleaned_data.get("organisation"),
            )
        return ParticipantEntry(participation=participation, new_person=new_person)


class BaseParticipationFormSet(LimitedRowsFormSetMixin, OptimisticLockListMixin, forms.BaseModelFormSet):
    """
    The participants of a meeting, edited as one list: a save is refused if someone else added,
    changed or removed a participant since the list was opened, and the list comes back as it is
    now, with this editor's input merged in (core.locking.OptimisticLockListMixin). At most
    MAX_PARTICIPANTS rows (core.forms.LimitedRowsFormSetMixin).
    """

    lock_name = _("list of participants")

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._rows_added_with_defaults(self.data)
        # The choices of the selects, read once for all rows instead of once per row.
        self._people = list(people())
        self._organisations = list(Organisation.objects.all())

    def _rows_added_with_defaults(self, data):
        """
        Rows added by "More rows" come back without data, and a select without data shows its first
        choice: the role would read "Chair", be posted back so, and make the empty row count as
        filled in. Give such rows the role a new row starts with, as the first blank rows have.
        """
        missing = [
            self.add_prefix(i)
            for i in range(self.initial_form_count(), self.total_form_count())
            if not any(key.startswith(f"{self.add_prefix(i)}-") for key in data)
        ]
        if not missing:
            return data
        data = data.copy()
        for prefix in missing:
            data[f"{prefix}-role"] = Participation._meta.get_field("role").default
        return data

    def _construct_form(self, i, **kwargs):
        return self._prepare(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        """The blank row the page's script copies to add a row in place (static/js/formset-rows.js)."""
        return self._prepare(super().empty_form)

    def _prepare(self, form):
        # The meeting is known before the service saves the row: the model's checks (the position at
        # the time) need its date.
        form.instance.meeting = self.meeting
        form.fields["person"].choices = [("", "---------")] + [
            (person.pk, form.fields["person"].label_from_instance(person)) for person in self._people
        ]
        organisation_choices = [("", "---------")] + [(org.pk, str(org)) for org in self._organisations]
        form.fields["organisation"].choices = organisation_choices
        form.fields["new_person_organisation"].choices = organisation_choices
        return form

    def entries(self) -> list[ParticipantEntry]:
        return [
            form.entry()
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form not in self.deleted_forms
        ]

    def removed(self) -> list[Participation]:
        return [form.instance for form in self.deleted_forms if form.instance.pk]


# One blank row to start with: more are added in place (static/js/formset-rows.js), or, without
# JavaScript, ADD_ROWS at a time with the "Add rows" button.
ADD_ROWS = 5
ParticipationFormSet = forms.modelformset_factory(
    Participation,
    form=ParticipationForm,
    formset=BaseParticipationFormSet,
    extra=1,
    can_delete=True,
    **limited_rows(MAX_PARTICIPANTS),
)


class CorrectionReasonForm(LineEndingsMixin, CorrectionReasonMixin, forms.Form):
    """The reason field alone, for pages whose main part is a formset or a list."""

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_correction_reason(meeting)
        self.helper = form_helper()


class AgendaItemForm(LineEndingsMixin, CorrectionReasonMixin, OptimisticLockFormMixin, forms.ModelForm):
    presenters = PeopleChoiceField(
        label=_("Presenters"), queryset=people(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        formfield_callback = records_formfield  # many-to-many fields: core.forms.RecordsChoiceField
        model = AgendaItem
        fields = ["position", "title", "kind", "presenters", "presenting_organisations", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 8}),
            "presenting_organisations": forms.SelectMultiple(attrs={"size": 6}),
        }

    # The position too, which the form of an existing item leaves to the agenda page's order buttons.
    lock_fields = ["position", "title", "kind", "presenters", "presenting_organisations", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        if item.pk:
            # An existing item moves with the order buttons of the agenda page.
            del self.fields["position"]
        else:
            self.fields["position"].required = False
            self.fields["position"].help_text = _("Empty: at the end. A number moves the later items down.")
            self.fields["position"].widget.attrs["min"] = 1
        self.fields["notes"].help_text = _(
            "Markdown: **bold**, *italic*, lists with “- ”, links. For Board members only. Use Preview to check it."
        )
        self.add_correction_reason(item.meeting, required=not item.pk)
        self.helper = form_helper()

    def clean_position(self):
        position = self.cleaned_data.get("position")
        if position is not None and position < 1:
            raise forms.ValidationError(_("Positions start at 1."))
        return position

    def validate_unique(self):
        # The service gives a new item its position and moves the later ones down.
        exclude = self._get_validation_exclusions()
        exclude.add("position")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class AgendaOrderForm(LineEndingsMixin, CorrectionReasonMixin, forms.Form):
    """
    One number per agenda item; the items are put in the order of the numbers. The numbers mean
    something only for the agenda as the editor saw it: if an item was added, removed, moved or
    changed since (its version, core.locking), the order is refused and the page says what changed.
    """

    AS_OPENED = "agenda_as_opened"
    _SALT = "meetings.agenda-order"

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.items = list(meeting.agenda_items.order_by("position"))
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=item.title,
                min_value=1,
                initial=item.position,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm agenda-position"}),
            )
        self.fields[self.AS_OPENED] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[self.AS_OPENED] = self._token()
        self.add_correction_reason(meeting)
        self.helper = form_helper(_("Save the order"))

    def _token(self) -> str:
        rows = [[item.pk, item.version, item.position, item.title] for item in self.items]
        return signing.dumps(rows, salt=self._SALT, compress=True)

    def _opened(self) -> dict[int, tuple[int, int, str]] | None:
        try:
            rows = signing.loads(self.data.get(self.AS_OPENED, ""), salt=self._SALT)
            return {int(pk): (int(version), int(position), str(title)) for pk, version, position, title in rows}
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def expected_versions(self) -> dict[int, int]:
        """The items (id → version) as the editor saw them, for the service's check under its lock."""
        return {pk: version for pk, (version, _position, _title) in (self._opened() or {}).items()}

    def clean(self):
        cleaned = super().clean()
        if self.data.get("move"):
            return cleaned  # One place up or down: from where the item is now.
        opened = self._opened()
        if opened is not None and {pk: row[0] for pk, row in opened.items()} == {i.pk: i.version for i in self.items}:
            return cleaned
        self.add_error(None, self._what_changed(opened or {}))
        # The numbers stay as typed; an item new to this editor shows its place now; the next save applies.
        data = self.data.copy()
        for item in self.items:
            data.setdefault(f"item_{item.pk}", str(item.position))
        data[self.AS_OPENED] = self._token()
        self.data = data
        return cleaned

    def _what_changed(self, opened: dict) -> str:
        now = {item.pk: item for item in self.items}
        changes = []
        for pk, (_version, position, title) in opened.items():
            item = now.get(pk)
            if item is None:
                changes.append(_("“%(title)s” removed") % {"title": title})
            elif item.position != position:
                changes.append(
                    _("“%(title)s” moved from %(before)d to %(after)d")
                    % {"title": item.title, "before": position, "after": item.position}
                )
            elif item.title != title:
                changes.append(_("“%(before)s” renamed “%(after)s”") % {"before": title, "after": item.title})
        changes += [_("“%(title)s” added") % {"title": item.title} for pk, item in now.items() if pk not in opened]
        text = _("Not saved: someone else changed the agenda after you opened this page")
        if changes:
            text = f"{text}: {'; '.join(changes)}"
        return f"{text}. " + str(
            _("Your numbers are still in the form (an item new to you shows its place now): check them and save again.")
        )

    def ordered_ids(self) -> list[int]:
        move = self.data.get("move", "")
        positions = {item.pk: index for index, item in enumerate(self.items)}
        if move:
            direction, _sep, pk = move.partition(":")
            order = [item.pk for item in self.items]
            if pk.isdigit() and int(pk) in positions:
                index = positions[int(pk)]
                target = index - 1 if direction == "up" else index + 1
                if 0 <= target < len(order):
                    order[index], order[target] = order[target], order[index]
            return order
        # Sort by the numbers given; ties keep the current order.
        return sorted(positions, key=lambda pk: (self.cleaned_data[f"item_{pk}"], positions[pk]))

    def bound_items(self):
        return [(item, self[f"item_{item.pk}"]) for item in self.items]


class ReasonForm(LineEndingsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the record with the date."),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit_label or _("Confirm"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason


class RescheduleForm(LineEndingsMixin, forms.Form):
    """
    Postpone or reschedule: the new dates as far as they are known, or "new date to be announced";
    the reason is shown with the dates announced before. For a meeting that waits for its new date,
    the page gives that date (the reason was given when it was postponed).
    """

    new_date_pending = forms.BooleanField(
        label=_("The new date is not known yet: “new date to be announced”"),
        required=False,
        help_text=_("The meeting says Postponed until you give the new date here."),
    )
    date_precision = forms.ChoiceField(
        label=_("New dates known to the"), choices=DatePrecision.choices, initial=DatePrecision.DAY, required=False
    )
    start = LocalDateTimeField(label=_("New start"), required=False)
    end = LocalDateTimeField(label=_("New end"), required=False)
    all_day = forms.BooleanField(label=_("No times announced"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Why the meeting moved. Shown with the dates announced before, and in the calendars."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.giving_the_new_date = meeting.new_date_pending
        if not self.giving_the_new_date:
            self.initial.setdefault("start", meeting.local_start.replace(tzinfo=None))
            self.initial.setdefault("end", meeting.local_end.replace(tzinfo=None))
            self.initial.setdefault("date_precision", meeting.date_precision)
        self.initial.setdefault("all_day", meeting.all_day)
        self.fields["start"].help_text = _("Local time in %(tz)s. For a month or year, any day in it.") % {
            "tz": meeting.time_zone
        }
        self.fields["end"].help_text = _("Local time in %(tz)s. Not needed for a month or year.") % {
            "tz": meeting.time_zone
        }
        self.fields["date_precision"].help_text = PRECISION_HELP
        if self.giving_the_new_date:
            # Postponed already, with its reason: now only the new date.
            del self.fields["new_date_pending"]
            del self.fields["reason"]
        self.helper = form_helper(_("Save the new date") if self.giving_the_new_date else _("Reschedule"))

    def clean(self):
        cleaned = super().clean()
        pending = cleaned.get("new_date_pending")
        if not self.giving_the_new_date and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason."))
        if pending:
            cleaned["start"] = cleaned["end"] = None
            return cleaned
        if cleaned.get("start") is None:
            if "start" not in self.errors:
                self.add_error("start", _("Give the new start, or say the new date is to be announced."))
            return cleaned
        precision = cleaned.get("date_precision") or DatePrecision.DAY
        all_day = cleaned.get("all_day") or precision != DatePrecision.DAY
        start, end = dates_from_input(cleaned, self, self.meeting.time_zone, precision, all_day)
        cleaned["start"], cleaned["end"] = start, end
        if start is None or self.errors:
            return cleaned
        if end < start:
            self.add_error("end", _("A meeting cannot end before it starts."))
        elif not self.giving_the_new_date and (start, end, precision) == (
            self.meeting.start,
            self.meeting.end,
            self.meeting.date_precision,
        ):
            self.add_error("start", _("These are the dates on record already; give the new dates."))
        return cleaned

    def service_arguments(self) -> dict:
        cleaned = self.cleaned_data
        pending = bool(cleaned.get("new_date_pending"))
        precision = cleaned.get("date_precision") or DatePrecision.DAY
        return {
            "start": cleaned.get("start"),
            "end": cleaned.get("end"),
            "precision": precision,
            "all_day": None if pending else bool(cleaned.get("all_day")) or precision != DatePrecision.DAY,
            "new_date_pending": pending,
            "reason": cleaned.get("reason", ""),
        }


class OccasionForm(LineEndingsMixin, OptimisticLockFormMixin, forms.ModelForm):
    class Meta:
        model = Occasion
        fields = ["name", "place", "url", "start_date", "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].assume_scheme = "https"
        self.helper = form_helper()
