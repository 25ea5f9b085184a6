"""Production hardening: sign-in throttling, two-factor sign-in, sessions, security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _throttling(settings):
    settings.AXES_ENABLED = True


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": password, **extra})


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# Sessions


def test_signing_in_makes_a_new_session_key(client, board_member):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = sign_in(client, board_member)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(board_member.pk)


def test_signing_out_ends_the_session(client, board_member):
    sign_in(client, board_member)
    key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert "_auth_user_id" not in client.session


def test_idle_timeout_renews_with_every_request(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 3600


# Sign-in throttling (django-axes)


def test_wrong_password_shows_a_clear_message_and_keeps_the_username(client, board_member):
    response = sign_in(client, board_member, password="wrong")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please enter a correct username and password" in content
    assert f'value="{board_member.username}"' in content


def test_repeated_failures_lock_the_account_with_a_clear_message(client, board_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, board_member, password="wrong").status_code == 200
    response = sign_in(client, board_member, password="wrong")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Even the right password is refused while locked.
    response = sign_in(client, board_member)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# Two-factor sign-in (django-otp)


@pytest.fixture
def two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_secretariat_must_set_up_a_second_factor(client, secretariat, two_factor):
    response = sign_in(client, secretariat)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-setup"))
    # The setup page shows the QR code and the key; a wrong code is refused with a message.
    page = client.get(response.url)
    assert page.status_code == 200
    assert reverse("two-factor-qr") in page.content.decode()
    qr = client.get(reverse("two-factor-qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    wrong = client.post(reverse("two-factor-setup"), {"token": "000000", "next": "/meetings/"})
    assert "That code does not match" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=secretariat)
    device.throttle_reset()  # as if the user waited before the next try
    response = client.post(reverse("two-factor-setup"), {"token": current_token(device), "next": "/meetings/"})
    assert response.status_code == 302
    assert response.url == "/meetings/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_secretariat_with_a_device_gives_the_code_at_each_sign_in(client, secretariat, two_factor):
    device = TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    sign_in(client, secretariat)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-verify"))
    bad = client.post(reverse("two-factor-verify"), {"token": "12ab56"})
    assert "digits only" in bad.content.decode()
    response = client.post(reverse("two-factor-verify"), {"token": current_token(device), "next": "/decisions/"})
    assert response.status_code == 302
    assert response.url == "/decisions/"
    assert client.get(reverse("decisions:decision-list")).status_code == 200


def test_admin_needs_the_second_factor_for_the_admin_site(client, admin_user, two_factor):
    sign_in(client, admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("two-factor-setup") in response.url


def test_second_factor_is_optional_for_board_members(client, board_member, two_factor):
    sign_in(client, board_member)
    assert client.get(reverse("home")).status_code == 200


def test_board_member_who_set_it_up_is_asked_for_it(client, board_member, two_factor):
    TOTPDevice.objects.create(user=board_member, name="phone", confirmed=True)
    sign_in(client, board_member)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("two-factor-verify") in response.url


def test_next_url_must_stay_on_the_portal(client, secretariat, two_factor):
    device = TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    sign_in(client, secretariat)
    response = client.post(
        reverse("two-factor-verify"), {"token": current_token(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_demo_may_lift_two_factor_only_with_debug_on():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "TWO_FACTOR_REQUIRED", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="iisg_portal.settings", TWO_FACTOR_REQUIRED="0", ALLOWED_HOSTS="x.example")
    code = "import django; django.setup()"
    production = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DEBUG": "0", "SECRET_KEY": "s" * 50}, capture_output=True
    )
    assert production.returncode != 0
    assert b"TWO_FACTOR_REQUIRED=0 is only allowed with DEBUG on" in production.stderr
    demo = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DEBUG": "1"}, capture_output=True)
    assert demo.returncode == 0, demo.stderr


# Headers


def test_content_security_policy_forbids_inline_scripts_plugins_and_framing(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_security_headers(client):
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_mode_passes_the_deployment_checks():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "TWO_FACTOR_REQUIRED", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DEBUG="0", SECRET_KEY="k" * 64 + "-Zx9!", ALLOWED_HOSTS="portal.example")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
