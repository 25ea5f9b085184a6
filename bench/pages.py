"""
Page benchmark: median server time and query count of the main pages, per role.

Builds a throw-away SQLite (or DATABASE_URL) database with the demo data plus synthetic meetings,
then requests each page through Django's test client. Times are for comparison between runs on the
same machine, never asserted in tests (query counts are, in tests/).

    .venv/bin/python bench/pages.py --meetings 200 --repeat 20
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--meetings", type=int, default=200, help="synthetic meetings besides the demo one")
    parser.add_argument("--decisions", type=int, default=10, help="decisions per synthetic meeting")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page and role")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="iisg-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.update(DEBUG="0", SECRET_KEY="bench-only", ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iisg_portal.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.TWO_FACTOR_REQUIRED = False
    settings.AXES_ENABLED = False

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    users = _synthetic_data(args.meetings, args.decisions)

    urls = [
        "/",
        "/meetings/",
        "/meetings/6th-board-meeting-2022/",
        "/decisions/",
        "/decisions/?verb=approved",
        "/members/",
        "/people/agron-sojati/",
        "/pillars/WBCTi/",
        "/documents/",
        "/actions/",
        "/search/?q=needs+mapping",
        "/meetings.ics",
        "/decisions/export.csv",
        "/meetings/6th-board-meeting-2022/record.pdf",
    ]
    print(f"{'page':<48} {'role':<12} {'status':>6} {'queries':>8} {'median ms':>10}")
    for url in urls:
        for role, user in users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            # A wrapper on the connection, not its query log: each request clears the log.
            with connection.execute_wrapper(count):
                client.get(url)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{url:<48} {role:<12} {response.status_code:>6} {len(queries):>8} {statistics.median(times):>10.1f}")


def _synthetic_data(meetings: int, decisions: int) -> dict:
    import datetime as dt

    from django.contrib.auth.models import Group

    from tests import factories

    base = dt.datetime(2015, 1, 1, 9, tzinfo=dt.UTC)
    for n in range(meetings):
        start = base + dt.timedelta(days=14 * n)
        meeting = factories.MeetingFactory(ordinal=1000 + n, start=start, end=start + dt.timedelta(hours=8))
        for s in range(1, decisions + 1):
            factories.DecisionFactory(meeting=meeting, sequence=s, reference=f"B{1000 + n}/{start.year}/{s:02d}")
        factories.ParticipationFactory.create_batch(5, meeting=meeting)
        factories.AgendaItemFactory.create_batch(3, meeting=meeting)
    board = factories.UserFactory(username="bench-board")
    board.groups.add(Group.objects.get(name="Board members"))
    secretariat = factories.UserFactory(username="bench-secretariat")
    secretariat.groups.add(Group.objects.get(name="Secretariat"))
    return {"anonymous": None, "board": board, "secretariat": secretariat}


if __name__ == "__main__":
    main()
