"""The procedure pages' query budgets: the same with one procedure as with fifty."""

import pytest
from django.urls import reverse

from decisions import procedures
from tests.factories import ProcedureAnswerFactory, WrittenProcedureFactory

pytestmark = pytest.mark.django_db

# Anonymous: due procedures (lazy closing), the list. A member adds the session, user, two-factor
# devices and groups, and the session saved.
LIST_QUERIES = {"anonymous": 2, "board_member": 10}


def _procedures(count, world):
    made = [WrittenProcedureFactory() for _ in range(count)]
    for procedure in made:
        procedures.launch_procedure(procedure=procedure)
        ProcedureAnswerFactory(procedure=procedure, organisation=world.alpha)
    return made


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("persona", sorted(LIST_QUERIES))
def test_the_list_costs_the_same_with_one_or_fifty(client_for, world, clock, django_assert_num_queries, count, persona):
    _procedures(count, world)
    client = client_for(persona)
    with django_assert_num_queries(LIST_QUERIES[persona]):
        response = client.get(reverse("decisions:procedure-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_the_deadlines_calendar_costs_the_same_with_one_or_fifty(
    client_for, world, clock, django_assert_num_queries, count
):
    _procedures(count, world)
    client = client_for("board_member")
    with django_assert_num_queries(10):
        response = client.get(reverse("decisions:procedures-ics"))
    assert response.content.count(b"BEGIN:VEVENT") == count
