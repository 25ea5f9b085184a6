"""
One form per kind of effect (decisions.effects): a plain fragment with exactly that effect's fields,
which builds the effect (`effect()`) and checks it (`Effect.validate()`, errors beside the fields).

The same form serves a meeting's outcome page (with the decision's fields before it,
decisions.forms.outcome_form) and a written procedure's form (prefixed by the effect's key,
decisions.procedures.forms). Its class attributes describe the meeting's outcome page: its address,
title, introduction, verbs and the permissions it needs besides recording a decision.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import clock
from core.editing import add_validation_error
from core.forms import DateInput, LineEndingsMixin, RecordsChoiceField, label_blank_choices, limited_rows, posted_count
from decisions import effects
from decisions.models import Decision, Document, DocumentKind
from decisions.uploads import validate_document_file
from members.forms import (
    ROLE_FIELDS,
    BaseNewOrganisationFormSet,
    NewOrganisationForm,
    PersonChoiceField,
    people,
    role_form_fields,
)
from members.models import Membership, Organisation, Pillar

EFFECT_FORMS: dict[str, type[EffectForm]] = {}


def register(form: type[EffectForm]) -> type[EffectForm]:
    """Add an effect form to the registry, under its effect's key."""
    EFFECT_FORMS[form.effect_class.key] = form
    # Its own fields, declared or added in __init__ (extra_fields); a combined form has others.
    form.effect_field_names = (*form.declared_fields, *getattr(form, "extra_fields", ()))
    return form


class EffectForm(LineEndingsMixin, forms.Form):
    """The fields of one effect (never used on its own: every effect has its subclass)."""

    effect_class: ClassVar[type[effects.Effect]]
    effect_field_names: ClassVar[tuple[str, ...]] = ()
    # A formset posted with the form (the new organisations of "admit members"), or None.
    formset = None

    # The meeting's outcome page: decisions-edit:<url_name> at …/outcomes/<url_part>/.
    url_name: ClassVar[str]
    url_part: ClassVar[str]
    title: ClassVar[str]
    intro: ClassVar[str]
    permissions: ClassVar[tuple[str, ...]] = ()  # besides recording a decision
    verbs: ClassVar[tuple[str, ...]] = tuple(Decision.Verb.values)
    default_verb: ClassVar[str] = Decision.Verb.APPROVED
    submit_label = _("Record the decision")
    legend = _("What it changes")
    link_label = None  # the link to the outcome page, on the meeting's page; None: the title

    def __init__(self, *args, on: dt.date | None = None, stored: bool = False, **kwargs):
        """
        `on`: the decision's date as far as it is known (the meeting's; else today), for defaults.
        `stored`: the effect is kept as data until later (a written procedure's, applied at its closing):
        without what data cannot hold until then (an uploaded file, organisations created on the spot).
        """
        super().__init__(*args, **kwargs)
        self.on = on or clock.localdate()
        self.stored = stored
        # Drawn by the `crispy` filter too (a procedure's effects), which has no helper to do it.
        label_blank_choices(self)

    @classmethod
    def initial_for(cls, effect: effects.Effect) -> dict:
        """The form's initial values for a stored effect (a draft procedure's, edited again)."""
        return {name: getattr(effect, name) for name in cls.effect_field_names if hasattr(effect, name)}

    def effect(self) -> effects.Effect:
        """The effect of the cleaned input (a form whose fields are not the effect's says it itself)."""
        return self.effect_class(**{name: self.cleaned_data.get(name) for name in self.effect_field_names})

    def clean(self):
        cleaned = super().clean()
        if not any(name in self.errors for name in self.effect_field_names) and not (
            self.formset is not None and self.formset.is_bound and not self.formset.is_valid()
        ):
            try:
                self.effect().validate()
            except ValidationError as error:
                add_validation_error(self, error)
        return cleaned


# The new organisations of an admission: none shown until asked for ("Add a new organisation").
NewOrganisationRows = forms.modelformset_factory(
    Organisation,
    form=NewOrganisationForm,
    formset=BaseNewOrganisationFormSet,
    extra=0,
    can_delete=False,
    **limited_rows(20),
)


def _one_more_row(data):
    """The posted data with one more new organisation's row when "Add a new organisation" was pressed."""
    if data is None or "add_rows" not in data:
        return data
    data = data.copy()
    total = posted_count(data.get("new-TOTAL_FORMS"))
    data["new-TOTAL_FORMS"] = str(1 if total is None else total + 1)
    data.setdefault("new-INITIAL_FORMS", "0")
    return data


@register
class AdmitMembersForm(EffectForm):
    effect_class = effects.AdmitMembers
    url_name, url_part = "admit-members", "admit-members"
    title = _("Admit members")
    intro = _("Memberships start on the meeting's date and show the decision that admitted them.")
    permissions = ("members.add_membership", "members.add_organisation")
    verbs = (Decision.Verb.APPROVED, Decision.Verb.AGREED, Decision.Verb.ADOPTED)
    submit_label = _("Admit the members")

    organisations = RecordsChoiceField(
        label=_("Organisations admitted"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"data-filter-choices": _("Filter the organisations by name")}),
        help_text=_(
            "Tick the organisations admitted, or add new ones below (or both). Organisations that are members "
            "of the category chosen below on the date of the decision are not listed."
        ),
    )
    category = forms.ChoiceField(
        label=_("Category they are admitted to"),
        choices=Membership.Category.choices,
        initial=Membership.Category.SUPPORT_GROUP,
    )
    since = forms.DateField(
        label=_("Member since"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for the date of the decision."),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        category = self.data.get(self.add_prefix("category")) if self.is_bound else None
        if category not in Membership.Category.values:
            category = self.fields["category"].initial
        # Who is a member of that category on the day already is not offered (the effect would refuse
        # them, saying why: a choice posted anyway is kept, so that the refusal shows beside it).
        members = Membership.objects.current(self.on).filter(category=category).values("organisation")
        posted = self.data.getlist(self.add_prefix("organisations")) if hasattr(self.data, "getlist") else []
        chosen = [int(value) for value in posted if str(value).isascii() and str(value).isdigit() and len(value) < 10]
        offered = Organisation.objects.exclude(Q(pk__in=members) & ~Q(pk__in=chosen)).order_by("name")
        self.fields["organisations"].widget.choices = [(org.pk, str(org)) for org in offered]
        if not self.stored:
            self.initial.setdefault("since", self.on)
            self.formset = NewOrganisationRows(_one_more_row(data), queryset=Organisation.objects.none(), prefix="new")
            # Drawn inside the form, beside the organisations (decisions/_new_organisations.html).
            self.formset.in_layout = True
        else:
            self.fields["organisations"].help_text = _(
                "Organisations not in the list are created in the admin first (they are created with the "
                "decision only at a meeting)."
            )

    def effect(self) -> effects.AdmitMembers:
        new_organisations = [
            sub.save(commit=False)
            for sub in (self.formset.forms if self.formset is not None else [])
            if sub.has_changed() and getattr(sub, "cleaned_data", {}).get("name")
        ]
        return effects.AdmitMembers(
            organisations=tuple(self.cleaned_data.get("organisations") or ()),
            category=self.cleaned_data.get("category") or "",
            since=self.cleaned_data.get("since"),
            new_organisations=tuple(new_organisations),
        )

    def clean(self):
        # The new organisations' rows are checked first: the effect is built from them.
        if self.formset is not None and self.formset.is_bound:
            self.formset.is_valid()
        return super().clean()


@register
class EndMembershipForm(EffectForm):
    effect_class = effects.EndMembership
    url_name, url_part = "end-membership", "end-membership"
    title = _("End a membership")
    intro = _("The membership stays on record with its end date and the decision; nothing is deleted.")
    permissions = ("members.change_membership",)
    verbs = (Decision.Verb.APPROVED, Decision.Verb.AGREED, Decision.Verb.TOOK_NOTE)
    submit_label = _("End the membership")

    membership = forms.ModelChoiceField(label=_("Membership that ends"), queryset=Membership.objects.none())
    until = forms.DateField(
        label=_("Last day of the membership"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for the date of the decision."),
    )
    note = forms.CharField(label=_("Note on the end (optional)"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = Membership.objects.current(self.on).select_related("organisation")


@register
class DocumentsForm(EffectForm):
    effect_class = effects.Documents
    url_name, url_part = "approve-documents", "documents"
    title = _("Endorse, adopt or approve documents")
    link_label = _("Endorse / adopt / approve documents")
    intro = _("Each document then shows by which decision, at which meeting, the Board acted on it.")
    permissions = ("decisions.add_document",)
    verbs = (
        Decision.Verb.ENDORSED,
        Decision.Verb.ADOPTED,
        Decision.Verb.ENDORSED_ADOPTED,
        Decision.Verb.APPROVED,
        Decision.Verb.TOOK_NOTE,
    )
    submit_label = _("Record the decision on the documents")

    documents = RecordsChoiceField(
        label=_("Documents acted on"),
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
        help_text=_("Leave empty for “Other”. The admin manages the kinds."),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = Document.objects.order_by("title")
        if self.stored:
            del self.fields["file"]

    @classmethod
    def initial_for(cls, effect: effects.Documents) -> dict:
        initial = {"documents": list(effect.documents)}
        if effect.new_document is not None:
            new = effect.new_document
            initial |= {
                "new_title": new.title,
                "new_kind": new.kind.slug if new.kind_id else None,
                "new_period_start": new.period_start,
                "new_period_end": new.period_end,
                "new_pillars": list(effect.new_document_pillars),
            }
        return initial

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_document_file(uploaded)
        return uploaded

    def effect(self) -> effects.Documents:
        cleaned = self.cleaned_data
        title = (cleaned.get("new_title") or "").strip()
        new_document = None
        if title:
            new_document = Document(
                title=title,
                kind=cleaned.get("new_kind") or DocumentKind.other(),
                period_start=cleaned.get("new_period_start"),
                period_end=cleaned.get("new_period_end"),
            )
        return effects.Documents(
            documents=tuple(cleaned.get("documents") or ()),
            new_document=new_document,
            new_document_pillars=tuple(cleaned.get("new_pillars") or ()) if title else (),
            uploaded_file=cleaned.get("file") or None,
        )


# A role's fields as a decision gives it: proposed by whoever proposed the decision.
ROLE_EFFECT_FIELDS = [name for name in ROLE_FIELDS if not name.startswith("proposed_by_")]


@register
class RoleForm(EffectForm):
    """
    The Board gives a post for a term: appoints a person, extends a mandate, names an organisation
    host of a body or lead partner of a pillar. The role is proposed by whoever proposed the decision.
    """

    effect_class = effects.Role
    url_name, url_part = "appoint", "appointment"
    title = _("Appoint or name a post holder")
    intro = _(
        "A person or an organisation holds a post for a term: the Head of the Secretariat, the host of a body "
        "from a date, a lead or co-lead partner of a pillar. The role is recorded with the decision that made it."
    )
    permissions = ("members.add_roleheld",)
    verbs = (Decision.Verb.APPOINTED, Decision.Verb.APPROVED, Decision.Verb.AGREED, Decision.Verb.ENDORSED)
    submit_label = _("Record the role")
    legend = _("The role it gives")
    extra_fields = (*ROLE_EFFECT_FIELDS, "start_on_decision")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = role_form_fields(ROLE_EFFECT_FIELDS)
        fields["kind"].label = _("Appointment or extension")
        # As sentences on the outcome page ("From: known to the" read as a fragment).
        fields["start"].label, fields["end"].label = _("Start of the term"), _("End of the term")
        fields["start"].help_text = _("Leave empty when it is not on record.")
        fields["end"].help_text = _("Leave empty while the post is held.")
        fields["start_precision"].label = _("How precisely the start is known")
        fields["end_precision"].label = _("How precisely the end is known")
        fields["start_on_decision"] = forms.BooleanField(
            label=_("From the date of the decision"),
            required=False,
            help_text=_("Instead of a date above: the meeting's date, or the closing date of a procedure."),
        )
        self.fields.update(fields)
        label_blank_choices(self)
        if self.stored:
            self.initial.setdefault("start_on_decision", True)

    def effect(self) -> effects.Role:
        cleaned = {name: self.cleaned_data.get(name) for name in ROLE_EFFECT_FIELDS}
        cleaned["note"] = cleaned.get("note") or ""
        cleaned["start_on_decision"] = bool(self.cleaned_data.get("start_on_decision"))
        return effects.Role(**cleaned)


@register
class AgreeActionForm(EffectForm):
    effect_class = effects.AgreeAction
    url_name, url_part = "agree-action", "action"
    title = _("Agree an action")
    intro = _("The action item is followed up on /actions/, linked to the decision that asked for it.")
    permissions = ("decisions.add_actionitem",)
    verbs = (Decision.Verb.AGREED, Decision.Verb.APPROVED, Decision.Verb.TOOK_NOTE)
    default_verb = Decision.Verb.AGREED
    submit_label = _("Record the action")

    description = forms.CharField(label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner: an organisation"), queryset=Organisation.objects.all(), required=False
    )
    owner_person = PersonChoiceField(label=_("Owner: a person"), queryset=people(), required=False)
    due_date = forms.DateField(label=_("Due date (optional)"), required=False, widget=DateInput)

    def effect(self) -> effects.AgreeAction:
        return effects.AgreeAction(
            description=self.cleaned_data.get("description") or "",
            owner_organisation=self.cleaned_data.get("owner_organisation"),
            owner_person=self.cleaned_data.get("owner_person"),
            due_date=self.cleaned_data.get("due_date"),
        )
