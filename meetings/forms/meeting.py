"""The meeting's own record: kind, dates in its time zone, place, the wider occasion, the chair, the summary."""

from __future__ import annotations

import datetime as dt

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision
from core.forms import CorrectionReasonMixin, DateInput, LineEndingsMixin, form_helper
from core.locking import OptimisticLockFormMixin
from core.timezones import TIME_ZONE_CHOICES, time_zone_choices
from core.widgets import LocalDateTimeField, aware, in_range
from meetings.forms.chair import ChairFields
from meetings.forms.dates import END_HELP, PRECISION_HELP, dates_from_input, prepare_date_fields
from meetings.forms.occasion import NewOccasionFields
from meetings.models import Meeting, Occasion

TIME_ZONE_NAMES = frozenset(name for _group, zones in TIME_ZONE_CHOICES for name, _label in zones)


class MeetingForm(
    LineEndingsMixin, CorrectionReasonMixin, OptimisticLockFormMixin, ChairFields, NewOccasionFields, forms.ModelForm
):
    """
    A meeting's record. The new occasion (NewOccasionFields) and the chair (ChairFields) are fields of
    their own; the service (meetings.services.save_meeting) saves them with the meeting.
    """

    start = LocalDateTimeField(
        label=_("Start"), help_text=_("On the clock of the place where the meeting takes place (the time zone above).")
    )
    end = LocalDateTimeField(label=_("End"), required=False, help_text=END_HELP)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/Sarajevo")

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

    # What a concurrent save is checked against: every field but the chair, which has its own check (ChairFields).
    lock_fields = [name for name in Meta.fields if name != "chair"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        if meeting.pk:
            # As on the clock where the meeting takes place, not in UTC or the site's time zone.
            self.initial["start"] = meeting.local_start.replace(tzinfo=None)
            self.initial["end"] = meeting.local_end.replace(tzinfo=None)
        self.fields["date_precision"].label = _("How precisely the dates are known")
        self.fields["date_precision"].help_text = PRECISION_HELP
        self.fields["time_zone"].help_text = _("The times below are on this clock.")
        prepare_date_fields(
            self, zone=self._time_zone_shown(), times_not_announced=bool(meeting.pk and meeting.all_day)
        )
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
        self.fields["occasion_relation"].label = _("How the meeting relates to the occasion")
        self.fields["occasion_relation"].help_text = _(
            "For example “held alongside” the occasion chosen below; leave empty when it was no part of one."
        )
        self.fields["kind"].label = _("Kind of meeting")
        self.fields["participants_in_person"].label = _("Number who took part in person")
        self.fields["participants_online"].label = _("Number who took part online")
        self.add_correction_reason(meeting, required=False)
        # A meeting recorded with an alias zone (Europe/Kiev) keeps it as a choice: it still validates.
        self.fields["time_zone"].choices = time_zone_choices(keep=meeting.time_zone if meeting.pk else "")
        self.helper = form_helper()
        self.helper.layout = Layout(
            Fieldset(_("The meeting"), "kind", "pillar", "ordinal", "title"),
            Fieldset(_("When"), "date_precision", "time_zone", "start", "end", "all_day"),
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

    def _time_zone_shown(self) -> str:
        """The zone the time inputs name: as posted (a refused save), else the meeting's, else the list's first."""
        posted = self.data.get(self.add_prefix("time_zone")) if self.is_bound else None
        if posted and posted in TIME_ZONE_NAMES:
            return posted
        return self.instance.time_zone if self.instance.pk else self.fields["time_zone"].initial

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
        self.check_new_occasion(cleaned)
        self.check_chair_position(cleaned)
        return cleaned
