"""Forms of the Secretariat's editing pages for organisations, people, pillars and memberships."""

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.dates import DatePrecision, long_date
from core.forms import (
    DateInput,
    LimitedRowsFormSetMixin,
    LineEndingsMixin,
    RecordsChoiceField,
    form_helper,
    limited_rows,
)
from core.history import display_text
from core.locking import OptimisticLockFormMixin, snapshot
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld


class UniqueSlugMixin:
    """The organisation's web address is made from its acronym or name: refuse one that is taken."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.slug or not cleaned.get("name"):
            return cleaned
        acronym = cleaned.get("acronym") or ""
        slug = slugify(acronym if len(acronym) > 2 else cleaned["name"])[:220]
        if Organisation.objects.filter(slug=slug).exists():
            field = "acronym" if len(acronym) > 2 else "name"
            self.add_error(
                field,
                _("Another organisation already goes by “%(slug)s” (its web address). Give a distinct %(field)s.")
                % {"slug": slug, "field": self.fields[field].label.lower()},
            )
        return cleaned


class OrganisationForm(UniqueSlugMixin, OptimisticLockFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "parent", "designation_footnote"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        if self.instance.pk:
            self.fields["parent"].queryset = Organisation.objects.exclude(pk=self.instance.pk)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        ancestor = parent
        while ancestor is not None and self.instance.pk:
            if ancestor.pk == self.instance.pk:
                raise forms.ValidationError(_("An organisation cannot be part of itself."))
            ancestor = ancestor.parent
        return parent


class NewOrganisationForm(UniqueSlugMixin, forms.ModelForm):
    """An organisation created on the spot, from another form (admitting members)."""

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "designation_footnote"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Organisation.Kind.OTHER

    def has_changed(self):
        # A row with only a kind chosen (the select always posts one) is an empty row.
        return bool(set(super().changed_data) - {"kind"})


class BaseNewOrganisationFormSet(LimitedRowsFormSetMixin, forms.BaseModelFormSet):
    """Organisations created on the spot, one row each; empty rows are ignored. It describes itself to the form page."""

    title = _("New organisations")
    help_text = _("Fill in a row for each organisation not in the list above; leave the others empty.")
    item_label = _("New organisation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(None)


# Organisations admitted at one meeting: a handful (RAI, Bulgaria, OSCE Kosovo* at the 6th).
NewOrganisationFormSet = forms.modelformset_factory(
    Organisation,
    form=NewOrganisationForm,
    formset=BaseNewOrganisationFormSet,
    extra=3,
    can_delete=False,
    **limited_rows(20),
)


class PersonForm(OptimisticLockFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["honorific", "name", "position_title", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class PillarForm(LineEndingsMixin, forms.ModelForm):
    class Meta:
        model = Pillar
        fields = ["code", "name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class PersonChoiceField(forms.ModelChoiceField):
    """A person as the Secretariat picks them: name, then position and organisation."""

    def label_from_instance(self, obj: Person) -> str:
        details = ", ".join(str(part) for part in (obj.position_title, obj.organisation) if part)
        return f"{obj.full_name} — {details}" if details else obj.full_name


class BlankTolerantMultipleChoiceField(RecordsChoiceField):
    """A multiple choice that reads an empty entry (a form posting "" for "none chosen") as nothing chosen."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [item for item in value if item not in ("", None)]
        return super().clean(value)


class PeopleChoiceField(BlankTolerantMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return PersonChoiceField.label_from_instance(self, obj)


def people():
    return Person.objects.select_related("organisation")


class MembershipForm(forms.ModelForm):
    """A membership recorded outside a decision (one held before the portal, for example)."""

    class Meta:
        model = Membership
        fields = ["category", "since", "until", "note"]
        widgets = {"since": DateInput, "until": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class EndMembershipForm(OptimisticLockFormMixin, forms.Form):
    """Ending a membership, refused if someone else changed it since the form was opened (core.locking)."""

    until = forms.DateField(label=_("Last day of the membership"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    lock_fields = ["until", "note"]

    def __init__(self, *args, membership: Membership, **kwargs):
        # The lock reads the record from `instance`, as on a ModelForm.
        self.instance = self.membership = membership
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("End the membership"))

    def input_snapshot(self) -> dict[str, str]:
        # Not a ModelForm: the input is in cleaned_data, not written into the record. An empty note
        # leaves the record's note as it is.
        mine = snapshot(self.membership, self.lock_fields)
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("until"):
            mine["until"] = display_text(Membership._meta.get_field("until"), cleaned["until"])
        if cleaned.get("note"):
            mine["note"] = cleaned["note"]
        return mine

    def clean_until(self):
        until = self.cleaned_data["until"]
        if self.membership.since and until < self.membership.since:
            raise forms.ValidationError(
                _("The membership started on %(since)s; it cannot end before that.")
                % {"since": long_date(self.membership.since)}
            )
        return until


# The fields of a role held as the Secretariat records it, in the order they are asked for.
ROLE_FIELDS = [
    "post",
    "person",
    "represented",
    "organisation",
    "pillar",
    "kind",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "proposed_by_organisation",
    "proposed_by_person",
    "note",
]
ROLE_WIDGETS = {"start": DateInput, "end": DateInput}
PRECISION_HELP = _(
    "A date known only to the month or the year: give any day in it, it prints as “June 2024” or “2024”."
)


class PostChoiceField(forms.ModelChoiceField):
    """A post as the Secretariat picks it: its name, and who holds it ("an organisation, per pillar")."""

    def label_from_instance(self, obj: Post) -> str:
        details = obj.get_holder_display().lower()
        if obj.per_pillar:
            details = _("%(holder)s, per pillar") % {"holder": details}
        return f"{obj.name} ({details})"


def role_form_fields(names=ROLE_FIELDS) -> dict[str, forms.Field]:
    """The form fields of a role held (labels, choices and help from the model), for forms that record one."""
    fields = forms.fields_for_model(RoleHeld, fields=names, widgets=ROLE_WIDGETS)
    for name, field in fields.items():
        if name in ("person", "proposed_by_person"):
            fields[name] = PersonChoiceField(
                queryset=people(), required=False, label=field.label, help_text=field.help_text
            )
    fields["post"] = PostChoiceField(queryset=Post.objects.all(), label=fields["post"].label)
    fields["post"].help_text = _("Posts are managed in the admin; a post held per pillar needs the pillar.")
    fields["person"].help_text = _("A person, or an organisation below: one of the two.")
    fields["organisation"].help_text = _("An organisation that holds the post itself (a host, a lead partner).")
    for name in ("start_precision", "end_precision"):
        if name in fields:
            fields[name].help_text = PRECISION_HELP
    return fields


class RoleHeldForm(LineEndingsMixin, OptimisticLockFormMixin, forms.ModelForm):
    """A role held, recorded or corrected outside a decision (one held before the portal, for example)."""

    class Meta:
        model = RoleHeld
        fields = ROLE_FIELDS
        widgets = ROLE_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(role_form_fields())
        self.helper = form_helper()


class EndRoleForm(forms.Form):
    end = forms.DateField(label=_("Last day of the term"), widget=DateInput, initial=timezone.localdate)
    end_precision = forms.ChoiceField(
        label=_("Known to the"), choices=DatePrecision.choices, initial=DatePrecision.DAY, help_text=PRECISION_HELP
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, role: RoleHeld, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.helper = form_helper(_("End the term"))

    def clean_end(self):
        end = self.cleaned_data["end"]
        if self.role.start and end < self.role.start:
            raise forms.ValidationError(
                _("The term started in %(start)s; it cannot end before that.") % {"start": self.role.start_display}
            )
        return end
