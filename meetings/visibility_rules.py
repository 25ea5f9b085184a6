"""
What `meetings` adds to the access rules of `members` (core.visibility), registered in MeetingsConfig.ready():
an organisation or a person is seen by whoever may see a meeting it took part in.
"""

from core import visibility
from core.roles import is_board_member
from core.workflow import visible_statuses
from meetings.models import AgendaItem, Participation
from members.models import Organisation, Person


def organisations_that_took_part(user) -> list[visibility.Source] | None:
    """Organisations that took part in a meeting the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    return [visibility.Source(Participation.objects.filter(meeting__status__in=statuses), "organisation")]


def people_who_took_part(user) -> list[visibility.Source] | None:
    """
    Board members: whoever took part in, or presented at, a meeting they may see. The public: the
    chairs, hosts and speakers of published meetings (the public summary names them); delegates'
    names belong to the attendance list, for members only.
    """
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    if is_board_member(user):
        presented = AgendaItem.presenters.through.objects.filter(agendaitem__meeting__status__in=statuses)
        return [
            visibility.Source(Participation.objects.filter(meeting__status__in=statuses), "person"),
            visibility.Source(presented, "person"),
        ]
    named = Participation.objects.filter(meeting__status__in=statuses, role__in=Participation.PUBLIC_ROLES)
    return [visibility.Source(named, "person")]


def register() -> None:
    visibility.grant(Organisation, organisations_that_took_part)
    visibility.grant(Person, people_who_took_part)
