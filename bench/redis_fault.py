"""
What a misbehaving Redis costs a page, in-process, on a database that bench/volume.py filled.

    python bench/redis_fault.py --database-url postgres://postgres@127.0.0.1:5432/iisg_bench_1x --requests 40
    python bench/redis_fault.py ... --before   # also the settings before the circuit breaker (slow: seconds a page)

For each page (as the public, and the Board member's meeting page), `--requests` requests in a row under:

- `no cache`: no Redis at all (DummyCache), the page rendered each time: the floor the issue compares with;
- `cache hit`: Redis answering, the page served from it (public pages) — with the generation read from the
  database (one primary-key query; core/pagecache.py);
- `hung`: a Redis that accepts connections and never answers (tests/redis_faults.HungRedis), with the
  production settings (REDIS_TIMEOUT_MS=50, the circuit breaker of core/redis_breaker.py);
- `hung, before` (--before): the same Redis with the settings before this change: 2 s timeouts, no breaker.

It prints the median and mean time of each, and the ratio of the hung mean to the no-cache mean (the goal:
at most 2). The mean counts the first request, which pays the one timeout of the pause.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import describe_database, setup_django


def cache_settings(location: str | None, *, timeout_s: float, breaker: bool, prefix: str) -> dict:
    if location is None:
        return {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    options = {"SOCKET_CONNECT_TIMEOUT": timeout_s, "SOCKET_TIMEOUT": timeout_s, "IGNORE_EXCEPTIONS": True}
    if breaker:
        options["CONNECTION_POOL_CLASS"] = "core.redis_breaker.GuardedConnectionPool"
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": options,
        }
    }


def run(client, path: str, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="a real Redis, for the cache hit row")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--before", action="store_true", help="also the settings before the breaker (slow)")
    args = parser.parse_args()
    setup_django(args.database_url)

    import logging
    import uuid

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from bench.pages import _configure_in_process, _discover
    from core import pagecache
    from core.redis_breaker import breaker
    from tests.redis_faults import HungRedis

    logging.disable(logging.CRITICAL)  # the breaker's warning, once per pause
    _configure_in_process(60)
    sixth, _, organisation, _, _ = _discover()
    board = get_user_model().objects.get(username="bench_board")
    pages = [
        ("anonymous", "home", "/"),
        ("anonymous", "meeting-6th", sixth.get_absolute_url()),
        ("anonymous", "decisions", "/decisions/"),
        ("anonymous", "organisation", organisation.get_absolute_url()),
        ("bench_board", "meeting-6th", sixth.get_absolute_url()),
    ]
    hung = HungRedis()
    prefix = f"iisg-bench-{uuid.uuid4().hex[:8]}"
    conditions = [
        ("no cache", None, 0.05, True, 0),
        ("cache hit", args.redis_url, 0.05, True, 300),
        ("hung", hung.url, settings.REDIS_TIMEOUT_MS / 1000, True, 300),
    ]
    if args.before:
        # Another database number: another pool (django-redis keeps one per URL), without the breaker.
        conditions.append(("hung, before", hung.url.replace("/0", "/1"), 2.0, False, 300))
    print(f"# {describe_database()}; {args.requests} requests per page and condition")
    print(f"# REDIS_TIMEOUT_MS={settings.REDIS_TIMEOUT_MS}, REDIS_PAUSE_SECONDS={settings.REDIS_PAUSE_SECONDS}")
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    for name, location, timeout_s, use_breaker, page_seconds in conditions:
        caches = cache_settings(location, timeout_s=timeout_s, breaker=use_breaker, prefix=prefix)
        with override_settings(CACHES=caches, PAGE_CACHE_SECONDS=page_seconds):
            for persona, key, path in pages:
                breaker.reset()
                client = Client()
                if persona != "anonymous":
                    client.force_login(board)
                client.get(path)  # warm: templates, connections, and for "cache hit" the stored page
                if name.startswith("hung"):
                    breaker.reset()  # the first timed request pays the pause's one timeout
                requests = args.requests if name != "hung, before" else max(3, args.requests // 10)
                results.setdefault((persona, key), {})[name] = run(client, path, requests)
    generation_reads = []
    for _ in range(2000):
        started = time.perf_counter()
        pagecache.current_generation()
        generation_reads.append((time.perf_counter() - started) * 1000)
    hung.close()

    names = [name for name, *_ in conditions]
    header = "| page | persona | " + " | ".join(f"{n} median / mean ms" for n in names) + " | hung ÷ no cache (mean) |"
    print(header)
    print("|" + "---|" * (len(names) + 3))
    for (persona, key), by_condition in results.items():
        cells = [f"{statistics.median(by_condition[n]):.1f} / {statistics.mean(by_condition[n]):.1f}" for n in names]
        ratio = statistics.mean(by_condition["hung"]) / statistics.mean(by_condition["no cache"])
        print(f"| {key} | {persona} | " + " | ".join(cells) + f" | {ratio:.2f} |")
    p95 = sorted(generation_reads)[int(len(generation_reads) * 0.95)]
    print(
        f"\nThe generation's read (core.pagecache.current_generation): median "
        f"{statistics.median(generation_reads) * 1000:.0f} µs, p95 {p95 * 1000:.0f} µs "
        f"over {len(generation_reads)} reads"
    )


if __name__ == "__main__":
    main()
