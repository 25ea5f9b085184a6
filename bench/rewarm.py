"""
What a write costs the readers: the server time to make a typical visit's pages warm again after a write.

    REDIS_URL=redis://127.0.0.1:6379/0 python bench/rewarm.py --database-url postgres://postgres@127.0.0.1:5432/iisg_bench_100x

Any committed write makes every cached page stale (core/pagecache.py: a new site generation), so the
next reader of each page pays its full cost. In-process, with Django's test client (production
settings, bench.settings) and the page cache in Redis (REDIS_URL; without it nothing is cached and
every request is "cold"), for each of --rounds rounds:

1. warm: every page of the visit requested twice per persona (the second is a cache hit where the
   page cache or the audience's parts serve it);
2. the write: `core.pagecache.site_changed()`, what every committed model write does after its
   commit (--write save: a real `save()` of one organisation, through its signals, instead);
3. cold: each page requested once, in the visit's order, per persona: the time until the site is warm
   again is the sum of these requests' times (one process, one request at a time: server time, no
   network, no concurrency);
4. warm again: the same requests once more, for comparison.

The visit: home, the meetings list, the 6th Board meeting, the register of decisions, members; as
anonymous and as bench_board (force_login). Prints per page and persona the median over the rounds
(ms, queries, whether the cache answered), the totals, and the load average.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import describe_database, setup_django

VISIT = ["home", "meetings", "meeting-6th", "decisions", "members"]
PERSONAS = ["anonymous", "bench_board"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--database-url", help="the filled database (default: DATABASE_URL)")
    parser.add_argument("--rounds", type=int, default=3, help="warm, write, cold, warm again: this many times")
    parser.add_argument("--write", choices=["generation", "save"], default="generation")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="stop a request that runs longer")
    args = parser.parse_args()
    # Our own key prefix: never another run's (or the server's) pages.
    os.environ.setdefault("CACHE_KEY_PREFIX", f"bench-rewarm-{uuid.uuid4().hex[:8]}")
    setup_django(args.database_url)

    from django.conf import settings
    from django.test import Client

    from bench.pages import _configure_in_process, _users, page_list, timed_get
    from core import pagecache

    _configure_in_process(args.max_seconds)
    paths = dict(page_list())
    users = _users(PERSONAS)
    clients = {}
    for persona, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[persona] = client

    load_start = os.getloadavg()
    print(f"Database: {describe_database()}")
    cache = f"on, {settings.PAGE_CACHE_SECONDS} s, Redis" if pagecache.enabled() else "OFF (no REDIS_URL)"
    load = " ".join(f"{x:.2f}" for x in load_start)
    print(f"Page cache: {cache} · write: {args.write} · rounds: {args.rounds} · load average at the start {load}")

    def visit() -> list[dict]:
        samples = []
        for persona in PERSONAS:
            for key in VISIT:
                sample = timed_get(clients[persona], paths[key], args.max_seconds)
                if sample["status"] != 200:
                    sys.exit(f"{key} as {persona}: {sample['status']} {sample.get('error', '')}")
                sample.update(key=key, persona=persona)
                samples.append(sample)
        return samples

    def write() -> None:
        if args.write == "save":
            from members.models import Organisation

            Organisation.objects.order_by("pk").first().save()
        else:
            pagecache.site_changed()

    cold_rounds, warm_rounds, write_seconds = [], [], []
    for _ in range(args.rounds):
        visit()
        visit()
        started = time.perf_counter()
        write()
        write_seconds.append(time.perf_counter() - started)
        cold_rounds.append(visit())
        warm_rounds.append(visit())

    load_end = os.getloadavg()

    def median(rounds, index, field):
        return statistics.median(round_[index][field] for round_ in rounds)

    print()
    print(
        "| page | persona | cold ms (after the write) | its CPU ms | its SQL ms | queries | warm ms (again) | queries |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for index, sample in enumerate(cold_rounds[0]):
        print(
            f"| {sample['key']} | {sample['persona']} | {median(cold_rounds, index, 'seconds') * 1000:.1f} "
            f"| {median(cold_rounds, index, 'cpu_seconds') * 1000:.1f} "
            f"| {median(cold_rounds, index, 'sql_seconds') * 1000:.1f} "
            f"| {median(cold_rounds, index, 'queries'):.0f} | {median(warm_rounds, index, 'seconds') * 1000:.1f} "
            f"| {median(warm_rounds, index, 'queries'):.0f} |"
        )

    def total(rounds, field, persona=None):
        return statistics.median(sum(s[field] for s in r if persona in (None, s["persona"])) for r in rounds) * 1000

    for persona in PERSONAS:
        print(
            f"| **all {len(VISIT)}** | {persona} | **{total(cold_rounds, 'seconds', persona):.0f}** "
            f"| {total(cold_rounds, 'cpu_seconds', persona):.0f} | {total(cold_rounds, 'sql_seconds', persona):.0f} | "
            f"| {total(warm_rounds, 'seconds', persona):.0f} | |"
        )
    cold_total = statistics.median(sum(s["seconds"] for s in r) for r in cold_rounds)
    warm_total = statistics.median(sum(s["seconds"] for s in r) for r in warm_rounds)
    print(
        f"\nWarm again after a write: {cold_total * 1000:.0f} ms of server time for the {len(VISIT)} pages × "
        f"{len(PERSONAS)} personas (median of {args.rounds} rounds; warm: {warm_total * 1000:.0f} ms); "
        f"the write itself {statistics.median(write_seconds) * 1000:.1f} ms. Of the cold visit: "
        f"{total(cold_rounds, 'cpu_seconds'):.0f} ms CPU of this process, "
        f"{total(cold_rounds, 'sql_seconds'):.0f} ms in SQL."
    )
    print(f"Load average at the end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
