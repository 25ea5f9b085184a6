"""
What an attacker's review of the written procedures found, kept fixed: e-mails only to readers of
the circulated record, an answer kept when the early closing is refused, references that clash with
another procedure's web address or a decision's reference refused beside the field, a deadline out
of range refused instead of a 500, and a clear word for an answer to a procedure not yet launched.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions.models import ProcedureAnswer, WrittenProcedure
from decisions.procedures import services as procedures
from tests.factories import DecisionFactory, PersonFactory, UserFactory, WrittenProcedureFactory
from tests.procedures.conftest import DEADLINE
from tests.procedures.test_pages import answer

pytestmark = pytest.mark.django_db


def test_only_board_members_of_a_consulted_organisation_are_emailed(
    draft_procedure, world, mailoutbox, django_capture_on_commit_callbacks
):
    # Once a Board member, now without the group: still linked to a consulted organisation.
    former = UserFactory(username="former", email="former@example.org")
    PersonFactory(organisation=world.alpha, user=former, name="Former Member")
    with django_capture_on_commit_callbacks(execute=True):
        sent = procedures.launch_procedure(procedure=draft_procedure).emailed
    addresses = sorted(message.to[0] for message in mailoutbox)
    assert addresses == sorted([world.alpha_user.email, world.beta_user.email])
    assert sent == 2


def test_the_last_answer_is_kept_when_the_early_closing_is_refused(draft_procedure, world, clock):
    procedures.launch_procedure(procedure=draft_procedure)
    procedures.answer_procedure(
        procedure=draft_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
    )
    # A decision took the procedure's reference after it was launched: recording the outcome is refused.
    DecisionFactory(reference=draft_procedure.reference)
    procedures.answer_procedure(
        procedure=draft_procedure, organisation=world.beta, answer="agree", user=world.beta_user
    )
    draft_procedure.refresh_from_db()
    assert ProcedureAnswer.objects.filter(procedure=draft_procedure).count() == 2
    assert draft_procedure.stage == WrittenProcedure.Stage.OPEN


def test_a_reference_that_a_decision_carries_is_refused_beside_the_field(client, world, secretariat, clock):
    DecisionFactory(reference="WP/2026/01")
    client.force_login(secretariat)
    response = create_refused(client)
    assert "A decision already has this reference" in " ".join(response.context["form"].errors["reference"])
    assert not WrittenProcedure.objects.exists()


@pytest.mark.parametrize("reference", ["wp/2026/01", "WP-2026-01"])
def test_a_reference_with_the_same_web_address_is_refused_beside_the_field(
    client, world, secretariat, clock, reference
):
    WrittenProcedureFactory(reference="WP/2026/01", deadline=DEADLINE)
    client.force_login(secretariat)
    response = create_refused(client, reference=reference)
    assert "reads the same in its web address" in " ".join(response.context["form"].errors["reference"])
    # What was typed is still in the form.
    assert response.context["form"]["title"].value() == "Adoption of the Work Plan 2026"
    assert WrittenProcedure.objects.count() == 1


def test_a_deadline_out_of_range_is_refused_beside_the_field(client, world, secretariat, clock):
    client.force_login(secretariat)
    response = create_refused(client, deadline="0001-01-01T00:00")
    assert "between the years 2000 and 2999" in " ".join(response.context["form"].errors["deadline"])


def test_an_answer_to_a_procedure_not_yet_launched_says_so(draft_procedure, world):
    with pytest.raises(ValidationError, match="not been launched yet"):
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
        )


def test_a_refused_answer_page_post_stores_nothing(client, draft_procedure, world, clock):
    procedures.launch_procedure(procedure=draft_procedure)
    client.force_login(world.alpha_user)
    response = answer(client, draft_procedure, world.beta, "agree")
    assert response.status_code == 200
    assert not ProcedureAnswer.objects.exists()


def create_refused(client, **fields):
    """The new-procedure form posted with `fields`: refused, re-rendered with the errors."""
    data = {
        "reference": "WP/2026/01",
        "kind": "silence",
        "title": "Adoption of the Work Plan 2026",
        "text": "The Board adopts the *Work Plan 2026*.",
        "verb": "adopted",
        "deadline": "2026-03-10T17:00",
        "effect": "",
        "save": "1",
        **fields,
    }
    response = client.post(reverse("decisions-edit:procedure-create"), data)
    assert response.status_code == 200
    return response
