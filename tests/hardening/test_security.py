"""Production hardening: sign-in throttling, two-factor sign-in, sessions, security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.signin import sign_in
from tests.signing_key import suite_signing_key

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _throttling(settings):
    settings.AXES_ENABLED = True


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


def test_idle_timeout_is_renewed_by_requests_at_most_once_a_minute(settings):
    # core/sessions.py renews it (tests/sessions/): not a session write on every request.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert "core.sessions.SessionRenewalMiddleware" in settings.MIDDLEWARE
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


# Two-factor sign-in: tests/hardening/test_two_factor.py


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
    # Production signs the PDFs of its published records (README: Signed PDFs): unsigned is a warning.
    key, cert = suite_signing_key()
    env.update(
        DEBUG="0",
        SECRET_KEY="k" * 64 + "-Zx9!",
        ALLOWED_HOSTS="portal.example",
        PDF_SIGNING_KEY=key,
        PDF_SIGNING_CERT=cert,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
