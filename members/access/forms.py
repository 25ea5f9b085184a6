"""Forms of the access pages: give access (an existing or a new person), invite again, remove access."""

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, form_helper
from members.models import Organisation, Person


class GiveAccessForm(forms.Form):
    """One page, one save: who (one of the organisation's people, or a new one), their address, from when."""

    person = forms.ModelChoiceField(
        label=_("Person of the organisation"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— a new person (fill in below) —"),
    )
    name = forms.CharField(
        label=_("New person's name"), max_length=200, required=False, help_text=_("Given name and family name.")
    )
    honorific = forms.ChoiceField(label=_("Honorific"), choices=Person.Honorific.choices, required=False)
    position_title = forms.CharField(
        label=_("Position"), max_length=300, required=False, help_text=_('E.g. "Head of Unit for Border Security".')
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_(
            "Where the invitation goes. May be left empty for a person whose account has an address; "
            "without any, you are shown the link once to pass on yourself."
        ),
    )
    valid_from = forms.DateField(label=_("Access from"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Why, e.g. “Nominated by the ministry's letter of 3 March”."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["person"].queryset = organisation.people.select_related("user").order_by("name")
        self.helper = form_helper(_("Give access and send the invitation"))
        self.helper.layout = Layout(
            Fieldset(_("Who"), "person", "name", "honorific", "position_title", "email"),
            Fieldset(_("Access"), "valid_from", "note"),
        )

    def clean(self):
        cleaned = super().clean()
        person, name = cleaned.get("person"), (cleaned.get("name") or "").strip()
        if person is not None and name:
            self.add_error("name", _("Leave the new person's name empty when you choose a person of the organisation."))
        elif person is None and not name and "person" not in self.errors:
            self.add_error("person", _("Choose a person of the organisation, or type the new person's name."))
        return cleaned


class RemoveAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Kept in the history of the organisation's access, e.g. “Left the ministry”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Remove access"))
