"""The settings module fails at start with a message naming the bad variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env):
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="iisg_portal.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_on_starts_with_the_development_key():
    result = start_django(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_refuses_to_start_without_a_secret_key():
    result = start_django(DEBUG="0", ALLOWED_HOSTS="portal.example")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_its_settings():
    result = start_django(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_needs_allowed_hosts():
    result = start_django(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps'"),
        ({"DEBUG": "1", "DATABASE_URL": "mongo://localhost/x"}, "DATABASE_URL='mongo://localhost/x'"),
        ({"DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432"}, "names no database"),
        ({"DEBUG": "1", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT='twenty-five'"),
        ({"DEBUG": "1", "TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT=-1"),
        ({"DEBUG": "1", "FORWARDED_ALLOW_IPS": "nginx.local"}, "FORWARDED_ALLOW_IPS"),
    ],
)
def test_bad_value_fails_naming_the_variable(env, named):
    result = start_django(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_times_are_stored_in_utc(settings):
    assert settings.USE_TZ is True


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def test_manage_py_on_an_unconfigured_checkout_runs_in_debug():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_manage_py_on_a_configured_server_keeps_debug_off():
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="s" * 50, ALLOWED_HOSTS="x"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")


def read_setting(name, **env):
    result = run_manage("shell", "-c", f"from django.conf import settings; print(settings.{name})", DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_proxy_in_front_is_trusted_for_the_client_address_only_when_configured():
    clean = {k: v for k, v in os.environ.items() if k in {"SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXY_COUNT"}}
    assert not clean, "the test environment configures no proxy"
    assert read_setting("TRUSTED_PROXY_COUNT") == "0"
    # A TLS-terminating proxy (SECURE_PROXY_SSL_HEADER=1) means one proxy in front, unless said otherwise.
    assert read_setting("TRUSTED_PROXY_COUNT", SECURE_PROXY_SSL_HEADER="1") == "1"
    assert read_setting("TRUSTED_PROXY_COUNT", SECURE_PROXY_SSL_HEADER="1", TRUSTED_PROXY_COUNT="2") == "2"
    assert (
        read_setting("TRUSTED_PROXY_IPS", FORWARDED_ALLOW_IPS="10.0.0.0/8, 192.0.2.1") == "['10.0.0.0/8', '192.0.2.1']"
    )
