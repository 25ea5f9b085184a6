"""The registers' editing pages: organisations, people, pillars, memberships recorded and ended."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Membership, Organisation, Person, Pillar
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_create_an_organisation_part_of_another(secretariat_client):
    commission = OrganisationFactory(name="European Commission", acronym="EC")
    data = {"name": "DG NEAR", "acronym": "DG NEAR", "kind": "eu_institution", "country": "", "parent": commission.pk}
    response = secretariat_client.post(reverse("members-edit:organisation-create"), data)
    organisation = Organisation.objects.get(name="DG NEAR")
    assert response.url == organisation.get_absolute_url()
    assert organisation.parent == commission


def test_an_organisation_cannot_be_part_of_itself(secretariat_client):
    parent = OrganisationFactory()
    child = OrganisationFactory(parent=parent)
    data = {"name": parent.name, "acronym": parent.acronym, "kind": parent.kind, "parent": child.pk}
    response = secretariat_client.post(reverse("members-edit:organisation-edit", args=[parent.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["An organisation cannot be part of itself."]


def test_duplicate_organisation_keeps_the_input(secretariat_client):
    OrganisationFactory(name="Serbia")
    data = {"name": "Serbia", "acronym": "SRB", "kind": "wb_partner", "country": "Serbia"}
    response = secretariat_client.post(reverse("members-edit:organisation-create"), data)
    assert "name" in response.context["form"].errors
    assert 'value="SRB"' in response.content.decode()


def test_create_a_person_and_a_pillar(secretariat_client):
    organisation = OrganisationFactory()
    data = {"honorific": "Mr", "name": "Agron Sojati", "position_title": "Head", "organisation": organisation.pk}
    assert secretariat_client.post(reverse("members-edit:person-create"), data).status_code == 302
    assert Person.objects.get().organisation == organisation
    data = {"code": "WBCTi", "name": "Western Balkans Counter-Terrorism initiative"}
    assert secretariat_client.post(reverse("members-edit:pillar-create"), data).status_code == 302
    assert Pillar.objects.get().code == "WBCTi"
    response = secretariat_client.post(reverse("members-edit:pillar-create"), data)
    assert "code" in response.context["form"].errors


def test_record_a_membership_and_refuse_an_overlap(secretariat_client):
    organisation = OrganisationFactory()
    url = reverse("members-edit:membership-create", args=[organisation.slug])
    data = {"category": "board", "since": "2019-01-01", "until": "", "note": ""}
    assert secretariat_client.post(url, data).status_code == 302
    response = secretariat_client.post(url, data | {"since": "2020-01-01"})
    assert response.status_code == 200
    assert "is already a Board member over these dates" in str(response.context["form"].errors)
    assert Membership.objects.count() == 1


def test_end_a_membership_keeps_it_on_record(secretariat_client):
    membership = MembershipFactory(since=dt.date(2020, 1, 1))
    url = reverse("members-edit:membership-end", args=[membership.pk])
    response = secretariat_client.post(url, {"until": "2019-12-31", "note": ""})
    assert response.context["form"].errors["until"]
    data = {"until": "2023-06-30", "note": "Left", "version": membership.version}
    assert secretariat_client.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert (membership.until, membership.note) == (dt.date(2023, 6, 30), "Left")
    assert not membership.is_current


@pytest.mark.parametrize(
    ("template", "name"),
    [
        ("members/_organisation_edit_controls.html", "organisation"),
        ("meetings/_meeting_edit_controls.html", "meeting"),
        ("decisions/_decision_edit_controls.html", "decision"),
        ("decisions/_document_edit_controls.html", "document"),
        ("decisions/_action_edit_controls.html", "action"),
    ],
)
def test_edit_controls_render_for_the_secretariat_only(rf, secretariat, board_member, template, name):
    from django.template.loader import render_to_string

    from tests.factories import ActionItemFactory, DecisionFactory, DocumentFactory, MeetingFactory

    objects = {
        "organisation": lambda: MembershipFactory().organisation,
        "meeting": MeetingFactory,
        "decision": DecisionFactory,
        "document": DocumentFactory,
        "action": ActionItemFactory,
    }
    obj = objects[name]()
    for user, expected in ((secretariat, True), (board_member, False)):
        request = rf.get("/")
        request.user = user
        html = render_to_string(template, {name: obj}, request=request)
        assert ('href="/edit/' in html) is expected


def test_an_acronym_another_organisation_goes_by_is_an_error_not_a_500(secretariat_client):
    OrganisationFactory(name="Regional Anti-Corruption Initiative", acronym="RAI")
    data = {"name": "Regional Agency for Information", "acronym": "RAI", "kind": "regional"}
    response = secretariat_client.post(reverse("members-edit:organisation-create"), data)
    assert response.status_code == 200
    assert "Give a distinct acronym" in response.context["form"].errors["acronym"][0]
