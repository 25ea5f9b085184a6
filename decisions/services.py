"""
What the Board decided and what changed because of it. Each outcome is one step for the
Secretariat and one transaction: the decision and its effect on the registers (memberships,
documents, roles held, action items) are saved together, or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.locking import StaleVersionError, save_versioned
from decisions.models import ActionItem, Decision, Document, DocumentFile, ProgressNote
from decisions.uploads import validate_document_file
from meetings.models import AgendaItem, Meeting
from meetings.services import check_correction_reason, record_correction_if_published
from members.models import Organisation, Person, Pillar

if TYPE_CHECKING:
    from decisions.effects import Effect


@dataclass(frozen=True)
class DecisionDraft:
    """A new decision to record together with its effect (record_outcome)."""

    reference: str
    verb: str
    subject: str
    wording: str = ""
    agenda_item: AgendaItem | None = None
    proposed_by_organisation: Organisation | None = None
    proposed_by_person: Person | None = None
    concerns_organisations: list[Organisation] = field(default_factory=list)
    concerns_people: list[Person] = field(default_factory=list)
    effective_from: dt.date | None = None


def next_sequence(meeting: Meeting) -> int:
    return (Decision.objects.filter(meeting=meeting).aggregate(Max("sequence"))["sequence__max"] or 0) + 1


@transaction.atomic
def record_decision(
    *,
    meeting: Meeting,
    reference: str,
    verb: str,
    subject: str,
    wording: str = "",
    agenda_item: AgendaItem | None = None,
    proposed_by_organisation: Organisation | None = None,
    proposed_by_person: Person | None = None,
    concerns_organisations: Iterable[Organisation] = (),
    concerns_people: Iterable[Person] = (),
    effective_from: dt.date | None = None,
    correction_reason: str = "",
    user=None,
) -> Decision:
    """
    A new decision of `meeting`, numbered after the last one: on the proposal of an organisation or
    a person (at most one), concerning organisations and people, effective from a date when not the meeting's.
    """
    check_correction_reason(meeting=meeting, reason=correction_reason)
    # Lock the meeting row: two editors adding decisions at once must not take the same number.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    decision = Decision(
        meeting=meeting,
        agenda_item=agenda_item,
        reference=reference.strip(),
        sequence=next_sequence(meeting),
        verb=verb,
        subject=subject.strip(),
        wording=wording.strip(),
        proposed_by_organisation=proposed_by_organisation,
        proposed_by_person=proposed_by_person,
        effective_from=effective_from,
    )
    decision.full_clean()
    save_versioned(decision, None)
    _set_concerned(decision, concerns_organisations, concerns_people)
    record_correction_if_published(meeting=meeting, reason=correction_reason, user=user)
    return decision


def _set_concerned(decision: Decision, organisations: Iterable[Organisation] | None, people: Iterable[Person] | None):
    # set() only when given, and only what changed is written (and kept in the history).
    if organisations is not None:
        decision.concerns_organisations.set(list(organisations))
    if people is not None:
        decision.concerns_people.set(list(people))


@transaction.atomic
def update_decision(
    *,
    decision: Decision,
    expected_version: int | None,
    concerns_organisations: Iterable[Organisation] | None = None,
    concerns_people: Iterable[Person] | None = None,
    correction_reason: str = "",
    user=None,
) -> Decision:
    """Save an edited decision (and whom it concerns) if nobody saved it since the editor opened it."""
    check_correction_reason(meeting=decision.meeting, reason=correction_reason)
    decision.full_clean()
    save_versioned(decision, expected_version)
    _set_concerned(decision, concerns_organisations, concerns_people)
    record_correction_if_published(meeting=decision.meeting, reason=correction_reason, user=user)
    return decision


@dataclass(frozen=True)
class OutcomeInput:
    """
    An outcome to record: the decision (a draft of a new one of `meeting`, or one recorded already)
    and its effect. `meeting` None: the decision of a written procedure, recorded already (its closing).
    `on`: the decision's date, the default of the dates the effect leaves empty (the meeting's date).
    """

    meeting: Meeting | None
    decision: Decision | DecisionDraft
    effect: Effect
    correction_reason: str = ""
    user: Any = None
    on: dt.date | None = None


@dataclass(frozen=True)
class OutcomeResult:
    decision: Decision
    effect: Effect
    # What the effect created or changed: memberships, documents, roles held, action items.
    created: tuple = ()


def _decision(meeting: Meeting | None, decision: Decision | DecisionDraft, correction_reason: str, user) -> Decision:
    if isinstance(decision, Decision) and meeting is None:
        # The decision of a written procedure (decisions.procedures.services.close_procedure): its effects
        # are the same as a meeting's, dated at the closing.
        if decision.procedure_id is None:
            raise ValidationError({"existing_decision": _("The decision must belong to a meeting or a procedure.")})
        return decision
    if isinstance(decision, Decision):
        if decision.meeting_id != meeting.pk:
            raise ValidationError({"existing_decision": _("The decision must belong to this meeting.")})
        check_correction_reason(meeting=meeting, reason=correction_reason)
        return decision
    return record_decision(
        meeting=meeting,
        reference=decision.reference,
        verb=decision.verb,
        subject=decision.subject,
        wording=decision.wording,
        agenda_item=decision.agenda_item,
        proposed_by_organisation=decision.proposed_by_organisation,
        proposed_by_person=decision.proposed_by_person,
        concerns_organisations=decision.concerns_organisations,
        concerns_people=decision.concerns_people,
        effective_from=decision.effective_from,
        correction_reason=correction_reason,
        user=user,
    )


@transaction.atomic
def record_outcome(outcome: OutcomeInput) -> OutcomeResult:
    """
    The decision and its effect on the registers (decisions.effects), in one transaction: both are
    saved, or neither. The effect is checked before the decision is written.
    """
    if outcome.meeting is None and outcome.on is None:
        raise ValueError("A decision without a meeting needs the date of its effect (on=).")
    outcome.effect.validate()
    decision = _decision(outcome.meeting, outcome.decision, outcome.correction_reason, outcome.user)
    on = outcome.on or outcome.meeting.local_start.date()
    created = outcome.effect.apply(decision, on=on, user=outcome.user)
    return OutcomeResult(decision=decision, effect=outcome.effect, created=tuple(created))


# --- Documents and action items -----------------------------------------------------------------


@transaction.atomic
def save_document(
    *, document: Document, pillars: Iterable[Pillar] | None = None, expected_version: int | None, user=None
) -> Document:
    """Create or change a document (StaleVersionError if someone saved it since the form was opened)."""
    document.full_clean()
    save_versioned(document, expected_version)
    if pillars is not None:
        document.pillars.set(pillars)
    return document


@transaction.atomic
def add_document_version(*, document: Document, uploaded_file, user=None) -> DocumentFile:
    """A new file version of the document; earlier versions stay as they are, each at its own path."""
    content_type = validate_document_file(uploaded_file)
    # Lock the document: two uploads at once must not take the same version number.
    Document.objects.select_for_update().filter(pk=document.pk).first()
    number = (document.files.aggregate(Max("number"))["number__max"] or 0) + 1
    version = DocumentFile(
        document=document,
        number=number,
        original_name=uploaded_file.name[:255],
        size=uploaded_file.size,
        content_type=content_type,
        uploaded_by=user,
    )
    version.file = uploaded_file
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def update_action_item(
    *,
    action: ActionItem,
    status: str,
    due_date: dt.date | None,
    note: str = "",
    expected_version: int | None = None,
    user=None,
) -> ProgressNote | None:
    """
    Change an action item's status or due date, with an optional progress note. `expected_version`:
    the version the editor's form was opened at; if someone changed the item since, the save is
    refused (StaleVersionError), a note alone included (its status and due date would undo theirs).
    A note is added, never overwrites one: it does not count the item's version up.
    """
    stored = ActionItem.objects.select_for_update().get(pk=action.pk)
    if expected_version is not None and stored.version != expected_version:
        raise StaleVersionError(stored)
    if (stored.status, stored.due_date) != (status, due_date):
        stored.status, stored.due_date = status, due_date
        stored.full_clean()
        stored.save()
    action.status, action.due_date = stored.status, stored.due_date
    if not note.strip():
        return None
    progress = ProgressNote(action_item=stored, note=note.strip(), created_by=user)
    progress.full_clean()
    progress.save()
    return progress
