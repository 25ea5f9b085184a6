"""
bench/volume.py on PostgreSQL: no per-row foreign-key checks during the fill, every key checked once
before it commits.
"""

import pytest
from django.db import connection

from bench import volume
from decisions.models import Decision

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="session_replication_role is PostgreSQL's"),
]


def _quiet(*_args):
    pass


def _role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


def test_a_clean_database_passes_and_the_checks_are_back_on():
    assert volume.foreign_key_checks_after_the_fill(_quiet) is True  # the test database's user is a superuser
    assert _role() == "replica"
    volume.check_foreign_keys(_quiet)
    assert _role() == "origin"


def test_a_row_pointing_nowhere_fails_the_fill_naming_the_key():
    through = Decision.documents.through._meta.db_table
    volume.foreign_key_checks_after_the_fill(_quiet)
    with connection.cursor() as cursor:
        # Accepted without the per-row check: only the set-wise one finds it.
        cursor.execute(f"INSERT INTO {through} (decision_id, document_id) VALUES (987654321, 987654321)")
    with pytest.raises(RuntimeError, match=f"{through}.decision_id -> decisions_decision: 1 rows"):
        volume.check_foreign_keys(_quiet)
