"""The Atom feeds of decisions and meetings: valid Atom, filtered like the pages, only what the public reads."""

import pytest
from django.urls import reverse

from tests.register.atom import read_atom
from tests.register.conftest import DRAFT_MARKER

DECISIONS = reverse("decisions:decision-feed")
MEETINGS = reverse("meetings:meeting-feed")


def titles(entries) -> list[str]:
    return [entry.title.split(" — ")[0] for entry in entries]


def get(client, url, query=None):
    response = client.get(url, query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return read_atom(response.content)


def test_the_decision_feed_is_atom_with_the_newest_published_decisions(client, known):
    _root, entries = get(client, DECISIONS)
    assert titles(entries)[:3] == ["B2023/01", "B2023/02", "B6/2022/01"]
    assert titles(entries)[-2:] == ["B2021/02", "B2019/01"]
    first = entries[0]
    assert first.title == "B2023/01 — Adopted: Response mapping 2023"
    assert first.link == "http://testserver/decisions/B2023/01/"
    assert first.id == first.link
    # What it acted on, as the public reads it: a document for Board members only, counted, not named.
    assert "1 document for Board members only" in first.summary
    assert "Counter-terrorism response mapping" not in first.summary
    assert 'href="http://testserver/meetings/' in first.summary


def test_the_decision_feed_is_filtered_like_the_register(client, known):
    _root, admitted = get(client, DECISIONS, {"did": "admitted", "from": "2020-01-01"})
    assert titles(admitted) == ["B6/2022/07"]
    # The Kosovo* footnote where the name is printed.
    assert "OSCE Mission in Kosovo*" in admitted[0].summary
    assert "without prejudice to positions on status" in admitted[0].summary
    _root, pillar = get(client, DECISIONS, {"pillar": "WBCTi", "from": "2023-01-01"})
    assert titles(pillar) == ["B2023/01"]
    _root, old_link = get(client, DECISIONS, {"year": "2021"})
    assert titles(old_link) == ["B2021/01", "B2021/02"]


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat", "admin"])
def test_feeds_show_what_the_public_reads_whoever_asks(client_for, known, persona):
    client = client_for(persona)
    for url in (DECISIONS, MEETINGS):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200
        assert DRAFT_MARKER not in body
        assert "B2024/01" not in body
        assert known.draft.title not in body
    _root, admitted = get(client, DECISIONS, {"did": "admitted"})
    assert "B2024/01" not in titles(admitted)


def test_a_filter_in_error_gives_an_empty_feed_not_an_error(client, known):
    _root, entries = get(client, DECISIONS, {"from": "not-a-date"})
    assert entries == []
    _root, entries = get(client, DECISIONS, {"organisation": "draft-agency"})
    assert entries == []


def test_the_meeting_feed_lists_published_records_and_announcements(client, known):
    known.draft.announced_at = known.draft.created_at
    known.draft.save()
    _root, entries = get(client, MEETINGS)
    names = [entry.title for entry in entries]
    assert names[:2] == [known.draft.title, "303th Test Board Meeting"]
    assert known.sixth.title in names
    announcement = entries[0]
    assert "Record not yet published." in announcement.summary
    assert "The Board met." not in announcement.summary
    sixth = next(entry for entry in entries if entry.title == known.sixth.title)
    # The day in the meeting's own time zone, and the public summary.
    assert "20 June 2022" in sixth.summary
    assert sixth.link == f"http://testserver{known.sixth.get_absolute_url()}"


def test_the_meeting_feed_is_filtered_like_the_list(client, known):
    _root, entries = get(client, MEETINGS, {"year": "2021"})
    assert [entry.title for entry in entries] == ["302th Test Board Meeting"]


def test_the_pages_announce_and_link_their_feeds(client, known):
    register = client.get(reverse("decisions:decision-list"), {"did": "admitted"}).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="IISG Board decisions (Atom)" '
        f'href="{DECISIONS}?did=admitted">'
    ) in register
    assert "Follow (Atom)" in register
    assert "feed readers do not sign in" in register
    meetings = client.get(reverse("meetings:meeting-list"), {"kind": "board"}).content.decode()
    assert f'type="application/atom+xml" title="IISG meetings (Atom)" href="{MEETINGS}?kind=board">' in meetings
    assert "Follow (Atom)" in meetings


def test_the_decision_feed_reads_a_fixed_number_of_queries(client, known, django_assert_num_queries):
    with django_assert_num_queries(QUERIES_DECISION_FEED):
        client.get(DECISIONS)


def test_the_meeting_feed_reads_a_fixed_number_of_queries(client, known, django_assert_num_queries):
    with django_assert_num_queries(QUERIES_MEETING_FEED):
        client.get(MEETINGS)


# The decisions' ids (index-ordered), their rows, then what they show: meetings, documents, memberships,
# roles held, people concerned (with_acted_on) — the same for 1 entry or 50.
QUERIES_DECISION_FEED = 7
# The meetings with their pillars and occasions, the dates announced before, the filter's choices.
QUERIES_MEETING_FEED = 3


def test_the_feeds_are_kept_by_the_public_page_cache(client, known, settings, django_capture_on_commit_callbacks):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "feeds"}}
    settings.PAGE_CACHE_SECONDS = 300
    for url in (DECISIONS, MEETINGS):
        first = client.get(url, {"did": "admitted"} if url == DECISIONS else {})
        again = client.get(url, {"did": "admitted"} if url == DECISIONS else {})
        assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
        assert again.content == first.content
    # A change is seen at once: the site's generation is renewed by the write, after its commit.
    with django_capture_on_commit_callbacks(execute=True):
        known.sixth.title = "6th Board meeting, renamed"
        known.sixth.save()
    renewed = client.get(MEETINGS)
    assert renewed["X-Page-Cache"] == "miss"
    assert "6th Board meeting, renamed" in renewed.content.decode()
