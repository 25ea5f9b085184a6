"""
What the procedure page says of where a procedure stands: its status (one badge and one sentence, for
everyone who may see it: `status_of`) and, for the Secretariat only, the control panel (`panel_for`):
every consulted organisation's answer with who gave it and when and the answers it replaced, those who
have not answered with the people who may answer for them, the last reminder, and the next step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.workflow import RecordStatus
from decisions.models import ProcedureAnswer, ProcedureReminder, WrittenProcedure
from decisions.procedures.contacts import Reach, reach


def _when(moment: dt.datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i T") if moment else ""


def _deadline(procedure: WrittenProcedure) -> str:
    local = timezone.localtime(procedure.deadline)
    return f"{formats.date_format(local, 'j M Y H:i')} ({local.tzname()})"


# --- Status -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """One badge (its text and Bootstrap class) and one sentence: who sees the procedure now, what comes next."""

    badge: str
    css: str
    sentence: str


BADGES = {
    "draft": (gettext_lazy("Draft, not launched"), "text-bg-light border"),
    "open": (gettext_lazy("Open"), "text-bg-primary"),
    "adopted": (gettext_lazy("Adopted"), "text-bg-success"),
    "not_adopted": (gettext_lazy("Not adopted"), "text-bg-warning"),
    "withdrawn": (gettext_lazy("Withdrawn"), "text-bg-secondary"),
}


def _state(procedure: WrittenProcedure) -> str:
    if procedure.stage == WrittenProcedure.Stage.CLOSED:
        return "adopted" if procedure.outcome == WrittenProcedure.Outcome.ADOPTED else "not_adopted"
    return procedure.stage


def status_of(procedure: WrittenProcedure, *, answered: int | None = None, consulted: int | None = None) -> Status:
    """
    The badge and sentence of `procedure`. `answered` / `consulted`: the counts so far of an open one
    (the list and the page annotate them: views._with_tally_so_far).
    """
    state = _state(procedure)
    label, css = BADGES[state]
    unpublished = procedure.status != RecordStatus.PUBLISHED
    if state == "draft":
        sentence = _(
            "Not launched: only the Secretariat sees it. Launching it opens it to the members consulted, "
            "e-mails them and shows it to Board members."
        )
    elif state == "open":
        answered = (
            procedure.agree_so_far + procedure.object_so_far + procedure.abstain_so_far
            if answered is None
            else answered
        )
        consulted = procedure.consulted_count if consulted is None else consulted
        values = {"deadline": _deadline(procedure), "answered": answered, "consulted": consulted}
        if clock.now() >= procedure.deadline:
            # Closing was refused (say, its effect names a record deleted since): it stays open for the Secretariat.
            sentence = (
                _(
                    "The deadline (%(deadline)s) has passed with %(answered)s of %(consulted)s answers, but the "
                    "procedure could not close: what its decision changes cannot be applied. Board members and the "
                    "Secretariat see it; the Secretariat may withdraw it."
                )
                % values
            )
        else:
            sentence = (
                _(
                    "Open until %(deadline)s: %(answered)s of %(consulted)s have answered. Board members and the "
                    "Secretariat see it. It closes at the deadline, or once every member has answered; closing "
                    "records the outcome."
                )
                % values
            )
        label = f"{label} {_('until')} {formats.date_format(timezone.localtime(procedure.deadline), 'j M')}"
    elif state == "withdrawn":
        sentence = _("Withdrawn on %(date)s: no decision was taken.") % {"date": _when(procedure.closed_at)}
    else:
        outcome = (
            _("adopted: the decision is recorded") if state == "adopted" else _("not adopted: no decision was taken")
        )
        sentence = _("Closed on %(date)s, %(outcome)s.") % {"date": _when(procedure.closed_at), "outcome": outcome}
    if state in ("adopted", "not_adopted", "withdrawn"):
        if unpublished:
            sentence += " " + _(
                "The outcome is not published: Board members and the Secretariat see it. Publishing it lets the "
                "public read it."
            )
            label = _("%(state)s, not published") % {"state": label}
        else:
            sentence += " " + _("Published on %(date)s: everyone reads the outcome.") % {
                "date": _when(procedure.published_at)
            }
    return Status(badge=str(label), css=css, sentence=sentence)


# --- The Secretariat's panel --------------------------------------------------------------------


def _name(user) -> str:
    """A user as the record names them: their person's name (as in the register), else the account's name."""
    person = getattr(user, "person", None)
    return person.name if person is not None else (user.get_full_name() or user.get_username())


def giver(row) -> str:
    """Who gave an answer (a ProcedureAnswer or one of its history rows): the delegate, or the Secretariat for them."""
    user = row.answered_by
    name = _name(user) if user else _("someone no longer on record")
    if row.on_behalf:
        return _("recorded by the Secretariat, received %(channel)s (%(name)s)") % {
            "name": name,
            "channel": ProcedureAnswer.Channel(row.channel).label.lower() if row.channel else "",
        }
    return name


@dataclass(frozen=True)
class AnswerRow:
    """An organisation's answer as it stands, who gave it and when, and the answers it replaced (newest first)."""

    answer: ProcedureAnswer
    given_by: str
    earlier: tuple[dict, ...] = ()


@dataclass(frozen=True)
class NextAction:
    key: str  # "edit", "launch", "remind", "publish"
    label: str
    url_name: str


@dataclass(frozen=True)
class Panel:
    answers: tuple[AnswerRow, ...]
    pending: tuple[Reach, ...]
    last_reminder: ProcedureReminder | None
    next_action: NextAction | None


def _earlier_answers(procedure: WrittenProcedure, answers: list[ProcedureAnswer]) -> dict[int, list[dict]]:
    """Per organisation, the answers its current one replaced (from the answers' history), newest first."""
    current = {answer.organisation_id: answer.answered_at for answer in answers}
    earlier: dict[int, list[dict]] = {}
    seen: set[tuple[int, dt.datetime]] = set()
    rows = (
        ProcedureAnswer.history.filter(procedure_id=procedure.pk)
        .exclude(history_type="-")
        .select_related("answered_by__person")
        .order_by("organisation_id", "-answered_at", "-history_id")
    )
    for row in rows:
        key = (row.organisation_id, row.answered_at)
        # One entry per answer given (a save that changed nothing else is the same answer).
        if row.answered_at == current.get(row.organisation_id) or key in seen:
            continue
        seen.add(key)
        earlier.setdefault(row.organisation_id, []).append(
            {
                "answer": ProcedureAnswer.Answer(row.answer).label if row.answer else "",
                "reason": row.reason,
                "given_by": giver(row),
                "answered_at": row.answered_at,
            }
        )
    return earlier


def _next_action(procedure: WrittenProcedure, pending: list) -> NextAction | None:
    if procedure.stage == WrittenProcedure.Stage.DRAFT:
        return NextAction("launch", _("Launch the procedure"), "decisions-edit:procedure-launch")
    if procedure.is_open and pending and clock.now() < procedure.deadline:
        return NextAction("remind", _("Remind those who have not answered"), "decisions-edit:procedure-remind")
    if procedure.status != RecordStatus.PUBLISHED and procedure.stage in (
        WrittenProcedure.Stage.CLOSED,
        WrittenProcedure.Stage.WITHDRAWN,
    ):
        return NextAction("publish", _("Publish the outcome"), "decisions-edit:procedure-publish")
    return None


def panel_for(procedure: WrittenProcedure, answers: list[ProcedureAnswer]) -> Panel:
    """The Secretariat's view of `procedure`; `answers`: all its answers, with their organisation and giver."""
    earlier = _earlier_answers(procedure, answers) if procedure.stage != WrittenProcedure.Stage.DRAFT else {}
    answered = {answer.organisation_id for answer in answers}
    pending = (
        reach(procedure.consulted.exclude(pk__in=answered).order_by("name"))
        if procedure.stage in (WrittenProcedure.Stage.OPEN, WrittenProcedure.Stage.CLOSED)
        else []
    )
    return Panel(
        answers=tuple(
            AnswerRow(answer=answer, given_by=giver(answer), earlier=tuple(earlier.get(answer.organisation_id, ())))
            for answer in answers
        ),
        pending=tuple(pending),
        last_reminder=procedure.reminders.select_related("sent_by__person").order_by("-sent_at").first(),
        next_action=_next_action(procedure, pending),
    )


def reminded_text(reminder: ProcedureReminder | None) -> str:
    """'Last reminder sent on … to …' (by whom, or by the timer)."""
    if reminder is None:
        return ""
    user = reminder.sent_by
    values = {
        "when": _when(reminder.sent_at),
        "to": ", ".join(f"{r['email']} ({', '.join(r['organisations'])})" for r in reminder.recipients),
        "who": _name(user) if user else "",
    }
    if user:
        return _("Last reminder sent on %(when)s by %(who)s to %(to)s.") % values
    return _("Last reminder sent on %(when)s, automatically before the deadline, to %(to)s.") % values
