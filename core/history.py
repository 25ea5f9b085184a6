"""
The history of records (django-simple-history) as people read it: who changed what, when and why,
with an inline diff of long texts. Also the one function that turns a stored value into the text an
editor reads (`display_text`), used here and by the optimistic lock (core/locking.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.dates import long_datetime


def display_text(field: models.Field | None, value, *, time_zone=None) -> str:
    """
    A field's value as an editor reads it: choice labels, names of related records (given as objects
    or as primary keys, as a history record stores them), yes/no, and times in `time_zone` (a
    meeting's own) or else the portal's.
    """
    if value is None or value == "":
        return ""
    if field is None:
        return str(value)
    if field.many_to_many:
        related = field.related_model
        values = list(value)
        if values and isinstance(values[0], dict):
            # simple-history stores an M2M as rows of its through table: {"<model>": pk, …}.
            values = [row[related._meta.model_name] for row in values]
        if values and not isinstance(values[0], models.Model):
            values = related._default_manager.filter(pk__in=values)
        return ", ".join(sorted(str(obj) for obj in values))
    if field.is_relation:
        if isinstance(value, models.Model):
            return str(value)
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        value = value.astimezone(time_zone) if time_zone else timezone.localtime(value)
        return long_datetime(value)
    return str(value)


def field_or_none(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def word_diff(before: str, after: str) -> str:
    """An inline diff of two texts: removed words struck through, added words underlined."""
    old, new = before.split(" "), after.split(" ")
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(old[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", " ".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", " ".join(new[j1:j2])))
    return mark_safe(" ".join(str(part) for part in parts))


def records(model_history, **filters):
    """History records of a model (its `history` manager) matching `filters`, newest first, with their users."""
    return model_history.filter(**filters).select_related("history_user").order_by("-history_date")


def history_entries(history_records, *, label: str = "") -> list[dict]:
    """Readable changes of simple-history records: who, when, what (with an inline diff of texts)."""
    entries = []
    for record in history_records:
        changes = []
        previous = record.prev_record
        model = record.instance_type
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            order = [field.name for field in model._meta.get_fields()]
            time_zone = getattr(record.instance, "tz", None)
            for change in sorted(delta.changes, key=lambda change: order.index(change.field)):
                field = model._meta.get_field(change.field)
                old = display_text(field, change.old, time_zone=time_zone)
                new = display_text(field, change.new, time_zone=time_zone)
                changes.append(
                    {
                        "field": str(field.verbose_name).capitalize(),
                        "old": old,
                        "new": new,
                        "diff": word_diff(old, new) if len(old) > 60 or len(new) > 60 else None,
                    }
                )
            if not changes:
                continue
        elif record.history_type == "+":
            changes = [{"field": _("Created"), "old": "", "new": str(record.instance), "diff": None}]
        else:
            changes = [{"field": _("Deleted"), "old": str(record.instance), "new": "", "diff": None}]
        user = record.history_user
        entries.append(
            {
                "date": record.history_date,
                "user": (user.get_full_name() or user.get_username()) if user else _("(system)"),
                "object": label or model._meta.verbose_name.capitalize(),
                "what": str(record.instance),
                "changes": changes,
                "reason": record.history_change_reason or "",
            }
        )
    return entries


def merged_history(*groups) -> list[dict]:
    """The entries of several groups of history records (e.g. a meeting and its participations), newest first."""
    entries = itertools.chain.from_iterable(history_entries(group) for group in groups)
    return sorted(entries, key=lambda entry: entry["date"], reverse=True)


# --- The admin's history pages -------------------------------------------------------------------------


def _require_key(field: models.Field, value) -> None:
    try:
        field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        raise Http404("No such record.") from None


class SafeHistoryAdminMixin:
    """
    For a SimpleHistoryAdmin. simple-history's admin pages (`…/<id>/history/`, `…/<id>/history/<version>/`)
    look the id up as the URL has it: `/admin/meetings/meeting/abc/history/` raised ValueError, a 500
    for any staff user, where Django's own admin pages answer such an id as a missing record. With
    this mixin (core.admin.PortalAdmin), an id or version its field cannot take is a 404, as
    simple-history answers an id that names no record.
    """

    def history_view(self, request, object_id, extra_context=None):
        from django.contrib.admin.utils import unquote

        _require_key(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        historical = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        _require_key(self.model._meta.pk, object_id)
        _require_key(historical._meta.get_field("history_id"), version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
