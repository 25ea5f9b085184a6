"""
What the Board decided and what changed because of it. Each outcome is one step for the
Secretariat and one transaction: the decision and its effect on the registers (memberships,
documents, roles held, action items) are saved together, or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.dates import DatePrecision
from core.locking import StaleVersionError, save_versioned
from decisions.models import ActionItem, Decision, Document, DocumentFile, ProgressNote
from decisions.uploads import validate_document_file
from meetings.models import AgendaItem, Meeting
from meetings.services import check_correction_reason, record_correction_if_published
from members import services as member_services
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld


@dataclass
class DecisionDraft:
    """A decision to record together with its effect (the outcome helpers' first part)."""

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


def _decision(meeting: Meeting | None, decision: Decision | DecisionDraft, correction_reason: str, user) -> Decision:
    if isinstance(decision, Decision) and meeting is None:
        # The decision of a written procedure (decisions.procedures.close_procedure): its effects
        # are the same steps as a meeting's, dated at the closing.
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


# --- Outcomes -----------------------------------------------------------------------------------


@transaction.atomic
def admit_members(
    *,
    meeting: Meeting,
    decision: Decision | DecisionDraft,
    organisations: list[Organisation],
    category: str,
    new_organisations: list[Organisation] = (),
    since: dt.date | None = None,
    correction_reason: str = "",
    user=None,
) -> tuple[Decision, list[Membership]]:
    """New members: memberships from the meeting's date (or `since`), linked to the decision that admitted them."""
    decision = _decision(meeting, decision, correction_reason, user)
    for organisation in new_organisations:
        organisation.full_clean()
        organisation.save()
    since = since or meeting.local_start.date()
    admitted = [*organisations, *new_organisations]
    if not admitted:
        raise ValidationError({"organisations": _("Choose or create at least one organisation.")})
    memberships = []
    for organisation in admitted:
        try:
            memberships.append(
                member_services.add_membership(organisation=organisation, category=category, since=since)
            )
        except ValidationError as error:
            raise ValidationError({"organisations": error.messages}) from None
    decision.memberships.add(*memberships)
    return decision, memberships


@transaction.atomic
def decide_membership_end(
    *,
    meeting: Meeting,
    decision: Decision | DecisionDraft,
    membership: Membership,
    until: dt.date | None = None,
    note: str = "",
    correction_reason: str = "",
    user=None,
) -> tuple[Decision, Membership]:
    """The Board ends a membership: it ends on `until` (default the meeting's date) and the decision says why."""
    decision = _decision(meeting, decision, correction_reason, user)
    membership = member_services.end_membership(
        membership=membership, until=until or meeting.local_start.date(), note=note
    )
    decision.memberships.add(membership)
    return decision, membership


@transaction.atomic
def approve_documents(
    *,
    meeting: Meeting,
    decision: Decision | DecisionDraft,
    documents: list[Document],
    new_document: Document | None = None,
    new_document_pillars: list[Pillar] = (),
    uploaded_file=None,
    correction_reason: str = "",
    user=None,
) -> tuple[Decision, list[Document]]:
    """
    Endorse, adopt or approve documents: the decision is linked to them (each document then shows
    by which decision at which meeting); a new document may be created, and a file uploaded for it.
    """
    decision = _decision(meeting, decision, correction_reason, user)
    documents = list(documents)
    if new_document is not None:
        save_document(document=new_document, pillars=new_document_pillars, expected_version=None, user=user)
        documents.append(new_document)
    if not documents:
        raise ValidationError({"documents": _("Choose or create at least one document.")})
    if uploaded_file is not None:
        if len(documents) != 1:
            raise ValidationError({"file": _("Upload a file with one document at a time.")})
        add_document_version(document=documents[0], uploaded_file=uploaded_file, user=user)
    decision.documents.add(*documents)
    return decision, documents


# "Endorse and adopt" is the same step under the Board's other verbs.
adopt_documents = approve_documents


@transaction.atomic
def record_role_held(
    *,
    meeting: Meeting,
    decision: Decision | DecisionDraft,
    post: Post,
    person: Person | None = None,
    organisation: Organisation | None = None,
    represented: Organisation | None = None,
    pillar: Pillar | None = None,
    kind: str = RoleHeld.Kind.APPOINTMENT,
    start: dt.date | None = None,
    start_precision: str = DatePrecision.DAY,
    end: dt.date | None = None,
    end_precision: str = DatePrecision.DAY,
    note: str = "",
    correction_reason: str = "",
    user=None,
) -> tuple[Decision, RoleHeld]:
    """
    The Board gives a post to a person or an organisation (appoints the Head of the Secretariat,
    names a host of the Support Group from a date, a lead partner of a pillar) or extends a
    mandate: the role held and the decision that made it, together. The role is proposed by whoever
    proposed the decision.
    """
    decision = _decision(meeting, decision, correction_reason, user)
    role = member_services.record_role(
        post=post,
        person=person,
        organisation=organisation,
        represented=represented,
        pillar=pillar,
        kind=kind,
        start=start,
        start_precision=start_precision,
        end=end,
        end_precision=end_precision,
        proposed_by_organisation=decision.proposed_by_organisation,
        proposed_by_person=decision.proposed_by_person,
        note=note,
    )
    decision.roles.add(role)
    return decision, role


def extend_mandate(**kwargs) -> tuple[Decision, RoleHeld]:
    """An extension of a mandate is a role held of the kind "extension"."""
    return record_role_held(**kwargs, kind=RoleHeld.Kind.EXTENSION)


@transaction.atomic
def agree_action(
    *,
    meeting: Meeting,
    decision: Decision | DecisionDraft | None,
    description: str,
    owner_organisation: Organisation | None = None,
    owner_person: Person | None = None,
    due_date: dt.date | None = None,
    correction_reason: str = "",
    user=None,
) -> ActionItem:
    """A follow-up the Board agreed: an action item of the meeting, linked to the decision."""
    linked = _decision(meeting, decision, correction_reason, user) if decision is not None else None
    if linked is None:
        check_correction_reason(meeting=meeting, reason=correction_reason)
    action = ActionItem(
        meeting=meeting,
        decision=linked,
        description=description.strip(),
        owner_organisation=owner_organisation,
        owner_person=owner_person,
        due_date=due_date,
    )
    action.full_clean()
    action.save()
    if linked is None:
        record_correction_if_published(meeting=meeting, reason=correction_reason, user=user)
    return action


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
