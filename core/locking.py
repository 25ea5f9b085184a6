"""
Optimistic locking for records several editors may change at once: meetings, their participants
list and agenda items, decisions, documents, action items and progress notes, answers to written
procedures, organisations, people and memberships.

A versioned model (`Versioned`, with a `version` integer) counts its version up on every save of a
stored row, whoever saves it. An edit form carries, in hidden fields, the version it was opened at
and a signed snapshot of the record's values at that moment. A save is accepted only if the version
is still the same (a conditional UPDATE, so two simultaneous saves cannot both win); otherwise it
is refused and the editor is shown what the other save changed, with their own input kept in the
form. Used by the editing pages (core/editing.py turns a refused save into the form's conflict
panel), by the admin (OptimisticLockAdminMixin, and OptimisticLockInlineMixin for the rows of its
inlines), and for a list edited as a whole, such as a meeting's participants
(OptimisticLockListMixin: the list's rows and their versions as opened).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.formsets import DELETION_FIELD_NAME, INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import posted_count
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
            "Not saved (%(object)s): %(who)s saved it after you opened the form. What they changed is shown "
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


class StaleListError(StaleVersionError):
    """A list edited as a whole (its rows added, changed or removed) was saved by someone else since it was opened."""

    def __init__(self, owner: models.Model):
        Exception.__init__(self, f"The list of {type(owner).__name__} {owner.pk} changed since it was opened")
        self.current = owner


class Versioned:
    """
    For a model with a `version` field (mixed in before models.Model): every save of a stored row
    counts its version up, whoever saves it (a service, a form, an admin inline, a step of another
    app), so that any edit form opened before that save is refused. save_versioned() and
    claim_version() count it up together with the check; every other save counts it up here, in
    the same UPDATE. (A QuerySet.update() does not: use save() on a versioned row.) The model's
    history leaves the version out (HistoricalRecords(excluded_fields=["version", …])): it tells a
    reader nothing.
    """

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        if self.__dict__.pop("_version_claimed", None) == self.version:
            # claim_version() counted it up already, after checking it.
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        version = self.version
        self.version = models.F("version") + 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = version
            raise
        self.refresh_from_db(fields=["version"])


def is_versioned(model) -> bool:
    return isinstance(model, type) and issubclass(model, Versioned)


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
    # The next save() of the instance writes this version as it is (Versioned.save).
    instance._version_claimed = instance.version


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

    @cached_property
    def changed_data(self):
        # The version and snapshot are the form's own bookkeeping, not the editor's input.
        return [name for name in super().changed_data if name not in LOCK_FIELDS]

    def save(self, commit=True):
        """
        A form that saves its record itself (model_form_page, an admin inline) saves it with the
        lock: StaleVersionError if someone else saved it since the form was opened.
        """
        if not commit or self.instance.pk is None:
            return super().save(commit=commit)
        with transaction.atomic():
            claim_version(self.instance, self.expected_version)
            return super().save(commit=True)

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
        # Only this row: a default manager may join a nullable relation (a decision's meeting or procedure),
        # which PostgreSQL refuses to lock.
        current = model._default_manager.select_for_update(of=("self",)).get(pk=self.instance.pk)
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


# --- The rows of an admin inline ------------------------------------------------------------------


def _describe_row(form) -> str:
    """A row as the editor saw it, from its signed snapshot (for a row that is gone)."""
    values = [value for value in form.opened_snapshot().values() if value]
    return ", ".join(values[:3]) or str(form.instance._meta.verbose_name)


class LockedRowsFormSetMixin:
    """
    For the formset of an admin inline: a row this save would change or delete is checked against
    its stored version (the row locked until the save). A row someone else saved since the page was
    opened is refused with what they changed, the editor's input kept (OptimisticLockFormMixin);
    a row someone else deleted is refused too.
    """

    def clean(self):
        super().clean()
        problems = []
        for form in self.initial_forms:
            if form.instance.pk is None:
                # The id posted matches no row any more: someone else deleted it.
                problems.append(
                    gettext("“%(row)s” was deleted by someone else after you opened the page.")
                    % {"row": _describe_row(form)}
                )
                continue
            deleting = self.can_delete and getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME)
            if not (deleting or form.has_changed()):
                continue
            current = (
                type(form.instance)._default_manager.select_for_update(of=("self",)).filter(pk=form.instance.pk).first()
            )
            if current is None:
                problems.append(
                    gettext("“%(row)s” was deleted by someone else after you opened the page.")
                    % {"row": _describe_row(form)}
                )
            elif current.version != form.expected_version:
                conflict = form.refuse_stale(current, detailed=True)
                if deleting:
                    problems.append(conflict.message())
        if problems:
            raise ValidationError(problems)


class OptimisticLockInlineMixin:
    """
    Optimistic locking for the rows of an admin inline (organisations' memberships and people, a
    meeting's participants, agenda and decisions, …): each row carries its version and snapshot.
    Put it before the inline class in the bases; an inline of a model without a version is left as
    it is. The record the inline belongs to is locked by OptimisticLockAdminMixin on its admin.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not is_versioned(self.model):
            return fieldsets
        # Rendered (hidden) with each row, or the rows would post without them.
        return [*fieldsets, (None, {"fields": list(LOCK_FIELDS)})]

    def get_formset(self, request, obj=None, **kwargs):
        if not is_versioned(self.model):
            return super().get_formset(request, obj, **kwargs)
        fields = kwargs["fields"] if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name not in LOCK_FIELDS]
        formset_class = super().get_formset(request, obj, **kwargs)
        form_class = type(formset_class.form.__name__, (OptimisticLockFormMixin, formset_class.form), {})
        return type(formset_class.__name__, (LockedRowsFormSetMixin, formset_class), {"form": form_class})


# --- A list edited as a whole ---------------------------------------------------------------------

_LIST_SALT = "core.locking.list"
# The hidden field of the formset's management form that carries the list as it was opened.
LIST_LOCK_FIELD = "LOCK"


def _shown(model, name: str, raw) -> str:
    """A value as a form posts it (an id, a choice), as an editor reads it."""
    return display_text(model._meta.get_field(name), raw)


class OptimisticLockListMixin:
    """
    For a model formset that edits a list as a whole (a meeting's participants). Its management form
    carries the list as it was opened: each row's id, version and values, signed. If a row was
    added, changed or removed since, the save is refused and the form shows the list as it is now
    with the editor's input merged in: a field the editor did not touch takes the other save's value;
    a field both changed keeps the editor's input; a row the other save added is there; a row it
    removed is gone, unless the editor had changed it (then it comes back as a new row, for them to
    keep or clear); the editor's new rows stay. The formset's error says what changed. The service
    checks again under a lock, with `expected_rows()` (StaleListError if the list moved on meanwhile).

    The list is the formset's queryset; the number of blank rows may vary (rows added in the browser).
    """

    lock_name = _("list")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        # Rows of the merged form to point out: index → what to say beside the row.
        self._row_notes: dict[int, str] = {}
        if self.is_bound:
            self._take_in_other_saves()

    def lock_field_names(self) -> list[str]:
        """The fields of a row that the lock compares: the row form's model fields."""
        model_fields = {f.name for f in self.model._meta.get_fields() if f.concrete}
        pk_name = self.model._meta.pk.name
        return [name for name in self.form.base_fields if name in model_fields and name != pk_name]

    def _token(self, rows) -> str:
        names = self.lock_field_names()
        data = [[row.pk, row.version, {name: _as_form_data(row, name) for name in names}, str(row)] for row in rows]
        return signing.dumps(data, salt=_LIST_SALT, compress=True)

    def _opened(self) -> dict[int, dict] | None:
        try:
            data = signing.loads(self.data.get(self.add_prefix(LIST_LOCK_FIELD), ""), salt=_LIST_SALT)
            return {
                int(pk): {"version": int(version), "data": dict(values), "label": str(label)}
                for pk, version, values, label in data
            }
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def expected_rows(self) -> dict[int, int] | None:
        """The rows (id → version) of the list as the editor's form shows it, for the service's check."""
        opened = self._opened() if self.is_bound else None
        return None if opened is None else {pk: row["version"] for pk, row in opened.items()}

    @cached_property
    def management_form(self):
        form = super().management_form
        form.fields[LIST_LOCK_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            form.initial[LIST_LOCK_FIELD] = self._token(self.get_queryset())
        return form

    def clean(self):
        super().clean()
        if self.conflict is not None:
            for index, note in self._row_notes.items():
                if index < len(self.forms):
                    self.forms[index].add_error(None, note)
            raise ValidationError(self._conflict_message())

    def _conflict_message(self) -> str:
        conflict = self.conflict
        when = (
            formats.date_format(timezone.localtime(conflict.changed_at), "DATETIME_FORMAT")
            if conflict.changed_at
            else ""
        )
        parts = [
            gettext(
                "Not saved: %(who)s saved this %(object)s at %(when)s, after you opened it. Below is the list as "
                "it is now, with your input in it; check it, then save again to apply yours."
            )
            % {"who": conflict.changed_by or gettext("someone else"), "object": conflict.verbose_name, "when": when}
        ]
        quoted = gettext("%(field)s: “%(before)s” → “%(after)s”")
        groups = [
            (
                gettext("Changed:"),
                [c for c in conflict.changes if c.name[:1].isdigit()],
                lambda c: quoted % {"field": c.label, "before": c.before or "—", "after": c.after or "—"},
            ),
            (gettext("Added:"), [c for c in conflict.changes if c.name.startswith("added-")], lambda c: c.after),
            (gettext("Removed:"), [c for c in conflict.changes if c.name.startswith("removed-")], lambda c: c.before),
        ]
        for heading, changes, text in groups:
            if changes:
                parts.append(f"{heading} {'; '.join(text(change) for change in changes)}.")
        both = [c.label for c in conflict.both_changed if c.name[:1].isdigit()]
        if both:
            parts.append(
                gettext("You changed %(fields)s too: your input is kept there; decide which is right.")
                % {"fields": ", ".join(both)}
            )
        revived = [c.before for c in conflict.both_changed if c.name.startswith("removed-")]
        if revived:
            parts.append(
                gettext(
                    "You had changed %(rows)s, which they removed: kept as a new row; clear it to leave it removed."
                )
                % {"rows": ", ".join(f"“{row}”" for row in revived)}
            )
        return " ".join(parts)

    def refuse_stale(self, error: StaleListError) -> None:
        """The list moved on between the form's check and the save (a second at most): say so, input kept."""
        self.conflict = Conflict(verbose_name=str(self.lock_name), changed_by="", changed_at=None)
        self.non_form_errors().append(
            gettext(
                "Not saved: someone else saved this %(object)s at the same moment. Your input is still in "
                "the form: save again to see what they changed."
            )
            % {"object": self.lock_name}
        )

    # --- Taking in what others saved since the list was opened

    def _posted_count(self, name: str) -> int | None:
        value = posted_count(self.data.get(self.add_prefix(name), ""))
        return None if value is None else min(value, self.absolute_max)

    def _take_in_other_saves(self) -> None:
        rows = list(self.get_queryset())
        opened = self._opened()
        initial, total = self._posted_count(INITIAL_FORM_COUNT), self._posted_count(TOTAL_FORM_COUNT)
        if initial is None or total is None:
            return  # A broken management form: the formset says so itself.
        if opened is None and not rows and initial == 0:
            return  # Posted without the list as opened, but there was none, and is none: nothing to lose.
        if opened is not None and {pk: row["version"] for pk, row in opened.items()} == {r.pk: r.version for r in rows}:
            return
        changes = self._merge(rows, opened or {}, initial, max(total, initial))
        self.conflict = self._describe(rows, opened or {}, changes)

    def _posted_row(self, index: int) -> dict[str, list[str]]:
        prefix = f"{self.add_prefix(index)}-"
        return {key[len(prefix) :]: self.data.getlist(key) for key in self.data if key.startswith(prefix)}

    def _merge(self, rows, opened: dict, initial: int, total: int) -> list[Change]:
        """Rebind the formset to the list as it is now with the editor's input merged in; what changed."""
        names = self.lock_field_names()
        pk_name = self.model._meta.pk.name
        labels = {name: str(self.model._meta.get_field(name).verbose_name).capitalize() for name in names}
        mine: dict[int, dict[str, list[str]]] = {}
        for index in range(initial):
            posted = self._posted_row(index)
            pk = (posted.get(pk_name) or [""])[0]
            if pk.isdigit():
                mine[int(pk)] = posted
        changes: list[Change] = []
        merged_rows: list[dict[str, list[str]]] = []
        new_rows: list[dict[str, list[str]]] = []
        notes: dict[int, str] = {}
        current_pks = {row.pk for row in rows}

        def first(values: dict, name: str):
            return (values.get(name) or [None])[0]

        for row in rows:
            now = {name: _as_form_data(row, name) for name in names}
            if row.pk not in mine:
                # Added by the other save (or not on the editor's page): as it is now.
                merged = {name: [value] for name, value in now.items() if value is not None}
                merged[pk_name] = [str(row.pk)]
                if row.pk not in opened:
                    changes.append(Change(f"added-{row.pk}", gettext("Added"), "", str(row)))
                merged_rows.append(merged)
                continue
            merged = dict(mine[row.pk])
            was = opened.get(row.pk)
            both = []
            if was is not None and was["version"] != row.version:
                for name in names:
                    before, after = was["data"].get(name), now[name]
                    if before == after:
                        continue
                    posted = first(merged, name)
                    taken = posted in (before, after) or (posted in (None, "") and before in (None, ""))
                    if taken:
                        merged.pop(name, None)
                        if after is not None:
                            merged[name] = [after]
                    else:
                        both.append(labels[name])
                    changes.append(
                        Change(
                            f"{row.pk}-{name}",
                            f"{was['label']} — {labels[name]}",
                            _shown(self.model, name, before),
                            display_value(row, name),
                            taken,
                        )
                    )
            if both:
                notes[len(merged_rows)] = gettext(
                    "Someone else changed %(fields)s of this row too: your input is kept; decide which is right."
                ) % {"fields": ", ".join(both)}
            merged_rows.append(merged)
        for pk, posted in mine.items():
            if pk in current_pks:
                continue
            was = opened.get(pk)
            label = was["label"] if was else f"#{pk}"
            deleting = first(posted, DELETION_FIELD_NAME) not in (None, "", "false", "False", "0")
            edited = was is not None and any(
                (first(posted, name) or None) != (was["data"].get(name) or None) for name in names
            )
            if edited and not deleting:
                # Removed by the other save, changed by this editor: kept, as a new row, for them to decide.
                notes[-1 - len(new_rows)] = gettext(
                    "Someone else removed “%(row)s” from the list; your input for it is kept here as a new "
                    "row. Clear the row to leave it removed."
                ) % {"row": label}
                new_rows.append(
                    {key: value for key, value in posted.items() if key not in (pk_name, DELETION_FIELD_NAME)}
                )
                changes.append(Change(f"removed-{pk}", gettext("Removed"), label, "", taken=False))
            else:
                changes.append(Change(f"removed-{pk}", gettext("Removed"), label, ""))
        for index in range(initial, total):
            new_rows.append({key: value for key, value in self._posted_row(index).items() if key != pk_name})
        data = self.data.copy()
        for key in list(data):
            if key.startswith(f"{self.prefix}-"):
                del data[key]
        for index, values in enumerate([*merged_rows, *new_rows]):
            for name, value in values.items():
                data.setlist(f"{self.add_prefix(index)}-{name}", value)
        data[self.add_prefix(TOTAL_FORM_COUNT)] = str(len(merged_rows) + len(new_rows))
        data[self.add_prefix(INITIAL_FORM_COUNT)] = str(len(merged_rows))
        data[self.add_prefix(LIST_LOCK_FIELD)] = self._token(rows)
        self.data = data
        # Notes on revived rows were keyed from the end of the merged rows: now their index.
        self._row_notes = {(len(merged_rows) + (-1 - key) if key < 0 else key): note for key, note in notes.items()}
        return changes

    def _describe(self, rows, opened: dict, changes: list[Change]) -> Conflict:
        """Who saved the list last, and when (the latest history record of its rows, removals included)."""
        pks = {row.pk for row in rows} | set(opened)
        history = getattr(self.model, "history", None)
        last = history.filter(id__in=pks).order_by("-history_date", "-history_id").first() if history else None
        user = getattr(last, "history_user", None)
        return Conflict(
            verbose_name=str(self.lock_name),
            changed_by=(user.get_full_name() or user.get_username()) if user else "",
            changed_at=last.history_date if last else None,
            changes=changes,
        )
