"""
The access rules reach a row through another one in one flat subquery (core.visibility): an
organisation through a person of it, a parent through its part, and both at once. Each path is
checked for what it grants and, as importantly, for what a draft keeps hidden.
"""

import pytest

from meetings.models import Meeting, Participation
from members.models import Membership, Organisation, Person, RoleHeld
from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    RoleHeldFactory,
)

pytestmark = pytest.mark.django_db


def seen(model, user):
    return set(model.objects.visible_to(user))


@pytest.fixture
def family():
    """A parent, one part of it, and a person of that part: none has a membership, role or participation."""
    parent = OrganisationFactory(name="European Commission")
    part = OrganisationFactory(name="DG NEAR", parent=parent)
    person = PersonFactory(name="Head of Unit", organisation=part)
    return parent, part, person


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.CIRCULATED, Meeting.Status.PUBLISHED])
def test_a_presenter_shows_their_organisation_and_its_parent(family, status, anonymous, board_member, secretariat):
    parent, part, person = family
    item = AgendaItemFactory(meeting=MeetingFactory(status=status))
    item.presenters.add(person)
    board_sees = status != Meeting.Status.DRAFT
    for user, expected in ((board_member, board_sees), (anonymous, False), (secretariat, True)):
        # Presenters are named to Board members (the agenda is theirs); the public sees no agenda.
        assert (person in seen(Person, user)) is expected, user
        assert ({part, parent} <= seen(Organisation, user)) is expected, user
        assert (parent in seen(Organisation, user)) is expected, user


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.CIRCULATED, Meeting.Status.PUBLISHED])
def test_a_chair_shows_their_organisation_and_its_parent_to_the_public(family, status, anonymous, board_member):
    parent, part, person = family
    # (A participation copies its person's organisation: the part took part, and its parent shows with it.)
    ParticipationFactory(meeting=MeetingFactory(status=status), person=person, organisation=None, role="chair")
    assert Participation.Role.CHAIR in Participation.PUBLIC_ROLES
    published = status == Meeting.Status.PUBLISHED
    assert (
        {
            person,
        }
        <= seen(Person, anonymous)
    ) is published
    assert ({part, parent} <= seen(Organisation, anonymous)) is published
    assert ({part, parent} <= seen(Organisation, board_member)) is (status != Meeting.Status.DRAFT)


def test_a_delegate_is_not_named_to_the_public_though_their_organisation_took_part(family, anonymous, board_member):
    parent, part, person = family
    ParticipationFactory(meeting=MeetingFactory(), person=person, role=Participation.Role.DELEGATE)
    assert person not in seen(Person, anonymous)
    assert person in seen(Person, board_member)
    assert {part, parent} <= seen(Organisation, anonymous)


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.PUBLISHED])
def test_a_role_made_by_a_decision_shows_its_holder_only_once_the_decision_does(family, status, anonymous):
    parent, part, person = family
    role = RoleHeldFactory(person=person, organisation=None)
    decision = DecisionFactory(meeting=MeetingFactory(status=status))
    decision.roles.add(role)
    published = status == Meeting.Status.PUBLISHED
    assert (role in seen(RoleHeld, anonymous)) is published
    assert (person in seen(Person, anonymous)) is published
    assert ({part, parent} <= seen(Organisation, anonymous)) is published


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.PUBLISHED])
def test_a_membership_made_by_a_decision_shows_the_member_and_its_parent_only_once_the_decision_does(
    family, status, anonymous
):
    parent, part, _ = family
    membership = MembershipFactory(organisation=part)
    DecisionFactory(meeting=MeetingFactory(status=status)).memberships.add(membership)
    published = status == Meeting.Status.PUBLISHED
    assert (membership in seen(Membership, anonymous)) is published
    assert ({part, parent} <= seen(Organisation, anonymous)) is published


def test_a_decision_names_an_organisation_and_shows_its_parent(family, anonymous):
    parent, part, person = family
    draft = DecisionFactory(meeting=MeetingFactory(status=Meeting.Status.DRAFT), proposed_by_person=person)
    draft.concerns_organisations.add(part)
    assert not {part, parent, person} & (seen(Organisation, anonymous) | seen(Person, anonymous))
    DecisionFactory(meeting=MeetingFactory(), proposed_by_organisation=part)
    assert {part, parent} <= seen(Organisation, anonymous)
    assert person not in seen(Person, anonymous)


def test_a_part_is_not_seen_through_its_parent(anonymous):
    parent = OrganisationFactory(name="European Commission")
    part = OrganisationFactory(name="DG NEAR", parent=parent)
    MembershipFactory(organisation=parent)
    assert parent in seen(Organisation, anonymous)
    assert part not in seen(Organisation, anonymous)
