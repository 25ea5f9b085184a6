"""Full-text search: ranking on PostgreSQL through the GIN indexes, containment on SQLite; the search page."""

import pytest
from django.db import connection
from django.urls import reverse

from core import search as record_search
from core.search import uses_full_text_search
from decisions.models import Decision, Document
from meetings.models import AgendaItem, Meeting
from portal import search as site_search
from tests.factories import DecisionFactory, MeetingFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes exist on PostgreSQL only")


def test_search_ranks_the_best_match_first(client, demo):
    response = client.get(reverse("portal:search"), {"q": "needs mapping"})
    groups = response.context["overview"]
    assert groups
    if uses_full_text_search(Decision.objects.all()):
        for group in groups:
            assert group.results == sorted(group.results, key=lambda r: -r.rank)
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


# --- The page of all kinds and each kind's own list -----------------------------------------------


def _decisions_saying(word: str, n: int, **meeting):
    meeting = MeetingFactory(**meeting)
    return [DecisionFactory(meeting=meeting, subject=f"{word} number {i}") for i in range(n)]


def test_each_kind_shows_its_best_results_with_a_link_to_all(client, db):
    _decisions_saying("Lynxword", 12)
    response = client.get(reverse("portal:search"), {"q": "Lynxword"})
    (group,) = response.context["overview"]
    assert group.kind.key == "decisions"
    assert (len(group.results), group.count, group.capped) == (site_search.TOP_PER_KIND, 12, False)
    assert response.context["result_count"] == 12
    page = response.content.decode()
    assert "12 decisions found" in page
    link = reverse("portal:search") + "?q=Lynxword&amp;kind=decisions"
    assert f'<a href="{link}">See all 12 decisions found</a>' in page
    # Headings in order: the page, each kind, each result.
    assert page.index("<h1") < page.index('<h2 id="found-decisions"') < page.index("<h3")


def test_a_kind_with_few_results_has_no_link_to_more(client, db):
    _decisions_saying("Ibexword", 2)
    page = client.get(reverse("portal:search"), {"q": "Ibexword"}).content.decode()
    assert "2 decisions found" in page
    assert "kind=decisions" not in page


def test_a_kinds_own_list_is_paginated(client, db):
    _decisions_saying("Otterword", site_search.PAGE_SIZE + 3)
    url = reverse("portal:search")
    first = client.get(url, {"q": "Otterword", "kind": "decisions"})
    assert first.context["result_count"] == site_search.PAGE_SIZE + 3
    assert len(first.context["page_obj"]) == site_search.PAGE_SIZE
    assert {str(result.kind) for result in first.context["page_obj"]} == {"Decision"}
    page = first.content.decode()
    assert f"{site_search.PAGE_SIZE + 3} decisions found" in page
    assert 'rel="next"' in page
    # Back to every kind, and the search box searches this kind again.
    assert 'href="/search/?q=Otterword">' in page
    assert '<input type="hidden" name="kind" value="decisions">' in page
    second = client.get(url, {"q": "Otterword", "kind": "decisions", "page": 2})
    assert len(second.context["page_obj"]) == 3


def test_an_unknown_kind_shows_every_kind(client, db):
    _decisions_saying("Yakword", 1)
    response = client.get(reverse("portal:search"), {"q": "Yakword", "kind": "nothing"})
    assert [group.kind.key for group in response.context["overview"]] == ["decisions"]


def test_a_kinds_list_never_shows_a_draft_to_the_public(client_for, db):
    _decisions_saying("Quaggaword", 3, status=Meeting.Status.DRAFT)
    _decisions_saying("Quaggaword", 1, status=Meeting.Status.CIRCULATED)
    url = reverse("portal:search")
    public = client_for("anonymous").get(url, {"q": "Quaggaword", "kind": "decisions"})
    assert public.context["result_count"] == 0
    assert "Quaggaword number" not in public.content.decode()
    board = client_for("board_member").get(url, {"q": "Quaggaword", "kind": "decisions"})
    assert board.context["result_count"] == 1  # the circulated one, marked DRAFT
    assert "DRAFT" in board.content.decode()


@postgresql_only
def test_more_matches_than_are_ranked_are_said_to_be_more(client, db, monkeypatch):
    monkeypatch.setattr(record_search, "CANDIDATES", 4)
    _decisions_saying("Tapirword", 6)
    response = client.get(reverse("portal:search"), {"q": "Tapirword"})
    (group,) = response.context["overview"]
    assert (group.count, group.capped) == (4, True)
    page = response.content.decode()
    assert "At least 4 results" in page
    assert "At least 4 found: only the 4 most recently recorded matches are ranked." in page
    kind_page = client.get(reverse("portal:search"), {"q": "Tapirword", "kind": "decisions"}).content.decode()
    assert "At least 4 found" in kind_page
