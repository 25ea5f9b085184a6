"""
What e-mail as each reader chooses it costs (core/notifications.py), on a scratch database it fills and
empties itself: `notify()` for N readers (a third turned the kind off, a third chose the digest), and
`send_digests()` for N users with 5 queued items each, the e-mails kept in memory (locmem backend).

    .venv/bin/python bench/mail.py --database-url sqlite:////tmp/iisg-bench-mail.sqlite3 --readers 1000

Prints queries and seconds for each; run it twice to see that the second digest run sends nothing.
"""

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import describe_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--readers", type=int, default=1000)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from core import notifications
    from core.models import DigestItem, EmailPreferences

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    User = get_user_model()
    User.objects.filter(username__startswith="bench-mail-").delete()
    User.objects.bulk_create(
        [User(username=f"bench-mail-{n}", email=f"bench-mail-{n}@example.org") for n in range(args.readers)]
    )
    users = list(User.objects.filter(username__startswith="bench-mail-").order_by("pk"))
    EmailPreferences.objects.bulk_create(
        [
            EmailPreferences(
                user=user,
                choices={"meetings.published": False} if n % 3 == 1 else {},
                delivery=("digest" if n % 3 == 2 else "single"),
            )
            for n, user in enumerate(users)
        ]
    )
    print(f"{describe_database()}, {len(users)} readers")

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        started = time.perf_counter()
        delivery = notifications.notify(
            kind="meetings.published",
            recipients=[user.email for user in users],
            subject="Record published: bench",
            body="A record was published.",
            url="https://portal.example/meetings/bench/",
            site_url="https://portal.example",
        )
        seconds = time.perf_counter() - started
    print(
        f"notify: {len(delivery.sent)} sent, {len(delivery.queued)} queued, {len(delivery.dropped)} dropped; "
        f"{len(queries)} queries, {seconds:.3f} s (building the messages; sending is the backend's)"
    )

    DigestItem.objects.all().delete()
    DigestItem.objects.bulk_create(
        [
            DigestItem(user=user, kind=kind, subject=f"{kind} {n}", url="https://portal.example/x/")
            for user in users
            for n, kind in enumerate(
                [
                    "meetings.circulated",
                    "meetings.published",
                    "meetings.published",
                    "procedures.launched",
                    "procedures.closed",
                ]
            )
        ]
    )
    for attempt in ("first", "second"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            sent = notifications.send_digests(site_url="https://portal.example")
            seconds = time.perf_counter() - started
        print(f"send_digests ({attempt} run): {len(sent)} digests; {len(queries)} queries, {seconds:.3f} s")

    DigestItem.objects.all().delete()
    User.objects.filter(username__startswith="bench-mail-").delete()


if __name__ == "__main__":
    main()
