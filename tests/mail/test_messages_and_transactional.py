"""
What the Secretariat is told after a step names who chose otherwise (their digest, turned off), and the
transactional e-mail (an invitation link) goes whatever the reader chose.
"""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core import notifications
from core.models import DigestItem, EmailPreferences
from decisions.procedures import services as procedures
from decisions.procedures.contacts import mailing_text
from members.access import services as access
from tests.editing.conftest import _meeting
from tests.factories import DelegationFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.mail.conftest import SITE

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def everything_off(user):
    return EmailPreferences.objects.create(
        user=user,
        choices=dict.fromkeys([kind.key for kind in notifications.kinds()], False),
        delivery="digest",
    )


@pytest.mark.parametrize("step", ["circulate", "publish"])
def test_the_step_says_how_many_were_emailed_and_who_chose_otherwise(
    secretariat, board_member, step, django_capture_on_commit_callbacks
):
    meeting = _meeting("draft" if step == "circulate" else "circulated")
    beta = UserFactory(username="beta")
    gamma = UserFactory(username="gamma")
    for user in (beta, gamma):
        user.groups.add(*board_member.groups.all())
    EmailPreferences.objects.create(user=beta, delivery="digest")
    everything_off(gamma)
    client = Client()
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(f"meetings-edit:{step}", args=[meeting.slug]), {"confirm": "1", "override_reason": "A test."}
        )
    assert response.status_code == 302
    [message] = said(response)
    assert message.endswith(
        "1 Board member was e-mailed: board@example.org. 1 will read it in their weekly digest. "
        "1 turned these e-mails off."
    )
    assert [m.to for m in mail.outbox] == [["board@example.org"]]
    assert DigestItem.objects.get().user == beta


def test_nobody_emailed_now_is_said_as_such(secretariat, board_member, django_capture_on_commit_callbacks):
    meeting = _meeting("draft")
    everything_off(board_member)
    client = Client()
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings-edit:circulate", args=[meeting.slug]), {"confirm": "1", "override_reason": "A test."}
        )
    assert said(response)[0].endswith("Nobody was e-mailed now. 1 turned these e-mails off.")
    assert mail.outbox == []


def test_a_procedures_mailing_names_who_chose_otherwise(
    world, clock, draft_procedure, django_capture_on_commit_callbacks
):
    EmailPreferences.objects.create(user=world.beta_user, delivery="digest")
    with django_capture_on_commit_callbacks(execute=True):
        result = procedures.launch_procedure(procedure=draft_procedure, site_url=SITE)
    assert result.emailed == 1
    assert [m.to for m in mail.outbox] == [["board@example.org"]]
    assert mailing_text(result.mailing) == (
        "1 e-mail sent: board@example.org (Alphaland Ministry). Nobody could be e-mailed for: "
        "beta@example.org (Betaland Ministry) will read it in their weekly digest."
    )
    assert list(result.mailing.organisations) == [world.alpha]


def test_an_invitation_is_sent_whatever_the_preferences(secretariat, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Invitedland Ministry")
    user = UserFactory(username="ivo", email="ivo@example.org")
    user.set_unusable_password()
    user.save()
    everything_off(user)
    person = PersonFactory(name="Ivo Invited", organisation=organisation, user=user)
    DelegationFactory(person=person, organisation=organisation, valid_from=dt.date(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        invitation = access.invite_again(
            access.InviteAgain(organisation=organisation, person=person, by=secretariat, site_url=SITE)
        )
    assert invitation.emailed_to == "ivo@example.org"
    [message] = mail.outbox
    assert message.to == ["ivo@example.org"]
    # Transactional: no unsubscribe, nothing held for a digest.
    assert "List-Unsubscribe" not in message.extra_headers
    assert "unsubscribe" not in message.body
    assert not DigestItem.objects.exists()
