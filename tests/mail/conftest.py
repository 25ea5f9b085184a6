"""
Fixtures of the e-mail tests: one trigger per registered kind of e-mail (the real step that sends it),
the world of written procedures (tests/procedures/conftest.py) and the board_member persona, who
receives every kind: a Board member (circulated and published records) who represents alpha (procedures).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail

from decisions.procedures import services as procedures
from meetings import services as meetings
from meetings.models import Meeting
from tests.factories import MeetingFactory
from tests.procedures.conftest import DEADLINE, clock, draft_procedure, world  # noqa: F401 (fixtures)

SITE = "https://portal.example"


def _meeting(status: str) -> Meeting:
    start = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)
    return MeetingFactory(
        status=status,
        start=start,
        end=start + dt.timedelta(hours=6),
        circulated_at=None if status == "draft" else start,
    )


def _step(meeting):
    return meetings.WorkflowStep(meeting=meeting, site_url=SITE, override_reason="A test record.")


def _launch(procedure):
    procedures.launch_procedure(procedure=procedure, site_url=SITE)


@dataclass
class Trigger:
    """`prepare(ctx)` sets up what the step needs (its own e-mails are dropped); `fire(ctx)` sends the kind."""

    prepare: Callable
    fire: Callable
    # What the e-mail names, to tell it from the others.
    subject: str


def _nothing(ctx):
    return None


TRIGGERS = {
    "meetings.circulated": Trigger(
        prepare=lambda ctx: ctx.update(meeting=_meeting("draft")),
        fire=lambda ctx: meetings.circulate_meeting(_step(ctx["meeting"])),
        subject="Draft record circulated",
    ),
    "meetings.published": Trigger(
        prepare=lambda ctx: ctx.update(meeting=_meeting("circulated")),
        fire=lambda ctx: meetings.publish_meeting(_step(ctx["meeting"])),
        subject="Record published",
    ),
    "procedures.launched": Trigger(
        prepare=_nothing,
        fire=lambda ctx: _launch(ctx["procedure"]),
        subject="your answer is requested",
    ),
    "procedures.reminder": Trigger(
        prepare=lambda ctx: (_launch(ctx["procedure"]), ctx["clock"].advance(days=2)),
        fire=lambda ctx: procedures.remind_procedure(
            procedures.RemindProcedure(procedure=ctx["procedure"], site_url=SITE)
        ),
        subject="Reminder — written procedure",
    ),
    "procedures.closed": Trigger(
        prepare=lambda ctx: (_launch(ctx["procedure"]), ctx["clock"].set(DEADLINE + dt.timedelta(minutes=1))),
        fire=lambda ctx: procedures.close_due_procedures(site_url=SITE),
        subject="closed",
    ),
}


@pytest.fixture
def send_kind(world, clock, draft_procedure, django_capture_on_commit_callbacks):  # noqa: F811
    """send_kind(key) -> what the step of that kind sent to anyone (the e-mails of its preparation left out)."""

    def _send(key: str) -> list:
        trigger = TRIGGERS[key]
        ctx = {"procedure": draft_procedure, "clock": clock}
        with django_capture_on_commit_callbacks(execute=True):
            trigger.prepare(ctx)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            trigger.fire(ctx)
        return [message for message in mail.outbox if trigger.subject in message.subject]

    return _send
