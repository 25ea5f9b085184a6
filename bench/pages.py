"""
Time every public and member page in-process, per persona, on a database that bench/volume.py filled.

    python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/iisg_bench_100x --repeat 10 --json 100x.json
    python bench/pages.py --compare 1x.json 100x.json

Each page is requested with Django's test client (production settings: DEBUG off, bench.settings)
as anonymous, bench_board and bench_secretariat (force_login: no sign-in, no second factor; the
Secretariat's second-factor rule is lifted in this process only). After --warmup requests, up to
--repeat timed requests; for each: the number of SQL queries, the time spent in them, the total
time, the response size (a streamed response is read to the end). A request that runs longer than
--max-seconds is stopped (an alarm signal; on PostgreSQL also statement_timeout) and the page is
reported as a timeout; a page stops repeating once its timed requests took --budget-seconds.

URLs are paths (the page list below), not URL names, so that the script survives moving views
between modules; meetings and organisations give their own get_absolute_url().
"""

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, describe_database, setup_django

PERSONAS = ["anonymous", "bench_board", "bench_secretariat"]


class PageTimeout(BaseException):
    """Raised by the alarm signal: a BaseException, so that no view or middleware turns it into a 500 page."""


def _discover():
    """The records the page list needs: the 6th Board meeting, the large meeting, an organisation."""
    from django.db.models import Count

    from bench.volume import LARGE_MEETING_SLUG
    from meetings.models import Meeting
    from members.models import Organisation, Person, Pillar

    sixth = Meeting.objects.filter(kind="board", ordinal=6).first()
    if sixth is None:
        sys.exit("No 6th Board meeting in this database: fill it with bench/volume.py first.")
    large = Meeting.objects.filter(slug=LARGE_MEETING_SLUG).first()
    if large is None:  # a database filled otherwise: the meeting with the most participations
        large = Meeting.objects.annotate(n=Count("participations")).order_by("-n").first()
    organisation = Organisation.objects.filter(name="European Commission").first() or Organisation.objects.first()
    person = Person.objects.filter(slug="agron-sojati").first() or Person.objects.order_by("pk").first()
    pillar = Pillar.objects.order_by("code").first()
    return sixth, large, organisation, person, pillar


def page_list() -> list[tuple[str, str]]:
    """(key, path) of every page measured; the bare reference views first."""
    from bench.urls import BARE_PATH, BARE_UNCACHED_PATH
    from bench.volume import COMMON_WORD, RARE_WORD
    from decisions.models import Decision

    sixth, large, organisation, person, pillar = _discover()
    decision_pk = Decision.objects.filter(meeting=sixth).values_list("pk", flat=True).first()
    return [
        ("bare", BARE_PATH),
        ("bare-uncached", BARE_UNCACHED_PATH),
        ("home", "/"),
        ("meetings", "/meetings/"),
        ("meeting-6th", sixth.get_absolute_url()),
        ("meeting-large", large.get_absolute_url()),
        ("decisions", "/decisions/"),
        ("decisions-q-common", f"/decisions/?q={COMMON_WORD}"),
        ("decisions-q-rare", f"/decisions/?q={RARE_WORD}"),
        # issue 20: register — the effect filter and a date range, and the feeds.
        ("decisions-admitted", "/decisions/?did=admitted&from=2020-01-01"),
        ("decisions-none", "/decisions/?did=none"),
        ("decisions-range", "/decisions/?from=2021-01-01&to=2021-12-31"),
        ("feed-decisions", "/decisions/feed.atom"),
        ("feed-decisions-admitted", "/decisions/feed.atom?did=admitted"),
        ("feed-meetings", "/meetings/feed.atom"),
        ("export-csv", "/decisions/export.csv"),
        ("export-json", "/decisions/export.json"),
        ("search-common", f"/search/?q={COMMON_WORD}"),
        ("search-rare", f"/search/?q={RARE_WORD}"),
        ("ics-all", "/meetings.ics"),
        ("ics-meeting", f"/meetings/{sixth.slug}.ics"),
        ("pdf-6th", f"/meetings/{sixth.slug}/record.pdf"),
        # issue 23: the large meeting's record PDF (goal under 100 ms uncached).
        ("pdf-large", f"/meetings/{large.slug}/record.pdf"),
        ("members", "/members/"),
        ("organisation", organisation.get_absolute_url()),
        ("person", person.get_absolute_url()),
        ("pillar", pillar.get_absolute_url()),
        ("documents", "/documents/"),
        ("actions", "/actions/"),
        # issue 21: api — the open-data API's lists (always the public's answer), the first and a far page.
        ("api-organizations", "/api/v1/organizations/"),
        ("api-persons", "/api/v1/persons/"),
        ("api-memberships", "/api/v1/memberships/"),
        ("api-memberships-roles", "/api/v1/memberships/?classification=post"),
        ("api-posts", "/api/v1/posts/"),
        ("api-events", "/api/v1/events/"),
        ("api-decisions", "/api/v1/decisions/"),
        ("api-decisions-page-40", "/api/v1/decisions/?page=40"),
        ("api-decisions-admitted", "/api/v1/decisions/?did=admitted&from=2020-01-01"),
        ("api-decisions-100", "/api/v1/decisions/?per_page=100"),
        ("api-decision", f"/api/v1/decisions/{decision_pk}/"),
    ]


def _configure_in_process(max_seconds: float) -> None:
    """Settings for in-process timing; applied before the first request and the first connection."""
    from django.conf import settings
    from django.db import connections

    # The Secretariat persona has no second factor (force_login bypasses the sign-in anyway).
    settings.TWO_FACTOR_REQUIRED = False
    settings.AXES_ENABLED = False
    settings.SECURE_SSL_REDIRECT = False
    # No collectstatic needed: plain static file names instead of the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    connection = connections["default"]
    # One connection for the whole run: the time of a page, not of connecting (gunicorn in
    # load.sh connects per request unless CONN_MAX_AGE is set).
    connection.settings_dict["CONN_MAX_AGE"] = None
    if connection.vendor == "postgresql":
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c statement_timeout={int(max_seconds * 1000)}".strip()


def _on_alarm(signum, frame):
    raise PageTimeout


def timed_get(client, path: str, max_seconds: float) -> dict:
    """One request: status, wall-clock and CPU seconds, queries, SQL seconds, bytes; or a timeout or error."""
    from django.db import OperationalError, connection, connections

    sql_times: list[float] = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_times.append(time.perf_counter() - started)

    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max_seconds)
    cpu_started = time.process_time()
    started = time.perf_counter()
    try:
        with connection.execute_wrapper(count):
            response = client.get(path)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
                response.close()
            else:
                size = len(response.content)
        outcome = {"status": response.status_code, "size": size}
    except PageTimeout:
        outcome = {"status": "timeout"}
    except OperationalError as exc:
        outcome = {"status": "timeout" if "statement timeout" in str(exc) else "error", "error": str(exc)[:200]}
    except Exception as exc:  # a 500: the test client re-raises the view's exception
        outcome = {"status": "error", "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if outcome["status"] in ("timeout", "error"):
        connections.close_all()  # a request cut short may leave its connection mid-query
    outcome.update(seconds=elapsed, cpu_seconds=cpu, queries=len(sql_times), sql_seconds=sum(sql_times))
    return outcome


def measure(key, path, persona, client, args) -> dict:
    result = {"page": key, "path": path, "persona": persona, "times_ms": [], "cpu_ms": [], "sql_ms": [], "queries": []}
    for _ in range(args.warmup):
        sample = timed_get(client, path, args.max_seconds)
        result.setdefault("warmup_ms", []).append(round(sample["seconds"] * 1000, 2))
        if sample["status"] in ("timeout", "error"):
            result.update(status=sample["status"], error=sample.get("error"))
            return result
    spent = 0.0
    for _ in range(args.repeat):
        sample = timed_get(client, path, args.max_seconds)
        if sample["status"] in ("timeout", "error"):
            result.update(status=sample["status"], error=sample.get("error"))
            break
        result["status"] = sample["status"]
        result["size"] = sample["size"]
        result["times_ms"].append(round(sample["seconds"] * 1000, 3))
        result["cpu_ms"].append(round(sample["cpu_seconds"] * 1000, 3))
        result["sql_ms"].append(round(sample["sql_seconds"] * 1000, 3))
        result["queries"].append(sample["queries"])
        spent += sample["seconds"]
        if spent >= args.budget_seconds:
            break
    return result


def profile(key, path, persona, client, directory: Path) -> None:
    """One more request under cProfile; the top functions by cumulative and own time to DIR/key-persona.txt."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        response = client.get(path)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
    finally:
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{key}-{persona}.txt").write_text(f"{path} as {persona}\n{out.getvalue()}")


def _users(personas):
    from django.contrib.auth import get_user_model

    users = {}
    for persona in personas:
        if persona == "anonymous":
            users[persona] = None
            continue
        user = get_user_model().objects.filter(username=persona).first()
        if user is None:
            sys.exit(f"No user {persona!r} in this database: fill it with bench/volume.py first.")
        users[persona] = user
    return users


def _meta(args) -> dict:
    from django import get_version

    from bench.volume import row_counts

    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "django": get_version(),
        "database": describe_database(),
        "commit": commit,
        "rows": row_counts(),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "max_seconds": args.max_seconds,
        "budget_seconds": args.budget_seconds,
    }


# --- reporting ------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _size(n) -> str:
    if n is None:
        return ""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} KB"
    return f"{n} B"


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def summary(result: dict, max_seconds: float | None = None) -> dict:
    """Median, p95 and the rest of one page and persona, or why there are none."""
    times = result.get("times_ms") or []
    if not times:
        over = f"> {max_seconds:g} s" if max_seconds else "timeout"
        label = over if result.get("status") == "timeout" else "error"
        return {"status": result.get("status"), "median": None, "p95": None, "label": label}
    queries = sorted(set(result["queries"]))
    return {
        "status": result.get("status"),
        "median": statistics.median(times),
        "p95": p95(times),
        "sql": statistics.median(result["sql_ms"]),
        "cpu": statistics.median(result["cpu_ms"]) if result.get("cpu_ms") else None,
        "queries": str(queries[0]) if len(queries) == 1 else f"{queries[0]}–{queries[-1]}",
        "size": result.get("size"),
        "runs": len(times),
    }


def markdown_table(results: list[dict], max_seconds: float | None = None) -> str:
    lines = [
        "| page | path | persona | status | queries | SQL ms | CPU ms | median ms | p95 ms | size | runs |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        s = summary(result, max_seconds)
        if s["median"] is None:
            lines.append(
                f"| {result['page']} | `{result['path']}` | {result['persona']} | {s['status']} | | | | "
                f"{s['label']} | | | 0 |"
            )
            continue
        lines.append(
            f"| {result['page']} | `{result['path']}` | {result['persona']} | {s['status']} | {s['queries']} | "
            f"{_ms(s['sql'])} | {_ms(s['cpu']) if s['cpu'] is not None else ''} | {_ms(s['median'])} | {_ms(s['p95'])} "
            f"| {_size(s['size'])} | {s['runs']} |"
        )
    return "\n".join(lines)


def compare(file_a: str, file_b: str) -> str:
    """Ratio table of two --json files (B / A), e.g. 100x against 1x."""
    a, b = (json.loads(Path(f).read_text()) for f in (file_a, file_b))
    in_a = {(r["page"], r["persona"]): r for r in a["results"]}
    name_a, name_b = Path(file_a).stem, Path(file_b).stem
    lines = [
        f"Ratios {name_b} / {name_a} ({a['meta']['date']} and {b['meta']['date']}); goal: ≤ 1.5× (✗ above).",
        "",
        f"| page | persona | median {name_a} ms | median {name_b} ms | ratio | p95 ratio | CPU ratio "
        f"| queries {name_a} → {name_b} | size {name_a} → {name_b} | |",
        "|---|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for result in b["results"]:
        key = (result["page"], result["persona"])
        if key not in in_a:
            continue
        sa = summary(in_a[key], a["meta"].get("max_seconds"))
        sb = summary(result, b["meta"].get("max_seconds"))
        if sa["median"] is None or sb["median"] is None:
            ma = sa["label"] if sa["median"] is None else _ms(sa["median"])
            mb = sb["label"] if sb["median"] is None else _ms(sb["median"])
            if sa["median"] is not None and sb["status"] == "timeout":
                ratio = f"> {b['meta']['max_seconds'] * 1000 / sa['median']:,.0f}×"
            else:
                ratio = "–"
            lines.append(f"| {key[0]} | {key[1]} | {ma} | {mb} | {ratio} | | | | | ✗ |")
            continue
        ratio = sb["median"] / sa["median"]
        p95_ratio = sb["p95"] / sa["p95"]
        cpu_ratio = f"{sb['cpu'] / sa['cpu']:.2f}×" if sa.get("cpu") and sb.get("cpu") else ""
        lines.append(
            f"| {key[0]} | {key[1]} | {_ms(sa['median'])} | {_ms(sb['median'])} | {ratio:.2f}× | {p95_ratio:.2f}× "
            f"| {cpu_ratio} "
            f"| {sa['queries']} → {sb['queries']} | {_size(sa['size'])} → {_size(sb['size'])} "
            f"| {'✗' if ratio > 1.5 else '✓'} |"
        )
    return "\n".join(lines)


def _rows_line(meta: dict) -> str:
    rows = meta.get("rows", {})
    short = {label.split(".")[1]: count for label, count in rows.items()}
    return ", ".join(f"{count:,} {name}" for name, count in short.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--database-url", help="the database bench/volume.py filled (default: DATABASE_URL)")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page and persona (default 10)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests first (default 1)")
    parser.add_argument("--max-seconds", type=float, default=30, help="stop a request after this long (default 30)")
    parser.add_argument(
        "--budget-seconds", type=float, default=60, help="stop repeating a page once its runs took this long"
    )
    parser.add_argument("--pages", help="comma-separated page keys (default: all; see --paths)")
    parser.add_argument("--personas", default=",".join(PERSONAS), help="comma-separated (default: all three)")
    parser.add_argument("--json", metavar="FILE", help="write the raw numbers here")
    parser.add_argument("--compare", nargs=2, metavar=("FILE1", "FILE2"), help="ratio table of two --json files")
    parser.add_argument("--paths", action="store_true", help="print each page's key and path, and stop")
    parser.add_argument("--profile", metavar="DIR", help="also profile one request per page and persona into DIR")
    args = parser.parse_args()

    if args.compare:
        print(compare(*args.compare))
        return

    # whitenoise looks for collected static files, which the in-process bench does not need.
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django(args.database_url)
    _configure_in_process(args.max_seconds)
    pages = page_list()
    if args.paths:
        for key, path in pages:
            print(f"{key}\t{path}")
        return
    if args.pages:
        wanted = args.pages.split(",")
        unknown = set(wanted) - {key for key, _path in pages}
        if unknown:
            sys.exit(f"Unknown page keys: {', '.join(sorted(unknown))}. Known: {', '.join(k for k, _p in pages)}")
        pages = [(key, path) for key, path in pages if key in wanted]

    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's template and response hooks
    users = _users(args.personas.split(","))
    # As iisg_portal/wsgi.py does in production: what is loaded so far is kept out of the garbage
    # collector's full collections, which would otherwise land in some pages' times.
    gc.freeze()
    meta = _meta(args)
    print(f"# {meta['database']} — {_rows_line(meta)}", file=sys.stderr)

    results = []
    for key, path in pages:
        for persona, user in users.items():
            client = Client(raise_request_exception=True)
            if user is not None:
                client.force_login(user)
            result = measure(key, path, persona, client, args)
            results.append(result)
            s = summary(result, args.max_seconds)
            shown = s["label"] if s["median"] is None else f"median {_ms(s['median'])} ms, {s['queries']} queries"
            print(f"  {key:<20} {persona:<18} {shown}", file=sys.stderr, flush=True)
            if args.profile and s["median"] is not None:
                profile(key, path, persona, client, Path(args.profile))

    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(
        f"\n{meta['date']} · {meta['host']} ({meta['cpus']} CPUs, load {meta['load_average_start'][0]} → "
        f"{meta['load_average_end'][0]}) · {meta['database']} · Django {meta['django']} · commit {meta['commit']}\n"
        f"Rows: {_rows_line(meta)}\n"
        f"{args.repeat} timed requests per page after {args.warmup} warm-up (fewer when the runs exceed "
        f"{args.budget_seconds:g} s), each stopped after {args.max_seconds:g} s.\n"
    )
    print(markdown_table(results, args.max_seconds))
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1))
        print(f"\nRaw numbers: {args.json}")


if __name__ == "__main__":
    main()
