"""
Steps of the meeting record that touch several rows: saving with the optimistic lock, the chair,
participants, the agenda order, postponements, and the workflow draft → circulated → published.

Each is one transaction; emails to the Board members leave only after it commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import DatePrecision
from core.locking import StaleListError, StaleVersionError, claim_version, save_versioned
from core.roles import BOARD_MEMBERS_GROUP
from core.workflow import RecordStatus
from meetings.models import AgendaItem, Correction, Meeting, Occasion, Participation, Reschedule, position_before
from members.models import Organisation, Person


class WorkflowError(ValidationError):
    """A transition that the meeting's current status does not allow."""


# --- The record itself --------------------------------------------------------------------------


# What a calendar client must learn again when it changes (the iCalendar SEQUENCE counts up).
SCHEDULE_FIELDS = ("start", "end", "time_zone", "all_day", "date_precision")


@transaction.atomic
def save_meeting(
    *,
    meeting: Meeting,
    expected_version: int | None,
    chair: Person | bool | None = False,
    chair_position: str = "",
    new_occasion: Occasion | None = None,
    correction_reason: str = "",
    user=None,
) -> Meeting:
    """
    Create or update a meeting. `expected_version` is the version the editor's form was opened at
    (StaleVersionError if someone saved since). `chair`: a person to chair it, None for no chair,
    False to leave the chair as it is; `chair_position` their position at the time (empty: as
    recorded at their nearest earlier meeting). `new_occasion`: an occasion named on the spot.
    A published record needs a correction reason when the save changes something; a save that changes
    nothing saves nothing and records no correction (`meeting.saved_changes` says which, for the message).
    """
    is_new = meeting.pk is None
    if new_occasion is not None:
        new_occasion.full_clean()
        new_occasion.save()
        meeting.occasion = new_occasion
    meeting.full_clean()
    changed = is_new or new_occasion is not None
    if not is_new:
        stored = Meeting.objects.filter(pk=meeting.pk).values(*RECORD_FIELDS).get()
        if any(stored[name] != getattr(meeting, name) for name in SCHEDULE_FIELDS):
            meeting.schedule_sequence += 1
        changed = changed or any(stored[name] != getattr(meeting, name) for name in RECORD_FIELDS)
    chair_before = _chair_rows(meeting) if not is_new else None
    if changed:
        save_versioned(meeting, expected_version)
    if chair is not False:
        set_chair(meeting=meeting, person=chair, position=chair_position)
        if not changed and _chair_rows(meeting) != chair_before:
            # Only the chair changed: the record's version still moves (and is checked: a stale form
            # is refused, the chair's change rolled back with the rest).
            changed = True
            save_versioned(meeting, expected_version)
    # Saved with nothing changed (twice, or by mistake): no new version, no "Corrected on …" line.
    meeting.saved_changes = changed
    if changed and not is_new and meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
        _record_correction(meeting, correction_reason, user)
    return meeting


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


def _chair_rows(meeting: Meeting) -> list[tuple]:
    """The chair's rows as stored: telling whether a save changed the chair."""
    return list(
        meeting.participations.filter(role=Participation.Role.CHAIR)
        .order_by("pk")
        .values_list("pk", "person_id", "organisation_id", "position", "version")
    )


@transaction.atomic
def save_occasion(*, occasion: Occasion, expected_version: int | None) -> Occasion:
    """Save an occasion (shared by the meetings held at it) with the optimistic lock."""
    occasion.full_clean()
    save_versioned(occasion, expected_version)
    return occasion


def chair_position_at_the_time(*, meeting: Meeting, person: Person) -> str:
    """
    What the chair was when the meeting took place: as recorded at their nearest earlier meeting; for
    a meeting still to come, their current position; "" when nothing says it (then ask).
    """
    recorded = position_before(person.pk, meeting.start, exclude_meeting=meeting.pk)
    if recorded:
        return recorded
    return "" if meeting.has_passed else person.position_title


@transaction.atomic
def set_chair(*, meeting: Meeting, person: Person | None, position: str = "") -> Participation | None:
    """
    The chair is the participation with the chair role: one source of truth. Their position is
    `position`, else the one recorded at their nearest earlier meeting (never silently today's for a
    past meeting: a ValidationError on `chair_position` asks for it).
    """
    current = meeting.participations.filter(role=Participation.Role.CHAIR).order_by("order", "id").first()
    if person is None:
        if current is not None and current.person_id:
            current.delete()
        return None
    if current is not None:
        if current.person_id == person.pk and (not position or position == current.position):
            return current
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
    if not current.position:
        current.position = chair_position_at_the_time(meeting=meeting, person=person)
    if not current.position and person.position_title:
        raise ValidationError({"chair_position": current.position_unknown_message()})
    current.full_clean()
    current.save()
    return current


@dataclass
class ParticipantEntry:
    """One row of the participants form: the participation and, if created on the spot, its new person."""

    participation: Participation
    new_person: Person | None = None


@transaction.atomic
def record_participants(
    *,
    meeting: Meeting,
    entries: list[ParticipantEntry],
    removed: list[Participation] = (),
    correction_reason: str = "",
    expected_rows: dict[int, int] | None = None,
    user=None,
) -> list[Participation]:
    """
    Add and change many participations at once, creating people named on the spot. `expected_rows`:
    the list (participation id → version) as the editor's form was opened; if anyone added, changed
    or removed a participant since, nothing is saved (StaleListError). None skips the check.
    """
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    # One save of the list at a time: the meeting's row is the list's lock.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if expected_rows is not None:
        if dict(meeting.participations.values_list("pk", "version")) != expected_rows:
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
    saved = []
    for entry in entries:
        participation = entry.participation
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
        participation.full_clean()
        participation.save()
        saved.append(participation)
    # A list saved as it was (no row added, changed or removed): no "Corrected on …" line.
    if (saved or removed) and meeting.status == Meeting.Status.PUBLISHED:
        _record_correction(meeting, correction_reason, user)
    return saved


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


@transaction.atomic
def reorder_agenda(
    *,
    meeting: Meeting,
    item_ids: list[int],
    expected_versions: dict[int, int] | None = None,
    correction_reason: str = "",
    user=None,
) -> None:
    """
    Give the agenda items the order of `item_ids` (all of the meeting's items, each once).
    `expected_versions`: the items (id → version) as the editor saw them; refused if any changed.
    """
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    items = {item.pk: item for item in meeting.agenda_items.select_for_update()}
    changed = expected_versions is not None and expected_versions != {pk: item.version for pk, item in items.items()}
    if changed or sorted(item_ids) != sorted(items):
        raise ValidationError(_("The agenda changed while you were reordering it. Reload the page and try again."))
    moved = _renumber(meeting, [items[pk] for pk in item_ids])
    # The same order saved again changes nothing: no "Corrected on …" line.
    if moved and meeting.status == Meeting.Status.PUBLISHED:
        _record_correction(meeting, correction_reason, user)


@transaction.atomic
def save_agenda_item(
    *,
    item: AgendaItem,
    presenters: list[Person] | None = None,
    presenting_organisations: list[Organisation] | None = None,
    correction_reason: str = "",
    expected_version: int | None = None,
    user=None,
) -> AgendaItem:
    """
    Add an item (at its position, moving the later ones down) or change one. `expected_version`: the
    version the editor's form was opened at (StaleVersionError if someone saved the item since).
    """
    meeting = item.meeting
    changed = item.pk is None or _item_changed(item, presenters, presenting_organisations)
    item.saved_changes = changed
    if not changed:
        # Saved as it was: nothing to save, no "Corrected on …" line.
        return item
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    if item.pk is None:
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
        save_versioned(item, expected_version)
    if presenters is not None:
        item.presenters.set(presenters)
    if presenting_organisations is not None:
        item.presenting_organisations.set(presenting_organisations)
    if meeting.status == Meeting.Status.PUBLISHED:
        _record_correction(meeting, correction_reason, user)
    return item


def _item_changed(item: AgendaItem, presenters, presenting_organisations) -> bool:
    stored = AgendaItem.objects.filter(pk=item.pk).values("position", "title", "kind", "notes").get()
    if any(stored[name] != getattr(item, name) for name in stored):
        return True
    if presenters is not None and {p.pk for p in presenters} != set(item.presenters.values_list("pk", flat=True)):
        return True
    return presenting_organisations is not None and {o.pk for o in presenting_organisations} != set(
        item.presenting_organisations.values_list("pk", flat=True)
    )


@transaction.atomic
def delete_agenda_item(*, item: AgendaItem, correction_reason: str = "", user=None) -> None:
    """Remove an item and close the gap it leaves."""
    meeting = item.meeting
    if meeting.status == Meeting.Status.PUBLISHED:
        _require_reason(correction_reason)
    item.delete()
    _renumber(meeting, list(meeting.agenda_items.select_for_update().order_by("position")))
    if meeting.status == Meeting.Status.PUBLISHED:
        _record_correction(meeting, correction_reason, user)


# --- Announcing, postponing, cancelling ---------------------------------------------------------


@transaction.atomic
def announce_meeting(*, meeting: Meeting, user=None) -> Meeting:
    """
    Tell the public the meeting is coming (kind, number, dates, place, format, occasion) before any
    record exists: it is listed, on the home page and in the calendars, as an announcement only.
    Nothing of the record is published, and no publication date is set.
    """
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.announced_at is not None:
        raise WorkflowError(_("This meeting was announced already."))
    if locked.is_cancelled:
        raise WorkflowError(_("This meeting is cancelled: it cannot be announced."))
    locked.announced_at = timezone.now()
    save_versioned(locked, None)
    _refresh(meeting, locked, "announced_at")
    return meeting


@transaction.atomic
def reschedule_meeting(
    *,
    meeting: Meeting,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    reason: str = "",
    precision: str = DatePrecision.DAY,
    all_day: bool | None = None,
    new_date_pending: bool = False,
    user=None,
) -> Reschedule | None:
    """
    Move a meeting to new dates (`precision`: as far as they are known; `all_day`: no times announced,
    None to keep it as it is), or postpone it with the new date to be announced (`new_date_pending`).
    The dates announced before stay on the record, with their precision and the reason; the calendar
    event is the same (UID) in a new version (SEQUENCE).
    Giving the date of a meeting that waits for one records no reschedule (its dates announced
    before are on record already) and returns None.
    """
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
    if all_day is not None and not new_date_pending:
        locked.all_day = all_day
    locked.new_date_pending = new_date_pending
    # Postponed: later than first announced, or not yet dated again. Moved earlier: as announced now.
    postponed = new_date_pending or (first_announced is not None and start > first_announced)
    locked.schedule_status = Meeting.ScheduleStatus.POSTPONED if postponed else Meeting.ScheduleStatus.SCHEDULED
    if reschedule is None:
        locked.schedule_sequence += 1  # (a new Reschedule counts it up itself)
    locked.full_clean()
    save_versioned(locked, None)
    _refresh(meeting, locked, *SCHEDULE_FIELDS, "new_date_pending", "schedule_status", "schedule_sequence")
    return reschedule


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, reason: str, user=None) -> Meeting:
    """The meeting will not take place: it says Cancelled, with the reason, wherever it is listed."""
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
    return meeting


# --- Workflow -----------------------------------------------------------------------------------


def _lock(meeting: Meeting, allowed_from: set[str], action: str) -> Meeting:
    # Lock the row: two editors may press the button at once; only the first one moves the status.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status not in allowed_from:
        raise WorkflowError(
            _("This meeting is %(status)s: it cannot be %(action)s now.")
            % {"status": locked.get_status_display().lower(), "action": action}
        )
    return locked


# The workflow's steps forward: to which status, from which, the time it stamps, and its name.
_STEPS_FORWARD = {
    RecordStatus.CIRCULATED: (RecordStatus.DRAFT, "circulated_at", gettext_lazy("circulated")),
    RecordStatus.PUBLISHED: (RecordStatus.CIRCULATED, "published_at", gettext_lazy("published")),
}


@transaction.atomic
def advance_meeting(*, meeting: Meeting, to: str, user=None, site_url: str = "") -> Meeting:
    """
    One step forward, told to the Board members by email: draft → circulated (they read it, marked
    DRAFT), or circulated → published (the public reads the summary and the decisions).
    """
    allowed_from, stamp, name = _STEPS_FORWARD[to]
    locked = _lock(meeting, {allowed_from}, name)
    locked.status = to
    setattr(locked, stamp, timezone.now())
    save_versioned(locked, None)
    # How many were told, for the message that says what happened ("5 Board members e-mailed").
    meeting.emailed = _email_board_members(locked, to, site_url)
    _refresh(meeting, locked)
    return meeting


def circulate_meeting(*, meeting: Meeting, user=None, site_url: str = "") -> Meeting:
    """Draft → circulated: Board members can read it, marked DRAFT. They are told by email."""
    return advance_meeting(meeting=meeting, to=RecordStatus.CIRCULATED, user=user, site_url=site_url)


def publish_meeting(*, meeting: Meeting, user=None, site_url: str = "") -> Meeting:
    """Circulated → published: the public reads the summary and decisions. Board members are told."""
    return advance_meeting(meeting=meeting, to=RecordStatus.PUBLISHED, user=user, site_url=site_url)


@transaction.atomic
def unpublish_meeting(*, meeting: Meeting, reason: str, user=None) -> Correction:
    """Published → circulated, with the reason shown on the record."""
    _require_reason(reason)
    locked = _lock(meeting, {Meeting.Status.PUBLISHED}, _("unpublished"))
    locked.status = Meeting.Status.CIRCULATED
    locked.published_at = None
    save_versioned(locked, None)
    correction = Correction(meeting=locked, kind=Correction.Kind.UNPUBLISH, reason=reason.strip(), created_by=user)
    correction.full_clean()
    correction.save()
    _refresh(meeting, locked)
    return correction


@transaction.atomic
def correct_meeting(*, meeting: Meeting, reason: str, user=None) -> Correction:
    """Record that a published record was corrected, and why ("Corrected on …: …")."""
    _require_reason(reason)
    _lock(meeting, {Meeting.Status.PUBLISHED}, _("corrected"))
    return _record_correction(meeting, reason, user)


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
    return correction


def _require_reason(reason: str, field: str = "correction_reason") -> None:
    if not (reason or "").strip():
        if field == "correction_reason":
            message = _("This record is published: say what you correct and why. It is shown on the record.")
        else:
            message = _("Give a reason.")
        raise ValidationError({field: message})


def _refresh(meeting: Meeting, locked: Meeting, *names: str) -> None:
    for name in ("status", "circulated_at", "published_at", "version", *names):
        setattr(meeting, name, getattr(locked, name))


def board_member_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=BOARD_MEMBERS_GROUP).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _email_board_members(meeting: Meeting, event: str, site_url: str) -> int:
    """E-mail each Board member with an address, once the step has committed; how many."""
    recipients = board_member_emails()
    if not recipients:
        return 0
    context = {"meeting": meeting, "url": f"{site_url}{meeting.get_absolute_url()}"}
    subject = {
        "circulated": _("Draft record circulated: %(title)s"),
        "published": _("Record published: %(title)s"),
    }[event] % {"title": meeting.title}
    body = render_to_string(f"meetings/emails/{event}.txt", context)

    def send() -> None:
        # One message per person, so that no Board member sees the others' addresses.
        messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in recipients]
        get_connection().send_messages(messages)

    # Only once the transaction has committed: a rolled-back step must not announce anything.
    transaction.on_commit(send)
    return len(recipients)
