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


# --- Cache, sessions, database connections and file storage for several processes ------------------


def settings_of(expression: str, **env) -> subprocess.CompletedProcess:
    """Print `expression` of the settings, started from exactly these variables (and DEBUG on)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not k.startswith(("REDIS_", "CACHE_", "PAGE_CACHE_", "CONN_", "STORAGE_S3_"))
    }
    clean.update({"DEBUG": "1", **env}, DJANGO_SETTINGS_MODULE="iisg_portal.settings")
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"REDIS_URL": "http://127.0.0.1:6379/0"}, "REDIS_URL is not a Redis URL"),
        ({"REDIS_URL": "redis://127.0.0.1:port/0"}, "REDIS_URL is not a Redis URL"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/zero"}, "REDIS_URL is not a Redis URL"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": "two words"}, "CACHE_KEY_PREFIX='two words'"),
        ({"PAGE_CACHE_SECONDS": "300"}, "PAGE_CACHE_SECONDS=300 needs REDIS_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "PAGE_CACHE_SECONDS": "-1"}, "PAGE_CACHE_SECONDS=-1"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "PAGE_CACHE_SECONDS": "soon"}, "PAGE_CACHE_SECONDS='soon'"),
        ({"CONN_MAX_AGE": "-5"}, "CONN_MAX_AGE=-5"),
        ({"CONN_HEALTH_CHECKS": "sometimes"}, "CONN_HEALTH_CHECKS='sometimes'"),
        ({"STORAGE_S3_BUCKET": "Portal_Files"}, "STORAGE_S3_BUCKET='Portal_Files'"),
        ({"STORAGE_S3_BUCKET": "portal-files", "STORAGE_S3_ENDPOINT_URL": "minio:9000"}, "STORAGE_S3_ENDPOINT_URL="),
        ({"STORAGE_S3_BUCKET": "portal-files", "STORAGE_S3_ACCESS_KEY_ID": "portal"}, "STORAGE_S3_SECRET_ACCESS_KEY"),
        ({"STORAGE_S3_ENDPOINT_URL": "https://s3.example"}, "STORAGE_S3_ENDPOINT_URL is set but STORAGE_S3_BUCKET"),
        (
            {"STORAGE_S3_BUCKET": "portal-files", "STORAGE_S3_ADDRESSING_STYLE": "sideways"},
            "STORAGE_S3_ADDRESSING_STYLE='sideways'",
        ),
    ],
)
def test_a_bad_scaling_setting_fails_naming_the_variable(env, named):
    result = settings_of("s.CACHES", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_a_bad_redis_url_is_not_echoed_with_its_password():
    result = settings_of("s.CACHES", REDIS_URL="redis://:hunter2-secret@127.0.0.1:6379/zero")
    assert "REDIS_URL is not a Redis URL" in result.stderr
    assert "hunter2-secret" not in result.stderr


def test_without_redis_nothing_is_cached_and_sessions_are_in_the_database():
    result = settings_of("s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.PAGE_CACHE_SECONDS")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.dummy.DummyCache",
        "django.contrib.sessions.backends.db",
        "0",
    ]


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/3", "rediss://:pw@redis.example:6380", "unix:///run/redis.sock?db=1"]
)
def test_with_redis_the_cache_is_shared_and_the_sessions_stay_in_the_database(url):
    result = settings_of(
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.CACHES['default']['KEY_PREFIX'], "
        "s.SESSION_ENGINE, s.PAGE_CACHE_SECONDS",
        REDIS_URL=url,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django_redis.cache.RedisCache",
        url,
        "iisg-portal",
        # Not in Redis: a session ended while Redis hung would come back from it when it answered again.
        "django.contrib.sessions.backends.db",
        "300",
    ]


def test_with_redis_a_hung_server_costs_a_short_timeout_then_a_pause():
    result = settings_of(
        "s.CACHES['default']['OPTIONS']['SOCKET_TIMEOUT'], s.CACHES['default']['OPTIONS']['SOCKET_CONNECT_TIMEOUT'], "
        "s.CACHES['default']['OPTIONS']['CONNECTION_POOL_CLASS'], s.REDIS_PAUSE_SECONDS",
        REDIS_URL="redis://127.0.0.1:6379/0",
        REDIS_TIMEOUT_MS="40",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.04", "0.04", "core.redis_breaker.GuardedConnectionPool", "10"]


@pytest.mark.parametrize(("name", "value"), [("REDIS_TIMEOUT_MS", "0"), ("REDIS_PAUSE_SECONDS", "-1")])
def test_redis_timeouts_must_make_sense(name, value):
    result = settings_of("s.CACHES", REDIS_URL="redis://127.0.0.1:6379/0", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_persistent_database_connections_are_health_checked():
    result = settings_of(
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS']",
        CONN_MAX_AGE="60",
        CONN_HEALTH_CHECKS="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True"]


def test_make_serve_keeps_database_connections_and_checks_them():
    makefile = (ROOT / "Makefile").read_text()
    assert "CONN_MAX_AGE=$${CONN_MAX_AGE:-60} CONN_HEALTH_CHECKS=$${CONN_HEALTH_CHECKS:-1}" in makefile
    assert "APP_PORTS" in makefile


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
