"""
Enrolment links: a Secretariat or admin user without a second factor sets up their first
authenticator only through a single-use, expiring link an admin issues (core/two_factor.py), never
because they were the first to sign in with the password. Issued from the admin (the Users action,
the button on a user's page) or `manage.py enrolment_link`; only a hash is kept; refused once used,
expired or replaced, for another user's password, or with a changed secret.
"""

import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import EnrolmentLink
from core.roles import SECRETARIAT_GROUP
from core.two_factor import EnrolmentRefused, issue_enrolment_link
from tests.factories import UserFactory
from tests.signin import code_for_key, current_token, give_code, sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

REFUSED = "This account needs a second factor. Ask an admin for an enrolment link."
LINK = re.compile(r"https?://testserver(/accounts/enrol/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def _two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.AXES_ENABLED = True


@pytest.fixture
def other_officer(db):
    """A second Secretariat user without a second factor."""
    user = UserFactory(username="other-officer")
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


@pytest.fixture
def admin_client(client, admin_user):
    """The issuing admin, signed in with password and code."""
    device = TOTPDevice.objects.create(user=admin_user, name="default", confirmed=True)
    sign_in(client, admin_user)
    give_code(client, current_token(device))
    assert client.session["_auth_user_id"] == str(admin_user.pk)
    return client


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def set_up_authenticator(client):
    """The setup page's key, and the code that confirms it."""
    page = client.get(reverse("two_factor:setup"))
    assert "Scan this code with an authenticator app" in page.content.decode()
    key = client.session["wizard_setup_view"]["extra_data"]["keys"]["generator"]
    return client.post(
        reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": code_for_key(key)}
    )


def enrol(client, user, path):
    """Open the link, sign in with the password, set up the app: the whole enrolment."""
    assert client.get(path).url == reverse("login")
    assert sign_in(client, user).status_code == 302
    return set_up_authenticator(client)


# Issuing


def test_admin_issues_a_link_from_the_users_list_shown_once_and_logged(admin_client, admin_user, secretariat):
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_links", "_selected_action": [secretariat.pk]},
    )
    assert response.status_code == 200
    content = response.content.decode()
    path = LINK.search(content).group(1)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert "This page is the only time the link is shown" in content
    # Nobody's copy: not the browser's cache, not a proxy's.
    assert "no-store" in response["Cache-Control"]

    link = EnrolmentLink.objects.get(user=secretariat)
    assert link.issued_by == admin_user
    assert link.expires_at - link.issued_at == dt.timedelta(hours=72)
    assert link.used_at is None
    # Only the hash is kept.
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not EnrolmentLink.objects.filter(token_hash=token).exists()

    entry = LogEntry.objects.get(object_id=str(secretariat.pk))
    assert entry.user == admin_user
    assert "Issued an enrolment link" in entry.get_change_message()
    assert token not in entry.change_message
    # The list the admin comes back to shows no secret.
    assert token not in admin_client.get(reverse("admin:auth_user_changelist")).content.decode()


def test_admin_issues_a_link_from_the_users_page(admin_client, admin_user, secretariat, settings):
    change = admin_client.get(reverse("admin:auth_user_change", args=[secretariat.pk])).content.decode()
    url = reverse("admin:auth_user_enrolment_link", args=[secretariat.pk])
    assert f'href="{url}"' in change
    confirm = admin_client.get(url).content.decode()
    assert "With an enrolment link this person signs in with their password" in confirm
    assert not EnrolmentLink.objects.exists()  # a GET issues nothing

    content = admin_client.post(url).content.decode()
    assert LINK.search(content)
    assert EnrolmentLink.objects.get(user=secretariat).issued_by == admin_user
    assert "Issued an enrolment link" in LogEntry.objects.get(object_id=str(secretariat.pk)).get_change_message()
    # The page now says a link is open and that a new one replaces it.
    assert "still works (until" in admin_client.get(url).content.decode()
    settings.CLOCK_NOW = EnrolmentLink.objects.get().expires_at
    assert "still works" not in admin_client.get(url).content.decode()


def test_no_link_for_a_board_member_nor_a_user_who_has_a_device(admin_client, board_member, secretariat):
    TOTPDevice.objects.create(user=secretariat, name="default", confirmed=True)
    # The user's page offers no button for them.
    for user in (board_member, secretariat):
        change = admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
        assert reverse("admin:auth_user_enrolment_link", args=[user.pk]) not in change
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_links", "_selected_action": [board_member.pk, secretariat.pk]},
    )
    content = response.content.decode()
    assert "No link issued" in content
    assert "Only Secretariat and admin accounts need an enrolment link" in content
    assert "The account already has an authenticator app" in content
    assert not LINK.search(content)
    assert not EnrolmentLink.objects.exists()
    assert not LogEntry.objects.filter(change_message__contains="enrolment").exists()
    with pytest.raises(EnrolmentRefused):
        issue_enrolment_link(user=secretariat)


def test_the_command_prints_a_link_for_the_first_admin(client, admin_user, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example"]
    out, err = io.StringIO(), io.StringIO()
    call_command("enrolment_link", admin_user.username, stdout=out, stderr=err)
    url = out.getvalue().strip()
    assert url.startswith("https://portal.example/accounts/enrol/")
    assert "valid once until" in err.getvalue()
    link = EnrolmentLink.objects.get(user=admin_user)
    assert link.issued_by is None  # the command line
    # The first admin enrols with it and reaches the admin.
    response = enrol(client, admin_user, url.removeprefix("https://portal.example"))
    assert response.url == reverse("two_factor:backup_tokens")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_command_refuses_an_unknown_user_a_board_member_and_a_bad_address(board_member):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("enrolment_link", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="Only Secretariat and admin accounts"):
        call_command("enrolment_link", board_member.username, stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="not an http"):
        call_command("enrolment_link", "x", base_url="javascript:alert(1)", stdout=io.StringIO())
    assert not EnrolmentLink.objects.exists()


def test_expiry_follows_the_setting(secretariat, settings):
    settings.ENROLMENT_LINK_HOURS = 2
    link = issue_enrolment_link(user=secretariat).link
    assert link.expires_at - link.issued_at == dt.timedelta(hours=2)


def test_a_bad_expiry_stops_the_start():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="iisg_portal.settings", ENROLMENT_LINK_HOURS="0")
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    assert result.returncode != 0
    assert b"ENROLMENT_LINK_HOURS=0 must be at least 1" in result.stderr


def test_a_new_link_voids_the_older_ones(client, secretariat):
    first = issue_enrolment_link(user=secretariat)
    second = issue_enrolment_link(user=secretariat)
    response = client.get(first.path)
    assert response.status_code == 410
    assert "This enrolment link was replaced by a newer one" in response.content.decode()
    assert EnrolmentLink.objects.open().get() == second.link
    # The database keeps one open link per user, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentLink.objects.create(
            user=secretariat, token_hash="0" * 64, issued_at=timezone.now(), expires_at=timezone.now()
        )
    assert enrol(client, secretariat, second.path).url == reverse("two_factor:backup_tokens")


# Signing in without a link


def test_a_wrong_password_answers_as_before_and_is_counted(client, secretariat, board_member, settings):
    # The same answer as for anyone's wrong password: nothing about the account leaks.
    for user in (secretariat, board_member):
        response = sign_in(client, user, password="wrong")
        assert response.status_code == 200
        content = response.content.decode()
        assert "Please enter a correct username and password" in content
        assert REFUSED not in content
    assert AccessAttempt.objects.get(username=secretariat.username).failures_since_start == 1
    # Throttling as before: locked after the limit, even with the right password and a link.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, secretariat, password="wrong")
    client.get(issue_enrolment_link(user=secretariat).path)
    locked = sign_in(client, secretariat)
    assert locked.status_code == 429
    assert signed_in_user_id(client) is None


def test_a_session_without_a_link_is_ended(client, secretariat):
    """A session of a privileged user with no second factor and no link (e.g. opened before this rule)."""
    client.force_login(secretariat)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert signed_in_user_id(client) is None
    assert client.get(reverse("two_factor:setup")).url.startswith(reverse("login"))


# Enrolling through the link


def test_enrolment_through_the_link(client, secretariat):
    issued = issue_enrolment_link(user=secretariat)
    opened = client.get(issued.path)
    # The secret leaves the address bar at once; nothing is used up by opening it.
    assert opened.status_code == 302
    assert opened.url == reverse("login")
    assert "no-store" in opened["Cache-Control"]
    assert "You followed an enrolment link" in client.get(reverse("login")).content.decode()
    assert EnrolmentLink.objects.get().used_at is None

    signed_in = sign_in(client, secretariat, next="/meetings/")
    assert signed_in.status_code == 302
    assert signed_in_user_id(client) == str(secretariat.pk)
    # Only the setup pages until the authenticator is confirmed.
    to_setup = client.get(reverse("meetings-edit:meeting-create"))
    assert to_setup.url.startswith(reverse("two_factor:setup"))
    assert EnrolmentLink.objects.get().used_at is None

    confirmed = set_up_authenticator(client)
    assert confirmed.url == reverse("two_factor:backup_tokens")
    assert TOTPDevice.objects.get(user=secretariat).confirmed
    assert EnrolmentLink.objects.get().used_at is not None
    client.post(reverse("two_factor:backup_tokens"))
    assert StaticToken.objects.filter(device__user=secretariat).count() == 10
    assert client.get(reverse("meetings-edit:meeting-create")).status_code == 200


def test_a_used_link_is_refused_even_after_a_reset(client, admin_client, secretariat):
    issued = issue_enrolment_link(user=secretariat)
    browser = Client()
    enrol(browser, secretariat, issued.path)
    browser.post(reverse("logout"))
    again = browser.get(issued.path)
    assert again.status_code == 410
    assert "This enrolment link has already been used" in again.content.decode()
    # The admin resets the second factor: the old link still does not work.
    admin_client.post(
        reverse("admin:auth_user_changelist"), {"action": "reset_two_factor", "_selected_action": [secretariat.pk]}
    )
    assert "already been used" in browser.get(issued.path).content.decode()
    refused = sign_in(browser, secretariat)
    assert refused.status_code == 403
    assert REFUSED in refused.content.decode()
    assert signed_in_user_id(browser) is None


def test_one_link_opened_in_two_browsers_sets_up_one_device(secretariat):
    issued = issue_enrolment_link(user=secretariat)
    first, second = Client(), Client()
    for browser in (first, second):
        browser.get(issued.path)
        assert sign_in(browser, secretariat).status_code == 302
        browser.get(reverse("two_factor:setup"))
    assert set_up_authenticator(first).url == reverse("two_factor:backup_tokens")
    # The second browser's session knew only the password: it is ended, and adds no device.
    late = second.post(reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": "1"})
    assert late.url.startswith(reverse("login"))
    assert signed_in_user_id(second) is None
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1


def test_an_expired_link_is_refused(client, secretariat, settings):
    issued = issue_enrolment_link(user=secretariat)
    settings.CLOCK_NOW = issued.link.expires_at + dt.timedelta(seconds=1)
    response = client.get(issued.path)
    assert response.status_code == 410
    assert "This enrolment link has expired" in response.content.decode()
    refused = sign_in(client, secretariat)
    assert REFUSED in refused.content.decode()
    assert signed_in_user_id(client) is None


def test_a_link_that_expires_during_the_setup_sets_up_nothing(client, secretariat, settings):
    issued = issue_enrolment_link(user=secretariat)
    client.get(issued.path)
    sign_in(client, secretariat)
    client.get(reverse("two_factor:setup"))
    key = client.session["wizard_setup_view"]["extra_data"]["keys"]["generator"]
    settings.CLOCK_NOW = issued.link.expires_at + dt.timedelta(seconds=1)
    response = client.post(
        reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": code_for_key(key)}
    )
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not TOTPDevice.objects.filter(user=secretariat).exists()


def test_another_users_password_does_not_work_with_a_link(client, secretariat, other_officer):
    issued = issue_enrolment_link(user=secretariat)
    client.get(issued.path)
    response = sign_in(client, other_officer)
    assert response.status_code == 403
    content = response.content.decode()
    assert REFUSED in content
    assert "The enrolment link you followed does not work for this account" in content
    assert signed_in_user_id(client) is None
    assert EnrolmentLink.objects.get().used_at is None


def test_a_link_for_a_user_who_has_a_device_meanwhile_is_refused(client, secretariat):
    issued = issue_enrolment_link(user=secretariat)
    TOTPDevice.objects.create(user=secretariat, name="default", confirmed=True)
    response = client.get(issued.path)
    assert response.status_code == 410
    assert "This account already has an authenticator app" in response.content.decode()
    # Signing in asks for the code, as for anyone with one.
    step = sign_in(client, secretariat)
    assert "Six-digit code from your authenticator app" in step.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("change", ["last character", "shorter", "unknown"])
def test_a_changed_secret_is_refused(client, secretariat, change):
    token = issue_enrolment_link(user=secretariat).token
    tampered = {
        "last character": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "shorter": token[:-1],
        "unknown": "x" * 43,
    }[change]
    response = client.get(reverse("enrolment-link", args=[tampered]))
    assert response.status_code == 404
    assert "This enrolment link is not valid" in response.content.decode()
    refused = sign_in(client, secretariat)
    assert REFUSED in refused.content.decode()
    assert signed_in_user_id(client) is None


def test_a_signed_in_user_opening_a_link_is_asked_to_sign_out(client, board_member, secretariat):
    issued = issue_enrolment_link(user=secretariat)
    client.force_login(board_member)
    response = client.get(issued.path)
    assert response.status_code == 409
    assert "You are signed in. Sign out, then open the enrolment link again." in response.content.decode()
    assert signed_in_user_id(client) == str(board_member.pk)


# The reset offers a link


def test_resetting_a_second_factor_offers_an_enrolment_link(admin_client, admin_user, secretariat, board_member):
    for user in (secretariat, board_member):
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    reset = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [secretariat.pk, board_member.pk]},
    )
    content = reset.content.decode()
    assert "These Secretariat and admin users now need an enrolment link" in content
    assert f'name="_selected_action" value="{secretariat.pk}"' in content
    assert f'name="_selected_action" value="{board_member.pk}"' not in content
    assert "These users may set up a new authenticator themselves" in content
    # The offer, taken.
    issued = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_links", "_selected_action": [secretariat.pk]},
    )
    assert LINK.search(issued.content.decode())
    messages = [entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(secretariat.pk))]
    assert any("Reset two-factor sign-in" in message for message in messages)
    assert any("Issued an enrolment link" in message for message in messages)
    assert EnrolmentLink.objects.get().issued_by == admin_user


# Who is not concerned


def test_board_member_still_sets_up_a_second_factor_alone(client, board_member):
    assert sign_in(client, board_member).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert set_up_authenticator(client).url == reverse("two_factor:backup_tokens")
    assert TOTPDevice.objects.get(user=board_member).confirmed
    assert not EnrolmentLink.objects.exists()


def test_replacing_ones_own_authenticator_needs_no_link(client, secretariat):
    device = TOTPDevice.objects.create(user=secretariat, name="default", confirmed=True)
    sign_in(client, secretariat)
    give_code(client, current_token(device))
    client.post(reverse("two_factor:disable"), {"understand": "on"})
    # The session was verified with the old authenticator: it sets up the new one.
    assert set_up_authenticator(client).url == reverse("two_factor:backup_tokens")
    assert TOTPDevice.objects.get(user=secretariat).confirmed
    assert client.get(reverse("meetings-edit:meeting-create")).status_code == 200


def test_the_local_demo_signs_the_secretariat_in_with_the_password(client, secretariat, settings):
    settings.TWO_FACTOR_REQUIRED = False
    response = sign_in(client, secretariat)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(secretariat.pk)
    assert "New meeting" in client.get(reverse("meetings-edit:meeting-create")).content.decode()
