"""Forms of the Secretariat's editing pages for decisions, their outcomes, documents and action items."""

from __future__ import annotations

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import (
    CorrectionReasonMixin,
    DateInput,
    LineEndingsMixin,
    RecordsChoiceField,
    form_helper,
    records_formfield,
)
from core.locking import OptimisticLockFormMixin
from decisions.models import ActionItem, Decision, Document, DocumentKind
from decisions.services import DecisionDraft
from decisions.uploads import validate_document_file
from meetings.models import Meeting
from members.forms import (
    ROLE_FIELDS,
    BlankTolerantMultipleChoiceField,
    NewOrganisationFormSet,
    PeopleChoiceField,
    PersonChoiceField,
    people,
    role_form_fields,
)
from members.models import Membership, Organisation, Pillar


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
        self.fields["agenda_item"].help_text = _("Empty for a decision on the meeting as a whole.")
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


class OutcomeForm(LineEndingsMixin, CorrectionReasonMixin, forms.Form):
    """
    An outcome helper: the decision (a new one, or one recorded already) and its effect on the
    registers, saved by one service in one transaction (decisions.edit_views.OUTCOMES). Each subclass
    says what the effect is, as that service's keyword arguments, in its own `effect() -> dict` (this
    class is never used on its own: every outcome of OUTCOMES is a subclass).
    """

    # A formset posted with the form (the new organisations of "admit members"), or None.
    formset = None

    verbs: tuple[str, ...] = tuple(Decision.Verb.values)
    default_verb = Decision.Verb.APPROVED
    submit_label = _("Record the decision")

    existing_decision = DecisionChoiceField(
        label=_("Add to a decision recorded already"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=_("Leave empty to record a new decision with the fields below."),
    )
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=40, required=False)
    verb = forms.ChoiceField(label=_("Verb"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    wording = forms.CharField(
        label=_("Wording as recorded"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verbatim, as in the minutes."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["existing_decision"].queryset = meeting.decisions.order_by("sequence")
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("position")
        self.fields["verb"].choices = [("", "---------")] + [
            (value, label) for value, label in Decision.Verb.choices if value in self.verbs
        ]
        self.fields.update(decision_detail_fields())
        self.initial.setdefault("verb", self.default_verb)
        self.initial.setdefault("reference", Decision.propose_reference(meeting))
        self.fields["reference"].help_text = _("Proposed from the meeting and the next number; you may change it.")
        self.add_correction_reason(meeting)
        self.helper = form_helper(self.submit_label)
        effect = [name for name in self.fields if name not in DECISION_FIELDS and name != "correction_reason"]
        self.helper.layout = Layout(
            Fieldset(_("The decision"), *DECISION_FIELDS),
            Fieldset(_("What it changes"), *effect),
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


class AdmitMembersForm(OutcomeForm):
    verbs = (Decision.Verb.APPROVED, Decision.Verb.AGREED, Decision.Verb.ADOPTED)
    submit_label = _("Admit the members")

    organisations = RecordsChoiceField(
        label=_("Organisations admitted"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Choose existing organisations, or create new ones below (or both)."),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Membership.Category.choices, initial=Membership.Category.SUPPORT_GROUP
    )
    since = forms.DateField(
        label=_("Member since"), required=False, widget=DateInput, help_text=_("Empty: the date of the meeting.")
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.initial.setdefault("since", self.meeting.local_start.date())
        self.formset = NewOrganisationFormSet(data, queryset=Organisation.objects.none(), prefix="new")

    def effect(self) -> dict:
        new_organisations = [
            sub.save(commit=False) for sub in self.formset.forms if sub.has_changed() and sub.cleaned_data.get("name")
        ]
        return {
            "organisations": list(self.cleaned_data["organisations"]),
            "new_organisations": new_organisations,
            "category": self.cleaned_data["category"],
            "since": self.cleaned_data["since"],
        }


class EndMembershipOutcomeForm(OutcomeForm):
    verbs = (Decision.Verb.APPROVED, Decision.Verb.AGREED, Decision.Verb.TOOK_NOTE)
    submit_label = _("End the membership")

    membership = forms.ModelChoiceField(label=_("Membership"), queryset=Membership.objects.none())
    until = forms.DateField(
        label=_("Last day of the membership"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the date of the meeting."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        on = self.meeting.local_start.date()
        self.fields["membership"].queryset = Membership.objects.current(on).select_related("organisation")

    def effect(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("membership", "until", "note")}


class DocumentsOutcomeForm(OutcomeForm):
    verbs = (
        Decision.Verb.ENDORSED,
        Decision.Verb.ADOPTED,
        Decision.Verb.ENDORSED_ADOPTED,
        Decision.Verb.APPROVED,
        Decision.Verb.TOOK_NOTE,
    )
    submit_label = _("Record the decision on the documents")

    documents = RecordsChoiceField(
        label=_("Documents"),
        queryset=Document.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Choose existing documents, or create a new one below (or both)."),
    )
    new_title = forms.CharField(label=_("New document: title"), max_length=300, required=False)
    new_kind = forms.ModelChoiceField(
        label=_("New document: kind"),
        # Empty (not the first kind) unless chosen: a new document is of kind "Other" unless said.
        queryset=DocumentKind.objects.all(),
        to_field_name="slug",
        required=False,
        help_text=_("Empty: Other. The admin manages the kinds."),
    )
    new_pillars = RecordsChoiceField(
        label=_("New document: pillars"),
        queryset=Pillar.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_period_start = forms.IntegerField(label=_("New document: period from (year)"), required=False, min_value=1990)
    new_period_end = forms.IntegerField(label=_("New document: period to (year)"), required=False, min_value=1990)
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("PDF, DOCX, XLSX or ODT, at most 20 MB: the first or a new version of the one document."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_document_file(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        title = (cleaned.get("new_title") or "").strip()
        if not title and not cleaned.get("documents"):
            self.add_error("documents", _("Choose a document or give the title of a new one."))
        if title and Document.objects.filter(title=title).exists():
            self.add_error("new_title", _("A document with this title exists: choose it in the list above."))
        start, end = cleaned.get("new_period_start"), cleaned.get("new_period_end")
        if start and end and end < start:
            self.add_error("new_period_end", _("The period cannot end before it starts."))
        count = len(cleaned.get("documents") or []) + (1 if title else 0)
        if cleaned.get("file") and count > 1:
            self.add_error("file", _("Upload a file with one document at a time."))
        return cleaned

    def effect(self) -> dict:
        return {
            "documents": list(self.cleaned_data["documents"]),
            "new_document": self.new_document(),
            "new_document_pillars": list(self.cleaned_data["new_pillars"]),
            "uploaded_file": self.cleaned_data.get("file"),
        }

    def new_document(self) -> Document | None:
        title = (self.cleaned_data.get("new_title") or "").strip()
        if not title:
            return None
        return Document(
            title=title,
            kind=self.cleaned_data.get("new_kind") or DocumentKind.other(),
            period_start=self.cleaned_data.get("new_period_start"),
            period_end=self.cleaned_data.get("new_period_end"),
        )


class RoleOutcomeForm(OutcomeForm):
    """
    The Board gives a post for a term: appoints a person, extends a mandate, names an organisation
    host of a body or lead partner of a pillar. The role is proposed by whoever proposed the decision.
    """

    verbs = (Decision.Verb.APPOINTED, Decision.Verb.APPROVED, Decision.Verb.AGREED, Decision.Verb.ENDORSED)
    submit_label = _("Record the role")
    role_fields = [name for name in ROLE_FIELDS if not name.startswith("proposed_by_")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = role_form_fields(self.role_fields)
        fields["kind"].label = _("Appointment or extension")
        self.fields.update(fields)
        effect = self.role_fields
        self.helper.layout = Layout(
            Fieldset(_("The decision"), *DECISION_FIELDS),
            Fieldset(_("The role it gives"), *effect),
            *(["correction_reason"] if "correction_reason" in self.fields else []),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("person") and cleaned.get("organisation"):
            self.add_error("organisation", _("A role is held by a person or by an organisation: name only one."))
        elif not cleaned.get("person") and not cleaned.get("organisation") and "person" not in self.errors:
            self.add_error("person", _("Name who holds the role: a person or an organisation."))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("A role cannot end before it starts."))
        return cleaned

    def effect(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.role_fields}


class ActionOutcomeForm(OutcomeForm):
    verbs = (Decision.Verb.AGREED, Decision.Verb.APPROVED, Decision.Verb.TOOK_NOTE)
    default_verb = Decision.Verb.AGREED
    submit_label = _("Record the action")

    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner (organisation)"), queryset=Organisation.objects.all(), required=False
    )
    owner_person = PersonChoiceField(label=_("Owner (person)"), queryset=people(), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def effect(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("description", "owner_organisation", "owner_person", "due_date")
        }


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
