"""
What `decisions` adds to the access rules of `members` (core.visibility), registered in DecisionsConfig.ready():
a membership or an appointment that a decision of an unreleased meeting created stays hidden until
the meeting's record reaches the reader.
"""

from django.db.models import Q

from core import visibility
from core.workflow import hidden_statuses
from members.models import Appointment, Membership


def made_by_an_unreleased_decision(user) -> Q | None:
    """Rows (memberships, appointments) created by a decision of a meeting the user may not see."""
    hidden = hidden_statuses(user)
    if hidden is None:
        return None
    return Q(decisions__meeting__status__in=hidden)


def register() -> None:
    visibility.hide(Membership, made_by_an_unreleased_decision)
    visibility.hide(Appointment, made_by_an_unreleased_decision)
