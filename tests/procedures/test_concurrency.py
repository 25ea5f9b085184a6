"""
Answers at the same moment, on PostgreSQL and on SQLite alike (threads, each with its own connection):
two answers for one organisation sent from forms that saw the same state record one, and the other
sender is told which answer was recorded meanwhile, never a 500 ("database is locked") nor a silent
overwrite; two last answers close the procedure once; an answer on its way while the procedure closes
early is told so.

SQLite's test database is in memory, which another connection reaches only through a shared cache
that locks by table and never waits: unlike the portal's SQLite, a file. These tests run on a file
copy of it (sqlite_file_database), with the settings' connection options (the busy timeout, and
write transactions that take the lock when they begin).
"""

import html
import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from decisions.models import Decision, ProcedureAnswer
from decisions.procedures import services as procedures
from tests.factories import ProcedureAnswerFactory
from tests.migration_data import restore_migration_data

pytestmark = pytest.mark.django_db(transaction=True)

MEANWHILE = "Another answer for Alphaland Ministry was recorded meanwhile"


@contextmanager
def sqlite_file_database(path):
    """
    Point every connection (of every thread) at a file copy of SQLite's in-memory test database,
    schema and rows; back to the in-memory one after.
    """
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    # An in-memory database lives as long as a connection to it: this one, while the file is used.
    keeper = sqlite3.connect(memory_name, uri=True)
    try:
        with sqlite3.connect(path) as copy:
            keeper.backup(copy)
        copy.close()
        # Every thread's connection reads this dictionary (settings.DATABASES["default"]).
        settings_dict["NAME"] = str(path)
        connection.close()
        yield
    finally:
        connections.close_all()
        settings_dict["NAME"] = memory_name
        # Connected again before the keeper lets go, or the in-memory database would be gone.
        connection.ensure_connection()
        keeper.close()


@pytest.fixture(autouse=True)
def _shared_database(transactional_db, tmp_path):
    """One database that every thread reaches; with the migration data a transactional test's flush removes."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with sqlite_file_database(tmp_path / "concurrency.sqlite3"):
            assert not connection.is_in_memory_db()
            restore_migration_data()
            yield
    else:
        restore_migration_data()
        yield


def run_at_once(*calls):
    """Run each call in its own thread (own connection), released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def signed_in(user) -> Client:
    """A browser session of its own; a 500 is returned as the page, not raised."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def as_opened(response, name: str = "form") -> dict[str, str]:
    form = response.context[name]
    return {field: "" if form[field].value() is None else str(form[field].value()) for field in form.fields}


def text_of(response) -> str:
    said = " ".join(str(message) for message in get_messages(response.wsgi_request))
    return f"{said} " + " ".join(html.unescape(strip_tags(response.content.decode())).split())


@pytest.fixture
def two_senders(draft_procedure, world, secretariat):
    """Alphaland's delegate on the answer page and the Secretariat on its page for a letter, both opened."""
    procedures.launch_procedure(procedure=draft_procedure)
    member, desk = signed_in(world.alpha_user), signed_in(secretariat)
    member_url = reverse("decisions:procedure-answer", args=[draft_procedure.slug])
    desk_url = reverse("decisions-edit:procedure-record-answer", args=[draft_procedure.slug])

    def open_forms():
        member_data = as_opened(member.get(member_url)) | {"organisation": world.alpha.pk, "answer": "agree"}
        desk_data = as_opened(desk.get(desk_url)) | {
            "organisation": world.alpha.pk,
            "answer": "object",
            "reason": "By letter.",
            "channel": "letter",
        }
        return (
            lambda: member.post(member_url, member_data | {"save": "1"}),
            lambda: desk.post(desk_url, desk_data | {"save": "1"}),
        )

    return open_forms


@pytest.mark.parametrize("answered_before", [False, True], ids=["first-answer", "changed-answer"])
def test_two_answers_for_one_organisation_at_once_record_one_and_tell_the_other(
    two_senders, draft_procedure, world, answered_before
):
    if answered_before:
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="abstain", user=world.alpha_user
        )
    sends = two_senders()
    responses = run_at_once(*sends)

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    recorded = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert (len(recorded), len(refused)) == (1, 1), [text_of(r)[:300] for r in responses]
    row = ProcedureAnswer.objects.get(procedure=draft_procedure, organisation=world.alpha)
    # The one recorded is the one stored; the other sender is shown it.
    text = text_of(refused[0])
    assert MEANWHILE in text
    assert f"“{row.get_answer_display()}”" in text
    assert "is recorded" not in text
    assert "recorded on its behalf:" not in text
    assert ProcedureAnswer.history.filter(procedure_id=draft_procedure.pk).count() == 1 + answered_before

    # The refused sender sends the form again, as it came back: it replaces the other; the history keeps both.
    again = refused[0].client.post(refused[0].request["PATH_INFO"], as_opened(refused[0]) | {"save": "1"})
    assert again.status_code == 302
    assert ProcedureAnswer.history.filter(procedure_id=draft_procedure.pk).count() == 2 + answered_before


def test_an_answer_on_its_way_while_the_first_closes_the_procedure_early_is_told_so(
    two_senders, draft_procedure, world
):
    """Beta answered; Alphaland's two answers at once: the first closes the procedure, the other is refused."""
    procedures.answer_procedure(
        procedure=draft_procedure, organisation=world.beta, answer="agree", user=world.beta_user
    )
    responses = run_at_once(*two_senders())

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    draft_procedure.refresh_from_db()
    assert draft_procedure.stage == "closed"
    assert ProcedureAnswer.history.filter(procedure_id=draft_procedure.pk, organisation_id=world.alpha.pk).count() == 1
    texts = [text_of(r) for r in responses]
    told_recorded = [t for t in texts if "is recorded:" in t or "recorded on its behalf:" in t]
    told_closed = [t for t in texts if "closed on" in t and "not recorded" in t]
    assert (len(told_recorded), len(told_closed)) == (1, 1), texts
    assert "has passed" not in told_closed[0]
    # Closed once, by whichever answer came first (an objection blocks the silence procedure).
    assert Decision.objects.filter(procedure=draft_procedure).count() == (draft_procedure.outcome == "adopted")


def test_two_answers_for_one_organisation_at_once_by_a_workflow_step_both_count_in_turn(
    draft_procedure, world, secretariat
):
    """Without a form's version (a step of the portal itself), both are taken one after the other."""
    procedures.launch_procedure(procedure=draft_procedure)
    results = run_at_once(
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
    assert not [r for r in results if isinstance(r, Exception)], results
    assert ProcedureAnswer.objects.filter(procedure=draft_procedure, organisation=world.alpha).count() == 1
    assert ProcedureAnswer.history.filter(procedure_id=draft_procedure.pk).count() == 2


def test_the_last_two_answers_at_once_close_the_procedure_once(draft_procedure, world):
    procedures.launch_procedure(procedure=draft_procedure)
    results = run_at_once(
        lambda: procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
        ),
        lambda: procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.beta, answer="agree", user=world.beta_user
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    draft_procedure.refresh_from_db()
    assert draft_procedure.stage == "closed"
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
