"""
Written procedures: decisions between meetings. Each step is one transaction.

draft ──launch──▶ open ──(deadline passed, or every consulted member answered)──▶ closed ──publish──▶ public
                   └──withdraw (with a reason)──▶ withdrawn

Closing computes the outcome by the procedure's rule (written: every consulted member agrees;
silence: nobody objects), stores the tally and, when adopted, records the decision with its
effects (the same steps as a meeting's outcome helpers, decisions/services.py), dated at the
closing. Closing is idempotent: the procedure row is locked and a procedure that is not open is
left as it is. It runs from `manage.py close_procedures` (cron or a systemd timer) and on every
view of a procedure page, so a missed timer loses nothing.

Time comes from core.clock.now(), which tests set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock, notifications
from core.locking import StaleVersionError, save_versioned
from core.workflow import RecordStatus
from decisions import effects, services
from decisions.effects import Effect
from decisions.models import Decision, Document, ProcedureAnswer, ProcedureReminder, WrittenProcedure
from decisions.procedures.contacts import Mailing, mailing_for, reach
from members.models import Membership, Organisation, organisations_represented_by

logger = logging.getLogger(__name__)

REMINDER_BEFORE = dt.timedelta(days=2)


@dataclass(frozen=True)
class StepResult:
    """
    What a step saved: the procedure as stored after it, how many people were e-mailed, and the mailing
    itself (to whom, and why an organisation got none: decisions.procedures.contacts).
    """

    procedure: WrittenProcedure
    emailed: int = 0
    mailing: Mailing | None = None


@dataclass(frozen=True)
class AnswerResult:
    """An answer recorded, and the procedure as stored after it (closed, if it was the last one awaited)."""

    answer: ProcedureAnswer
    procedure: WrittenProcedure
    closed: bool = False
    # The closing's e-mails, when this answer closed the procedure.
    mailing: Mailing | None = None


@dataclass(frozen=True)
class CloseResult:
    """
    A closing: the procedure as stored after it; `closed` False when it was not open (nothing changed);
    the decision it took when adopted; how many people were e-mailed.
    """

    procedure: WrittenProcedure
    closed: bool
    decision: Decision | None = None
    emailed: int = 0
    mailing: Mailing | None = None


def deadline_display(procedure: WrittenProcedure) -> str:
    """The deadline in the Secretariat's zone (settings.TIME_ZONE), with the zone's name."""
    local = timezone.localtime(procedure.deadline)
    return f"{formats.date_format(local, 'j F Y, H:i')} {local.tzname()}"


def propose_reference(on: dt.date | None = None) -> str:
    """The next reference of the year: WP/2026/01, WP/2026/02, …"""
    year = (on or clock.localdate()).year
    prefix = f"WP/{year}/"
    taken = WrittenProcedure.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _require(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise ValidationError({field: message} if field else message)


# --- The Secretariat's steps --------------------------------------------------------------------


@transaction.atomic
def save_procedure(
    *,
    procedure: WrittenProcedure,
    documents: Iterable[Document] | None = None,
    consulted: Iterable[Organisation] | None = None,
    effect: Effect | None = None,
    expected_version: int | None,
    user=None,
) -> WrittenProcedure:
    """
    Create or change a draft procedure (StaleVersionError if someone saved it since the form was opened).
    `effect`: what its decision changes when adopted (decisions.effects), checked now and stored as data.
    """
    if procedure.pk is not None:
        stored = WrittenProcedure.objects.select_for_update().get(pk=procedure.pk)
        _require(stored.stage == WrittenProcedure.Stage.DRAFT, _("Only a draft procedure can be changed."))
    elif user is not None and user.is_authenticated:
        procedure.created_by = user
    _check_reference(procedure)
    if effect is not None:
        _require(not effect.meeting_only, _("A written procedure cannot carry this effect."), "effect")
        effect.validate()
    procedure.effect = effects.to_stored(effect)
    procedure.full_clean()
    save_versioned(procedure, expected_version)
    if documents is not None:
        procedure.documents.set(list(documents))
    if consulted is not None:
        procedure.consulted.set(list(consulted))
    return procedure


def _check_reference(procedure: WrittenProcedure) -> None:
    """
    The reference names the procedure's page and, once adopted, its decision: refuse one whose web
    address another procedure has (WP/2026/01 and wp-2026-01) or that a decision carries already.
    """
    if procedure.stage == WrittenProcedure.Stage.DRAFT:
        procedure.slug = WrittenProcedure.slug_for(procedure.reference)
    others = WrittenProcedure.objects.exclude(pk=procedure.pk)
    _require(
        not others.filter(slug=procedure.slug).exclude(reference=procedure.reference).exists(),
        _("Another procedure has a reference that reads the same in its web address: choose another."),
        "reference",
    )
    decisions = Decision.objects.filter(reference=procedure.reference)
    if procedure.pk is not None:
        decisions = decisions.exclude(procedure=procedure.pk)
    _require(
        not decisions.exists(),
        _("A decision already has this reference: choose another."),
        "reference",
    )


def board_members_on(on: dt.date):
    """The Board members on `on`, from the membership register: the members a procedure consults by default."""
    current = Membership.objects.current(on).filter(category=Membership.Category.BOARD)
    return Organisation.objects.filter(pk__in=current.values("organisation")).order_by("name")


@transaction.atomic
def launch_procedure(
    *, procedure: WrittenProcedure, expected_version: int | None = None, site_url: str = "", user=None
) -> StepResult:
    """
    Open the procedure: members consulted (by default the Board members today), launched now,
    circulated to Board members; each consulted member's people are e-mailed once the step commits.
    Returns the procedure as stored and how many were e-mailed.
    """
    locked = WrittenProcedure.objects.select_for_update().get(pk=procedure.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(locked)
    _require(locked.stage == WrittenProcedure.Stage.DRAFT, _("This procedure was launched already."))
    now = clock.now()
    _require(locked.deadline > now, _("The deadline has passed: set a later deadline before launching."), "deadline")
    if not locked.consulted.exists():
        locked.consulted.set(board_members_on(timezone.localtime(now).date()))
    _require(locked.consulted.exists(), _("Nobody to consult: there is no Board member on record today."))
    locked.stage = WrittenProcedure.Stage.OPEN
    locked.status = RecordStatus.CIRCULATED
    locked.launched_at = now
    locked.full_clean()
    locked.save()
    mailing = _email(locked, "launched", locked.consulted.order_by("name"), site_url)
    return StepResult(procedure=locked, emailed=mailing.count, mailing=mailing)


@transaction.atomic
def withdraw_procedure(
    *, procedure: WrittenProcedure, reason: str, expected_version: int | None = None, user=None
) -> StepResult:
    """The Secretariat withdraws a procedure before it closes, saying why; no decision is taken."""
    locked = WrittenProcedure.objects.select_for_update().get(pk=procedure.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(locked)
    _require(
        locked.stage in (WrittenProcedure.Stage.DRAFT, WrittenProcedure.Stage.OPEN),
        _("Only a draft or open procedure can be withdrawn."),
    )
    _require(bool((reason or "").strip()), _("Say why the procedure is withdrawn."), "reason")
    locked.stage = WrittenProcedure.Stage.WITHDRAWN
    locked.withdrawn_reason = reason.strip()
    locked.closed_at = clock.now()
    locked._change_reason = reason.strip()
    locked.full_clean()
    locked.save()
    return StepResult(procedure=locked)


@transaction.atomic
def publish_procedure(
    *, procedure: WrittenProcedure, answers_published: bool = False, expected_version: int | None = None, user=None
) -> StepResult:
    """Publish the outcome of a closed (or withdrawn) procedure: the public reads it and its decision."""
    locked = WrittenProcedure.objects.select_for_update().get(pk=procedure.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(locked)
    _require(
        locked.stage in (WrittenProcedure.Stage.CLOSED, WrittenProcedure.Stage.WITHDRAWN),
        _("Only the outcome of a closed or withdrawn procedure can be published."),
    )
    _require(locked.status != RecordStatus.PUBLISHED, _("This outcome is published already."))
    locked.status = RecordStatus.PUBLISHED
    locked.published_at = clock.now()
    locked.answers_published = answers_published
    locked.full_clean()
    locked.save()
    return StepResult(procedure=locked)


# --- Answers ------------------------------------------------------------------------------------


def may_answer_for(user, procedure: WrittenProcedure, on: dt.date | None = None):
    """The consulted organisations `user` may answer for (their person's organisation, their delegations)."""
    return procedure.consulted.filter(pk__in=organisations_represented_by(user, on).values("pk")).order_by("name")


def answer_versions(procedure: WrittenProcedure, organisations) -> dict[int, int]:
    """
    The version of each of `organisations`' answers as it is now (one not there: none yet, 0), for the
    answer form to carry, so that an answer recorded after the form was opened is not overwritten unseen.
    """
    return dict(
        ProcedureAnswer.objects.filter(procedure=procedure, organisation__in=organisations).values_list(
            "organisation", "version"
        )
    )


def answer_recorded_meanwhile(row: ProcedureAnswer) -> str:
    """What a sender is told of the answer recorded for their organisation after their form was opened."""
    user = row.answered_by
    values = {
        "organisation": row.organisation,
        "answer": row.get_answer_display(),
        "who": (user.get_full_name() or user.get_username()) if user else _("someone"),
        "when": formats.date_format(timezone.localtime(row.answered_at), "j F Y, H:i T"),
    }
    if row.reason:
        values["answer"] = _("“%(answer)s” (reason: “%(reason)s”)") % {"answer": values["answer"], "reason": row.reason}
    else:
        values["answer"] = _("“%(answer)s”") % {"answer": values["answer"]}
    if row.on_behalf:
        values["channel"] = row.get_channel_display().lower()
        return (
            _(
                "Another answer for %(organisation)s was recorded meanwhile: %(answer)s, received %(channel)s and "
                "recorded by %(who)s for the Secretariat on %(when)s."
            )
            % values
        )
    return _("Another answer for %(organisation)s was recorded meanwhile: %(answer)s, by %(who)s on %(when)s.") % values


def _refused_when_not_open(locked: WrittenProcedure, meanwhile: ProcedureAnswer | None) -> None:
    """Why no answer is taken; for a procedure that closed early, with the answer recorded meanwhile."""
    if locked.stage == WrittenProcedure.Stage.WITHDRAWN:
        raise ValidationError(_("This procedure was withdrawn: no answer is taken."))
    if locked.stage == WrittenProcedure.Stage.DRAFT:
        raise ValidationError(_("This procedure has not been launched yet: no answer is taken."))
    if locked.stage == WrittenProcedure.Stage.CLOSED and locked.closed_at < locked.deadline:
        # Closed early, by the last consulted member's answer, while this one was on its way.
        messages = [
            _(
                "The procedure closed on %(closed)s, when every consulted member had answered: your answer "
                "was not recorded."
            )
            % {"closed": formats.date_format(timezone.localtime(locked.closed_at), "j F Y, H:i T")}
        ]
        if meanwhile is not None:
            messages.append(answer_recorded_meanwhile(meanwhile))
        raise ValidationError(messages)
    raise ValidationError(
        _("The deadline (%(deadline)s) has passed: your answer was not recorded.")
        % {"deadline": deadline_display(locked)}
    )


@transaction.atomic
def answer_procedure(
    *,
    procedure: WrittenProcedure,
    organisation: Organisation,
    answer: str,
    reason: str = "",
    user,
    on_behalf: bool = False,
    channel: str = "",
    expected_version: int | None = None,
) -> AnswerResult:
    """
    Record (or change) an organisation's answer. Refused after the deadline, even if the form was
    opened before: the check is made here, with the procedure row locked, by the portal's clock. One
    row per organisation (a database constraint): a changed answer updates it, and its history keeps
    every version. When every consulted member has answered, the procedure closes at once.

    `expected_version`: the version of the organisation's answer the sender's form was opened at (0:
    none yet). If another answer was recorded since, nothing is saved: StaleVersionError, with that
    answer, for the sender to see (sending again, from the form it comes back in, replaces it). None
    skips the check (a step without a form).
    """
    # The procedure's row lock makes the answers to one procedure one at a time: the second of two
    # at once waits here, then reads the first's answer and status. (SQLite: the whole database is
    # one writer's from the transaction's start, settings.DATABASES.)
    locked = WrittenProcedure.objects.select_for_update().get(pk=procedure.pk)
    now = clock.now()
    row = (
        ProcedureAnswer.objects.select_for_update(of=("self",))
        .select_related("organisation", "answered_by")
        .filter(procedure=locked, organisation=organisation)
        .first()
    )
    stale = row is not None and expected_version is not None and row.version != expected_version
    # The Secretariat answers on any consulted member's behalf (its page checks the permission).
    represents = on_behalf or (
        organisations_represented_by(user, timezone.localtime(now).date()).filter(pk=organisation.pk).exists()
    )
    if locked.stage != WrittenProcedure.Stage.OPEN or now >= locked.deadline:
        # The answer recorded meanwhile is said only to whoever may read it.
        _refused_when_not_open(locked, row if stale and represents else None)
    consulted = locked.consulted.filter(pk=organisation.pk).exists()
    _require(consulted, _("This organisation is not consulted."), "organisation")
    if on_behalf:
        _require(bool(channel), _("Say how the answer was received."), "channel")
    else:
        _require(represents, _("You may not answer for this organisation."), "organisation")
        channel = ""
    _require(answer in ProcedureAnswer.Answer.values, _("Choose an answer."), "answer")
    if answer == ProcedureAnswer.Answer.OBJECT:
        _require(bool((reason or "").strip()), _("Say why you object."), "reason")
    if stale:
        raise StaleVersionError(row)
    if row is None:
        # (An answer the form saw and that is gone since, deleted in the admin, overwrites nothing.)
        row = ProcedureAnswer(procedure=locked, organisation=organisation)
    row.answer = answer
    row.reason = (reason or "").strip()
    row.answered_by = user if user is not None and user.is_authenticated else None
    row.on_behalf = on_behalf
    row.channel = channel
    row.answered_at = now
    row.full_clean()
    # Counts the version up (core.locking.Versioned): every form opened before this is refused.
    row.save()
    answered = locked.answers.values("organisation")
    if not locked.consulted.exclude(pk__in=answered).exists():
        try:
            # Its own savepoint (close_procedure is atomic): a refused closing keeps this answer, and
            # the procedure stays open for the Secretariat to see to (it closes at the deadline).
            closing = close_procedure(locked, at=now)
        except ValidationError:
            logger.exception("Written procedure %s could not be closed early", locked.reference)
        else:
            return AnswerResult(answer=row, procedure=closing.procedure, closed=closing.closed, mailing=closing.mailing)
    return AnswerResult(answer=row, procedure=locked)


# --- Closing ------------------------------------------------------------------------------------


def outcome_of(kind: str, tally: dict[str, int], consulted: int) -> str:
    """The rule: a written procedure needs every consulted member's agreement; a silence procedure, no objection."""
    if kind == WrittenProcedure.Kind.WRITTEN:
        adopted = consulted > 0 and tally["agree"] == consulted
    else:
        adopted = tally["object"] == 0
    return WrittenProcedure.Outcome.ADOPTED if adopted else WrittenProcedure.Outcome.NOT_ADOPTED


@transaction.atomic
def close_procedure(procedure: WrittenProcedure, at: dt.datetime | None = None, *, site_url: str = "") -> CloseResult:
    """
    Close an open procedure: tally, outcome and, when adopted, the decision with its effects, dated at
    the closing. Changes nothing when it is not open (closing twice, or a withdrawn one): `closed` False.
    """
    # Lock the row: the timer and a page view may close the same procedure at once.
    locked = WrittenProcedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.stage != WrittenProcedure.Stage.OPEN:
        return CloseResult(procedure=locked, closed=False)
    at = at or clock.now()
    # A procedure closes at its deadline even when the timer runs later.
    closed_at = min(at, locked.deadline)
    consulted = list(locked.consulted.values_list("pk", flat=True))
    answers = dict(locked.answers.filter(organisation__in=consulted).values_list("organisation", "answer"))
    tally = {
        "agree": sum(1 for answer in answers.values() if answer == ProcedureAnswer.Answer.AGREE),
        "object": sum(1 for answer in answers.values() if answer == ProcedureAnswer.Answer.OBJECT),
        "abstain": sum(1 for answer in answers.values() if answer == ProcedureAnswer.Answer.ABSTAIN),
        "no_answer": len(consulted) - len(answers),
    }
    locked.tally_agree, locked.tally_object = tally["agree"], tally["object"]
    locked.tally_abstain, locked.tally_no_answer = tally["abstain"], tally["no_answer"]
    locked.outcome = outcome_of(locked.kind, tally, len(consulted))
    locked.stage = WrittenProcedure.Stage.CLOSED
    locked.closed_at = closed_at
    locked.full_clean()
    locked.save()
    decision = _record_decision(locked) if locked.outcome == WrittenProcedure.Outcome.ADOPTED else None
    mailing = _email(locked, "closed", locked.consulted.order_by("name"), site_url)
    return CloseResult(procedure=locked, closed=True, decision=decision, emailed=mailing.count, mailing=mailing)


def _record_decision(procedure: WrittenProcedure) -> Decision:
    """
    The adopted procedure's decision and its stored effect (decisions.effects), the same as a meeting
    decision's, dated at the closing. A record the effect names that was deleted since refuses the
    closing (ValidationError, beside nothing: the procedure stays open for the Secretariat).
    """
    day = timezone.localtime(procedure.closed_at).date()
    try:
        effect = effects.from_stored(procedure.effect)
    except ValidationError as error:
        raise ValidationError(
            _("%(reference)s cannot take effect: %(reason)s")
            % {"reference": procedure.reference, "reason": " ".join(error.messages)}
        ) from None
    decision = Decision(
        procedure=procedure,
        reference=procedure.reference,
        sequence=1,
        verb=procedure.verb,
        subject=procedure.title[:300],
        wording=procedure.text,
        proposed_by_organisation=procedure.proposed_by_organisation,
    )
    decision.full_clean()
    save_versioned(decision, None)
    if effect is None:
        # The decision only: it acts on the documents the procedure concerns.
        decision.documents.add(*procedure.documents.all())
        return decision
    services.record_outcome(services.OutcomeInput(meeting=None, decision=decision, effect=effect, on=day))
    return decision


def close_due_procedures(at: dt.datetime | None = None, *, site_url: str = "") -> list[WrittenProcedure]:
    """
    Close every open procedure whose deadline has passed (the management command, and every procedure
    page). One transaction each: a procedure whose effect is refused (say, a membership that now
    overlaps) is logged and left open for the Secretariat, and the others still close.
    """
    at = at or clock.now()
    closed = []
    for procedure in WrittenProcedure.objects.due(at).order_by("deadline"):
        try:
            result = close_procedure(procedure, at=at, site_url=site_url)
            if result.closed:
                closed.append(result.procedure)
        except ValidationError:
            logger.exception("Written procedure %s could not be closed", procedure.reference)
    return closed


# --- E-mails ------------------------------------------------------------------------------------


def member_emails(organisations, on: dt.date | None = None) -> list[str]:
    """The addresses of the active users who may answer for `organisations`: their people and delegates."""
    return mailing_for(reach(organisations, on)).emails


def remind_procedures(at: dt.datetime | None = None, *, site_url: str = "") -> dict[str, int]:
    """
    Two days before the deadline, once: e-mail the members of each open procedure who have not answered.
    Returns, per reference, how many were e-mailed.
    """
    at = at or clock.now()
    sent = {}
    due = WrittenProcedure.objects.filter(
        stage=WrittenProcedure.Stage.OPEN, reminded_at=None, deadline__gt=at, deadline__lte=at + REMINDER_BEFORE
    )
    for procedure in due:
        with transaction.atomic():
            locked = WrittenProcedure.objects.select_for_update().get(pk=procedure.pk)
            if locked.reminded_at is not None or locked.stage != WrittenProcedure.Stage.OPEN:
                continue
            mailing = _email(locked, "reminder", not_answered(locked), site_url)
            sent[locked.reference] = mailing.count
            _record_reminder(locked, mailing, at=at, user=None)
            locked.reminded_at = at
            locked.save()
    return sent


def not_answered(procedure: WrittenProcedure):
    """The consulted organisations with no answer recorded, by name."""
    return procedure.consulted.exclude(pk__in=procedure.answers.values("organisation")).order_by("name")


def _record_reminder(procedure: WrittenProcedure, mailing: Mailing, *, at: dt.datetime, user):
    """Keep who was reminded (nothing is kept of a reminder that reached nobody: the message said why)."""
    if not mailing.count:
        return None
    reminder = ProcedureReminder(
        procedure=procedure,
        sent_at=at,
        sent_by=user if user is not None and user.is_authenticated else None,
        recipients=[{"email": email, "organisations": list(names)} for email, names in mailing.sent],
    )
    reminder.full_clean()
    reminder.save()
    reminder.organisations.set(list(mailing.organisations))
    return reminder


@dataclass(frozen=True, kw_only=True)
class RemindProcedure:
    """The Secretariat reminds the members of an open procedure who have not answered."""

    procedure: WrittenProcedure
    user: object = None
    site_url: str = ""


@dataclass(frozen=True)
class ReminderResult:
    """The procedure, the reminder kept (None when nobody could be e-mailed) and the mailing (to whom, and why not)."""

    procedure: WrittenProcedure
    reminder: ProcedureReminder | None
    mailing: Mailing


# How long after a reminder another one is refused (two editors, a double press).
REMINDER_PAUSE = dt.timedelta(minutes=10)


@transaction.atomic
def remind_procedure(step: RemindProcedure) -> ReminderResult:
    """
    E-mail (once the step commits) the people who may answer for each consulted organisation that has
    not answered, and keep the reminder. Refused unless the procedure is open and its deadline ahead.
    """
    locked = WrittenProcedure.objects.select_for_update().get(pk=step.procedure.pk)
    now = clock.now()
    _require(
        locked.stage == WrittenProcedure.Stage.OPEN,
        _("Only an open procedure can be reminded: this one is %(stage)s.")
        % {"stage": locked.get_stage_display().lower()},
    )
    _require(now < locked.deadline, _("The deadline has passed: there is nobody left to remind."))
    silent = list(not_answered(locked))
    _require(bool(silent), _("Every consulted member has answered: there is nobody to remind."))
    # Under the lock: a second press (or a second editor) moments later sends nothing twice.
    recent = locked.reminders.filter(sent_at__gt=now - REMINDER_PAUSE).order_by("-sent_at").first()
    _require(
        recent is None,
        _("A reminder was sent %(minutes)d minutes ago or less: wait before sending another.")
        % {"minutes": int(REMINDER_PAUSE.total_seconds() // 60)},
    )
    mailing = _email(locked, "reminder", silent, step.site_url)
    reminder = _record_reminder(locked, mailing, at=now, user=step.user)
    return ReminderResult(procedure=locked, reminder=reminder, mailing=mailing)


SUBJECTS = {
    "launched": gettext_noop("Written procedure %(reference)s: your answer is requested by %(deadline)s"),
    "reminder": gettext_noop("Reminder — written procedure %(reference)s closes on %(deadline)s"),
    "closed": gettext_noop("Written procedure %(reference)s closed: %(outcome)s"),
}


def _email(procedure: WrittenProcedure, event: str, organisations, site_url: str) -> Mailing:
    """
    E-mail the people who may answer for `organisations` about `event`, once the step commits; returns
    the mailing: to whom, and why an organisation got none (decisions.procedures.contacts).
    """
    mailing = mailing_for(reach(organisations))
    recipients = mailing.emails
    if not recipients:
        return mailing
    url = f"{site_url}{procedure.get_absolute_url()}"

    def context():
        # Made in each recipient's language (the deadline's date and day names are the language's).
        return {"procedure": procedure, "deadline": deadline_display(procedure), "url": url}

    def subject():
        return _(SUBJECTS[event]) % {
            "reference": procedure.reference,
            "deadline": deadline_display(procedure),
            "outcome": procedure.get_outcome_display(),
        }

    # One message per person (no member sees the others' addresses), as each chose (core/notifications.py):
    # sent once the step commits, held for their weekly digest, or not at all; in each one's language.
    delivery = notifications.notify(
        kind=f"procedures.{event}",
        recipients=recipients,
        subject=subject,
        body=lambda: render_to_string(f"decisions/procedures/emails/{event}.txt", context()),
        url=url,
        site_url=site_url,
    )
    return _as_delivered(mailing, delivery)


def _as_delivered(mailing: Mailing, delivery: notifications.Delivery) -> Mailing:
    """The mailing as sent: whoever chose their digest or turned these e-mails off is said among the unreached."""
    if not delivery.queued and not delivery.dropped:
        return mailing
    sent = tuple((email, names) for email, names in mailing.sent if email in delivery.sent)
    names_reached = {name for _email, names in sent for name in names}
    chose = [
        _("%(email)s (%(organisations)s) will read it in their weekly digest")
        % {"email": email, "organisations": ", ".join(names)}
        for email, names in mailing.sent
        if email in delivery.queued
    ] + [
        _("%(email)s (%(organisations)s) turned these e-mails off")
        % {"email": email, "organisations": ", ".join(names)}
        for email, names in mailing.sent
        if email in delivery.dropped
    ]
    return dataclasses.replace(
        mailing,
        sent=sent,
        unreached=(*mailing.unreached, *chose),
        organisations=tuple(o for o in mailing.organisations if o.display_name in names_reached),
    )
