"""
What `meetings` adds to the access rules of `members` (core.visibility), registered in MeetingsConfig.ready():
an organisation or a person is seen by whoever may see a meeting it took part in.
"""

from django.db.models import Exists, OuterRef, Q

from core import visibility
from core.roles import is_board_member
from core.workflow import visible_statuses
from meetings.models import AgendaItem, Participation
from members.models import Organisation, Person


def organisations_that_took_part(user) -> Q | None:
    """Organisations that took part in a meeting the user may see."""
    statuses = visible_statuses(user)
    if statuses is None:
        return None
    # EXISTS correlated to the organisation (core.visibility): index look-ups, not every participation.
    return Q(Exists(Participation.objects.filter(organisation=OuterRef("pk"), meeting__status__in=statuses)))


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
        took_part_in = Participation.objects.filter(person=OuterRef("pk"), meeting__status__in=statuses)
        presented_at = AgendaItem.objects.filter(presenters=OuterRef("pk"), meeting__status__in=statuses)
        return Q(Exists(took_part_in)) | Q(Exists(presented_at))
    named = Participation.objects.filter(
        person=OuterRef("pk"), meeting__status__in=statuses, role__in=Participation.PUBLIC_ROLES
    )
    return Q(Exists(named))


def register() -> None:
    visibility.grant(Organisation, organisations_that_took_part)
    visibility.grant(Person, people_who_took_part)
