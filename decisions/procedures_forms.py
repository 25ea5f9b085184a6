"""Forms of the written procedures: the Secretariat's draft, a member's answer, the Secretariat's steps."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, LineEndingsMixin, form_helper
from core.locking import OptimisticLockFormMixin
from decisions.models import Document, ProcedureAnswer, WrittenProcedure
from members.models import Organisation


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ProcedureForm(LineEndingsMixin, OptimisticLockFormMixin, forms.ModelForm):
    """A draft procedure: what is proposed, to whom, by when, and what it acts on when adopted."""

    class Meta:
        model = WrittenProcedure
        fields = [
            "reference",
            "kind",
            "title",
            "text",
            "verb",
            "proposed_by_organisation",
            "documents",
            "consulted",
            "deadline",
            "effect",
            "admit_organisations",
            "admit_category",
            "post",
            "role_person",
            "role_organisation",
            "role_pillar",
            "role_end",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "deadline": DateTimeInput,
            "role_end": DateInput,
            "documents": forms.SelectMultiple(attrs={"size": 6}),
            "consulted": forms.SelectMultiple(attrs={"size": 8}),
            "admit_organisations": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = Document.objects.order_by("title")
        self.fields["deadline"].help_text = _("Date and time in the Secretariat's time zone (%(zone)s).") % {
            "zone": settings.TIME_ZONE
        }
        self.helper = form_helper()


class AnswerForm(LineEndingsMixin, forms.Form):
    """A member's answer for one of the organisations they may answer for."""

    organisation = forms.ModelChoiceField(label=_("Answer for"), queryset=Organisation.objects.none(), empty_label=None)
    answer = forms.ChoiceField(label=_("Answer"), choices=ProcedureAnswer.Answer.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required to object.")
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.helper = form_helper(_("Send the answer"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == ProcedureAnswer.Answer.OBJECT and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why you object."))
        return cleaned


class OnBehalfForm(AnswerForm):
    """An answer the Secretariat received by e-mail or letter, recorded on the member's behalf."""

    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[(ProcedureAnswer.Channel.EMAIL, _("By e-mail")), (ProcedureAnswer.Channel.LETTER, _("By letter"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = _("Member")
        self.helper = form_helper(_("Record the answer"))


class WithdrawForm(LineEndingsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Withdraw the procedure"))


class PublishForm(forms.Form):
    answers_published = forms.BooleanField(
        label=_("Publish each member's answer too"),
        required=False,
        help_text=_("Otherwise the public reads the outcome and the tally only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Publish the outcome"))
