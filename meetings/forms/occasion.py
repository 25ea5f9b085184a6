"""
Occasions: the form of an occasion (shared by the meetings held at it), and the fields that name a new
one on the spot in the meeting form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, LineEndingsMixin, form_helper
from core.locking import OptimisticLockFormMixin
from meetings.models import Occasion, WebAddressFormField


class NewOccasionFields(forms.Form):
    """
    A new occasion named inside the meeting form, instead of one picked from the list. For a ModelForm
    of a record with an `occasion` relation: call `check_new_occasion(cleaned)` from its clean(); the
    occasion, checked but not saved, is then `new_occasion` (the service saves it with the record) and
    the record's `occasion` in `cleaned`.
    """

    new_occasion_name = forms.CharField(
        label=_("Or a new occasion: its name"),
        max_length=300,
        required=False,
        help_text=Occasion._meta.get_field("name").help_text,
    )
    new_occasion_place = forms.CharField(label=_("New occasion's place"), max_length=200, required=False)
    new_occasion_url = WebAddressFormField(
        label=_("New occasion's link"),
        max_length=500,
        required=False,
        help_text=_("A web address starting with http:// or https://."),
    )
    new_occasion_start = forms.DateField(label=_("New occasion's first day"), required=False, widget=DateInput)
    new_occasion_end = forms.DateField(
        label=_("New occasion's last day"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for a one-day occasion."),
    )

    # The form's field → the occasion's.
    NEW_OCCASION_FIELDS = {
        "new_occasion_name": "name",
        "new_occasion_place": "place",
        "new_occasion_url": "url",
        "new_occasion_start": "start_date",
        "new_occasion_end": "end_date",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_occasion: Occasion | None = None

    def check_new_occasion(self, cleaned) -> None:
        """The occasion named, checked as the model checks it, its errors beside the form's fields."""
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

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.new_occasion is not None:
            # Not saved yet (the service saves it with the meeting): the database's check of the
            # occasion would not see it. The model's clean() checks it with its relation.
            exclude.add("occasion")
        return exclude


class OccasionForm(LineEndingsMixin, OptimisticLockFormMixin, forms.ModelForm):
    class Meta:
        model = Occasion
        fields = ["name", "place", "url", "start_date", "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].assume_scheme = "https"
        self.helper = form_helper()
