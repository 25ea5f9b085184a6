"""
What `meetings` adds to the access rules of `members` (core.visibility), registered in MeetingsConfig.ready():
an organisation or a person is seen by whoever may see a meeting it took part in.
"""

from django.db.models import Q

from core import visibility
from core.roles import is_board_member
from core.workflow import visible_statuses
from meetings.models import Participation
from members.models import Organisation, Person


def organisations_that_took_part(user) -> Q | None:
    """Organisations that took part in a meeting the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    return Q(pk__in=Organisation.objects.filter(participations__meeting__status__in=statuses).values("pk"))


def people_who_took_part(user) -> Q | None:
    """
    Board members: whoever took part in, or presented at, a meeting they may see. The public: the
    chairs, hosts and speakers of published meetings (the public summary names them); delegates'
    names belong to the attendance list, for members only.
    """
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    if is_board_member(user):
        took_part_in = Person.objects.filter(participations__meeting__status__in=statuses).values("pk")
        presented_at = Person.objects.filter(presented__meeting__status__in=statuses).values("pk")
        return Q(pk__in=took_part_in) | Q(pk__in=presented_at)
    named = Person.objects.filter(
        participations__meeting__status__in=statuses, participations__role__in=Participation.PUBLIC_ROLES
    )
    return Q(pk__in=named.values("pk"))


def register() -> None:
    visibility.grant(Organisation, organisations_that_took_part)
    visibility.grant(Person, people_who_took_part)
