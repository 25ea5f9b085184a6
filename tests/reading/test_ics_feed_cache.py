"""
The feed of all meetings kept in the cache per version (its ETag) and site address: a repeated
request builds nothing, a reader never gets another kind of reader's feed, a change is seen at once.
"""

import pytest
from django.urls import reverse

from meetings import ics
from tests.reading.conftest import CIRCULATED_MARKER, DRAFT_MARKER, FORBIDDEN, MEMBER_MARKER

FEED = reverse("meetings:meetings-ics")


@pytest.fixture
def records(records_built_once):
    """The records are built once for the module; each test's changes are rolled back (tests/built_once.py)."""
    return records_built_once


@pytest.fixture
def builds(monkeypatch):
    """How many times a feed's calendar was built."""
    count = {"n": 0}
    real = ics.calendar

    def counting(*args, **kwargs):
        count["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(ics, "calendar", counting)
    return count


def feed(client) -> str:
    response = client.get(FEED)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat"])
def test_a_repeated_feed_is_built_once(page_cache, client_for, records, builds, persona):
    client = client_for(persona)
    first = feed(client)
    assert feed(client) == first
    assert builds["n"] == 1


def test_without_the_page_cache_each_feed_is_built(client_for, records, builds):
    client = client_for("board_member")
    feed(client)
    feed(client)
    assert builds["n"] == 2


def test_a_kept_feed_never_reaches_another_kind_of_reader(page_cache, client_for, records, builds):
    # The readers who see most come first: their feeds are kept before the others ask.
    bodies = {persona: feed(client_for(persona)) for persona in ("secretariat", "board_member", "anonymous")}
    assert builds["n"] == 3
    assert DRAFT_MARKER in bodies["secretariat"]
    assert CIRCULATED_MARKER in bodies["board_member"]
    for persona in ("board_member", "anonymous"):
        assert not [marker for marker in FORBIDDEN[persona] if marker in bodies[persona]], persona
    assert MEMBER_MARKER not in bodies["anonymous"]
    assert CIRCULATED_MARKER not in bodies["anonymous"]
    # Another Board member gets the Board members' feed, from the cache.
    assert feed(client_for("board_member")) == bodies["board_member"]
    assert builds["n"] == 3


def test_a_change_is_in_the_next_feed(page_cache, client_for, records, committed, builds):
    client = client_for("board_member")
    assert "Renamedtitleqx" not in feed(client)
    meeting = records["circulated"].meeting
    with committed():
        meeting.title = "Renamedtitleqx meeting"
        meeting.save()
    assert "Renamedtitleqx meeting" in feed(client)
    # A change no meeting row shows (the occasion's name) renews the site's generation, and the feed.
    occasion = records["announced"].meeting.occasion
    with committed():
        occasion.name = "Occasionrenamedqx forum"
        occasion.save()
    assert "Occasionrenamedqx forum" in feed(client)
    assert builds["n"] == 3


def test_a_meeting_published_reaches_the_public_at_once(page_cache, client_for, records, committed):
    client = client_for("anonymous")
    assert CIRCULATED_MARKER not in feed(client)
    meeting = records["circulated"].meeting
    with committed():
        meeting.status = meeting.Status.PUBLISHED
        meeting.save()
    assert CIRCULATED_MARKER in feed(client)


def test_each_site_address_has_its_own_feed(page_cache, client_for, records, builds):
    client = client_for("board_member")
    here = client.get(FEED).content.decode()
    there = client.get(FEED, HTTP_HOST="localhost").content.decode()
    assert "http://testserver/" in here
    assert "http://localhost/" in there
    assert "http://testserver/" not in there
    assert builds["n"] == 2
