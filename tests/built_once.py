"""
Rows built once for a module of tests that only read them (Django's setUpTestData, for pytest).

    @pytest.fixture(scope="module")
    def _records_of_the_module(django_db_setup, django_db_blocker, tmp_path_factory):
        with rows_for_the_module(django_db_blocker, tmp_path_factory) as media_root:
            with django_db_blocker.unblock():
                records = build()
            yield records, media_root

    @pytest.fixture
    def records(request, settings, db, _records_of_the_module):
        records, media_root = _records_of_the_module
        return for_one_test(request, settings, media_root, records)

The rows are written inside a transaction opened for the module and rolled back when its last test
has run, so nothing outlives the module. Each test (through the `db` fixture, requested by
`for_one_test`) runs in a savepoint inside that transaction, as in Django's TestCase: what a test writes
is rolled back before the next one. Files the rows point at go to a folder of the module's, which
`for_one_test` makes the test's MEDIA_ROOT.

Correct with pytest-xdist: module-scoped fixtures are per worker, and a worker that runs a module's
tests in two stretches builds the rows twice. A transactional test (its own commits, a live server)
cannot run inside the transaction: `for_one_test` refuses one.
"""

import copy
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings

from tests.conftest import settings_for_tests


@contextmanager
def rows_for_the_module(django_db_blocker, tmp_path_factory):
    """
    Open the module's transaction (and its media folder), with the settings every test has; yields the
    folder; rolls everything back.
    """
    media_root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media_root, **settings_for_tests(django_settings)):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
        try:
            yield media_root
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


def for_one_test(request, settings, media_root, rows):
    """
    What a test of the module gets: its own copy of the objects (as setUpTestData gives: a test may change
    an instance, and save it, without the next test seeing it), the module's files. A transactional
    test is refused.
    """
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        pytest.fail("Rows built once for the module cannot serve a transactional test: use the function fixture.")
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        pytest.fail("Rows built once for the module cannot serve a transactional test: use the function fixture.")
    settings.MEDIA_ROOT = media_root
    return copy.deepcopy(rows)
