"""Full-text search: ranking on PostgreSQL through the GIN indexes, containment on SQLite."""

import pytest
from django.db import connection
from django.urls import reverse

from core.search import uses_full_text_search
from decisions.models import Decision, Document
from meetings.models import AgendaItem, Meeting

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes exist on PostgreSQL only")


def test_search_ranks_the_best_match_first(client, demo):
    response = client.get(reverse("portal:search"), {"q": "needs mapping"})
    results = list(response.context["page_obj"])
    assert results
    if uses_full_text_search(Decision.objects.all()):
        assert results == sorted(results, key=lambda r: -r.rank)
        # Stemming: "mapping" finds "maps" and the plural "needs" the singular.
        assert client.get(reverse("portal:search"), {"q": "need map"}).context["result_count"] > 0


def test_minutes_are_searched_only_for_board_members(client_for, demo):
    demo.minutes = "The Board heard about Quokkaword."
    demo.save()
    assert client_for("anonymous").get(reverse("portal:search"), {"q": "Quokkaword"}).context["result_count"] == 0
    assert client_for("board_member").get(reverse("portal:search"), {"q": "Quokkaword"}).context["result_count"] == 1


@postgresql_only
@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Meeting, "meeting_public_vector_idx"),
        (AgendaItem, "agenda_item_vector_idx"),
        (Decision, "decision_vector_idx"),
        (Document, "document_vector_idx"),
    ],
)
def test_postgresql_answers_from_the_gin_index(secretariat, demo, model, index):
    # The index on the stored vector answers the match (a bitmap scan); on a table this small the
    # planner would rather walk the primary key newest first (what it does for a common word).
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
    try:
        plan = model.objects.search("mapping", secretariat).explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
            cursor.execute("SET enable_indexscan = on")
    assert index in plan
