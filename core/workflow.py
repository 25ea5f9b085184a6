"""
The workflow of a record, and which of its states each role may read: the one source of truth.

A record (a meeting, a written procedure) is a draft (the Secretariat only), then circulated (Board
members read it, marked DRAFT), then published (the public reads its public part). Every such record
keeps its state in one field, `status` (WorkflowRecord), and every access rule that depends on the
state asks `visible_statuses(user)` and filters with `in_state()`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import is_board_member, is_secretariat


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated")
    PUBLISHED = "published", _("Published")


class WorkflowRecord(models.Model):
    """A record that is drafted, circulated and published: its state, under one name for every kind."""

    status = models.CharField(_("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT)

    class Meta:
        abstract = True


def visible_statuses(user) -> list[str] | None:
    """The states whose records `user` may read; None means every state (the Secretariat and admins)."""
    if is_secretariat(user):
        return None
    if is_board_member(user):
        return [RecordStatus.CIRCULATED, RecordStatus.PUBLISHED]
    return [RecordStatus.PUBLISHED]


def hidden_statuses(user) -> list[str] | None:
    """The states whose records `user` may not read; None when they may read every state."""
    visible = visible_statuses(user)
    if visible is None:
        return None
    return [status for status in RecordStatus.values if status not in visible]


def in_state(statuses, via: str = "") -> Q:
    """Records (reached through `via`, e.g. "decision__meeting__") whose state is one of `statuses`."""
    return Q(**{f"{via}status__in": statuses})
