from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LineEndingsMixin, form_helper
from core.readiness import Findings


class AdvanceForm(LineEndingsMixin, forms.Form):
    """Circulate or publish: the button, and a reason to go ahead when the checks warned of something."""

    def __init__(self, *args, findings: Findings, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = findings
        if findings.warnings and not findings.errors:
            self.fields["warnings_seen"] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.initial["warnings_seen"] = findings.fingerprint
            self.fields["override_reason"] = forms.CharField(
                label=_("Why the record may go ahead as it is"),
                help_text=_("Kept in the record's history with the warnings above. Or fix them first."),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=1000,
            )
        self.helper = form_helper(submit_label)

    @property
    def warnings_seen(self) -> str:
        return self.cleaned_data.get("warnings_seen", "") if hasattr(self, "cleaned_data") else ""

    @property
    def override_reason(self) -> str:
        return self.cleaned_data.get("override_reason", "") if hasattr(self, "cleaned_data") else ""
