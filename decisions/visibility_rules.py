"""
What `decisions` adds to the access rules of `members` (core.visibility), registered in DecisionsConfig.ready():
a membership or a role held that a decision of an unreleased meeting created stays hidden until the
meeting's record reaches the reader; an organisation or a person that a decision the reader may see
names (as concerned, or as its proposer) is seen with it.
"""

from django.db.models import Exists, OuterRef, Q

from core import visibility
from core.workflow import hidden_statuses, visible_statuses
from decisions.models import Decision
from members.models import Membership, Organisation, Person, RoleHeld


def made_by_an_unreleased_decision(user) -> Q | None:
    """Rows (memberships, roles held) created by a decision of a meeting (or procedure) the user may not see."""
    hidden = hidden_statuses(user)
    if hidden is None:
        return None
    # Or by the decision of a written procedure whose outcome the user may not see yet.
    return Q(decisions__meeting__status__in=hidden) | Q(decisions__procedure__record_status__in=hidden)


def _decided(statuses) -> Q:
    """Decisions of a meeting, or of a written procedure, in one of `statuses`."""
    return Q(meeting__status__in=statuses) | Q(procedure__record_status__in=statuses)


def organisations_a_decision_names(user) -> Q | None:
    """Organisations concerned by, or proposing, a decision of a meeting (or procedure) the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    # EXISTS correlated to the organisation (core.visibility): index look-ups, not every decision.
    decided = Decision.objects.filter(_decided(statuses))
    return Q(Exists(decided.filter(concerns_organisations=OuterRef("pk")))) | Q(
        Exists(decided.filter(proposed_by_organisation=OuterRef("pk")))
    )


def people_a_decision_names(user) -> Q | None:
    """People concerned by, or proposing, a decision of a meeting (or procedure) the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    decided = Decision.objects.filter(_decided(statuses))
    return Q(Exists(decided.filter(concerns_people=OuterRef("pk")))) | Q(
        Exists(decided.filter(proposed_by_person=OuterRef("pk")))
    )


def register() -> None:
    visibility.hide(Membership, made_by_an_unreleased_decision)
    visibility.hide(RoleHeld, made_by_an_unreleased_decision)
    visibility.grant(Organisation, organisations_a_decision_names)
    visibility.grant(Person, people_a_decision_names)
