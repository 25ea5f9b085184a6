"""The procedure pages' query budgets: the same with one procedure as with fifty."""

import pytest
from django.urls import reverse

from decisions.procedures import services as procedures
from tests.factories import ProcedureAnswerFactory, WrittenProcedureFactory
from tests.procedures.conftest import DEADLINE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    # Exact counts: with REDIS_URL the sessions are read from the cache (cached_db), one query fewer.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


# Anonymous: due procedures (lazy closing), the open ones, the count of the closed ones (and their page
# when there is one). A member adds the session, user, two-factor
# devices and groups (the session is not saved: signing in stamped its renewal, core/sessions.py).
LIST_QUERIES = {"anonymous": 3, "board_member": 8}


def _procedures(count, world, clock=None, *, closed=False):
    made = [WrittenProcedureFactory(deadline=DEADLINE) for _ in range(count)]
    for procedure in made:
        procedures.launch_procedure(procedure=procedure)
        ProcedureAnswerFactory(procedure=procedure, organisation=world.alpha)
    if closed:
        clock.set(DEADLINE)
        procedures.close_due_procedures()
        for procedure in made:
            procedures.publish_procedure(procedure=procedure)
    return made


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("persona", sorted(LIST_QUERIES))
def test_the_list_costs_the_same_with_one_or_fifty(
    client_for, world, clock, django_assert_num_queries, count, persona, closed
):
    _procedures(count, world, clock, closed=closed)
    client = client_for(persona)
    with django_assert_num_queries(LIST_QUERIES[persona] + (1 if closed else 0)):
        response = client.get(reverse("decisions:procedure-list"))
    assert response.status_code == 200
    # The closed ones come by pages of 25.
    assert len(response.context["page_obj"]) == (min(count, 25) if closed else 0)


@pytest.mark.parametrize("count", [1, 50])
def test_the_deadlines_calendar_costs_the_same_with_one_or_fifty(
    client_for, world, clock, django_assert_num_queries, count
):
    _procedures(count, world)
    client = client_for("board_member")
    with django_assert_num_queries(7):
        response = client.get(reverse("decisions:procedures-ics"))
    assert response.content.count(b"BEGIN:VEVENT") == count
