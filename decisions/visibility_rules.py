"""
What `decisions` adds to the access rules of `members` (core.visibility), registered in DecisionsConfig.ready():
a membership or a role held that a decision of an unreleased meeting created stays hidden until the
meeting's record reaches the reader; an organisation or a person that a decision the reader may see
names (as concerned, or as its proposer) is seen with it.
"""

from core import visibility
from core.workflow import hidden_statuses, visible_statuses
from decisions.models import Decision, decided_in_any
from members.models import Membership, Organisation, Person, RoleHeld


def _made_by_an_unreleased_decision(made: str):
    """A hide rule: rows made through `made` (a many-to-many field of Decision) by a decision the user may not see."""

    def rule(user) -> visibility.Source | None:
        hidden = hidden_statuses(user)
        if hidden is None:
            return None
        # A decision of a meeting, or of a written procedure, whose record the user may not see yet.
        field = getattr(Decision, made).field
        links = field.remote_field.through.objects.filter(decided_in_any(hidden, "decision__"))
        return visibility.Source(links, field.m2m_reverse_field_name())

    rule.__doc__ = f"Rows made by a decision (Decision.{made}) of a meeting or procedure the user may not see."
    return rule


memberships_made_by_an_unreleased_decision = _made_by_an_unreleased_decision("memberships")
roles_made_by_an_unreleased_decision = _made_by_an_unreleased_decision("roles")


def _named_by_visible_decisions(statuses, concerns) -> list[visibility.Source]:
    """
    The decisions of a meeting, or of a written procedure, in one of `statuses` and what they name:
    the rows of `concerns` (a many-to-many field of Decision) and their proposer (`proposed_by_<model>`).
    """
    through = getattr(Decision, concerns).through
    target = getattr(Decision, concerns).field.m2m_reverse_field_name()
    decided = decided_in_any(statuses)
    through_decided = decided_in_any(statuses, "decision__")
    proposer = "proposed_by_organisation" if target == "organisation" else "proposed_by_person"
    return [
        visibility.Source(through.objects.filter(through_decided), target),
        visibility.Source(Decision.objects.filter(decided), proposer),
    ]


def organisations_a_decision_names(user) -> list[visibility.Source] | None:
    """Organisations concerned by, or proposing, a decision of a meeting (or procedure) the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    return _named_by_visible_decisions(statuses, "concerns_organisations")


def people_a_decision_names(user) -> list[visibility.Source] | None:
    """People concerned by, or proposing, a decision of a meeting (or procedure) the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    return _named_by_visible_decisions(statuses, "concerns_people")


def register() -> None:
    visibility.hide(Membership, memberships_made_by_an_unreleased_decision)
    visibility.hide(RoleHeld, roles_made_by_an_unreleased_decision)
    visibility.grant(Organisation, organisations_a_decision_names)
    visibility.grant(Person, people_a_decision_names)
