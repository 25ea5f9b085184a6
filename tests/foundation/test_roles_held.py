"""Roles held over time by people and organisations: the rules of posts and terms, in the model and the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from decisions.models import Decision
from members.models import Post, RoleHeld
from tests.factories import DecisionFactory, OrganisationFactory, PersonFactory, PillarFactory, RoleHeldFactory

pytestmark = pytest.mark.django_db


def post(name: str) -> Post:
    return Post.objects.get(name=name)


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def errors(role: RoleHeld) -> dict:
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    return error.value.message_dict


def test_the_posts_are_seeded_with_who_may_hold_them():
    seeded = {p.name: (p.holder, p.per_pillar) for p in Post.objects.all()}
    assert seeded == {
        "Head of the IISG Secretariat": ("person", False),
        "Chair of the Support Group": ("either", False),
        "Host of the IISG Secretariat": ("organisation", False),
        "Host of the Support Group": ("organisation", False),
        "Lead partner of a pillar": ("organisation", True),
        "Co-lead partner of a pillar": ("organisation", True),
    }
    assert [p.name for p in Post.objects.all()][:2] == ["Head of the IISG Secretariat", "Chair of the Support Group"]


def test_a_post_is_found_however_its_name_is_written():
    assert Post.matching("Head of IISG Secretariat") == post("Head of the IISG Secretariat")
    assert Post.matching("  host of the support   group ") == post("Host of the Support Group")
    assert Post.matching("Head of Unit") is None


def test_a_role_is_held_by_exactly_one_person_or_organisation():
    head = post("Chair of the Support Group")
    nobody = RoleHeld(post=head)
    assert errors(nobody)["person"] == ["A role is held by a person or by an organisation: name exactly one."]
    both = RoleHeld(post=head, person=PersonFactory(), organisation=OrganisationFactory())
    assert "organisation" in errors(both)
    refused_by_database(lambda: RoleHeld.objects.create(post=head))
    refused_by_database(
        lambda: RoleHeld.objects.create(post=head, person=PersonFactory(), organisation=OrganisationFactory())
    )


def test_the_post_says_who_may_hold_it():
    host = RoleHeld(post=post("Host of the IISG Secretariat"), person=PersonFactory())
    assert errors(host)["person"] == ["Host of the IISG Secretariat is held by an organisation, not a person."]
    head = RoleHeld(post=post("Head of the IISG Secretariat"), organisation=OrganisationFactory())
    assert errors(head)["organisation"] == ["Head of the IISG Secretariat is held by a person, not an organisation."]
    # Either: both are fine.
    RoleHeld(post=post("Chair of the Support Group"), organisation=OrganisationFactory()).full_clean()
    RoleHeld(post=post("Chair of the Support Group"), person=PersonFactory()).full_clean()


def test_a_post_held_per_pillar_needs_the_pillar_and_no_other_post_takes_one():
    lead = RoleHeld(post=post("Lead partner of a pillar"), organisation=OrganisationFactory())
    assert errors(lead)["pillar"] == ["Lead partner of a pillar is held per pillar: choose the pillar."]
    lead.pillar = PillarFactory(code="WBCTi")
    lead.full_clean()
    host = RoleHeld(post=post("Host of the Support Group"), organisation=OrganisationFactory(), pillar=lead.pillar)
    assert errors(host)["pillar"] == ["Host of the Support Group is not held per pillar: leave the pillar empty."]


def test_only_a_person_represents_an_organisation():
    role = RoleHeld(
        post=post("Host of the Support Group"), organisation=OrganisationFactory(), represented=OrganisationFactory()
    )
    assert errors(role)["represented"] == ["Only a person holds a post for an organisation; leave this empty."]


def test_one_proposer_at_most():
    role = RoleHeld(
        post=post("Chair of the Support Group"),
        person=PersonFactory(),
        proposed_by_organisation=OrganisationFactory(),
        proposed_by_person=PersonFactory(),
    )
    assert "proposed_by_person" in errors(role)
    refused_by_database(
        lambda: RoleHeldFactory(proposed_by_organisation=OrganisationFactory(), proposed_by_person=PersonFactory())
    )


def test_overlapping_terms_of_the_same_post_by_the_same_holder_are_refused():
    person = PersonFactory(honorific="Ms", name="Ana Example")
    RoleHeldFactory(person=person, start=dt.date(2020, 1, 1), end=None)
    overlapping = RoleHeld(post=post("Head of the IISG Secretariat"), person=person, start=dt.date(2022, 6, 20))
    message = errors(overlapping)["__all__"][0]
    assert message == (
        "Ms Ana Example already holds the post Head of the IISG Secretariat over these dates (from 1 January 2020). "
        "End that term first or change the dates."
    )


def test_terms_that_do_not_overlap_or_another_pillar_or_holder_are_accepted():
    person = PersonFactory()
    RoleHeldFactory(person=person, start=dt.date(2018, 1, 1), end=dt.date(2020, 12, 31))
    RoleHeld(post=post("Head of the IISG Secretariat"), person=person, start=dt.date(2021, 1, 1)).full_clean()
    RoleHeld(post=post("Head of the IISG Secretariat"), person=PersonFactory(), start=dt.date(2019, 1, 1)).full_clean()
    austria = OrganisationFactory(name="Austria")
    lead = post("Lead partner of a pillar")
    RoleHeld.objects.create(post=lead, organisation=austria, pillar=PillarFactory(code="WBCTi"))
    RoleHeld(post=lead, organisation=austria, pillar=PillarFactory(code="WBBSi")).full_clean()
    assert "__all__" in errors(RoleHeld(post=lead, organisation=austria, pillar=PillarFactory(code="WBCTi")))


def test_a_month_or_a_year_is_stored_as_the_whole_of_it_and_printed_as_said():
    role = RoleHeld(
        post=post("Host of the IISG Secretariat"),
        organisation=OrganisationFactory(name="Example Ministry"),
        start=dt.date(2024, 6, 17),
        start_precision="month",
        end=dt.date(2026, 3, 3),
        end_precision="year",
    )
    role.full_clean()
    role.save()
    role.refresh_from_db()
    assert (role.start, role.end) == (dt.date(2024, 6, 1), dt.date(2026, 12, 31))
    assert role.term == "June 2024 – 2026"
    assert str(role) == "Example Ministry — Host of the IISG Secretariat, June 2024 – 2026"
    # "Until June 2025" lasts to the end of June: a term from July does not overlap it.
    ended = RoleHeld.objects.create(
        post=post("Host of the Support Group"),
        organisation=role.organisation,
        end=dt.date(2025, 6, 1),
        end_precision="month",
    )
    assert ended.end == dt.date(2025, 6, 30)
    RoleHeld(
        post=ended.post, organisation=role.organisation, start=dt.date(2025, 7, 1), start_precision="month"
    ).full_clean()
    assert "__all__" in errors(
        RoleHeld(post=ended.post, organisation=role.organisation, start=dt.date(2025, 6, 1), start_precision="month")
    )


def test_terms_as_said():
    head = post("Head of the IISG Secretariat")
    assert RoleHeld(post=head, start=dt.date(2022, 6, 20)).term == "from 20 June 2022"
    assert RoleHeld(post=head, end=dt.date(2024, 1, 1), end_precision="year").term == "until 2024"
    assert RoleHeld(post=head).term == "term not on record"


def test_current_and_former_roles():
    current = RoleHeldFactory(start=dt.date(2020, 1, 1), end=None)
    former = RoleHeldFactory(start=dt.date(2015, 1, 1), end=dt.date(2019, 12, 31))
    assert list(RoleHeld.objects.current()) == [current]
    assert list(RoleHeld.objects.former()) == [former]
    assert current.is_current
    assert not former.is_current


def test_the_decision_that_made_a_role_points_at_it():
    role = RoleHeldFactory()
    decision = DecisionFactory()
    decision.roles.add(role)
    assert list(Decision.objects.filter(roles=role)) == [decision]
