"""core.visibility: the apps above register rules on the models below, by model class."""

import pytest

from core import visibility
from members.models import Membership, Organisation, Person, RoleHeld
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_apps_above_registered_their_rules(anonymous, board_member, secretariat):
    # meetings grants organisations and people who took part; decisions hides what unreleased decisions made.
    for model in (Organisation, Person):
        assert visibility.granted(model, anonymous) is not None
        assert visibility.granted(model, board_member) is not None
    for model in (Membership, RoleHeld):
        assert len(visibility.hidden(model, anonymous)) == 1
        assert len(visibility.hidden(model, board_member)) == 1


@pytest.mark.parametrize("model", [Organisation, Person, Membership, RoleHeld])
def test_the_secretariat_builds_no_subquery(secretariat, model):
    assert visibility.granted(model, secretariat) is None
    assert visibility.hidden(model, secretariat) == []
    assert str(model.objects.visible_to(secretariat).query).count("SELECT") == 1


def test_a_rule_applies_only_where_it_returns_a_condition(monkeypatch, anonymous, secretariat):
    monkeypatch.setattr(visibility, "_grants", {})
    named = OrganisationFactory(name="Granted by a rule")
    PersonFactory(organisation=named)
    OrganisationFactory(name="Seen by nobody")
    # A source: rows of another model pointing at the organisation (here a person of it).
    only_named = visibility.Source(Person.objects.filter(organisation=named), "organisation")
    visibility.grant(Organisation, lambda user: None if user.is_authenticated else [only_named])
    visibility.grant(Organisation, lambda user: None)
    assert list(Organisation.objects.visible_to(anonymous)) == [named]
    assert Organisation.objects.visible_to(secretariat).count() == 2
