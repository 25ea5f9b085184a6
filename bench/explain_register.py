"""
The plans PostgreSQL chooses for the register's filters (issue 20), on a database bench/volume.py filled:
every query of the register's page and of its feed for each URL below is run again with EXPLAIN
(ANALYZE, BUFFERS) and its plan printed, with the total time and whether any node reads a whole
decisions table (a sequential scan of decisions_decision or of its link tables).

    python bench/explain_register.py --database-url postgres://postgres@127.0.0.1:5432/iisg_bench_100x
"""

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

URLS = [
    "/decisions/",
    "/decisions/?did=admitted&from=2020-01-01",
    "/decisions/?did=ended",
    "/decisions/?did=appointed",
    "/decisions/?did=adopted",
    "/decisions/?did=none",
    "/decisions/?from=2021-01-01&to=2021-12-31",
    "/decisions/feed.atom?did=admitted",
]
SCANNED = ("Seq Scan on decisions_decision ", "Seq Scan on decisions_decision_")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--plans", action="store_true", help="print every plan, not only the slow or scanning ones")
    args = parser.parse_args()
    from bench.common import setup_django

    setup_django(args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    assert connection.vendor == "postgresql", "EXPLAIN of PostgreSQL's plans: name a PostgreSQL database"
    settings.TWO_FACTOR_REQUIRED = False
    settings.SECURE_SSL_REDIRECT = False
    # No collectstatic needed: plain static file names instead of the manifest (as bench/pages.py).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM decisions_decision")
        print(f"{cursor.fetchone()[0]} decisions")
    for url in URLS:
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        print(f"\n=== {url}: {response.status_code}, {len(queries)} queries")
        for number, query in enumerate(queries.captured_queries, 1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "(SELECT", "WITH")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            total = next((line for line in plan if line.startswith("Execution Time")), "")
            scans = [line.strip() for line in plan if any(s in line for s in SCANNED)]
            print(f"  {number:2}. {total}{'  SCANS: ' + '; '.join(scans) if scans else ''}  {sql[:110]}")
            if args.plans or scans:
                print("      " + "\n      ".join(plan))


if __name__ == "__main__":
    main()
