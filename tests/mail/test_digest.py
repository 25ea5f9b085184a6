"""The weekly digest: one e-mail per user, items grouped by kind, sent once (manage.py send_digest)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from core import notifications
from core.models import DigestItem, EmailPreferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queue(user, kind, subject, when):
    return DigestItem.objects.create(
        user=user, kind=kind, subject=subject, url=f"https://p.example/{subject}", queued_at=when
    )


MONDAY = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def queued(board_member):
    other = UserFactory(username="other")
    EmailPreferences.objects.create(user=board_member, delivery="digest")
    queue(board_member, "procedures.launched", "WP/2026/02 launched", MONDAY)
    queue(board_member, "meetings.published", "Record published: 7th", MONDAY + dt.timedelta(days=2))
    queue(board_member, "meetings.circulated", "Draft circulated: 7th", MONDAY + dt.timedelta(days=1))
    queue(board_member, "meetings.published", "Record published: 6th", MONDAY + dt.timedelta(days=1))
    queue(other, "meetings.published", "Record published: 6th", MONDAY)
    return other


def run() -> str:
    out = StringIO()
    call_command("send_digest", "--site-url", "https://p.example", stdout=out)
    return out.getvalue()


def test_one_email_per_user_grouped_by_kind(board_member, queued, mailoutbox):
    assert run().strip() == "2 digest(s) sent, 5 item(s)."
    assert sorted(message.to[0] for message in mailoutbox) == ["board@example.org", "other@example.org"]
    [mine] = [message for message in mailoutbox if message.to == [board_member.email]]
    assert mine.subject == "Your weekly digest: 4 new items on the IISG Board Portal"
    body = mine.body
    # In the registry's order (meetings before procedures), each kind's items oldest first.
    headings = [line for line in body.splitlines() if line.endswith(")") and not line.startswith(("-", " "))]
    assert headings == ["Records circulated (1)", "Records published (2)", "Written procedures launched (1)"]
    assert body.index("Record published: 6th") < body.index("Record published: 7th")
    assert "  https://p.example/WP/2026/02 launched" in body
    # Its own one-click unsubscribe: every optional e-mail.
    assert mine.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = mine.extra_headers["List-Unsubscribe"].rsplit("/unsubscribe/", 1)[1].rstrip("/>")
    assert notifications.read_token(token).kind is None
    assert not DigestItem.objects.filter(sent_at=None).exists()


def test_running_twice_sends_nothing_twice(queued, mailoutbox):
    run()
    assert len(mailoutbox) == 2
    assert run().strip() == "0 digest(s) sent, 0 item(s)."
    assert len(mailoutbox) == 2
    # A new item afterwards goes in the next digest alone.
    queue(queued, "meetings.circulated", "Draft circulated: 8th", MONDAY + dt.timedelta(days=7))
    run()
    assert len(mailoutbox) == 3
    assert "Draft circulated: 8th" in mailoutbox[-1].body
    assert "Record published: 6th" not in mailoutbox[-1].body


def test_a_kind_turned_off_since_is_left_out(board_member, queued, mailoutbox):
    EmailPreferences.objects.filter(user=board_member).update(choices={"meetings.published": False})
    run()
    [mine] = [message for message in mailoutbox if message.to == [board_member.email]]
    assert "Record published" not in mine.body
    assert "Draft circulated: 7th" in mine.body
    # Settled, not sent later.
    assert not DigestItem.objects.filter(sent_at=None).exists()


def test_a_failed_send_leaves_the_items_queued(board_member, queued, mailoutbox, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail)
    with pytest.raises(OSError, match="SMTP down"):
        run()
    assert DigestItem.objects.filter(sent_at=None).count() == 5
