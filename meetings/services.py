"""
Steps of the meeting record that touch several rows: saving with the optimistic lock, the chair,
participants, the agenda order, postponements, and the workflow draft → circulated → published.

The contract of every step: it takes one frozen input (what the editor asked for: `SaveMeeting`,
`RecordParticipants`, `AdvanceMeeting`, …; the record being saved may be one of its fields) and
returns a frozen result (what was saved, whether it changed anything, the correction it recorded,
how many were e-mailed, …). Nothing is answered through attributes set on a model instance: views
and forms read the result. A step that refuses raises ValidationError (or StaleVersionError).
Frozen means a field cannot be reassigned; the records it holds are the ones the step saves. The
caller's meeting instance gets the stored values of the fields a step changed (as refresh_from_db()).

Each is one transaction; emails to the Board members leave only after it commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core import chain, notifications
from core.dates import DatePrecision
from core.locking import StaleListError, StaleVersionError, claim_version, save_versioned
from core.roles import BOARD_MEMBERS_GROUP
from core.workflow import RecordStatus
from meetings import readiness
from meetings.models import AgendaItem, Correction, Meeting, Occasion, Participation, Reschedule, position_before
from members.models import Organisation, Person


class WorkflowError(ValidationError):
    """A transition that the meeting's current status does not allow."""


# --- The record itself --------------------------------------------------------------------------


# What a calendar client must learn again when it changes (the iCalendar SEQUENCE counts up).
SCHEDULE_FIELDS = ("start", "end", "time_zone", "all_day", "date_precision")


@dataclass(frozen=True, kw_only=True)
class SaveMeeting:
    """
    Create or update `meeting` (the form's unsaved instance). `expected_version`: the version the
    editor's form was opened at (StaleVersionError if someone saved since; None for a new meeting).
    `chair`: a person to chair it, None for no chair, False to leave the chair as it is;
    `chair_position`: their position at the time (empty: as recorded at their nearest earlier
    meeting). `new_occasion`: an occasion named on the spot, saved with the meeting.
    `correction_reason`: needed when the save changes a published record.
    """

    meeting: Meeting
    expected_version: int | None
    chair: Person | Literal[False] | None = False
    chair_position: str = ""
    new_occasion: Occasion | None = None
    correction_reason: str = ""
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class MeetingSaved:
    """What `save_meeting` did. `changed` is False for a save that found nothing to change (no new version)."""

    meeting: Meeting
    created: bool
    changed: bool
    # The dates moved: calendars are told again (the iCalendar SEQUENCE counted up).
    schedule_changed: bool
    chair_changed: bool
    # "Corrected on …: …", for a change to a published record.
    correction: Correction | None = None
    # The chair's position at the time, filled in from the records (none was typed): the page says so.
    chair_position_taken: str = ""


@transaction.atomic
def save_meeting(command: SaveMeeting) -> MeetingSaved:
    """
    Create or update a meeting, its chair and a new occasion, with the optimistic lock. A published
    record needs a correction reason when the save changes something; a save that changes nothing
    saves nothing and records no correction (the result says which, for the message).
    """
    meeting, expected_version = command.meeting, command.expected_version
    is_new = meeting.pk is None
    if command.new_occasion is not None:
        command.new_occasion.full_clean()
        command.new_occasion.save()
        meeting.occasion = command.new_occasion
    meeting.full_clean()
    changed = is_new or command.new_occasion is not None
    schedule_changed = False
    if not is_new:
        stored = Meeting.objects.filter(pk=meeting.pk).values(*RECORD_FIELDS).get()
        schedule_changed = any(stored[name] != getattr(meeting, name) for name in SCHEDULE_FIELDS)
        if schedule_changed:
            meeting.schedule_sequence += 1
        changed = changed or any(stored[name] != getattr(meeting, name) for name in RECORD_FIELDS)
    if changed:
        save_versioned(meeting, expected_version)
    chair_changed, chair_position_taken = False, ""
    if command.chair is not False:
        chair = set_chair(SetChair(meeting=meeting, person=command.chair, position=command.chair_position))
        chair_changed, chair_position_taken = chair.changed, chair.position_taken
        if chair_changed and not changed:
            # Only the chair changed: the record's version still moves (and is checked: a stale form
            # is refused, the chair's change rolled back with the rest).
            changed = True
            save_versioned(meeting, expected_version)
    # Saved with nothing changed (twice, or by mistake): no new version, no "Corrected on …" line.
    correction = None
    if changed and not is_new and meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(command.correction_reason)
        correction = _record_correction(meeting, command.correction_reason, command.user)
    return MeetingSaved(
        meeting=meeting,
        created=is_new,
        changed=changed,
        schedule_changed=schedule_changed,
        chair_changed=chair_changed,
        correction=correction,
        chair_position_taken=chair_position_taken,
    )


# The fields of the record an editor changes (not its bookkeeping: status, stamps, version).
RECORD_FIELDS = tuple(
    field.attname
    for field in Meeting._meta.concrete_fields
    if field.attname
    not in (
        "id",
        "slug",
        "status",
        "circulated_at",
        "published_at",
        "announced_at",
        "schedule_status",
        "new_date_pending",
        "cancelled_at",
        "cancellation_reason",
        "schedule_sequence",
        "version",
        "created_at",
        "updated_at",
    )
    # Not the stored search vectors: the database computes them from the fields compared here.
    and not field.generated
)


@dataclass(frozen=True, kw_only=True)
class SaveOccasion:
    """`occasion` (the form's unsaved instance), as opened at `expected_version`."""

    occasion: Occasion
    expected_version: int | None


@dataclass(frozen=True, kw_only=True)
class OccasionSaved:
    occasion: Occasion


@transaction.atomic
def save_occasion(command: SaveOccasion) -> OccasionSaved:
    """Save an occasion (shared by the meetings held at it) with the optimistic lock."""
    command.occasion.full_clean()
    save_versioned(command.occasion, command.expected_version)
    return OccasionSaved(occasion=command.occasion)


def chair_position_at_the_time(*, meeting: Meeting, person: Person) -> str:
    """
    What the chair was when the meeting took place, as for every participant (Participation.position_on_record):
    as recorded at their nearest earlier meeting, else their position on record; "" when nothing says it
    (then ask). The page says which position it took.
    """
    recorded = position_before(person.pk, meeting.start, exclude_meeting=meeting.pk) if meeting.pk else ""
    return recorded or person.position_title


@dataclass(frozen=True, kw_only=True)
class SetChair:
    """`person` to chair `meeting` (None: no chair), with their `position` at the time (empty: look it up)."""

    meeting: Meeting
    person: Person | None
    position: str = ""


@dataclass(frozen=True, kw_only=True)
class ChairSet:
    """The chair's participation now (None: no chair, or an organisation alone), and whether it changed."""

    participation: Participation | None
    changed: bool
    # The position filled in from the records (none was typed): the page says so.
    position_taken: str = ""


@transaction.atomic
def set_chair(command: SetChair) -> ChairSet:
    """
    The chair is the participation with the chair role: one source of truth. Their position is
    `position`, else the one recorded at their nearest earlier meeting (never silently today's for a
    past meeting: a ValidationError on `chair_position` asks for it).
    """
    meeting, person, position = command.meeting, command.person, command.position
    current = meeting.participations.filter(role=Participation.Role.CHAIR).order_by("order", "id").first()
    if person is None:
        if current is not None and current.person_id:
            current.delete()
            return ChairSet(participation=None, changed=True)
        return ChairSet(participation=current, changed=False)
    if current is not None:
        if current.person_id == person.pk and (not position or position == current.position):
            return ChairSet(participation=current, changed=False)
        if current.person_id != person.pk:
            current.person = person
            current.position = ""
            current.organisation = person.organisation
    else:
        existing = meeting.participations.filter(person=person).first()
        if existing is not None:
            # The person is on the list already: make that row the chair rather than list them twice.
            current = existing
            current.role = Participation.Role.CHAIR
        else:
            current = Participation(meeting=meeting, person=person, role=Participation.Role.CHAIR, order=0)
    if position:
        current.position = position
    taken = ""
    if not current.position:
        current.position = taken = chair_position_at_the_time(meeting=meeting, person=person)
    if not current.position:
        raise ValidationError({"chair_position": current.position_missing_message()})
    current.full_clean()
    current.save()
    return ChairSet(participation=current, changed=True, position_taken=taken)


@dataclass(frozen=True)
class ParticipantEntry:
    """One row of the participants form: the participation and, if created on the spot, its new person."""

    participation: Participation
    new_person: Person | None = None


@dataclass(frozen=True, kw_only=True)
class RecordParticipants:
    """
    The rows of `meeting`'s participants list to add or change (`entries`) and to remove (`removed`).
    `expected_rows`: the list (participation id → version) as the editor's form was opened; None skips
    the check.
    """

    meeting: Meeting
    entries: tuple[ParticipantEntry, ...] = ()
    removed: tuple[Participation, ...] = ()
    correction_reason: str = ""
    expected_rows: Mapping[int, int] | None = None
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class ParticipantsRecorded:
    """
    The participations added or changed, in the order given, and how many were removed.
    `positions_taken`: those of `saved` left without a position, given the one on record (to say so).
    """

    saved: tuple[Participation, ...]
    removed: int
    correction: Correction | None = None
    positions_taken: tuple[Participation, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.saved or self.removed)


@transaction.atomic
def record_participants(command: RecordParticipants) -> ParticipantsRecorded:
    """
    Add and change many participations at once, creating people named on the spot. If anyone added,
    changed or removed a participant since the list was opened (`expected_rows`), nothing is saved
    (StaleListError).
    """
    meeting, entries, removed = command.meeting, command.entries, command.removed
    expected_rows, correction_reason = command.expected_rows, command.correction_reason
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    # One save of the list at a time: the meeting's row is the list's lock.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if expected_rows is not None:
        if dict(meeting.participations.values_list("pk", "version")) != dict(expected_rows):
            raise StaleListError(meeting)
        try:
            # Each row changed or removed must still be at its version (a save elsewhere, such as
            # the admin, does not take the meeting's lock).
            for participation in [*removed, *(entry.participation for entry in entries)]:
                if participation.pk is not None:
                    claim_version(participation, expected_rows.get(participation.pk, 0))
        except StaleVersionError:
            raise StaleListError(meeting) from None
    for participation in removed:
        if participation.meeting_id != meeting.pk:
            raise ValidationError(_("This participant belongs to another meeting."))
        participation.delete()
    next_order = (meeting.participations.aggregate(Max("order"))["order__max"] or 0) + 1
    saved, positions_taken = [], []
    for entry in entries:
        participation = entry.participation
        position_typed = bool(participation.position)
        participation.meeting = meeting
        if entry.new_person is not None:
            entry.new_person.full_clean()
            entry.new_person.save()
            participation.person = entry.new_person
        if participation.person_id and not participation.organisation_id:
            participation.organisation = participation.person.organisation
        if participation.pk is None and not participation.order:
            participation.order = next_order
            next_order += 1
        # Fills a position left empty from the records, or refuses when nothing records one.
        participation.full_clean()
        participation.save()
        saved.append(participation)
        if participation.person_id and not position_typed:
            positions_taken.append(participation)
    # A list saved as it was (no row added, changed or removed): no "Corrected on …" line.
    correction = None
    if (saved or removed) and meeting.status == Meeting.Status.PUBLISHED:
        correction = _record_correction(meeting, correction_reason, command.user)
    return ParticipantsRecorded(
        saved=tuple(saved), removed=len(removed), correction=correction, positions_taken=tuple(positions_taken)
    )


# --- Agenda -------------------------------------------------------------------------------------


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> int:
    """Number the items 1, 2, 3 … in the given order, touching only those that move; how many moved."""
    moving = [(index, item) for index, item in enumerate(ordered, start=1) if item.position != index]
    # Two phases, so that no intermediate state breaks the unique (meeting, position) constraint:
    # first move the items out of the way, then give each its final position.
    for index, item in moving:
        AgendaItem.objects.filter(pk=item.pk).update(position=10000 + index)
    for index, item in moving:
        item.position = index
        # save() rather than update(): the history records the move.
        item.save(update_fields=["position"])
    return len(moving)


@dataclass(frozen=True, kw_only=True)
class ReorderAgenda:
    """
    The order of `meeting`'s agenda: `item_ids`, all of its items, each once. `expected_versions`: the
    items (id → version) as the editor saw them (None: from where they are now).
    """

    meeting: Meeting
    item_ids: tuple[int, ...]
    expected_versions: Mapping[int, int] | None = None
    correction_reason: str = ""
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class AgendaReordered:
    """How many items moved (0: the order was as it is), and the correction recorded for a published record."""

    moved: int
    correction: Correction | None = None

    @property
    def changed(self) -> bool:
        return bool(self.moved)


@transaction.atomic
def reorder_agenda(command: ReorderAgenda) -> AgendaReordered:
    """Give the agenda items the order asked for; refused if any item changed since the editor saw it."""
    meeting, item_ids, expected_versions = command.meeting, command.item_ids, command.expected_versions
    correction_reason = command.correction_reason
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    items = {item.pk: item for item in meeting.agenda_items.select_for_update()}
    as_now = {pk: item.version for pk, item in items.items()}
    changed = expected_versions is not None and dict(expected_versions) != as_now
    if changed or sorted(item_ids) != sorted(items):
        raise ValidationError(_("The agenda changed while you were reordering it. Reload the page and try again."))
    moved = _renumber(meeting, [items[pk] for pk in item_ids])
    # The same order saved again changes nothing: no "Corrected on …" line.
    correction = None
    if moved and meeting.status == Meeting.Status.PUBLISHED:
        correction = _record_correction(meeting, correction_reason, command.user)
    return AgendaReordered(moved=moved, correction=correction)


@dataclass(frozen=True, kw_only=True)
class SaveAgendaItem:
    """
    `item` (the form's unsaved instance) with its presenters (None: leave them as they are).
    `expected_version`: the version the editor's form was opened at.
    """

    item: AgendaItem
    presenters: tuple[Person, ...] | None = None
    presenting_organisations: tuple[Organisation, ...] | None = None
    correction_reason: str = ""
    expected_version: int | None = None
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class AgendaItemSaved:
    """What `save_agenda_item` did. `changed` is False for an item saved as it was (nothing written)."""

    item: AgendaItem
    created: bool
    changed: bool
    correction: Correction | None = None


@transaction.atomic
def save_agenda_item(command: SaveAgendaItem) -> AgendaItemSaved:
    """
    Add an item (at its position, moving the later ones down) or change one (StaleVersionError if
    someone saved the item since the editor's form was opened).
    """
    item, presenters, presenting_organisations = command.item, command.presenters, command.presenting_organisations
    correction_reason = command.correction_reason
    meeting = item.meeting
    created = item.pk is None
    changed = created or _item_changed(item, presenters, presenting_organisations)
    if not changed:
        # Saved as it was: nothing to save, no "Corrected on …" line.
        return AgendaItemSaved(item=item, created=False, changed=False)
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    if created:
        existing = list(meeting.agenda_items.select_for_update().order_by("position"))
        wanted = item.position or len(existing) + 1
        wanted = max(1, min(wanted, len(existing) + 1))
        item.position = 20000  # out of the way until _renumber places it
        item.full_clean()
        item.save()
        ordered = [*existing[: wanted - 1], item, *existing[wanted - 1 :]]
        _renumber(meeting, ordered)
    else:
        item.full_clean()
        save_versioned(item, command.expected_version)
    if presenters is not None:
        item.presenters.set(presenters)
    if presenting_organisations is not None:
        item.presenting_organisations.set(presenting_organisations)
    correction = None
    if meeting.status == Meeting.Status.PUBLISHED:
        correction = _record_correction(meeting, correction_reason, command.user)
    return AgendaItemSaved(item=item, created=created, changed=True, correction=correction)


def _item_changed(item: AgendaItem, presenters, presenting_organisations) -> bool:
    stored = AgendaItem.objects.filter(pk=item.pk).values("position", "title", "kind", "notes").get()
    if any(stored[name] != getattr(item, name) for name in stored):
        return True
    if presenters is not None and {p.pk for p in presenters} != set(item.presenters.values_list("pk", flat=True)):
        return True
    return presenting_organisations is not None and {o.pk for o in presenting_organisations} != set(
        item.presenting_organisations.values_list("pk", flat=True)
    )


@dataclass(frozen=True, kw_only=True)
class DeleteAgendaItem:
    item: AgendaItem
    correction_reason: str = ""
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class AgendaItemDeleted:
    """The item's title (the row is gone), how many later items moved up, and the correction recorded."""

    title: str
    moved: int
    correction: Correction | None = None


@transaction.atomic
def delete_agenda_item(command: DeleteAgendaItem) -> AgendaItemDeleted:
    """Remove an item and close the gap it leaves."""
    item, correction_reason = command.item, command.correction_reason
    meeting, title = item.meeting, item.title
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    item.delete()
    moved = _renumber(meeting, list(meeting.agenda_items.select_for_update().order_by("position")))
    correction = None
    if meeting.status == Meeting.Status.PUBLISHED:
        correction = _record_correction(meeting, correction_reason, command.user)
    return AgendaItemDeleted(title=title, moved=moved, correction=correction)


# --- Announcing, postponing, cancelling ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MeetingStep:
    """A step on `meeting` as a whole (announce, circulate, publish), taken by `user`."""

    meeting: Meeting
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class MeetingAnnounced:
    meeting: Meeting
    announced_at: dt.datetime


@transaction.atomic
def announce_meeting(command: MeetingStep) -> MeetingAnnounced:
    """
    Tell the public the meeting is coming (kind, number, dates, place, format, occasion) before any
    record exists: it is listed, on the home page and in the calendars, as an announcement only.
    Nothing of the record is published, and no publication date is set.
    """
    meeting = command.meeting
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.announced_at is not None:
        raise WorkflowError(_("This meeting was announced already."))
    if locked.is_cancelled:
        raise WorkflowError(_("This meeting is cancelled: it cannot be announced."))
    locked.announced_at = timezone.now()
    save_versioned(locked, None)
    _refresh(meeting, locked, "announced_at")
    return MeetingAnnounced(meeting=meeting, announced_at=locked.announced_at)


@dataclass(frozen=True, kw_only=True)
class RescheduleMeeting:
    """
    New dates for `meeting` (`precision`: as far as they are known; `all_day`: no times announced,
    None to keep it as it is), or "new date to be announced" (`new_date_pending`), and why.
    """

    meeting: Meeting
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    reason: str = ""
    precision: str = DatePrecision.DAY
    all_day: bool | None = None
    new_date_pending: bool = False
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class MeetingRescheduled:
    """
    The meeting as it is now; `reschedule`: the dates announced before, on record (None when the step
    gave the date of a meeting that waited for one: those are on record already); `postponed`: it
    says Postponed (later than first announced, or waiting for its new date).
    """

    meeting: Meeting
    reschedule: Reschedule | None
    postponed: bool


@transaction.atomic
def reschedule_meeting(command: RescheduleMeeting) -> MeetingRescheduled:
    """
    Move a meeting to new dates, or postpone it with the new date to be announced. The dates
    announced before stay on the record, with their precision and the reason; the calendar event is
    the same (UID) in a new version (SEQUENCE).
    """
    meeting, start, end, precision = command.meeting, command.start, command.end, command.precision
    reason, new_date_pending, user = command.reason, command.new_date_pending, command.user
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.is_cancelled:
        raise WorkflowError(_("This meeting is cancelled: it cannot be rescheduled."))
    giving_the_new_date = locked.new_date_pending and not new_date_pending
    if not giving_the_new_date:
        _require_reason(reason, field="reason")
    if new_date_pending:
        if locked.new_date_pending:
            raise ValidationError(_("This meeting already waits for its new date."))
        start, end, precision = locked.start, locked.end, locked.date_precision
    elif start is None or end is None:
        raise ValidationError({"start": _("Give the new dates, or say the new date is to be announced.")})
    elif end < start:
        raise ValidationError({"end": _("A meeting cannot end before it starts.")})
    elif not giving_the_new_date and (locked.start, locked.end, locked.date_precision) == (start, end, precision):
        raise ValidationError(_("These are the dates on record already; give the new dates."))
    reschedule = None
    if not giving_the_new_date:
        reschedule = Reschedule(
            meeting=locked,
            previous_start=locked.start,
            previous_end=locked.end,
            previous_precision=locked.date_precision,
            new_date_pending=new_date_pending,
            reason=reason.strip(),
            created_by=user,
        )
        reschedule.full_clean()
        reschedule.save()
    first_announced = locked.reschedules.order_by("created_at", "pk").values_list("previous_start", flat=True).first()
    locked.start, locked.end, locked.date_precision = start, end, precision
    if command.all_day is not None and not new_date_pending:
        locked.all_day = command.all_day
    locked.new_date_pending = new_date_pending
    # Postponed: later than first announced, or not yet dated again. Moved earlier: as announced now.
    postponed = new_date_pending or (first_announced is not None and start > first_announced)
    locked.schedule_status = Meeting.ScheduleStatus.POSTPONED if postponed else Meeting.ScheduleStatus.SCHEDULED
    if reschedule is None:
        locked.schedule_sequence += 1  # (a new Reschedule counts it up itself)
    locked.full_clean()
    save_versioned(locked, None)
    _refresh(meeting, locked, *SCHEDULE_FIELDS, "new_date_pending", "schedule_status", "schedule_sequence")
    return MeetingRescheduled(meeting=meeting, reschedule=reschedule, postponed=postponed)


@dataclass(frozen=True, kw_only=True)
class MeetingWithReason:
    """A step on `meeting` that needs a reason, shown on the record (cancel, unpublish, correct)."""

    meeting: Meeting
    reason: str
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class MeetingCancelled:
    meeting: Meeting
    cancelled_at: dt.datetime


@transaction.atomic
def cancel_meeting(command: MeetingWithReason) -> MeetingCancelled:
    """The meeting will not take place: it says Cancelled, with the reason, wherever it is listed."""
    meeting, reason = command.meeting, command.reason
    _require_reason(reason, field="reason")
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.is_cancelled:
        raise WorkflowError(_("This meeting was cancelled already."))
    locked.schedule_status = Meeting.ScheduleStatus.CANCELLED
    locked.new_date_pending = False
    locked.cancelled_at = timezone.now()
    locked.cancellation_reason = reason.strip()
    locked.schedule_sequence += 1
    locked.full_clean()
    save_versioned(locked, None)
    _refresh(
        meeting,
        locked,
        "schedule_status",
        "new_date_pending",
        "cancelled_at",
        "cancellation_reason",
        "schedule_sequence",
    )
    return MeetingCancelled(meeting=meeting, cancelled_at=locked.cancelled_at)


# --- Workflow -----------------------------------------------------------------------------------


def _lock(meeting: Meeting, allowed_from: set[str], refusal) -> Meeting:
    # Lock the row: two editors may press the button at once; only the first one moves the status.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status not in allowed_from:
        raise WorkflowError(str(refusal) % {"status": locked.get_status_display()})
    return locked


def step_refusal(meeting: Meeting, to: str) -> str:
    """Why `meeting` cannot take the step forward `to` in its present state ("" when it can)."""
    allowed_from, _stamp, refusal = _STEPS_FORWARD[to]
    if meeting.status == allowed_from:
        return ""
    return str(refusal) % {"status": meeting.get_status_display()}


# The workflow's steps forward: to which status, from which, the time it stamps, and its name.
_STEPS_FORWARD = {
    # The refusal is one whole sentence per step (a translation cannot agree with words pasted in).
    RecordStatus.CIRCULATED: (
        RecordStatus.DRAFT,
        "circulated_at",
        gettext_lazy("This meeting’s record is “%(status)s”: it cannot be circulated now."),
    ),
    RecordStatus.PUBLISHED: (
        RecordStatus.CIRCULATED,
        "published_at",
        gettext_lazy("This meeting’s record is “%(status)s”: it cannot be published now."),
    ),
}


@dataclass(frozen=True, kw_only=True)
class WorkflowStep(MeetingStep):
    """
    Circulate or publish `meeting`: the Board members are e-mailed a link starting with `site_url`. The
    checks run first (meetings.readiness): an error refuses the step; warnings need `override_reason`.
    """

    site_url: str = ""
    override_reason: str = ""
    # The fingerprint of the warnings the editor read (core.readiness.Findings.fingerprint); "" from code.
    warnings_seen: str = ""


@dataclass(frozen=True, kw_only=True)
class AdvanceMeeting(WorkflowStep):
    """One step forward for `meeting`: `to` circulated or published (the overridden warnings kept in the history)."""

    to: str


@dataclass(frozen=True, kw_only=True)
class MeetingAdvanced:
    """The meeting in its new status, and how many Board members were e-mailed (once the step commits)."""

    meeting: Meeting
    status: str
    emailed: int
    # Who was e-mailed (their addresses), and the checks' warnings that were overridden.
    recipients: tuple[str, ...] = ()
    overridden: tuple[str, ...] = ()
    # What became of each Board member's address: sent, held for their digest, turned off (core/notifications.py).
    delivery: notifications.Delivery | None = None


@transaction.atomic
def advance_meeting(command: AdvanceMeeting) -> MeetingAdvanced:
    """
    One step forward, told to the Board members by email: draft → circulated (they read it, marked
    DRAFT), or circulated → published (the public reads the summary and the decisions).
    """
    meeting, to = command.meeting, command.to
    allowed_from, stamp, refusal_in_state = _STEPS_FORWARD[to]
    locked = _lock(meeting, {allowed_from}, refusal_in_state)
    findings = readiness.CHECKS.run(locked, readiness.PUBLISH if to == RecordStatus.PUBLISHED else readiness.CIRCULATE)
    refusal = findings.refusal(command.override_reason) or findings.refusal_if_changed(
        command.warnings_seen, command.override_reason
    )
    if refusal is not None:
        raise refusal
    locked.status = to
    setattr(locked, stamp, timezone.now())
    # The warnings overridden, and why, are kept with this change in the history.
    locked._change_reason = findings.override_note(command.override_reason) or None
    save_versioned(locked, None)
    if to == RecordStatus.PUBLISHED:
        # Version 1 (or, published again, the next) of each audience's chain, in this transaction (core.chain).
        chain.seal(chain.Seal(record=locked, user=command.user))
    delivery = _email_board_members(locked, to, command.site_url)
    _refresh(meeting, locked)
    return MeetingAdvanced(
        meeting=meeting,
        status=to,
        emailed=delivery.count,
        recipients=delivery.sent,
        delivery=delivery,
        overridden=tuple(f.message for f in findings.warnings),
    )


def circulate_meeting(command: WorkflowStep) -> MeetingAdvanced:
    """Draft → circulated: Board members can read it, marked DRAFT. They are told by email."""
    return advance_meeting(
        AdvanceMeeting(
            meeting=command.meeting,
            user=command.user,
            site_url=command.site_url,
            override_reason=command.override_reason,
            to=RecordStatus.CIRCULATED,
        )
    )


def publish_meeting(command: WorkflowStep) -> MeetingAdvanced:
    """Circulated → published: the public reads the summary and decisions. Board members are told."""
    return advance_meeting(
        AdvanceMeeting(
            meeting=command.meeting,
            user=command.user,
            site_url=command.site_url,
            override_reason=command.override_reason,
            to=RecordStatus.PUBLISHED,
        )
    )


@dataclass(frozen=True, kw_only=True)
class MeetingCorrected:
    """The meeting as it is now, and the line on the record: a correction or an unpublication, with its reason."""

    meeting: Meeting
    correction: Correction


@transaction.atomic
def unpublish_meeting(command: MeetingWithReason) -> MeetingCorrected:
    """Published → circulated, with the reason shown on the record."""
    meeting, reason = command.meeting, command.reason
    _require_reason(reason)
    locked = _lock(
        meeting,
        {Meeting.Status.PUBLISHED},
        gettext_lazy("This meeting’s record is “%(status)s”: it cannot be unpublished now."),
    )
    locked.status = Meeting.Status.CIRCULATED
    locked.published_at = None
    save_versioned(locked, None)
    correction = Correction(
        meeting=locked, kind=Correction.Kind.UNPUBLISH, reason=reason.strip(), created_by=command.user
    )
    correction.full_clean()
    correction.save()
    # Each chain's current version is withdrawn: a link of its own, with the reason (core.chain).
    chain.seal(
        chain.Seal(record=locked, reason=correction.reason, reason_pk=correction.pk, user=command.user, withdraw=True)
    )
    _refresh(meeting, locked)
    return MeetingCorrected(meeting=meeting, correction=correction)


@transaction.atomic
def correct_meeting(command: MeetingWithReason) -> MeetingCorrected:
    """Record that a published record was corrected, and why ("Corrected on …: …")."""
    _require_reason(command.reason)
    _lock(
        command.meeting,
        {Meeting.Status.PUBLISHED},
        gettext_lazy("This meeting’s record is “%(status)s”: it cannot be corrected now."),
    )
    return MeetingCorrected(
        meeting=command.meeting, correction=_record_correction(command.meeting, command.reason, command.user)
    )


def check_correction_reason(*, meeting: Meeting, reason: str) -> None:
    """A change to a published record needs a reason (for the steps of the app above, too)."""
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(reason)


def record_correction_if_published(*, meeting: Meeting, reason: str, user=None) -> Correction | None:
    """After a change to a published record: "Corrected on …: …" on the record."""
    if meeting.status != Meeting.Status.PUBLISHED:
        return None
    _require_reason(reason)
    return _record_correction(meeting, reason, user)


def _record_correction(meeting: Meeting, reason: str, user) -> Correction:
    correction = Correction(meeting=meeting, kind=Correction.Kind.CORRECTION, reason=reason.strip(), created_by=user)
    correction.full_clean()
    correction.save()
    # A new version for each audience whose record now reads differently, with this reason (core.chain);
    # none for an audience that reads the same (the public never learns of a members-only change).
    chain.seal(chain.Seal(record=meeting, reason=correction.reason, reason_pk=correction.pk, user=user))
    return correction


def _require_reason(reason: str, field: str = "correction_reason") -> None:
    if not (reason or "").strip():
        if field == "correction_reason":
            message = _("This record is published: say what you correct and why. It is shown on the record.")
        else:
            message = _("Give a reason.")
        raise ValidationError({field: message})


def _refresh(meeting: Meeting, locked: Meeting, *names: str) -> None:
    """The caller's instance gets the stored values of the fields a step changed on the locked row."""
    for name in ("status", "circulated_at", "published_at", "version", *names):
        setattr(meeting, name, getattr(locked, name))


def board_member_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=BOARD_MEMBERS_GROUP).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _email_board_members(meeting: Meeting, event: str, site_url: str) -> notifications.Delivery:
    """E-mail each Board member with an address as they chose, once the step has committed; what became of each."""
    recipients = board_member_emails()
    if not recipients:
        return notifications.Delivery(kind=f"meetings.{event}")
    context = {"meeting": meeting, "url": f"{site_url}{meeting.get_absolute_url()}"}
    subjects = {
        "circulated": gettext_noop("Draft record circulated: %(title)s"),
        "published": gettext_noop("Record published: %(title)s"),
    }
    # One message per person (no Board member sees the others' addresses), as each chose (core/notifications.py):
    # sent once the step has committed, held for their weekly digest, or not at all; in each one's language.
    return notifications.notify(
        kind=f"meetings.{event}",
        recipients=recipients,
        subject=lambda: _(subjects[event]) % {"title": meeting.title},
        body=lambda: render_to_string(f"meetings/emails/{event}.txt", context),
        url=context["url"],
        site_url=site_url,
    )
