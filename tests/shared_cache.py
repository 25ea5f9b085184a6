"""
The Redis the tests use (127.0.0.1:6379, or TEST_REDIS_URL), each test under its own key prefix so
that runs sharing one Redis never see each other's keys. On a developer machine without Redis, the
tests that need it are skipped, saying so; in CI (CI=true) they fail instead: .ci/run starts Redis.
"""

import os
import uuid

import pytest
import redis

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis() -> str:
    """The Redis URL, once Redis answers; skip (fail in CI) when it does not."""
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        reason = f"Redis is not reachable at {TEST_REDIS_URL} ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: in CI it must run (.ci/run starts redis-server).")
        pytest.skip(f"{reason}: start redis-server to run this test.")
    return TEST_REDIS_URL


def unique_prefix() -> str:
    return f"iisg-test-{uuid.uuid4().hex[:12]}"


def redis_cache_settings(prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": require_redis(),
            "KEY_PREFIX": prefix,
        }
    }


def delete_prefix(prefix: str) -> None:
    """Remove every key of one test (never FLUSHDB: the Redis may be shared)."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
