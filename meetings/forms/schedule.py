"""Postponing or rescheduling a meeting, or giving the new date of one postponed without it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision
from core.forms import LineEndingsMixin, form_helper
from core.widgets import LocalDateTimeField
from meetings.forms.dates import (
    END_HELP,
    PRECISION_HELP,
    TIMES_NOT_ANNOUNCED,
    dates_from_input,
    prepare_date_fields,
)
from meetings.models import Meeting
from meetings.services import RescheduleMeeting


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
        label=_("How precisely the new dates are known"),
        choices=DatePrecision.choices,
        initial=DatePrecision.DAY,
        required=False,
    )
    start = LocalDateTimeField(label=_("New start"), required=False)
    end = LocalDateTimeField(label=_("New end"), required=False)
    all_day = forms.BooleanField(label=TIMES_NOT_ANNOUNCED, required=False)
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
        self.fields["start"].help_text = _(
            "On the clock of the meeting's place (%(tz)s). For a month or a year, any day in it."
        ) % {"tz": meeting.time_zone}
        self.fields["end"].help_text = END_HELP
        self.fields["date_precision"].help_text = PRECISION_HELP
        prepare_date_fields(self, zone=meeting.time_zone, times_not_announced=meeting.all_day)
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

    def reschedule(self, *, user=None) -> RescheduleMeeting:
        """What the service is asked to do, from the cleaned input."""
        cleaned = self.cleaned_data
        pending = bool(cleaned.get("new_date_pending"))
        precision = cleaned.get("date_precision") or DatePrecision.DAY
        return RescheduleMeeting(
            meeting=self.meeting,
            start=cleaned.get("start"),
            end=cleaned.get("end"),
            precision=precision,
            all_day=None if pending else bool(cleaned.get("all_day")) or precision != DatePrecision.DAY,
            new_date_pending=pending,
            reason=cleaned.get("reason", ""),
            user=user,
        )
