"""The page of e-mail preferences: a checkbox per kind and how they come, saved through the edit flow."""

import re

import pytest
from django.urls import reverse

from core import notifications
from core.models import EmailPreferences

pytestmark = pytest.mark.django_db

URL = "/accounts/email-preferences/"


def said(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_the_url(db):
    assert reverse("email-preferences") == URL


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/email-preferences/")


def test_the_form_has_a_labelled_checkbox_per_kind_checked_by_default(client, board_member):
    client.force_login(board_member)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body
    assert "E-mail preferences" in body
    for kind in notifications.kinds():
        name = "kind_" + kind.key.replace(".", "_")
        assert f'name="{name}"' in body
        assert str(kind.label) in body
        assert f'id="id_{name}"' in body
        assert f'for="id_{name}"' in body
    assert body.count('type="checkbox"') == len(notifications.kinds())
    assert body.count("checked") >= len(notifications.kinds())
    assert "A weekly digest instead of single messages" in body
    # Transactional e-mail is not listed: it is always sent, and the page says so.
    assert "an invitation to set your password" in body
    assert "Always sent at once, never held for the digest." in body


def test_the_page_takes_a_fixed_number_of_queries(client, board_member, django_assert_num_queries):
    client.force_login(board_member)
    client.get(URL)
    # The session, the user, their two kinds of second factor, their preferences (none yet), their groups
    # (the menu); the session is not saved again, renewed at most once a minute (core/sessions.py).
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200


def test_saving_keeps_the_choice_and_says_so(client, board_member):
    client.force_login(board_member)
    response = client.post(
        URL, {"kind_meetings_published": "on", "kind_procedures_reminder": "on", "delivery": "digest", "save": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    assert said(response) == ["Your e-mail preferences are saved."]
    preferences = EmailPreferences.objects.get(user=board_member)
    assert preferences.delivery == "digest"
    assert {key for key, on in preferences.choices.items() if on} == {"meetings.published", "procedures.reminder"}
    assert len(preferences.choices) == len(notifications.kinds())
    # The page shows it again as saved.
    body = client.get(URL).content.decode()
    assert re.search(r'<input[^>]*value="digest"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="kind_meetings_published"[^>]*checked', body)
    assert not re.search(r'<input[^>]*name="kind_meetings_circulated"[^>]*checked', body)
    assert notifications.wants(preferences, "meetings.circulated") is False


def test_bad_input_comes_back_with_the_error_and_nothing_saved(client, board_member):
    client.force_login(board_member)
    response = client.post(URL, {"kind_meetings_published": "on", "delivery": "hourly", "save": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert said(response) == ["Nothing was saved: correct the fields marked below."]
    assert not EmailPreferences.objects.exists()


def test_saving_leaves_the_page_cache_alone(settings, client, board_member, django_capture_on_commit_callbacks):
    # A reader's e-mail preferences are on no page (EmailPreferences.shown_on_no_page): the public's pages stay cached.
    import uuid

    from core import pagecache

    location = f"mail-{uuid.uuid4()}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": location}}
    settings.PAGE_CACHE_SECONDS = 300
    client.force_login(board_member)
    before = pagecache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"kind_meetings_published": "on", "delivery": "digest", "save": "1"})
    assert response.status_code == 302
    assert EmailPreferences.objects.filter(user=board_member).exists()
    assert pagecache.current_generation() == before
