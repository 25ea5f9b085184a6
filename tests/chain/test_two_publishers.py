"""
Two publishers at once never make two version 2s: `core.chain.seal` locks the record's row, so the second
waits for the first to commit and then finds the content already sealed. PostgreSQL only (SQLite has no
row locks: it serialises whole writes, which the test could not tell apart).
"""

import threading

import pytest
from django.db import close_old_connections, connection

from core import chain
from core.models import RecordVersion
from meetings.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_corrections_at_once_make_one_version_2(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    meeting = MeetingFactory()
    chain.seal(chain.Seal(record=meeting))
    Meeting.objects.filter(pk=meeting.pk).update(public_summary="Corrected once, by both.")
    start = threading.Barrier(2)
    errors = []

    def correct(reason):
        try:
            start.wait(timeout=10)
            chain.seal(chain.Seal(record=Meeting.objects.get(pk=meeting.pk), reason=reason))
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=correct, args=(f"Publisher {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    public = RecordVersion.objects.filter(record_pk=meeting.pk, audience="public").order_by("number")
    assert [v.number for v in public] == [1, 2]
    assert chain.check_chains() == []
