"""
Two answers at the same moment, on PostgreSQL (SQLite has no row locks and one writer at a time):
one organisation's two answers never count twice, and two last answers close the procedure once.
"""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from decisions import procedures
from decisions.models import Decision, ProcedureAnswer
from tests.factories import ProcedureAnswerFactory
from tests.migration_data import restore_migration_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers: PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _groups(transactional_db):
    """A transactional test's flush removes migration data (the role groups): restore it."""
    restore_migration_data()


def run_at_once(*calls):
    """Run each call in its own thread (own connection), released together; return what each raised."""
    barrier = threading.Barrier(len(calls))
    errors = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            call()
        except Exception as error:
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_answers_for_one_organisation_at_once_make_one_row(draft_procedure, world, secretariat):
    procedures.launch_procedure(procedure=draft_procedure)
    errors = run_at_once(
        lambda: procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
        ),
        lambda: procedures.answer_procedure(
            procedure=draft_procedure,
            organisation=world.alpha,
            answer="object",
            reason="By letter.",
            user=secretariat,
            on_behalf=True,
            channel="letter",
        ),
    )
    assert errors == [None, None]
    assert ProcedureAnswer.objects.filter(procedure=draft_procedure, organisation=world.alpha).count() == 1
    # Both were taken, one after the other: the history keeps both.
    assert ProcedureAnswer.history.filter(procedure_id=draft_procedure.pk).count() == 2


def test_the_last_two_answers_at_once_close_the_procedure_once(draft_procedure, world):
    procedures.launch_procedure(procedure=draft_procedure)
    errors = run_at_once(
        lambda: procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
        ),
        lambda: procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.beta, answer="agree", user=world.beta_user
        ),
    )
    assert errors == [None, None]
    draft_procedure.refresh_from_db()
    assert draft_procedure.status == "closed"
    assert draft_procedure.tally_agree == 2
    assert Decision.objects.filter(procedure=draft_procedure).count() == 1


def test_the_database_refuses_a_second_row_for_one_organisation(draft_procedure, world):
    ProcedureAnswerFactory(procedure=draft_procedure, organisation=world.alpha)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureAnswer.objects.create(
            procedure=draft_procedure,
            organisation=world.alpha,
            answer="object",
            reason="x",
            answered_at=draft_procedure.deadline,
        )
