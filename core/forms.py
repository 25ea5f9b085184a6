"""What every editing form of the portal shares: the crispy helper, line endings, date inputs, a confirmation."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _


def form_helper(submit_label: str | None = "") -> FormHelper:
    """
    The crispy helper of an editing form. The page template writes the <form> tag and the buttons
    (some pages put a formset or a preview in the same form); `submit_label` names the main button.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.submit_label = _("Save") if submit_label == "" else submit_label
    return helper


class LineEndingsMixin:
    """
    Browsers send the lines of a textarea separated by CR LF: keep LF, as every other way of writing
    a record does (the demo loader, the services). Otherwise an untouched text
    reads as changed, in the history and when a refused save is compared with the record.
    """

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ConfirmForm(forms.Form):
    """A confirmation step without fields: the button is the confirmation."""

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit_label or _("Confirm"))
