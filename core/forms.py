"""
What every editing form of the portal shares: the crispy helper, line endings, date inputs, a
confirmation, the rule on control characters in what is typed, the most rows a formset takes, and
the reason a change to a published record needs.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.lookups import fits
from core.text import OneLineValidator, TextValidator
from core.workflow import RecordStatus

# Django's blank choice, "---------", reads as nothing: a select says what its empty choice means.
DJANGO_BLANK = "---------"
CHOOSE = _("— choose —")
NONE_CHOSEN = _("— none —")


def label_blank_choices(form) -> None:
    """
    Give each select of `form` whose empty choice is Django's "---------" a label that reads: "— choose
    —" where a choice is required, "— none —" where it may stay empty. A form sets its own meaningful
    blank ("No agenda item") before; this leaves that alone.
    """
    for field in form.fields.values():
        blank = CHOOSE if field.required else NONE_CHOSEN
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_BLANK:
                field.empty_label = blank
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if any(value == "" and label == DJANGO_BLANK for value, label in choices):
                field.choices = [
                    (value, blank if value == "" and label == DJANGO_BLANK else label) for value, label in choices
                ]


class _EveryField(Layout):
    """A form's fields in their order: crispy's own drawing of a form without a layout, as a layout."""

    def __bool__(self):
        return True

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return "".join(render_field(name, form, context, template_pack=template_pack) for name in form.fields)


class PortalFormHelper(FormHelper):
    """Crispy's helper, which labels the blank choices of the form it draws (label_blank_choices)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A layout always (the form's fields, unless the form gives one): crispy calls render_layout only then.
        self.layout = _EveryField()

    def __bool__(self):
        # Crispy asks `if helper and helper.layout`, and a helper's length is its layout's number of fields.
        return True

    def render_layout(self, form, context, template_pack=TEMPLATE_PACK):
        label_blank_choices(form)
        return super().render_layout(form, context, template_pack=template_pack)


def form_helper(submit_label: str | None = "") -> FormHelper:
    """
    The crispy helper of an editing form. The page template writes the <form> tag and the buttons
    (some pages put a formset or a preview in the same form); `submit_label` names the main button.
    """
    helper = PortalFormHelper()
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
    """
    The portal's one kind of date input (with core.widgets.DateAndTimeWidget for a date and a time):
    `<input type="date">`, with the format the server reads said beside it, for a browser that shows
    no picker and for whoever types or pastes a date.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        return format_html('{}<span class="form-text d-block date-format">{}</span>', html, _("(YYYY-MM-DD)"))


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


# --- The most rows a formset takes -----------------------------------------------------------------


# More than any list of the portal holds: a longer number posted as a count reads as this.
COUNT_CEILING = 10**9


def posted_count(value) -> int | None:
    """
    A count as a form posts it (ASCII digits; at most COUNT_CEILING), or None if it is none. int()
    alone raises on "²" (a digit to str.isdigit(), not to int()) and on more than 4,300 digits.
    """
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) < 10 else COUNT_CEILING


class LimitedRowsFormSetMixin:
    """
    A formset that takes at most `max_num` rows, whatever the post says. Django builds as many rows as
    the post's TOTAL_FORMS asks, up to `absolute_max` (by default max_num + 1,000: 1,200 participants
    rows for `form-TOTAL_FORMS=1000000`, each validated and drawn, 30 s of a worker, then a 500) and
    refuses more only after building them. Made with `limited_rows()`, the formset builds at most
    `max_num` rows and refuses a post that asks for more with an error above the rows (the rows up to
    the maximum come back as typed); a formset whose count is forged, with no input for the rows it
    claims, builds only the rows the post holds. `validate_max` counts the rows kept, not deleted.
    """

    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "More than %(num)d row: this list takes at most %(num)d. Nothing was saved.",
            "More than %(num)d rows: this list takes at most %(num)d, and only the first %(num)d are shown. "
            "Nothing was saved.",
            "num",
        )
    }

    def total_form_count(self):
        total = super().total_form_count()
        if self.is_bound and total >= self.absolute_max and self._posted_total() > self.absolute_max:
            # Refused anyway: no blank rows built for a count the post only claims.
            total = min(total, self._rows_posted())
        return total

    def _posted_total(self) -> int:
        return self.management_form.cleaned_data.get(forms.formsets.TOTAL_FORM_COUNT) or 0

    def _rows_posted(self) -> int:
        """One more than the highest row index the post holds a field of (0 if none)."""
        start = f"{self.prefix}-"
        highest = -1
        for key in self.data:
            if key.startswith(start):
                index = posted_count(key[len(start) :].partition("-")[0])
                if index is not None and index < self.absolute_max:
                    highest = max(highest, index)
        return highest + 1


def limited_rows(maximum: int) -> dict:
    """The arguments of formset_factory (or an inline's get_formset) for a formset of at most `maximum` rows."""
    return {"max_num": maximum, "validate_max": True, "absolute_max": maximum}


def with_limited_rows(formset_class):
    """`formset_class` with LimitedRowsFormSetMixin (its error message and its count of the rows built)."""
    if issubclass(formset_class, LimitedRowsFormSetMixin):
        return formset_class
    return type(formset_class.__name__, (LimitedRowsFormSetMixin, formset_class), {})


class CorrectionReasonMixin:
    """
    Changing a published record needs a reason, shown on the record ("Corrected on …: …"). For the
    form of any record with a workflow status (core.workflow): a meeting, a decision's meeting.
    """

    def add_correction_reason(self, record, *, required: bool = True) -> None:
        """`required=False` where the service asks for it only when the save changes something."""
        if record is not None and record.pk and record.status == RecordStatus.PUBLISHED:
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


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """
    A multiple choice of records whose posted ids are looked up only if their column can hold them:
    an id beyond an integer column's range (99999999999999999999999) is "not one of the available
    choices", as an id that names no record, instead of a database error in the `in` lookup
    (core.lookups.fits). Every multiple choice of records of the portal's forms and admin is one.
    """

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            key = self.to_field_name or "pk"
            model = self.queryset.model
            target = model._meta.pk if key == "pk" else model._meta.get_field(key)
            for item in value:
                if item in self.empty_values:
                    continue
                try:
                    target.to_python(item)
                except (ValidationError, ValueError, TypeError):
                    continue  # not an id at all: ModelMultipleChoiceField's own "not a valid value"
                if not fits(target, item, self.queryset.db):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super().clean(value)


def records_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: its many-to-many fields are RecordsChoiceFields."""
    if db_field.many_to_many:
        kwargs.setdefault("form_class", RecordsChoiceField)
    return db_field.formfield(**kwargs)
