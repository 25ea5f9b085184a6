from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CorrectionReasonMixin, LineEndingsMixin, form_helper
from decisions.models import Document, DocumentKind
from decisions.uploads import validate_document_file
from meetings.models import AgendaItem, Meeting


class AddPaperForm(CorrectionReasonMixin, LineEndingsMixin, forms.Form):
    """One paper: an existing document, or a new one (title, kind, file); under an item or not."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, DOCX, XLSX or ODT, at most 20 MB. For an existing document: a new version of its file."),
    )
    title = forms.CharField(
        label=_("Title of a new document"),
        max_length=300,
        required=False,
        help_text=_("Leave empty when you choose an existing document below."),
    )
    kind = forms.ModelChoiceField(
        label=_("Kind of document"), queryset=DocumentKind.objects.all(), required=False, empty_label=_("Other")
    )
    document = forms.ModelChoiceField(
        label=_("Or an existing document"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("No: a new document"),
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The meeting as a whole"),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["document"].queryset = (
            Document.objects.exclude(meeting_papers__meeting=meeting).only("title", "slug").order_by("title")
        )
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("position")
        self.fields["agenda_item"].label_from_instance = lambda item: f"{item.position}. {item.title}"
        self.add_correction_reason(meeting)
        self.helper = form_helper(_("Add the paper"))

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_document_file(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("document") and not (cleaned.get("title") or "").strip():
            self.add_error("title", _("Give the new document's title, or choose an existing document."))
        if not cleaned.get("document") and not cleaned.get("file") and "file" not in self.errors:
            self.add_error("file", _("Upload the new document's file."))
        return cleaned
