"""
The idle timeout renewed at most once a minute (core/sessions.py): a signed-in visit writes its
session once, not on every request, and every security property of sessions holds as before — with
the database's sessions (the portal's) and with cache-backed ones (LocMem here; Redis below when it runs).
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.sessions import RENEW_EVERY, RENEWED_KEY, due
from tests.foundation.test_settings import settings_of
from tests.shared_cache import redis_cache_settings, unique_prefix
from tests.signin import current_token, give_code, sign_in

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
IDLE = 3600
# A signed-in page that touches nothing in the session.
PAGE = "/actions/"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(params=["db", "cache"])
def engine(request, settings):
    """Each test runs with the database's sessions and with cache-backed ones; counts the session writes."""
    settings.SESSION_COOKIE_AGE = IDLE
    if request.param == "db":
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
        return DatabaseWrites()
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": unique_prefix()},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "sessions"
    return CacheWrites(caches["sessions"])


class DatabaseWrites:
    """Session writes: INSERT or UPDATE of django_session."""

    def __init__(self):
        self._context = CaptureQueriesContext(connection)

    def __enter__(self):
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)

    @property
    def count(self) -> int:
        return sum(
            1
            for query in self._context.captured_queries
            if "django_session" in query["sql"] and query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
        )


class CacheWrites:
    """Session writes: set() or add() on the sessions' cache (wrapped on the instance for the block)."""

    def __init__(self, cache):
        self.cache = cache
        self.count = 0

    def __enter__(self):
        self.count = 0
        for name in ("set", "add"):
            original = getattr(self.cache, name)

            def counted(*args, _original=original, **kwargs):
                self.count += 1
                return _original(*args, **kwargs)

            setattr(self.cache, name, counted)
        return self

    def __exit__(self, *exc):
        for name in ("set", "add"):
            delattr(self.cache, name)


def signed_in(response) -> bool:
    return response.status_code == 200 and response.wsgi_request.user.is_authenticated


def _without_stamp(client):
    # A session signed in before this change: no renewal stamp.
    session = client.session
    del session[RENEWED_KEY]
    session.save()


def test_many_requests_within_a_minute_write_the_session_once(client, board_member, engine, clock):
    client.force_login(board_member)
    _without_stamp(client)
    with engine as writes:
        for second in range(0, RENEW_EVERY, 10):  # 6 requests over 50 s
            clock.move_to(START + dt.timedelta(seconds=second))
            assert signed_in(client.get(PAGE))
    assert writes.count == 1
    assert client.session[RENEWED_KEY] == int(START.timestamp())


def test_signing_in_stamps_the_session_so_the_next_minute_writes_nothing(client, board_member, engine, clock):
    client.force_login(board_member)  # signing in writes the session anyway (core.sessions.stamp_at_sign_in)
    assert client.session[RENEWED_KEY] == int(START.timestamp())
    with engine as writes:
        for second in range(0, RENEW_EVERY, 10):
            clock.move_to(START + dt.timedelta(seconds=second))
            assert signed_in(client.get(PAGE))
    assert writes.count == 0


def test_a_request_a_minute_after_the_renewal_renews_again(client, board_member, engine, clock):
    client.force_login(board_member)
    client.get(PAGE)
    with engine as writes:
        clock.move_to(START + dt.timedelta(seconds=59))
        client.get(PAGE)
        assert writes.count == 0
        clock.move_to(START + dt.timedelta(seconds=61))
        response = client.get(PAGE)
        assert writes.count == 1
    # The new expiry runs from the renewal, in the store and on the cookie.
    assert client.session[RENEWED_KEY] == int(START.timestamp()) + 61
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == IDLE
    if django_settings.SESSION_ENGINE.endswith(".db"):
        stored = Session.objects.get(session_key=client.session.session_key)
        assert stored.expire_date == START + dt.timedelta(seconds=61 + IDLE)


def test_a_renewed_session_outlives_the_first_timeout(client, board_member, engine, clock):
    client.force_login(board_member)
    client.get(PAGE)
    clock.move_to(START + dt.timedelta(seconds=61))
    client.get(PAGE)
    clock.move_to(START + dt.timedelta(seconds=IDLE + 30))  # past the first expiry, within the renewed one
    assert signed_in(client.get(PAGE))


def test_an_idle_session_past_the_timeout_is_refused(client, board_member, engine, clock):
    client.force_login(board_member)
    client.get(PAGE)
    clock.move_to(START + dt.timedelta(seconds=IDLE + 1))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "board" not in response.content.decode()  # the page as the public sees it, no user named


def test_the_timeout_runs_from_the_last_renewal_so_within_a_minute_of_the_last_request(
    client, board_member, engine, clock
):
    # Requests at 0 s (renewed) and 59 s (not renewed): the session ends 3,600 s after 0 s, i.e. 3,541 s
    # after the last request — the idle timeout is exact to within RENEW_EVERY, and never longer.
    client.force_login(board_member)
    client.get(PAGE)
    clock.move_to(START + dt.timedelta(seconds=59))
    client.get(PAGE)
    clock.move_to(START + dt.timedelta(seconds=IDLE - 1))
    assert signed_in(client.get(PAGE))  # a renewal (more than a minute since the last)
    clock.move_to(START + dt.timedelta(seconds=2 * IDLE - 2))
    assert signed_in(client.get(PAGE))
    clock.move_to(START + dt.timedelta(seconds=3 * IDLE))  # an hour and 2 s idle
    assert not signed_in(client.get(PAGE))


def test_signing_out_ends_the_session_and_makes_no_new_one(client, board_member, engine, clock):
    client.force_login(board_member)
    client.get(PAGE)
    key = client.session.session_key
    with engine as writes:
        response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert writes.count == 0  # the flushed session is not written again for its stamp
    assert not response.cookies[django_settings.SESSION_COOKIE_NAME].value  # the cookie deleted
    assert not client.session.exists(key)
    # The next request, with no session, makes none.
    response = client.get(reverse("home"))
    assert not response.wsgi_request.session.session_key
    if django_settings.SESSION_ENGINE.endswith(".db"):
        assert not Session.objects.exists()


def test_a_cookie_naming_no_session_makes_none(client, engine, clock):
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "x" * 32
    with engine as writes:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert writes.count == 0
    assert not response.wsgi_request.user.is_authenticated


def test_signing_in_stamps_the_new_session_and_the_next_requests_write_nothing(client, board_member, engine, clock):
    clock.move_to(START + dt.timedelta(seconds=10))
    response = sign_in(client, board_member)
    assert response.status_code == 302
    assert client.session[RENEWED_KEY] == int(START.timestamp()) + 10
    with engine as writes:
        clock.move_to(START + dt.timedelta(seconds=20))
        assert signed_in(client.get(PAGE))
    assert writes.count == 0


def test_two_factor_state_is_kept_across_requests_and_renewals(client, secretariat, engine, clock, settings):
    settings.TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=secretariat, name="default", confirmed=True)
    sign_in(client, secretariat)
    give_code(client, current_token(device))
    assert client.session.get("otp_device_id")
    with engine as writes:
        for second in (5, 30, 59):
            clock.move_to(START + dt.timedelta(seconds=second))
            response = client.get(PAGE)
            assert signed_in(response)
            assert response.wsgi_request.user.is_verified()
        assert writes.count == 0  # signed in at 0 s: the sign-in wrote the stamp
        clock.move_to(START + dt.timedelta(seconds=90))
        response = client.get(PAGE)
        assert writes.count == 1
    assert response.wsgi_request.user.is_verified()


def test_sign_in_throttling_still_locks_out(client, board_member, engine, clock, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, board_member, password="wrong")
    assert sign_in(client, board_member).status_code == 429
    assert "_auth_user_id" not in client.session


def test_redis_sessions_are_written_once_a_minute(client, board_member, settings, clock):
    settings.CACHES = {**settings.CACHES, "sessions": redis_cache_settings(unique_prefix())["default"]}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.SESSION_COOKIE_AGE = IDLE
    client.force_login(board_member)
    _without_stamp(client)
    with CacheWrites(caches["sessions"]) as writes:
        for second in (0, 20, 40, 59):
            clock.move_to(START + dt.timedelta(seconds=second))
            assert signed_in(client.get(PAGE))
        assert writes.count == 1
        clock.move_to(START + dt.timedelta(seconds=61))
        assert signed_in(client.get(PAGE))
        assert writes.count == 2
    # The store's own expiry: Redis ends the session an idle timeout after the last renewal.
    assert 0 < caches["sessions"].ttl("django.contrib.sessions.cache" + client.session.session_key) <= IDLE


@pytest.mark.parametrize(
    ("renewed", "now", "expected"),
    [(None, 100, True), ("100", 100, True), (100, 100, False), (100, 159, False), (100, 160, True), (200, 100, True)],
)
def test_due(renewed, now, expected):
    assert due(renewed, now) is expected


def test_an_idle_timeout_of_a_minute_or_less_is_refused_at_start():
    # One subprocess (a Django start); the default, 3600, is tests/hardening/test_security.py's.
    result = settings_of("s.SESSION_COOKIE_AGE", SESSION_IDLE_TIMEOUT="60")
    assert result.returncode != 0
    assert "SESSION_IDLE_TIMEOUT=60: use more than 60 seconds" in result.stderr
