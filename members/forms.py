"""Forms of the Secretariat's editing pages for organisations, people, pillars and memberships."""

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, LineEndingsMixin, form_helper
from core.history import display_text
from core.locking import OptimisticLockFormMixin, snapshot
from members.models import Membership, Organisation, Person, Pillar


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


class BaseNewOrganisationFormSet(forms.BaseModelFormSet):
    """Organisations created on the spot, one row each; empty rows are ignored. It describes itself to the form page."""

    title = _("New organisations")
    help_text = _("Fill in a row for each organisation not in the list above; leave the others empty.")
    item_label = _("New organisation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(None)


NewOrganisationFormSet = forms.modelformset_factory(
    Organisation, form=NewOrganisationForm, formset=BaseNewOrganisationFormSet, extra=3, can_delete=False, max_num=20
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


class PeopleChoiceField(forms.ModelMultipleChoiceField):
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
                % {"since": self.membership.since.strftime("%d %b %Y")}
            )
        return until
