"""The agenda: one item's form, and the order of all items (refused if the agenda changed meanwhile)."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from core.forms import CorrectionReasonMixin, LineEndingsMixin, form_helper, records_formfield
from core.locking import OptimisticLockFormMixin
from meetings.models import AgendaItem, Meeting
from members.forms import PeopleChoiceField, people


class AgendaItemForm(LineEndingsMixin, CorrectionReasonMixin, OptimisticLockFormMixin, forms.ModelForm):
    presenters = PeopleChoiceField(
        label=_("Presenters"), queryset=people(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        formfield_callback = records_formfield  # many-to-many fields: core.forms.RecordsChoiceField
        model = AgendaItem
        fields = ["position", "title", "kind", "presenters", "presenting_organisations", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 8}),
            "presenting_organisations": forms.SelectMultiple(attrs={"size": 6}),
        }

    # The position too, which the form of an existing item leaves to the agenda page's order buttons.
    lock_fields = ["position", "title", "kind", "presenters", "presenting_organisations", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        if item.pk:
            # An existing item moves with the order buttons of the agenda page.
            del self.fields["position"]
        else:
            self.fields["position"].required = False
            self.fields["position"].help_text = _(
                "Leave empty to add the item at the end; a number moves the later items down."
            )
            self.fields["position"].widget.attrs["min"] = 1
        self.fields["notes"].help_text = _(
            "Markdown: **bold**, *italic*, lists with “- ”, links. For Board members only. Use Preview to check it."
        )
        self.add_correction_reason(item.meeting, required=not item.pk)
        self.helper = form_helper()

    def clean_position(self):
        position = self.cleaned_data.get("position")
        if position is not None and position < 1:
            raise forms.ValidationError(_("Positions start at 1."))
        return position

    def validate_unique(self):
        # The service gives a new item its position and moves the later ones down.
        exclude = self._get_validation_exclusions()
        exclude.add("position")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class AgendaOrderForm(LineEndingsMixin, CorrectionReasonMixin, forms.Form):
    """
    One number per agenda item; the items are put in the order of the numbers. The numbers mean
    something only for the agenda as the editor saw it: if an item was added, removed, moved or
    changed since (its version, core.locking), the order is refused and the page says what changed.
    """

    AS_OPENED = "agenda_as_opened"
    _SALT = "meetings.agenda-order"

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.items = list(meeting.agenda_items.order_by("position"))
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=item.title,
                min_value=1,
                initial=item.position,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm agenda-position"}),
            )
        self.fields[self.AS_OPENED] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[self.AS_OPENED] = self._token()
        self.add_correction_reason(meeting)
        self.helper = form_helper(_("Save the order"))

    def _token(self) -> str:
        rows = [[item.pk, item.version, item.position, item.title] for item in self.items]
        return signing.dumps(rows, salt=self._SALT, compress=True)

    def _opened(self) -> dict[int, tuple[int, int, str]] | None:
        try:
            rows = signing.loads(self.data.get(self.AS_OPENED, ""), salt=self._SALT)
            return {int(pk): (int(version), int(position), str(title)) for pk, version, position, title in rows}
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def expected_versions(self) -> dict[int, int]:
        """The items (id → version) as the editor saw them, for the service's check under its lock."""
        return {pk: version for pk, (version, _position, _title) in (self._opened() or {}).items()}

    def clean(self):
        cleaned = super().clean()
        if self.data.get("move"):
            return cleaned  # One place up or down: from where the item is now.
        opened = self._opened()
        if opened is not None and {pk: row[0] for pk, row in opened.items()} == {i.pk: i.version for i in self.items}:
            return cleaned
        self.add_error(None, self._what_changed(opened or {}))
        # The numbers stay as typed; an item new to this editor shows its place now; the next save applies.
        data = self.data.copy()
        for item in self.items:
            data.setdefault(f"item_{item.pk}", str(item.position))
        data[self.AS_OPENED] = self._token()
        self.data = data
        return cleaned

    def _what_changed(self, opened: dict) -> str:
        now = {item.pk: item for item in self.items}
        changes = []
        for pk, (_version, position, title) in opened.items():
            item = now.get(pk)
            if item is None:
                changes.append(_("“%(title)s” removed") % {"title": title})
            elif item.position != position:
                changes.append(
                    _("“%(title)s” moved from %(before)d to %(after)d")
                    % {"title": item.title, "before": position, "after": item.position}
                )
            elif item.title != title:
                changes.append(_("“%(before)s” renamed “%(after)s”") % {"before": title, "after": item.title})
        changes += [_("“%(title)s” added") % {"title": item.title} for pk, item in now.items() if pk not in opened]
        text = _("Not saved: someone else changed the agenda after you opened this page")
        if changes:
            text = f"{text}: {'; '.join(changes)}"
        return f"{text}. " + str(
            _("Your numbers are still in the form (an item new to you shows its place now): check them and save again.")
        )

    def ordered_ids(self) -> list[int]:
        move = self.data.get("move", "")
        positions = {item.pk: index for index, item in enumerate(self.items)}
        if move:
            direction, _sep, pk = move.partition(":")
            order = [item.pk for item in self.items]
            if pk.isdigit() and int(pk) in positions:
                index = positions[int(pk)]
                target = index - 1 if direction == "up" else index + 1
                if 0 <= target < len(order):
                    order[index], order[target] = order[target], order[index]
            return order
        # Sort by the numbers given; ties keep the current order.
        return sorted(positions, key=lambda pk: (self.cleaned_data[f"item_{pk}"], positions[pk]))

    def bound_items(self):
        return [(item, self[f"item_{item.pk}"]) for item in self.items]
