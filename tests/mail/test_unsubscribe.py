"""The unsubscribe link's page: no sign-in, GET shows what it turns off, POST does it; a bad token is a 400."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from core import notifications
from core.models import EmailPreferences

pytestmark = pytest.mark.django_db


def url_for(token: str) -> str:
    return reverse("email-unsubscribe", args=[token])


def test_get_shows_what_is_turned_off_and_changes_nothing(client, board_member):
    token = notifications.unsubscribe_token(board_member, "procedures.launched")
    page = client.get(url_for(token))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Written procedures launched" in body
    assert board_member.email in body
    assert '<form method="post">' in body
    assert "Turn these e-mails off" in body
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    assert not EmailPreferences.objects.exists()


def test_post_from_the_page_turns_it_off_and_says_so(client, board_member):
    EmailPreferences.objects.create(user=board_member, choices={"meetings.published": True}, delivery="digest")
    token = notifications.unsubscribe_token(board_member, "meetings.circulated")
    done = client.post(url_for(token), follow=True)
    body = done.content.decode()
    assert done.status_code == 200
    assert "Done: you will no longer receive Records circulated." in body
    preferences = EmailPreferences.objects.get(user=board_member)
    # The other choices are kept.
    assert preferences.choices == {"meetings.published": True, "meetings.circulated": False}
    assert preferences.delivery == "digest"
    # Twice is harmless.
    assert client.post(url_for(token)).status_code == 200


def test_the_all_token_turns_every_kind_off(board_member):
    token = notifications.unsubscribe_token(board_member, notifications.ALL)
    response = Client(enforce_csrf_checks=True).post(
        url_for(token), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    preferences = EmailPreferences.objects.get(user=board_member)
    assert [kind.key for kind in notifications.kinds() if notifications.wants(preferences, kind.key)] == []


def _tampered(board_member, other):
    token = notifications.unsubscribe_token(board_member, "meetings.circulated")
    value, signature = token.rsplit(":", 1)
    forged = signing.dumps({"u": other.pk, "k": "meetings.circulated"}, salt=notifications.SALT)
    return {
        "signature changed": f"{value}:{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "another user's data, this signature": forged.rsplit(":", 1)[0] + ":" + signature,
        "made up": "not-a-token",
        "signed for something else": signing.dumps({"u": board_member.pk, "k": "meetings.circulated"}),
        "a kind not registered": signing.dumps({"u": board_member.pk, "k": "nothing.such"}, salt=notifications.SALT),
        "no user": signing.dumps({"u": 999999, "k": "meetings.circulated"}, salt=notifications.SALT),
        "not a dict": signing.dumps([1, 2], salt=notifications.SALT),
    }


@pytest.mark.parametrize(
    "case",
    [
        "signature changed",
        "another user's data, this signature",
        "made up",
        "signed for something else",
        "a kind not registered",
        "no user",
        "not a dict",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_is_a_clear_400_and_changes_nothing(client, board_member, secretariat, case, method):
    token = _tampered(board_member, secretariat)[case]
    response = getattr(client, method)(url_for(token))
    assert response.status_code == 400
    assert "This unsubscribe link does not work" in response.content.decode()
    assert not EmailPreferences.objects.exists()


def test_an_inactive_users_token_no_longer_works(client, board_member):
    token = notifications.unsubscribe_token(board_member, "meetings.circulated")
    board_member.is_active = False
    board_member.save()
    assert client.get(url_for(token)).status_code == 400
