"""
What every editing form of the portal shares: the crispy helper, line endings, date inputs, a
confirmation, and the rule on control characters in what is typed.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import OneLineValidator, TextValidator


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


def refuse_control_characters(form) -> bool:
    """
    Refuse control characters in the text fields of a validated form, beside the field: none in a
    one-line input (no line break, no NUL), only line breaks and tabs in a text area. The model
    fields refuse them too (core.text), whichever form or service fills them; this covers the
    fields of a form that are not a model's (a new person's name on the participants page, the
    subject of an outcome). core.editing.edit_page calls it for every form and formset it saves.
    True if the form is still valid.
    """
    cleaned = getattr(form, "cleaned_data", None)
    if cleaned is None:
        return form.is_valid()
    for name, field in form.fields.items():
        value = cleaned.get(name)
        if not isinstance(field, forms.CharField) or not isinstance(value, str) or field.widget.is_hidden:
            continue
        validator = TextValidator() if isinstance(field.widget, forms.Textarea) else OneLineValidator()
        try:
            validator(value)
        except ValidationError as error:
            form.add_error(name, error)
    return not form.errors
