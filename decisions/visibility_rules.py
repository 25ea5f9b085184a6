"""
What `decisions` adds to the access rules of `members` (core.visibility), registered in DecisionsConfig.ready():
a membership or a role held that a decision of an unreleased meeting created stays hidden until the
meeting's record reaches the reader; an organisation or a person that a decision the reader may see
names (as concerned, or as its proposer) is seen with it.
"""

from django.db.models import Q

from core import visibility
from core.workflow import hidden_statuses, visible_statuses
from members.models import Membership, Organisation, Person, RoleHeld


def made_by_an_unreleased_decision(user) -> Q | None:
    """Rows (memberships, roles held) created by a decision of a meeting (or procedure) the user may not see."""
    hidden = hidden_statuses(user)
    if hidden is None:
        return None
    # Or by the decision of a written procedure whose outcome the user may not see yet.
    return Q(decisions__meeting__status__in=hidden) | Q(decisions__procedure__record_status__in=hidden)


def organisations_a_decision_names(user) -> Q | None:
    """Organisations concerned by, or proposing, a decision of a meeting the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    concerned = Organisation.objects.filter(decisions_concerning__meeting__status__in=statuses).values("pk")
    proposing = Organisation.objects.filter(decisions_proposed__meeting__status__in=statuses).values("pk")
    by_procedure = Organisation.objects.filter(
        Q(decisions_concerning__procedure__record_status__in=statuses)
        | Q(decisions_proposed__procedure__record_status__in=statuses)
    ).values("pk")
    return Q(pk__in=concerned) | Q(pk__in=proposing) | Q(pk__in=by_procedure)


def people_a_decision_names(user) -> Q | None:
    """People concerned by, or proposing, a decision of a meeting the user may see (its public record names them)."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    concerned = Person.objects.filter(decisions_concerning__meeting__status__in=statuses).values("pk")
    proposing = Person.objects.filter(decisions_proposed__meeting__status__in=statuses).values("pk")
    by_procedure = Person.objects.filter(
        Q(decisions_concerning__procedure__record_status__in=statuses)
        | Q(decisions_proposed__procedure__record_status__in=statuses)
    ).values("pk")
    return Q(pk__in=concerned) | Q(pk__in=proposing) | Q(pk__in=by_procedure)


def register() -> None:
    visibility.hide(Membership, made_by_an_unreleased_decision)
    visibility.hide(RoleHeld, made_by_an_unreleased_decision)
    visibility.grant(Organisation, organisations_a_decision_names)
    visibility.grant(Person, people_a_decision_names)
