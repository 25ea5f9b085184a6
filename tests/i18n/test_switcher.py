"""The language switcher: on every page, without script, back to the same page, remembered per browser and per user."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.models import EmailPreferences

pytestmark = pytest.mark.django_db

SWITCH = reverse("choose-language")


def switcher(html: str) -> str:
    match = re.search(r'<form class="language-switcher.*?</form>', html, re.S)
    assert match, "no language switcher on the page"
    return match.group(0)


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat"])
def test_every_page_has_a_labelled_switcher_naming_each_language_in_its_own(client_for, persona):
    form = switcher(client_for(persona).get(reverse("meetings:meeting-list")).content.decode())
    assert '<label class="form-label mb-0" for="language-choice">' in form
    assert 'id="language-choice" name="language"' in form
    for code, name in [("sq", "shqip"), ("mk", "македонски"), ("sr", "српски"), ("sr-latn", "srpski")]:
        assert f'<option value="{code}" lang="{code}">{name}</option>' in form
    for name in ("bosanski", "hrvatski", "crnogorski"):
        assert f">{name}</option>" in form
    assert '<button class="btn btn-outline-dark btn-sm" type="submit">' in form


def test_the_publics_switcher_carries_no_csrf_token_so_the_page_may_be_cached(client):
    response = client.get(reverse("meetings:meeting-list"))
    assert "csrfmiddlewaretoken" not in switcher(response.content.decode())
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_switching_keeps_the_page_and_its_query(client):
    page = reverse("decisions:decision-list") + "?verb=adopted&year=2022"
    form = switcher(client.get(page).content.decode())
    assert 'name="next" value="/decisions/?verb=adopted&amp;year=2022"' in form
    response = client.post(SWITCH, {"language": "mk", "next": page})
    assert response.status_code == 303
    assert response["Location"] == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "mk"
    again = client.get(page)
    assert again["Content-Language"] == "mk"
    assert '<html lang="mk">' in again.content.decode()
    assert 'value="mk" lang="mk" selected' in switcher(again.content.decode())


def test_an_anonymous_choice_needs_no_token_and_makes_no_session(client):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(SWITCH, {"language": "sq", "next": "/meetings/"})
    assert response.status_code == 303
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sq"
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_signed_in_choice_needs_the_token(board_member):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(board_member)
    assert strict.post(SWITCH, {"language": "sq", "next": "/"}).status_code == 403
    assert not EmailPreferences.objects.filter(user=board_member, language="sq").exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_the_choice_never_sends_elsewhere(client, target):
    response = client.post(SWITCH, {"language": "hr", "next": target})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post(SWITCH, {"language": "xx", "next": "/meetings/"})
    assert response["Location"] == "/meetings/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_answers_post_only(client):
    response = client.get(SWITCH)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_users_choice_is_saved_and_applied_at_sign_in_on_another_browser(client, board_member):
    board_member.set_password("pw-for-the-test-1")
    board_member.save()
    client.force_login(board_member)
    client.post(SWITCH, {"language": "sr", "next": "/"})
    assert EmailPreferences.objects.get(user=board_member).language == "sr"

    other = Client()  # another browser: no cookie, asks for English
    response = other.post(
        reverse("login"),
        {
            "auth-username": board_member.username,
            "auth-password": "pw-for-the-test-1",
            "login_view-current_step": "auth",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sr"
    page = other.get(reverse("meetings:meeting-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="sr">' in page.content.decode()


def test_every_answer_varies_on_the_cookie_and_accept_language(client):
    response = client.get(reverse("meetings:meeting-list"))
    vary = {value.strip().lower() for value in response["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary
    assert response["Content-Language"] == "en"
