"""
The Secretariat records roles held: through a meeting's outcome (with the decision that made it) or
on their own; corrects them (optimistic locking), ends them; the admin manages posts and roles.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import Decision
from members.models import Post, RoleHeld
from tests.editing.conftest import errors_of
from tests.factories import MeetingFactory, OrganisationFactory, PersonFactory, PillarFactory, RoleHeldFactory

pytestmark = pytest.mark.django_db


def post(name: str) -> Post:
    return Post.objects.get(name=name)


@pytest.fixture
def support_group_meeting(db):
    start = dt.datetime(2024, 5, 14, 8, 0, tzinfo=dt.UTC)
    return MeetingFactory(
        kind="support_group",
        ordinal=3,
        title="3rd IISG Support Group Meeting",
        status="draft",
        published_at=None,
        start=start,
        end=start + dt.timedelta(hours=6),
    )


def outcome_data(client, url, **values):
    reference = client.get(url).context["form"].initial["reference"]
    data = {"existing_decision": "", "agenda_item": "", "reference": reference, "verb": "approved"}
    data |= {"subject": "Host of the Secretariat", "wording": "", "kind": "appointment"}
    data |= {"start_precision": "day", "end_precision": "day", "start": "", "end": "", "note": ""}
    return data | values


def test_naming_an_organisation_host_from_a_month_is_one_step(secretariat_client, support_group_meeting):
    ministry = OrganisationFactory(name="Ministry of Example Affairs", acronym="MEA")
    proposer = OrganisationFactory(name="Proposing Partner", acronym="PP")
    url = reverse("decisions-edit:appoint", args=[support_group_meeting.slug])
    data = outcome_data(
        secretariat_client,
        url,
        post=post("Host of the IISG Secretariat").pk,
        organisation=ministry.pk,
        start="2024-09-01",
        start_precision="month",
        proposed_by_organisation=proposer.pk,
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    role = RoleHeld.objects.get()
    assert (role.post.name, role.organisation, role.person, role.start, role.start_precision, role.end) == (
        "Host of the IISG Secretariat",
        ministry,
        None,
        dt.date(2024, 9, 1),
        "month",
        None,
    )
    assert role.term == "from September 2024"
    # The decision that made it, proposed by the same organisation as the role.
    decision = Decision.objects.get()
    assert list(decision.roles.all()) == [role]
    assert decision.reference == "SG3/2024/01"
    assert (decision.proposed_by_organisation, role.proposed_by_organisation) == (proposer, proposer)


def test_a_lead_partner_of_a_pillar(secretariat_client, support_group_meeting):
    pillar = PillarFactory(code="WBCTi")
    austria = OrganisationFactory(name="Austria")
    url = reverse("decisions-edit:appoint", args=[support_group_meeting.slug])
    data = outcome_data(
        secretariat_client, url, post=post("Lead partner of a pillar").pk, organisation=austria.pk, pillar=pillar.pk
    )
    assert secretariat_client.post(url, data).status_code == 302
    assert RoleHeld.objects.get().pillar == pillar


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"organisation": ""}, "person", "Name who holds the role: a person or an organisation."),
        ({"pillar": ""}, "pillar", "Lead partner of a pillar is held per pillar: choose the pillar."),
        ({"person": "PERSON"}, "organisation", "A role is held by a person or by an organisation: name only one."),
        ({"start": "2025-01-01", "end": "2024-01-01"}, "end", "A role cannot end before it starts."),
        ({"start": "January"}, "start", "Enter a valid date."),
    ],
)
def test_a_role_refused_keeps_the_input_and_says_why_beside_the_field(
    secretariat_client, support_group_meeting, values, field, message
):
    pillar = PillarFactory(code="WBCTi")
    austria = OrganisationFactory(name="Austria")
    url = reverse("decisions-edit:appoint", args=[support_group_meeting.slug])
    if values.get("person") == "PERSON":
        values["person"] = PersonFactory().pk
    data = outcome_data(
        secretariat_client,
        url,
        subject="Kept subject",
        post=post("Lead partner of a pillar").pk,
        organisation=austria.pk,
        pillar=pillar.pk,
    )
    response = secretariat_client.post(url, data | values)
    assert response.status_code == 200
    assert message in errors_of(response)[field]
    assert 'value="Kept subject"' in response.content.decode()
    assert not RoleHeld.objects.exists()
    assert not Decision.objects.exists()


def test_an_overlapping_term_is_refused_with_the_existing_one(secretariat_client, support_group_meeting):
    austria = OrganisationFactory(name="Austria")
    RoleHeld.objects.create(post=post("Host of the Support Group"), organisation=austria, start=dt.date(2023, 1, 1))
    url = reverse("decisions-edit:appoint", args=[support_group_meeting.slug])
    data = outcome_data(
        secretariat_client,
        url,
        post=post("Host of the Support Group").pk,
        organisation=austria.pk,
        start="2024-06-01",
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "Austria already holds the post Host of the Support Group over these dates (from 1 January 2023)" in (
        " ".join(errors_of(response)["__all__"])
    )
    assert not Decision.objects.exists()


def test_record_a_role_outside_a_decision_then_end_it(secretariat_client):
    person = PersonFactory(honorific="Ms", name="Ana Example")
    url = reverse("members-edit:role-create") + f"?person={person.pk}"
    form = secretariat_client.get(url).context["form"]
    assert form["person"].value() == str(person.pk)
    data = {
        "post": post("Chair of the Support Group").pk,
        "person": person.pk,
        "kind": "appointment",
        "start": "2021-03-15",
        "start_precision": "year",
        "end_precision": "day",
    }
    response = secretariat_client.post(reverse("members-edit:role-create"), data)
    role = RoleHeld.objects.get()
    assert response.url == person.get_absolute_url() == f"/people/{person.slug}/"
    assert (role.start, role.term) == (dt.date(2021, 1, 1), "from 2021")
    end_url = reverse("members-edit:role-end", args=[role.pk])
    refused = secretariat_client.post(end_url, {"end": "2020-05-01", "end_precision": "day"})
    assert "The term started in 2021; it cannot end before that." in errors_of(refused)["end"]
    ended = secretariat_client.post(end_url, {"end": "2023-05-10", "end_precision": "month", "note": "Stepped down."})
    assert ended.status_code == 302
    role.refresh_from_db()
    assert (role.end, role.end_precision, role.note, role.term) == (
        dt.date(2023, 5, 31),
        "month",
        "Stepped down.",
        "2021 – May 2023",
    )
    # Nothing is deleted; the history says who ended it.
    assert role.history.count() == 2


def test_two_editors_of_a_role_the_second_is_told(secretariat, secretariat_client):
    role = RoleHeldFactory(note="First note")
    url = reverse("members-edit:role-edit", args=[role.pk])
    form = secretariat_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    other = Client()
    other.force_login(secretariat)
    assert other.post(url, data | {"note": "By the other editor"}).status_code == 302
    response = secretariat_client.post(url, data | {"kind": "extension"})
    assert response.status_code == 200
    assert response.context["form"].conflict.changes[0].after == "By the other editor"
    role.refresh_from_db()
    assert (role.note, role.kind, role.version) == ("By the other editor", "appointment", 2)


@pytest.mark.parametrize(("persona", "status"), [("board_member", 403), ("secretariat", 200)])
def test_who_may_record_a_role(make_client, persona, status):
    role = RoleHeldFactory()
    client = make_client(persona)
    for url in [
        reverse("members-edit:role-create"),
        reverse("members-edit:role-edit", args=[role.pk]),
        reverse("members-edit:role-end", args=[role.pk]),
    ]:
        assert client.get(url).status_code == status, url


def test_a_role_made_by_a_draft_decision_is_a_404_to_edit_for_no_one_who_may_not_see_it(make_client):
    role = RoleHeldFactory()
    decision = Decision.objects.create(
        meeting=MeetingFactory(status="draft", published_at=None), reference="X/1", verb="approved", subject="S"
    )
    decision.roles.add(role)
    assert make_client("board_member").get(reverse("members-edit:role-edit", args=[role.pk])).status_code == 404
    assert make_client("secretariat").get(reverse("members-edit:role-edit", args=[role.pk])).status_code == 200


def test_the_admin_manages_posts_and_roles(admin_client):
    response = admin_client.post(
        reverse("admin:members_post_add"),
        {"name": "Rapporteur of the Board", "holder": "person", "order": "70"},
    )
    assert response.status_code == 302
    rapporteur = Post.objects.get(name="Rapporteur of the Board")
    person = PersonFactory()
    role_data = {
        "post": rapporteur.pk,
        "person": person.pk,
        "kind": "appointment",
        "start": "2024-02-01",
        "start_precision": "month",
        "end_precision": "day",
        "version": "",
        "lock_snapshot": "",
    }
    response = admin_client.post(reverse("admin:members_roleheld_add"), role_data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    role = RoleHeld.objects.get()
    assert (role.post, role.person, role.term) == (rapporteur, person, "from February 2024")
    # The admin refuses what the model refuses, with the model's message.
    response = admin_client.post(
        reverse("admin:members_roleheld_add"), role_data | {"organisation": OrganisationFactory().pk}
    )
    assert response.status_code == 200
    assert "A role is held by a person or by an organisation" in response.content.decode()
    changelist = admin_client.get(reverse("admin:members_roleheld_changelist"), {"q": person.name.split()[0]})
    assert str(rapporteur) in changelist.content.decode()
    assert admin_client.get(reverse("admin:members_roleheld_history", args=[role.pk])).status_code == 200
