"""The page cache keeps one copy per language: a page stored in one is never served in another."""

import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core import pagecache
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }
    settings.PAGE_CACHE_SECONDS = 300


def meetings_word(code: str) -> str:
    with translation.override(code):
        return translation.gettext("Meetings")


@pytest.mark.parametrize("url_name", ["meetings:meeting-list", "decisions:decision-list", "portal:member-list", "home"])
def test_a_page_cached_in_one_language_is_never_served_in_another(page_cache, client, url_name):
    url = reverse(url_name)
    english = client.get(url)
    assert english[pagecache.STATUS_HEADER] == "miss"
    assert client.get(url)[pagecache.STATUS_HEADER] == "hit"
    for code in ("sq", "mk", "sr", "hr"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
        first = client.get(url)
        assert first[pagecache.STATUS_HEADER] == "miss", code
        assert first["Content-Language"] == code
        assert f'<html lang="{code}">' in first.content.decode()
        assert meetings_word(code) in first.content.decode()
        again = client.get(url)
        assert again[pagecache.STATUS_HEADER] == "hit"
        assert again.content == first.content
        assert again["Content-Language"] == code
    # Accept-Language chooses too, when no cookie says otherwise.
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    macedonian = client.get(url, HTTP_ACCEPT_LANGUAGE="mk")
    assert macedonian["Content-Language"] == "mk"
    assert '<html lang="mk">' in macedonian.content.decode()
    assert client.get(url)["Content-Language"] == "en"


def test_a_board_members_record_is_kept_per_language(page_cache, client_for):
    meeting = MeetingFactory(status="published")
    client = client_for("board_member")
    url = meeting.get_absolute_url()
    english = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sr"
    serbian = client.get(url).content.decode()
    assert '<html lang="sr">' in serbian
    assert serbian != english
    # The record's part (kept per audience: core.pagecache.for_audience) has its labels in Serbian too.
    main = serbian.split("<main", 1)[1].split("</main>", 1)[0]
    assert any("\u0400" <= char <= "\u04ff" for char in main)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    again = client.get(url).content.decode()
    assert again.split("<main", 1)[1].split("</main>", 1)[0] == english.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_calendar_feed_is_kept_per_language(page_cache, client):
    MeetingFactory(status="published")
    url = reverse("meetings:meetings-ics")
    english = client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "mk"
    macedonian = client.get(url)
    assert macedonian["Content-Language"] == "mk"
    assert macedonian.get("ETag") != english.get("ETag")
