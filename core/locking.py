"""
Optimistic locking for records several editors may change at once (meetings, decisions, documents).

A versioned model has a `version` integer. An edit form carries, in hidden fields, the version it
was opened at and a signed snapshot of the record's values at that moment. A save is accepted only
if the version is still the same (a conditional UPDATE, so two simultaneous saves cannot both win);
otherwise it is refused and the editor is shown what the other save changed, with their own input
kept in the form. Used by the editing pages (core/editing.py turns a refused save into the
form's conflict panel) and by the admin (OptimisticLockAdminMixin).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import display_text, field_or_none

_SNAPSHOT_SALT = "core.locking.snapshot"
# The hidden fields a locked form carries.
LOCK_FIELDS = ("version", "lock_snapshot")


@dataclass
class Change:
    """One field that another editor changed since the form was opened."""

    name: str
    label: str
    before: str
    after: str
    # True: the editor had not touched this field, so the other save's value was taken into the form.
    # False: both changed it; the editor's own input is kept for them to decide.
    taken: bool = True


@dataclass
class Conflict:
    """What the refused editor needs to know: who saved, when, and what they changed."""

    verbose_name: str
    changed_by: str
    changed_at: dt.datetime | None
    changes: list[Change] = field(default_factory=list)

    @property
    def both_changed(self) -> list[Change]:
        return [change for change in self.changes if not change.taken]

    def summary(self) -> str:
        return gettext(
            "Not saved: %(who)s saved this %(object)s after you opened the form. What they changed is shown "
            "above; your input is still in the form."
        ) % {"who": self.changed_by or gettext("someone else"), "object": self.verbose_name}

    def message(self) -> str:
        when = formats.date_format(timezone.localtime(self.changed_at), "DATETIME_FORMAT") if self.changed_at else ""
        text = gettext(
            "Not saved: %(who)s saved this %(object)s at %(when)s, after you opened the form. "
            "Your input is still in the form; check their changes, then save again to apply yours."
        ) % {"who": self.changed_by or gettext("someone else"), "object": self.verbose_name, "when": when}
        if self.changes:
            details = "; ".join(
                gettext("%(field)s: “%(before)s” → “%(after)s”")
                % {"field": change.label, "before": change.before or "—", "after": change.after or "—"}
                for change in self.changes
            )
            text = f"{text} {gettext('Changed:')} {details}."
        if self.both_changed:
            text += " " + gettext("You changed %(fields)s too: your input is kept there; decide which is right.") % {
                "fields": ", ".join(change.label for change in self.both_changed)
            }
        return text


class StaleVersionError(Exception):
    """The record was saved by someone else since the editor's version."""

    def __init__(self, current: models.Model):
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current


def claim_version(instance: models.Model, expected_version: int | None) -> None:
    """
    Count the stored version up if it is still `expected_version` (StaleVersionError if not).

    The conditional UPDATE is the lock: of two editors saving at once, only one matches the
    version, on SQLite and PostgreSQL alike. None skips the check (a workflow step). Call inside a
    transaction and save the instance right after, so that a refused save leaves nothing behind.
    """
    model = type(instance)
    queryset = model._default_manager.filter(pk=instance.pk)
    if expected_version is None:
        expected_version = queryset.values_list("version", flat=True).get()
    if not queryset.filter(version=expected_version).update(version=expected_version + 1):
        raise StaleVersionError(model._default_manager.get(pk=instance.pk))
    instance.version = expected_version + 1


def save_versioned(instance: models.Model, expected_version: int | None, **save_kwargs) -> None:
    """Save `instance` if nobody saved it since `expected_version`, counting the version up."""
    if instance.pk is None:
        instance.version = 1
    else:
        claim_version(instance, expected_version)
    instance.save(**save_kwargs)


def display_value(instance: models.Model, name: str) -> str:
    """A field's value as an editor reads it (see core.history.display_text), read from `instance`."""
    model_field = field_or_none(type(instance), name)
    if model_field is None:
        value = getattr(instance, name, "")
        return "" if value is None else str(value)
    if model_field.many_to_many:
        value = list(getattr(instance, name).all()) if instance.pk is not None else []
    else:
        value = getattr(instance, name)
    return display_text(model_field, value, time_zone=getattr(instance, "tz", None))


def snapshot(instance: models.Model, names: list[str]) -> dict[str, str]:
    return {name: display_value(instance, name) for name in names}


def describe_conflict(
    current: models.Model, opened: dict[str, str], names: list[str], mine: dict[str, str] | None = None
) -> Conflict:
    """
    Compare the record as it is now with the snapshot taken when the form was opened, and with the
    editor's input (`mine`), to tell apart what only the other editor changed from what both did.
    """
    now = snapshot(current, names)
    changes = []
    for name in names:
        if name not in opened or opened[name] == now[name]:
            continue
        taken = mine is None or mine.get(name) == opened[name] or mine.get(name) == now[name]
        label = str(current._meta.get_field(name).verbose_name).capitalize()
        changes.append(Change(name=name, label=label, before=opened[name], after=now[name], taken=taken))
    last = current.history.order_by("-history_date", "-history_id").first() if hasattr(current, "history") else None
    user = getattr(last, "history_user", None)
    who = (user.get_full_name() or user.get_username()) if user else ""
    return Conflict(
        verbose_name=str(current._meta.verbose_name),
        changed_by=who,
        changed_at=last.history_date if last else None,
        changes=changes,
    )


def _as_form_data(current: models.Model, name: str):
    """The stored value of a field, as a form posts it (for taking it into the editor's form)."""
    model_field = current._meta.get_field(name)
    if model_field.many_to_many:
        return [str(pk) for pk in getattr(current, name).values_list("pk", flat=True)]
    if model_field.is_relation:
        value = getattr(current, model_field.attname)
        return "" if value is None else str(value)
    value = getattr(current, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, dt.datetime):
        time_zone = getattr(current, "tz", None)
        value = value.astimezone(time_zone) if time_zone else timezone.localtime(value)
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class OptimisticLockFormMixin:
    """
    For a ModelForm of a versioned model: hidden `version` and `lock_snapshot` fields.

    The view (or the admin mixin) calls `save_versioned(instance, form.expected_version)`, and on
    StaleVersionError `form.refuse_stale(error.current)`, which adds the message to the form and
    moves its version on, so that a deliberate second save applies the editor's input.
    """

    lock_fields: list[str] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        instance = self.instance
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.fields["lock_snapshot"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if instance.pk:
            self.initial.setdefault("version", instance.version)
            self.initial.setdefault(
                "lock_snapshot", signing.dumps(snapshot(instance, self.locked_field_names()), salt=_SNAPSHOT_SALT)
            )

    def locked_field_names(self) -> list[str]:
        names = self.lock_fields or list(self._meta.fields or self.fields)
        model_fields = {f.name for f in self.instance._meta.get_fields()}
        return [name for name in names if name in model_fields and name not in ("version",)]

    @property
    def expected_version(self) -> int | None:
        if not self.instance.pk:
            return None
        value = self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None
        # A form posted without a version (an old page) is compared with the version it was opened
        # at if it can be told, else refused: the editor sees the current values and saves again.
        return value if value is not None else 0

    def opened_snapshot(self) -> dict[str, str]:
        try:
            data = signing.loads(self.data.get(self.add_prefix("lock_snapshot"), ""), salt=_SNAPSHOT_SALT)
        except signing.BadSignature:
            return {}
        return data if isinstance(data, dict) else {}

    def input_snapshot(self) -> dict[str, str]:
        """The editor's input, as display values (call after validation: the instance holds it)."""
        names = self.locked_field_names()
        mine = snapshot(self.instance, names)
        for name in names:
            if self.instance._meta.get_field(name).many_to_many and name in getattr(self, "cleaned_data", {}):
                mine[name] = display_text(self.instance._meta.get_field(name), self.cleaned_data[name])
        return mine

    def refuse_stale(self, current: models.Model, *, detailed: bool = False) -> Conflict:
        """
        Refuse the save: say what the other editor changed, take their values into the form where
        this editor had not changed the field, keep this editor's input where they had, and move the
        form's version on, so that the next save (a deliberate one) applies.
        """
        names = self.locked_field_names()
        self.conflict = describe_conflict(current, self.opened_snapshot(), names, self.input_snapshot())
        data = self.data.copy()
        for change in self.conflict.changes:
            name = change.name
            if change.taken and name in self.fields:
                value = _as_form_data(current, name)
                key = self.add_prefix(name)
                if isinstance(value, list):
                    data.setlist(key, value)
                elif value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
        data[self.add_prefix("version")] = str(current.version)
        data[self.add_prefix("lock_snapshot")] = signing.dumps(snapshot(current, names), salt=_SNAPSHOT_SALT)
        self.data = data
        # The portal's form pages show what changed in a panel of their own; the admin has only
        # the form's errors, so there the message carries the changes.
        self.add_error(None, self.conflict.message() if detailed else self.conflict.summary())
        return self.conflict

    def check_version_now(self) -> None:
        """For the admin: refuse when the stored version moved on (row locked until the save)."""
        if not self.instance.pk:
            return
        model = type(self.instance)
        current = model._default_manager.select_for_update().get(pk=self.instance.pk)
        if current.version != self.expected_version:
            self.refuse_stale(current, detailed=True)


class OptimisticLockAdminMixin:
    """
    The same protection in the Django admin: a change form opened before someone else's save is
    refused with what they changed, the editor's input kept. Put it before ModelAdmin in the bases.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The admin passes the fields of the fieldsets; the lock fields are added by the form itself.
        # (None means all the model's fields: the admin asks so when it has no fieldsets.)
        fields = kwargs["fields"] if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name not in LOCK_FIELDS]
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class LockedAdminForm(OptimisticLockFormMixin, form_class):
            def _post_clean(self):
                super()._post_clean()
                # After the model's own validation, so that the instance holds the editor's input.
                if not self.errors:
                    self.check_version_now()

        LockedAdminForm.__name__ = form_class.__name__
        return LockedAdminForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The hidden fields must be rendered, or the admin form would post without them.
        return [*fieldsets, (None, {"fields": list(LOCK_FIELDS), "classes": ["lock-fields"]})]

    def save_model(self, request, obj, form, change):
        if change:
            try:
                claim_version(obj, form.expected_version)
            except StaleVersionError:
                # clean() held the row lock; only a database without row locks can get here.
                raise ValidationError(_("Someone else saved this record at the same moment. Reload it.")) from None
        super().save_model(request, obj, form, change)
