"""E-mails in the recipient's language: the one they chose (their preferences), English without one."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import EmailPreferences
from tests.editing.conftest import _meeting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def in_language(code: str, msgid: str) -> str:
    with translation.override(code):
        return translation.gettext(msgid)


def test_a_circulated_record_is_announced_to_each_board_member_in_their_language(
    secretariat, board_member, django_capture_on_commit_callbacks
):
    meeting = _meeting("draft")
    serbian = UserFactory(username="srpski", email="sr@example.org")
    albanian = UserFactory(username="shqip", email="sq@example.org")
    for user in (serbian, albanian):
        user.groups.add(*board_member.groups.all())
    EmailPreferences.objects.create(user=serbian, language="sr")
    EmailPreferences.objects.create(user=albanian, language="sq")
    client = Client()
    client.force_login(secretariat)
    # The Secretariat works in Croatian: nobody's e-mail is in it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hr"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings-edit:circulate", args=[meeting.slug]), {"confirm": "1", "override_reason": "x"})
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    bodies = {message.to[0]: message.body for message in mail.outbox}
    pattern = "Draft record circulated: %(title)s"
    assert subjects["board@example.org"] == pattern % {"title": meeting.title}
    assert subjects["sr@example.org"] == in_language("sr", pattern) % {"title": meeting.title}
    assert subjects["sq@example.org"] == in_language("sq", pattern) % {"title": meeting.title}
    assert in_language("sr", "All your e-mail preferences: %(url)s").split("%")[0] in bodies["sr@example.org"]
    assert "All your e-mail preferences" in bodies["board@example.org"]
    # The record's own title stays as written.
    assert meeting.title in subjects["sr@example.org"]


def test_a_lazy_subject_is_made_in_each_recipients_language_not_in_the_senders(django_capture_on_commit_callbacks):
    from django.utils.translation import gettext_lazy

    from core import notifications

    serbian = UserFactory(username="srpski2", email="sr2@example.org")
    EmailPreferences.objects.create(user=serbian, language="sr")
    english = UserFactory(username="english2", email="en2@example.org")
    subject = gettext_lazy("Draft record circulated: %(title)s")
    kind = next(kind.key for kind in notifications.kinds() if kind.default)
    with django_capture_on_commit_callbacks(execute=True), translation.override("hr"):
        notifications.notify(kind=kind, recipients=[serbian.email, english.email], subject=subject, body="x")
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "sr2@example.org": in_language("sr", "Draft record circulated: %(title)s"),
        "en2@example.org": "Draft record circulated: %(title)s",
    }
    assert subjects["sr2@example.org"] != "Draft record circulated: %(title)s"
