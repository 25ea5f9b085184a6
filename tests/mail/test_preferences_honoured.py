"""
Every kind of optional e-mail honours the reader's choice: sent (with a one-click unsubscribe), dropped
when turned off, held for the weekly digest when they chose it (but for a kind that cannot wait). The
kinds are read from the registry: a kind registered later is covered here once it has its trigger.
"""

import re
from urllib.parse import urlparse

import pytest
from django.test import Client

from core import notifications
from core.models import DigestItem, EmailPreferences
from tests.factories import UserFactory
from tests.mail.conftest import SITE, TRIGGERS

pytestmark = pytest.mark.django_db

KINDS = [kind.key for kind in notifications.kinds()]


def to(messages, user) -> list:
    return [message for message in messages if message.to == [user.email]]


def choose(user, *, off=(), delivery=EmailPreferences.Delivery.SINGLE):
    return EmailPreferences.objects.create(user=user, choices=dict.fromkeys(off, False), delivery=delivery)


def test_every_registered_kind_has_a_trigger_here():
    assert sorted(KINDS) == sorted(TRIGGERS)
    assert len(KINDS) == 5


@pytest.mark.parametrize("key", KINDS)
def test_sent_by_default_with_a_one_click_unsubscribe(send_kind, board_member, key):
    [message] = to(send_kind(key), board_member)
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith(f"<{SITE}/accounts/unsubscribe/")
    assert link.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = link[1:-1]
    assert f"Turn these e-mails off: {url}" in message.body
    assert f"All your e-mail preferences: {SITE}/accounts/email-preferences/" in message.body
    # The link works: GET says what it turns off and changes nothing; POST (a mail client's one-click) does it.
    client = Client(enforce_csrf_checks=True)
    page = client.get(urlparse(url).path)
    assert page.status_code == 200
    assert str(notifications.get_kind(key).label) in page.content.decode()
    assert not EmailPreferences.objects.filter(user=board_member).exists()
    done = client.post(
        urlparse(url).path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200
    assert "Unsubscribed" in done.content.decode()
    preferences = EmailPreferences.objects.get(user=board_member)
    assert notifications.wants(preferences, key) is False
    # Only that kind.
    assert [other for other in KINDS if not notifications.wants(preferences, other)] == [key]


@pytest.mark.parametrize("key", KINDS)
def test_dropped_when_turned_off(send_kind, board_member, key):
    choose(board_member, off=[key])
    sent = send_kind(key)
    assert to(sent, board_member) == []
    # The others still get theirs.
    assert [message.to for message in sent if message.to != [board_member.email]] != []
    assert not DigestItem.objects.filter(user=board_member, kind=key).exists()


@pytest.mark.parametrize("key", KINDS)
def test_held_for_the_digest_when_chosen(send_kind, board_member, key):
    choose(board_member, delivery=EmailPreferences.Delivery.DIGEST)
    mine = to(send_kind(key), board_member)
    if notifications.get_kind(key).digest:
        assert mine == []
        item = DigestItem.objects.get(user=board_member, kind=key)
        assert TRIGGERS[key].subject in item.subject
        assert item.url.startswith(SITE)
        assert item.sent_at is None
    else:
        # A kind of use only at once (a reminder before a deadline) is sent even to who chose the digest.
        assert len(mine) == 1
        assert not DigestItem.objects.filter(user=board_member, kind=key).exists()


def test_an_address_compares_without_case(send_kind, board_member):
    board_member.email = "Board@Example.org"
    board_member.save()
    choose(board_member, off=["meetings.circulated"])
    assert [m for m in send_kind("meetings.circulated") if m.to[0].lower() == "board@example.org"] == []


def test_an_address_without_account_is_sent_without_an_unsubscribe(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifications.notify(
            kind="meetings.circulated", recipients=["nobody@example.org"], subject="S", body="B", site_url=SITE
        )
    assert delivery.sent == ("nobody@example.org",)
    [message] = mailoutbox
    assert message.body == "B"
    assert "List-Unsubscribe" not in message.extra_headers


def test_a_rolled_back_step_queues_and_sends_nothing(board_member, django_capture_on_commit_callbacks, mailoutbox):
    from django.db import transaction

    choose(board_member, delivery=EmailPreferences.Delivery.DIGEST)

    def step_that_fails():
        with transaction.atomic():
            notifications.notify(
                kind="meetings.published", recipients=[board_member.email, "x@example.org"], subject="S", body="B"
            )
            raise RuntimeError("the step failed after")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="failed after"):
        step_that_fails()
    assert mailoutbox == []
    assert not DigestItem.objects.exists()


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(LookupError):
        notifications.notify(kind="nothing.such", recipients=["a@example.org"], subject="S", body="B")


def test_the_link_without_a_site_address_is_a_path_and_no_header(board_member, settings, mailoutbox):
    settings.CSRF_TRUSTED_ORIGINS = []
    footer, headers = notifications._footer(board_member, "meetings.circulated", "")
    assert headers == {}
    assert re.search(r"Turn these e-mails off: /accounts/unsubscribe/[^ \n]+/", footer)


def test_choosing_for_many_readers_takes_one_query(db, django_assert_num_queries, django_capture_on_commit_callbacks):
    readers = [UserFactory(username=f"reader{n}") for n in range(30)]
    for reader in readers[:10]:
        choose(reader, off=["meetings.published"])
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(1):
        # The accounts holding the addresses, with their preferences: one query whatever their number.
        delivery = notifications.notify(
            kind="meetings.published", recipients=[reader.email for reader in readers], subject="S", body="B"
        )
    assert len(delivery.sent) == 20
    assert len(delivery.dropped) == 10
