"""The participants page: one row per participation (a person, one named on the spot, or an organisation alone)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedRowsFormSetMixin, label_blank_choices, limited_rows
from core.locking import OptimisticLockListMixin
from meetings.models import MAX_PARTICIPANTS, Meeting, Participation
from meetings.services import ParticipantEntry
from members.forms import PersonChoiceField, people
from members.models import Organisation, Person


class ParticipationForm(forms.ModelForm):
    """One participant: an existing person, one created on the spot, or an organisation alone."""

    person = PersonChoiceField(label=_("Person"), queryset=people(), required=False)
    new_person_honorific = forms.ChoiceField(label=_("Honorific"), choices=Person.Honorific.choices, required=False)
    new_person_name = forms.CharField(label=_("Or a new person: their name"), max_length=200, required=False)
    new_person_position = forms.CharField(
        label=_("New person's position at this meeting"), max_length=300, required=False
    )
    new_person_organisation = forms.ModelChoiceField(
        label=_("New person's organisation"), queryset=Organisation.objects.all(), required=False
    )

    class Meta:
        model = Participation
        fields = ["person", "organisation", "position", "role", "level", "attendance", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "class": "form-control-sm"})}

    NEW_PERSON_FIELDS = ("new_person_honorific", "new_person_name", "new_person_position", "new_person_organisation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Leave empty to list them after the others.")
        if self.instance.pk is None:
            # A blank row must not count as changed because its order field is empty.
            self.initial.pop("order", None)
            self.fields["order"].initial = None
        self.fields["position"].label = _("Position at the time")
        self.fields["position"].help_text = _(
            "Leave empty to take the position on record: the one at the person's latest earlier meeting, else "
            "their current position. You are asked only when neither is known."
        )
        self.fields["organisation"].help_text = _("Leave empty to take the person's organisation.")

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("new_person_name") or "").strip()
        if cleaned.get("person") and name:
            self.add_error("new_person_name", _("Pick an existing person or name a new one, not both."))
        elif not name and any(cleaned.get(f) for f in self.NEW_PERSON_FIELDS[2:]):
            self.add_error("new_person_name", _("Give the new person's name."))
        if name and not cleaned.get("position"):
            # A person named on the spot: their position as given here is the one at the meeting.
            cleaned["position"] = (cleaned.get("new_person_position") or "").strip()
            if not cleaned["position"]:
                self.add_error(
                    "new_person_position",
                    _("Type the new person's position at this meeting (for example “Minister of Interior”)."),
                )
        if name and not cleaned.get("organisation"):
            if cleaned.get("new_person_organisation"):
                cleaned["organisation"] = cleaned["new_person_organisation"]
            else:
                self.add_error(
                    "organisation", _("Choose the organisation represented, or the new person's organisation.")
                )
        if not name and not cleaned.get("person") and not cleaned.get("organisation"):
            self.add_error("person", forms.ValidationError(_("Name a person, an organisation, or both."), code="who"))
        return cleaned

    def _post_clean(self):
        # "Name a person, an organisation, or both" is shown beside the person already; the model
        # would only say it again above the row.
        if self.has_error("person", code="who"):
            return
        super()._post_clean()

    def entry(self) -> ParticipantEntry:
        participation = self.save(commit=False)
        # The model's check filled a position left empty; the service fills it again and says so.
        participation.position = self.cleaned_data.get("position") or ""
        new_person = None
        name = (self.cleaned_data.get("new_person_name") or "").strip()
        if name:
            new_person = Person(
                honorific=self.cleaned_data.get("new_person_honorific") or "",
                name=name,
                position_title=self.cleaned_data.get("new_person_position") or "",
                organisation=self.cleaned_data.get("new_person_organisation") or self.cleaned_data.get("organisation"),
            )
        return ParticipantEntry(participation=participation, new_person=new_person)


class BaseParticipationFormSet(LimitedRowsFormSetMixin, OptimisticLockListMixin, forms.BaseModelFormSet):
    """
    The participants of a meeting, edited as one list: a save is refused if someone else added,
    changed or removed a participant since the list was opened, and the list comes back as it is
    now, with this editor's input merged in (core.locking.OptimisticLockListMixin). At most
    MAX_PARTICIPANTS rows (core.forms.LimitedRowsFormSetMixin).
    """

    lock_name = _("list of participants")

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._rows_added_with_defaults(self.data)
        # The choices of the selects, read once for all rows instead of once per row.
        self._people = list(people())
        self._organisations = list(Organisation.objects.all())

    def _rows_added_with_defaults(self, data):
        """
        Rows added by "More rows" come back without data, and a select without data shows its first
        choice: the role would read "Chair", be posted back so, and make the empty row count as
        filled in. Give such rows the role a new row starts with, as the first blank rows have.
        """
        missing = [
            self.add_prefix(i)
            for i in range(self.initial_form_count(), self.total_form_count())
            if not any(key.startswith(f"{self.add_prefix(i)}-") for key in data)
        ]
        if not missing:
            return data
        data = data.copy()
        for prefix in missing:
            data[f"{prefix}-role"] = Participation._meta.get_field("role").default
        return data

    def _construct_form(self, i, **kwargs):
        return self._prepare(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        """The blank row the page's script copies to add a row in place (static/js/formset-rows.js)."""
        return self._prepare(super().empty_form)

    def _prepare(self, form):
        # The meeting is known before the service saves the row: the model's checks (the position at
        # the time) need its date.
        form.instance.meeting = self.meeting
        form.fields["person"].choices = [("", _("— nobody named, or a new person —"))] + [
            (person.pk, form.fields["person"].label_from_instance(person)) for person in self._people
        ]
        organisations = [(org.pk, str(org)) for org in self._organisations]
        form.fields["organisation"].choices = [("", _("— the person's organisation —")), *organisations]
        form.fields["new_person_organisation"].choices = [("", _("— the organisation represented —")), *organisations]
        label_blank_choices(form)
        return form

    def entries(self) -> tuple[ParticipantEntry, ...]:
        return tuple(
            form.entry()
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form not in self.deleted_forms
        )

    def removed(self) -> tuple[Participation, ...]:
        return tuple(form.instance for form in self.deleted_forms if form.instance.pk)


# One blank row to start with: more are added in place (static/js/formset-rows.js), or, without
# JavaScript, ADD_ROWS at a time with the "Add rows" button.
ADD_ROWS = 5
ParticipationFormSet = forms.modelformset_factory(
    Participation,
    form=ParticipationForm,
    formset=BaseParticipationFormSet,
    extra=1,
    can_delete=True,
    **limited_rows(MAX_PARTICIPANTS),
)
