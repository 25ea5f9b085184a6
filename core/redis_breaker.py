"""
A Redis that hangs costs little.

A stopped Redis refuses a connection at once; a hung one (frozen, overloaded, a network that drops
packets) accepts it and never answers, and each call waits for its socket timeout. A page makes several
cache calls, so with a 2-second timeout every request took 6 to 12 s and the site stalled. Two things fix it:

1. **Short timeouts** (`REDIS_TIMEOUT_MS`, default 50 ms for connecting and for each answer; Redis on a
   local network answers in well under a millisecond).
2. **A circuit breaker.** After one connection error or timeout, this process stops calling Redis for
   `REDIS_PAUSE_SECONDS` (default 10): every call fails at once, without touching the network, and
   django-redis (`IGNORE_EXCEPTIONS`) turns it into a cache miss, so pages are rendered as without a
   cache. After the pause the next call tries again; one more failure starts another pause. So a hung
   Redis costs one timeout per process per pause, not several per request.

Nothing the portal must remember is in Redis (sessions are in the database, and the page cache's
generation too: core/pagecache.py), so a call that fails loses nothing but time.

It sits at the lowest level, redis-py's connection: the pool (`GuardedConnectionPool`, named in
`CACHES[...]["OPTIONS"]["CONNECTION_POOL_CLASS"]`) makes connections of the class the URL asks for
(TCP, TLS, Unix socket) with the guard mixed in, so every command of every caller goes through it.
"""

import logging
import threading
import time

import redis
from django.conf import settings
from redis.connection import Connection, ConnectionPool

logger = logging.getLogger(__name__)


class BreakerOpen(redis.ConnectionError):
    """Not sent: Redis failed a moment ago, and this process leaves it alone for a while."""


class CircuitBreaker:
    """Per process (each gunicorn worker decides for itself), shared by its threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0
        self.trips = 0

    @property
    def pause_seconds(self) -> float:
        return settings.REDIS_PAUSE_SECONDS

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def check(self) -> None:
        if self.is_open():
            raise BreakerOpen("Redis failed a moment ago: not called until the pause ends")

    def trip(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            already_open = now < self._open_until
            self._open_until = now + self.pause_seconds
            if not already_open:
                self.trips += 1
        if not already_open:
            logger.warning(
                "Redis did not answer (%s: %s): pages are served without the cache for %s s",
                type(error).__name__,
                error,
                self.pause_seconds,
            )

    def close(self) -> None:
        """End the pause now: the next call tries Redis again."""
        with self._lock:
            self._open_until = 0.0

    def reset(self) -> None:
        """Closed, and no trip counted (tests; each process starts so)."""
        with self._lock:
            self._open_until = 0.0
            self.trips = 0


breaker = CircuitBreaker()

_FAILURES = (redis.ConnectionError, redis.TimeoutError)


def _through_breaker(call, *args, check: bool = True, **kwargs):
    """Run one redis-py connection step: refused at once while paused (`check`), tripping the breaker if it fails."""
    if check:
        breaker.check()
    try:
        return call(*args, **kwargs)
    except BreakerOpen:
        raise
    except _FAILURES as error:
        breaker.trip(error)
        raise


class _Guarded:
    """Mixed into a redis-py connection class: check the breaker before sending, trip it on failure."""

    def connect(self, *args, **kwargs):
        return _through_breaker(super().connect, *args, **kwargs)

    def send_packed_command(self, *args, **kwargs):
        return _through_breaker(super().send_packed_command, *args, **kwargs)

    def read_response(self, *args, **kwargs):
        # An answer already on its way is read even if another thread just tripped the breaker.
        return _through_breaker(super().read_response, *args, check=False, **kwargs)


_guarded_classes: dict[type, type] = {}


def guarded(connection_class: type) -> type:
    """`connection_class` with the breaker mixed in (made once per class)."""
    if issubclass(connection_class, _Guarded):
        return connection_class
    if connection_class not in _guarded_classes:
        _guarded_classes[connection_class] = type(
            f"Guarded{connection_class.__name__}", (_Guarded, connection_class), {}
        )
    return _guarded_classes[connection_class]


class GuardedConnectionPool(ConnectionPool):
    """A redis-py pool whose connections (of the class the URL chose) go through the breaker."""

    def __init__(self, connection_class=Connection, **kwargs):
        super().__init__(connection_class=guarded(connection_class), **kwargs)


class SkipReportedByBreaker(logging.Filter):
    """
    django-redis logs every ignored exception with its traceback: while Redis is paused that would be
    every cache call. A connection error or timeout is reported once per pause by the breaker (above);
    this drops django-redis's copies of those. Other errors (a refused command) are still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        while error is not None:
            if isinstance(error, _FAILURES):
                return False
            error = error.__cause__
        return True
