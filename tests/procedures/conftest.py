"""
Fixtures of written procedures: a controllable clock, two Board member organisations each with a
Board member user who represents it, and a draft silence procedure consulting them.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from core.roles import BOARD_MEMBERS_GROUP
from members.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, WrittenProcedureFactory

# 1 March 2026, 09:00 in Sarajevo (the Secretariat's zone): the launch.
LAUNCH = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
# 10 March 2026, 17:00 in Sarajevo: the deadline.
DEADLINE = dt.datetime(2026, 3, 10, 16, 0, tzinfo=dt.UTC)


class Clock:
    """The portal's clock (core.clock), set by the test: no sleeping."""

    def __init__(self, settings):
        self._settings = settings
        self.set(LAUNCH)

    def set(self, moment: dt.datetime) -> dt.datetime:
        self._settings.CLOCK_NOW = moment
        return moment

    def advance(self, **delta) -> dt.datetime:
        return self.set(self._settings.CLOCK_NOW + dt.timedelta(**delta))

    @property
    def now(self) -> dt.datetime:
        return self._settings.CLOCK_NOW


@pytest.fixture
def clock(settings):
    return Clock(settings)


@dataclass
class World:
    alpha: object  # an organisation, Board member
    beta: object
    alpha_user: object  # a Board member user whose person represents alpha
    beta_user: object


def _member(username: str, organisation):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    PersonFactory(organisation=organisation, user=user, name=f"{username.capitalize()} Delegate")
    return user


@pytest.fixture
def world(db, board_member):
    alpha = OrganisationFactory(name="Alphaland Ministry", acronym="ALPHA")
    beta = OrganisationFactory(name="Betaland Ministry", acronym="BETA")
    for organisation in (alpha, beta):
        MembershipFactory(organisation=organisation, category=Membership.Category.BOARD, since=dt.date(2020, 1, 1))
    # The board_member persona represents alpha.
    PersonFactory(organisation=alpha, user=board_member, name="Ana Alpha")
    return World(alpha=alpha, beta=beta, alpha_user=board_member, beta_user=_member("beta", beta))


@pytest.fixture
def draft_procedure(world, clock):
    return WrittenProcedureFactory(
        reference="WP/2026/01", title="Adoption of the Work Plan 2026", deadline=DEADLINE, kind="silence"
    )


def aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))
