"""
A written procedure carries one effect of decisions.effects, with the same fields as a meeting's
decision, stored as data and applied at the closing; a record deleted since refuses the closing.
"""

import datetime as dt

import pytest
from django.urls import reverse

from decisions import effects
from decisions.models import Decision, WrittenProcedure
from decisions.procedures import services as procedures
from members.models import RoleHeld
from tests.factories import OrganisationFactory, PersonFactory, PillarFactory, PostFactory
from tests.procedures.conftest import DEADLINE

pytestmark = pytest.mark.django_db


def launch(procedure):
    procedures.launch_procedure(procedure=procedure)
    procedure.refresh_from_db()
    return procedure


def role_fields(**values) -> dict:
    fields = {
        "role-post": "",
        "role-person": "",
        "role-represented": "",
        "role-organisation": "",
        "role-pillar": "",
        "role-kind": "appointment",
        "role-start": "",
        "role-start_precision": "day",
        "role-end": "",
        "role-end_precision": "day",
        "role-note": "",
    }
    return fields | {f"role-{name}": value for name, value in values.items()}


def post_procedure(client, **fields):
    data = {
        "reference": "WP/2026/05",
        "kind": "silence",
        "title": "Appointment of the Head of the Secretariat",
        "text": "The Board appoints the Head of the Secretariat.",
        "verb": "appointed",
        "deadline": "2026-03-10T17:00",
        "effect": "role",
        "save": "1",
        **fields,
    }
    return client.post(reverse("decisions-edit:procedure-create"), data)


def test_an_appointment_by_procedure_carries_what_one_at_a_meeting_does(client, secretariat, world, clock):
    """The drift the effects end: the organisation represented, the dates' precision and a note."""
    head, post = PersonFactory(name="Hana Head"), PostFactory()
    client.force_login(secretariat)
    response = post_procedure(
        client,
        **role_fields(
            post=post.pk,
            person=head.pk,
            represented=world.alpha.pk,
            end="2028-06-30",
            end_precision="month",
            note="For two years",
            start_on_decision="on",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure = WrittenProcedure.objects.get(reference="WP/2026/05")
    assert procedure.effect["kind"] == "role"
    assert procedure.effect["data"]["represented"] == world.alpha.pk
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "Hana Head (for Alphaland Ministry) holds the post of" in page

    launch(procedure)
    clock.set(DEADLINE)
    assert procedures.close_due_procedures() == [procedure]
    role = RoleHeld.objects.get(person=head)
    assert (role.represented, role.start, role.end, role.end_precision, role.note) == (
        world.alpha,
        dt.date(2026, 3, 10),
        dt.date(2028, 6, 30),
        "month",
        "For two years",
    )
    assert list(role.decisions.values_list("reference", flat=True)) == ["WP/2026/05"]


def test_the_effects_fields_are_checked_beside_them_and_nothing_is_lost(client, secretariat, world):
    client.force_login(secretariat)
    response = post_procedure(
        client, **role_fields(post=PostFactory().pk, person=PersonFactory().pk, organisation=world.beta.pk)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "effect" in form.errors
    assert "organisation" in form.effect_forms["role"].errors
    assert 'value="Appointment of the Head of the Secretariat"' in response.content.decode()
    # The register's rules too, when the draft is saved rather than at its closing.
    response = post_procedure(
        client, **role_fields(post=PostFactory().pk, person=PersonFactory().pk, pillar=PillarFactory().pk)
    )
    assert "not held per pillar" in " ".join(response.context["form"].effect_forms["role"].errors["pillar"])
    assert not WrittenProcedure.objects.exists()


def test_a_procedure_offers_no_effect_it_cannot_apply(client, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("decisions-edit:procedure-create"))
    choices = dict(response.context["form"].fields["effect"].choices)
    assert {"admit", "end_membership", "documents", "role"} <= set(choices)
    assert "action" not in choices
    response = post_procedure(client, effect="action")
    assert response.status_code == 200
    assert "effect" in response.context["form"].errors


def test_a_draft_shows_its_stored_effect_again(client, secretariat, draft_procedure):
    newcomer = OrganisationFactory(name="Newland")
    draft_procedure.effect = effects.to_stored(effects.AdmitMembers(organisations=(newcomer,), category="observer"))
    draft_procedure.save()
    client.force_login(secretariat)
    form = client.get(reverse("decisions-edit:procedure-edit", args=[draft_procedure.slug])).context["form"]
    assert form.initial["effect"] == "admit"
    assert list(form.effect_forms["admit"].initial["organisations"]) == [newcomer]


def test_a_record_deleted_since_refuses_the_closing_and_the_procedure_stays_open(
    client, secretariat, draft_procedure, world, clock
):
    gone = OrganisationFactory(name="Goneland")
    draft_procedure.effect = effects.to_stored(effects.AdmitMembers(organisations=(gone,), category="observer"))
    draft_procedure.save()
    launch(draft_procedure)
    gone.delete()  # nothing protects a record named in data
    clock.set(DEADLINE)
    assert procedures.close_due_procedures() == []
    draft_procedure.refresh_from_db()
    assert draft_procedure.stage == WrittenProcedure.Stage.OPEN
    assert not Decision.objects.filter(procedure=draft_procedure).exists()
    client.force_login(secretariat)
    page = client.get(draft_procedure.get_absolute_url()).content.decode()
    assert "Cannot be applied" in page
    assert "deleted since" in page
    assert "but the procedure could not close: what its decision changes cannot be applied" in page


def test_the_public_reads_the_kind_of_effect_not_the_records_it_names(client, draft_procedure, world, clock):
    head = PersonFactory(name="Hidden Holder")
    draft_procedure.effect = effects.to_stored(effects.Role(post=PostFactory(), person=head))
    draft_procedure.save()
    launch(draft_procedure)
    clock.set(DEADLINE)
    procedures.close_due_procedures()
    procedures.publish_procedure(procedure=draft_procedure)
    client.logout()
    page = client.get(draft_procedure.get_absolute_url()).content.decode()
    assert str(effects.Role.label) in page.replace("&#x27;", "'")
    assert "Hidden Holder holds the post" not in page
