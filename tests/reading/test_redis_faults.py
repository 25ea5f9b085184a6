"""
Redis that hangs, stops or is flushed, with the production cache settings (short timeouts, the circuit
breaker of core/redis_breaker.py, errors ignored), against servers the tests start themselves
(tests/redis_faults.py):

- a record withdrawn from the public while Redis misbehaves is never served to the public again once
  the Secretariat has been told so, even after Redis answers again with the page it stored before;
- a hung Redis is asked once, then left alone for the pause: pages are rendered as without a cache, and
  signing in and signed-in pages do not need it at all.
"""

import pytest
from django.test import Client
from django.urls import reverse

from core import pagecache
from core.redis_breaker import breaker
from tests.reading.conftest import MEMBER_MARKER
from tests.reading.test_no_leaks import read
from tests.redis_faults import HungRedis, RedisProxy
from tests.shared_cache import delete_prefix, require_redis, unique_prefix

pytestmark = pytest.mark.django_db

HIT, MISS = "hit", "miss"


def production_cache(location: str, prefix: str, *, timeout_ms: int = 50) -> dict:
    """CACHES as iisg_portal/settings.py makes them from REDIS_URL."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": timeout_ms / 1000,
                "SOCKET_TIMEOUT": timeout_ms / 1000,
                "CONNECTION_POOL_CLASS": "core.redis_breaker.GuardedConnectionPool",
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


@pytest.fixture(autouse=True)
def _closed_breaker():
    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture
def proxy(settings):
    """The page cache on the real Redis, through a proxy that can hang or stop it."""
    target = require_redis()
    server = RedisProxy(target)
    prefix = unique_prefix()
    settings.CACHES = production_cache(server.url, prefix)
    settings.PAGE_CACHE_SECONDS = 300
    server.prefix = prefix
    yield server
    server.close()
    delete_prefix(prefix)


@pytest.fixture
def hung(settings):
    """The page cache on a Redis that accepts connections and never answers."""
    server = HungRedis()
    settings.CACHES = production_cache(server.url, unique_prefix())
    settings.PAGE_CACHE_SECONDS = 300
    yield server
    server.close()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- A withdrawal cannot be lost -----------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["hang", "stop", "flush"])
def test_a_record_unpublished_while_redis_misbehaves_is_never_served_to_the_public_again(
    proxy, records, secretariat, committed, fault
):
    meeting = records["published"].meeting
    url = meeting.get_absolute_url()
    public = Client()
    assert public.get(url).headers[pagecache.STATUS_HEADER] == MISS
    assert public.get(url).headers[pagecache.STATUS_HEADER] == HIT

    if fault == "flush":
        delete_prefix(proxy.prefix)
    else:
        getattr(proxy, fault)()
    with committed():
        response = signed_in(secretariat).post(
            reverse("meetings-edit:unpublish", args=[meeting.slug]), {"reason": "Published by mistake."}, follow=True
        )
    assert "the public no longer sees this record" in read(response)

    # Redis answers again, with what it stored before; the pause is over.
    proxy.resume()
    breaker.close()
    after = public.get(url)
    assert after.status_code == 404
    assert after.headers.get(pagecache.STATUS_HEADER) != HIT
    assert meeting.title not in read(after)


def test_a_change_made_while_redis_hangs_reaches_every_audience_part(
    proxy, records, board_member, secretariat, committed
):
    """The Board member's record part (core.pagecache.for_audience) follows the same generation."""
    meeting = records["published"].meeting
    url = meeting.get_absolute_url()
    member = signed_in(board_member)
    assert MEMBER_MARKER in read(member.get(url))
    proxy.hang()
    with committed():
        signed_in(secretariat).post(
            reverse("meetings-edit:unpublish", args=[meeting.slug]), {"reason": "Published by mistake."}
        )
    proxy.resume()
    breaker.close()
    page = read(member.get(url))
    # Circulated again: the Board member reads it marked as a draft, not the published record kept before.
    assert "Published by mistake." in page


# --- A hung Redis costs one timeout per pause ------------------------------------------------------------


def test_a_hung_redis_is_asked_once_then_left_alone_for_the_pause(hung, records):
    url = records["published"].meeting.get_absolute_url()
    public = Client()
    first = public.get(url)
    assert first.status_code == 200
    assert records["published"].meeting.title in read(first)
    assert breaker.is_open()
    assert breaker.trips == 1
    connections, received = hung.connections, hung.received
    for _ in range(5):
        page = public.get(url)
        assert page.status_code == 200
        assert page.headers[pagecache.STATUS_HEADER] != HIT
    # Not one more connection or byte: the pages were rendered as without a cache.
    assert (hung.connections, hung.received) == (connections, received)
    assert breaker.trips == 1


def test_after_the_pause_redis_is_tried_again_once(hung, records):
    url = records["published"].meeting.get_absolute_url()
    public = Client()
    public.get(url)
    received = hung.received
    breaker.close()  # the pause is over
    assert public.get(url).status_code == 200
    assert hung.received > received
    assert breaker.is_open()
    assert breaker.trips == 2


def test_signing_in_and_signed_in_pages_do_not_need_redis(hung, records, board_member, client):
    """Sessions are in the database: a hung Redis neither signs anyone out nor blocks signing in."""
    client.force_login(board_member)
    page = client.get(records["published"].meeting.get_absolute_url())
    assert page.status_code == 200
    assert MEMBER_MARKER in read(page)
    assert "Sign out" in read(page)
    assert breaker.trips == 1
    assert client.get(reverse("decisions:decision-list")).status_code == 200
    assert breaker.trips == 1


def test_the_breaker_logs_once_per_pause_not_once_per_call(hung, records, caplog):
    url = records["published"].meeting.get_absolute_url()
    public = Client()
    with caplog.at_level("WARNING"):
        for _ in range(3):
            public.get(url)
    logged = [record for record in caplog.records if record.levelname in ("WARNING", "ERROR")]
    assert len(logged) == 1, [record.getMessage() for record in logged]
    assert "Redis did not answer" in logged[0].getMessage()
