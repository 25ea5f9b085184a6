"""Forms of the Secretariat's editing pages for decisions, their outcomes, documents and action items."""

from __future__ import annotations

import functools

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import (
    CorrectionReasonMixin,
    DateInput,
    LineEndingsMixin,
    form_helper,
    records_formfield,
)
from core.locking import OptimisticLockFormMixin
from decisions.effect_forms import EffectForm
from decisions.models import ActionItem, Decision, Document, DocumentKind
from decisions.services import DecisionDraft
from decisions.uploads import validate_document_file
from meetings.models import Meeting
from members.forms import BlankTolerantMultipleChoiceField, PeopleChoiceField, PersonChoiceField, people
from members.models import Organisation


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Decision) -> str:
        return f"{obj.reference} — {obj.get_verb_display()}: {obj.subject}"


# What a decision says beyond its verb: who proposed it, whom it concerns, from when it applies.
DECISION_DETAIL_FIELDS = [
    "proposed_by_organisation",
    "proposed_by_person",
    "concerns_organisations",
    "concerns_people",
    "effective_from",
]


def decision_detail_fields() -> dict[str, forms.Field]:
    """The fields of DECISION_DETAIL_FIELDS, with the model's labels and help; people picked by name and position."""
    fields = forms.fields_for_model(
        Decision,
        fields=DECISION_DETAIL_FIELDS,
        widgets={"effective_from": DateInput},
    )
    fields["proposed_by_person"] = PersonChoiceField(
        queryset=people(), required=False, label=fields["proposed_by_person"].label
    )
    fields["concerns_people"] = PeopleChoiceField(
        queryset=people(),
        required=False,
        label=fields["concerns_people"].label,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    fields["concerns_organisations"] = BlankTolerantMultipleChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        label=fields["concerns_organisations"].label,
        help_text=fields["concerns_organisations"].help_text,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    fields["proposed_by_organisation"].help_text = _("Or a person below; at most one.")
    fields["concerns_people"].help_text = _("People the decision is about, so that their pages find it.")
    return fields


def clean_proposer(form, cleaned: dict) -> None:
    if cleaned.get("proposed_by_organisation") and cleaned.get("proposed_by_person"):
        form.add_error(
            "proposed_by_person", _("A decision is on the proposal of an organisation or of a person, not both.")
        )


class DecisionForm(LineEndingsMixin, CorrectionReasonMixin, OptimisticLockFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = records_formfield  # many-to-many fields: core.forms.RecordsChoiceField
        model = Decision
        fields = ["agenda_item", "reference", "verb", "subject", "wording", *DECISION_DETAIL_FIELDS]
        widgets = {"wording": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(decision_detail_fields())
        decision = self.instance
        self.fields["agenda_item"].queryset = decision.meeting.agenda_items.order_by("position")
        self.fields["agenda_item"].empty_label = NO_AGENDA_ITEM
        self.fields["verb"].label = _("What the Board did")
        self.fields["subject"].label = _("What it decided on, in a few words")
        if not decision.pk:
            if not self.initial.get("reference"):
                self.initial["reference"] = Decision.propose_reference(decision.meeting, decision.sequence)
            self.fields["reference"].help_text = _("Proposed from the meeting and the next number; you may change it.")
        self.add_correction_reason(decision.meeting)
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        clean_proposer(self, cleaned)
        return cleaned


DECISION_FIELDS = [
    "existing_decision",
    "agenda_item",
    "reference",
    "verb",
    "subject",
    "wording",
    *DECISION_DETAIL_FIELDS,
]


# On an outcome page, after what it changes: whether it adds to a decision, what the Board did, its words.
OUTCOME_DECISION_FIELDS = [
    "existing_decision",
    "verb",
    "subject",
    "wording",
    "reference",
    "agenda_item",
    *DECISION_DETAIL_FIELDS,
]
NO_AGENDA_ITEM = _("No agenda item (the meeting as a whole)")


class OutcomeForm(LineEndingsMixin, CorrectionReasonMixin, forms.Form):
    """
    An outcome helper's decision: a new one, or one recorded already. Never used on its own: a meeting's
    outcome page combines it with an effect's form (outcome_form()), which gives the effect, the verbs
    offered and the labels; both are saved by one service in one transaction (services.record_outcome).
    """

    existing_decision = DecisionChoiceField(
        label=_("Add to a decision recorded already"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("No: record a new decision"),
        help_text=_("Leave as it is to record a new decision with the fields below."),
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=None, required=False, empty_label=NO_AGENDA_ITEM
    )
    reference = forms.CharField(label=_("Reference"), max_length=40, required=False)
    verb = forms.ChoiceField(label=_("What the Board did"), required=False)
    subject = forms.CharField(label=_("What it decided on, in a few words"), max_length=300, required=False)
    wording = forms.CharField(
        label=_("Wording as recorded"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verbatim, as in the minutes."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, on=meeting.local_start.date(), **kwargs)
        self.meeting = meeting
        self.fields["existing_decision"].queryset = meeting.decisions.order_by("sequence")
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("position")
        self.fields["verb"].choices = [("", _("— choose what the Board did —"))] + [
            (value, label) for value, label in Decision.Verb.choices if value in self.verbs
        ]
        self.fields.update(decision_detail_fields())
        self.initial.setdefault("verb", self.default_verb)
        self.initial.setdefault("reference", Decision.propose_reference(meeting))
        self.fields["reference"].help_text = _("Proposed from the meeting and the next number; you may change it.")
        self.add_correction_reason(meeting)
        self.helper = form_helper(self.submit_label)
        # What the outcome changes first (the organisations, the documents, the post and its holder),
        # then the decision's other fields.
        effect: list = [name for name in self.fields if name not in DECISION_FIELDS and name != "correction_reason"]
        if getattr(self.formset, "in_layout", False):
            # The new organisations (shown on request) beside the list they add to.
            rows = HTML('{% include "decisions/_new_organisations.html" with formset=form.formset %}')
            effect.insert(effect.index("organisations") + 1 if "organisations" in effect else len(effect), rows)
        self.helper.layout = Layout(
            Fieldset(self.legend, *effect),
            Fieldset(_("The decision"), *OUTCOME_DECISION_FIELDS),
            *(["correction_reason"] if "correction_reason" in self.fields else []),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("existing_decision"):
            return cleaned
        for name, message in (
            ("reference", _("Give the decision's reference.")),
            ("verb", _("Choose what the Board did.")),
            ("subject", _("Say in a few words what was decided on.")),
        ):
            if not (cleaned.get(name) or "").strip():
                self.add_error(name, message)
        clean_proposer(self, cleaned)
        reference = (cleaned.get("reference") or "").strip()
        if reference and Decision.objects.filter(reference=reference).exists():
            self.add_error(
                "reference",
                _("%(reference)s is taken by another decision. The next free one is %(proposed)s.")
                % {"reference": reference, "proposed": Decision.propose_reference(self.meeting)},
            )
        return cleaned

    def decision_spec(self) -> Decision | DecisionDraft:
        cleaned = self.cleaned_data
        if cleaned.get("existing_decision"):
            return cleaned["existing_decision"]
        return DecisionDraft(
            reference=cleaned["reference"].strip(),
            verb=cleaned["verb"],
            subject=cleaned["subject"].strip(),
            wording=cleaned.get("wording", "").strip(),
            agenda_item=cleaned.get("agenda_item"),
            proposed_by_organisation=cleaned.get("proposed_by_organisation"),
            proposed_by_person=cleaned.get("proposed_by_person"),
            concerns_organisations=list(cleaned.get("concerns_organisations") or []),
            concerns_people=list(cleaned.get("concerns_people") or []),
            effective_from=cleaned.get("effective_from"),
        )


@functools.cache
def outcome_form(effect_form: type[EffectForm]) -> type[OutcomeForm]:
    """A meeting's outcome page: the decision's fields (OutcomeForm), then the effect's (`effect_form`)."""
    return type(effect_form.__name__.removesuffix("Form") + "OutcomeForm", (OutcomeForm, effect_form), {})


class DocumentForm(LineEndingsMixin, OptimisticLockFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = records_formfield  # many-to-many fields: core.forms.RecordsChoiceField
        model = Document
        fields = ["title", "kind", "pillars", "period_start", "period_end", "description"]
        widgets = {"pillars": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = _("The admin manages the kinds: ask there for one that is missing.")
        if not self.instance.pk and not self.initial.get("kind"):
            self.initial["kind"] = DocumentKind.objects.filter(slug="other").values_list("pk", flat=True).first()
        self.helper = form_helper()


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, DOCX, XLSX or ODT, at most 20 MB. Earlier versions are kept.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Upload"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_document_file(uploaded)
        return uploaded


class ActionItemForm(LineEndingsMixin, OptimisticLockFormMixin, forms.ModelForm):
    note = forms.CharField(
        label=_("Progress note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what happened since the last note."),
    )

    class Meta:
        model = ActionItem
        fields = ["status", "due_date"]
        widgets = {"due_date": DateInput}

    lock_fields = ["status", "due_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        unchanged = not self.has_changed() or self.changed_data == ["note"]
        if unchanged and not (cleaned.get("note") or "").strip():
            raise forms.ValidationError(_("Change the status or the due date, or write a progress note."))
        return cleaned
