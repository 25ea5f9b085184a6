"""The reasons the workflow asks for: a reason alone (cancel, unpublish, correct), and a correction's reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CorrectionReasonMixin, LineEndingsMixin, form_helper
from meetings.models import Meeting


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


class CorrectionReasonForm(LineEndingsMixin, CorrectionReasonMixin, forms.Form):
    """The reason field alone, for pages whose main part is a formset or a list."""

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_correction_reason(meeting)
        self.helper = form_helper()
