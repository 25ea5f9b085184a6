"""
The organisations' rule compiled once per audience (core.visibility.CompiledRule) gives the rows the rule
built afresh gives (`organisations_seen`), for each audience, wherever the rule stands (the query's own
table, a subquery, a prefetch), and sees rows that changed after it was compiled.
"""

import datetime as dt
import pickle

import pytest
from django.contrib.auth.models import Group
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse

from core import visibility
from core.roles import BOARD_MEMBERS_GROUP
from meetings.models import Meeting, Participation
from members.models import Organisation, Person, organisations_seen
from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    PostFactory,
    RoleHeldFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STATES = (Meeting.Status.DRAFT, Meeting.Status.CIRCULATED, Meeting.Status.PUBLISHED)


def _org(label, **fields):
    return OrganisationFactory(name=label, acronym="", **fields)


@pytest.fixture
def dataset():
    """For each state, every way a meeting or a decision shows an organisation (or hides a membership or role)."""
    host = PostFactory(name="Host of the Support Group", holder="either")
    for status in STATES:
        meeting = MeetingFactory(status=status)
        ParticipationFactory(meeting=meeting, person=PersonFactory(organisation=_org(f"{status} delegate's")))
        ParticipationFactory(
            meeting=meeting, role=Participation.Role.CHAIR, person=PersonFactory(organisation=_org(f"{status} chair's"))
        )
        ParticipationFactory(meeting=meeting, person=None, organisation=_org(f"{status} took part"))
        item = AgendaItemFactory(meeting=meeting)
        item.presenters.add(PersonFactory(organisation=_org(f"{status} presenter's")))
        parent = _org(f"{status} parent")
        decision = DecisionFactory(meeting=meeting, proposed_by_organisation=_org(f"{status} proposer"))
        decision.concerns_organisations.add(_org(f"{status} concerned"), _org(f"{status} child", parent=parent))
        decision.concerns_people.add(PersonFactory(organisation=_org(f"{status} concerned person's")))
        decision.memberships.add(MembershipFactory(organisation=_org(f"{status} admitted")))
        decision.roles.add(
            RoleHeldFactory(post=host, person=None, organisation=_org(f"{status} host"), start=dt.date(2022, 1, 1))
        )
    MembershipFactory(organisation=_org("member"))
    RoleHeldFactory(person=PersonFactory(organisation=_org("head's")), represented=_org("represented"))
    PersonFactory(organisation=_org("nobody names it"))
    _org("alone")


def _orgs(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.fixture
def audiences(anonymous, board_member, outsider):
    other_board_member = UserFactory(username="board2")
    other_board_member.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "board_member": board_member,
        "another board member": other_board_member,
    }


def test_the_compiled_rule_gives_the_rows_of_the_rule_built_afresh(dataset, audiences):
    seen = {}
    for name, user in audiences.items():
        fresh = Organisation.objects.filter(organisations_seen(user))
        compiled = Organisation.objects.visible_to(user)
        assert _orgs(compiled) == _orgs(fresh), name
        # The same SQL, not only the same rows.
        assert str(compiled.query) == str(fresh.query), name
        seen[name] = _orgs(compiled)
    assert seen["outsider"] == seen["anonymous"]
    assert seen["another board member"] == seen["board_member"]
    # The dataset tells the audiences apart: drafts seen by none, circulated records by the Board only.
    assert "draft took part" not in seen["board_member"]
    assert "circulated took part" in seen["board_member"] - seen["anonymous"]
    assert "published took part" in seen["anonymous"]
    assert "published parent" in seen["anonymous"]
    assert "draft admitted" not in seen["board_member"]
    assert "alone" not in seen["board_member"]


def test_the_compiled_rule_stands_in_a_subquery_and_a_prefetch(dataset, audiences):
    for name, user in audiences.items():
        fresh = Organisation.objects.filter(organisations_seen(user))
        compiled = Organisation.objects.visible_to(user)
        # Inside another query on the same table: the outer row is the subquery's, never the outer query's.
        assert _orgs(Organisation.objects.filter(parent__in=compiled)) == _orgs(
            Organisation.objects.filter(parent__in=fresh)
        ), name
        assert set(Person.objects.filter(organisation__in=compiled)) == set(
            Person.objects.filter(organisation__in=fresh)
        ), name
        assert _orgs(Organisation.objects.exclude(pk__in=compiled)) == _orgs(Organisation.objects.exclude(pk__in=fresh))
        people = Person.objects.prefetch_related(Prefetch("organisation", queryset=compiled)).order_by("pk")
        fresh_people = Person.objects.prefetch_related(Prefetch("organisation", queryset=fresh)).order_by("pk")
        assert [p.organisation for p in people] == [p.organisation for p in fresh_people], name


def test_the_compiled_rule_sees_rows_changed_after_it_was_compiled(dataset, anonymous, board_member):
    assert "circulated took part" not in _orgs(Organisation.objects.visible_to(anonymous))
    assert "draft took part" not in _orgs(Organisation.objects.visible_to(board_member))
    Meeting.objects.filter(status=Meeting.Status.CIRCULATED).update(status=Meeting.Status.PUBLISHED)
    Meeting.objects.filter(status=Meeting.Status.DRAFT).update(status=Meeting.Status.CIRCULATED)
    late = _org("named later")
    ParticipationFactory(
        meeting=Meeting.objects.filter(status=Meeting.Status.PUBLISHED).first(), person=None, organisation=late
    )
    for user in (anonymous, board_member):
        assert _orgs(Organisation.objects.visible_to(user)) == _orgs(
            Organisation.objects.filter(organisations_seen(user))
        )
    assert {"circulated took part", "named later"} <= _orgs(Organisation.objects.visible_to(anonymous))
    assert "draft took part" in _orgs(Organisation.objects.visible_to(board_member))


def test_a_rule_registered_later_is_compiled_anew(dataset, monkeypatch, anonymous):
    before = _orgs(Organisation.objects.visible_to(anonymous))
    monkeypatch.setattr(visibility, "_grants", {model: list(rules) for model, rules in visibility._grants.items()})
    unnamed = Person.objects.filter(organisation__name="nobody names it")
    visibility.grant(Organisation, lambda user: [visibility.Source(unnamed, "organisation")])
    assert _orgs(Organisation.objects.visible_to(anonymous)) == before | {"nobody names it"}
    monkeypatch.undo()
    assert _orgs(Organisation.objects.visible_to(anonymous)) == before


def test_a_query_holding_the_compiled_rule_pickles(dataset, anonymous, board_member):
    for user in (anonymous, board_member):
        again = pickle.loads(pickle.dumps(Organisation.objects.visible_to(user)))
        assert _orgs(again) == _orgs(Organisation.objects.filter(organisations_seen(user)))


@pytest.mark.parametrize(
    ("persona", "parts"),
    [
        ("anonymous", ["Part published"]),
        ("board_member", ["Part circulated", "Part published"]),
        ("secretariat", ["Part circulated", "Part draft", "Part published", "Part unnamed"]),
    ],
)
def test_the_organisation_page_lists_the_parts_the_reader_may_see(client_for, persona, parts):
    # The page reads the organisation and its parts in one query under the rule (portal.views.organisation_detail).
    whole = _org("Whole")
    for status in STATES:
        part = _org(f"Part {status}", parent=whole)
        ParticipationFactory(meeting=MeetingFactory(status=status), person=None, organisation=part)
    _org("Part unnamed", parent=whole)
    _org("Elsewhere", parent=_org("Other whole"))
    page = client_for(persona).get(reverse("portal:organisation-detail", args=[whole.slug]))
    assert page.status_code == 200
    listed = [part.name for part in page.context["children"]]
    assert listed == parts
    hidden = _org("Hidden whole")
    _org("Hidden part", parent=hidden)
    expected = 200 if persona == "secretariat" else 404
    assert client_for(persona).get(reverse("portal:organisation-detail", args=[hidden.slug])).status_code == expected


@pytest.mark.parametrize(
    ("build", "message"),
    [
        # Another column of the outer row: only its key is put in at each use, so it cannot be compiled.
        (lambda: Q(parent__isnull=True), "other than its key"),
        # The table read again without an alias: its columns would be taken for the outer row's.
        (lambda: Q(pk__in=RawSQL('SELECT "id" FROM "members_organisation"', [])), "without an alias"),
    ],
)
def test_a_rule_that_cannot_be_compiled_is_refused_not_run_wrong(build, message):
    rule = visibility.CompiledRule(Organisation, ("refused", message), build)
    with pytest.raises(ValueError, match=message):
        list(Organisation.objects.filter(rule))
