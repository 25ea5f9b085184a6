"""
The cost of the version chain (core/chain.py) on a loaded database (the demo's, or bench/volume.py's):
what a publication adds (the canonical form of both audiences, with its queries), `check_chains()` over
every stored chain, and /verify/'s answer for the record's PDF (portal/verification.py, signature included
when a key is configured). Read-only: the seal is measured inside a transaction rolled back.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/chain.py --repeat 9 [--slug SLUG]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(function, repeat: int) -> tuple[float, float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs), max(runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slug", default="6th-board-meeting-2022")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iisg_portal.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core import chain
    from meetings.models import Meeting
    from portal import verification

    meeting = Meeting.objects.get(slug=options.slug)
    for audience in chain.AUDIENCES:
        with CaptureQueriesContext(connection) as queries:
            content = chain.content_of(meeting, audience)
        median, low, high = timed(lambda audience=audience: chain.content_of(meeting, audience), options.repeat)
        print(
            f"canonical form, {audience:6}: {median:7.1f} ms (min {low:.1f}, max {high:.1f}), "
            f"{len(queries)} queries, {len(content or '')} characters"
        )

    def seal():
        with transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(public_summary=meeting.public_summary + " (bench)")
            chain.seal(chain.Seal(record=Meeting.objects.get(pk=meeting.pk), reason="bench"))
            transaction.set_rollback(True)

    measured = (("seal (both audiences, a change)", seal), ("check_chains (every chain)", chain.check_chains))
    for name, function in measured:
        median, low, high = timed(function, options.repeat)
        print(f"{name}: {median:7.1f} ms (min {low:.1f}, max {high:.1f})")
    pdf = Client(HTTP_HOST="localhost").get(meeting.get_absolute_url() + "record.pdf").content
    answer = verification.verify_pdf(pdf, AnonymousUser())
    median, low, high = timed(lambda: verification.verify_pdf(pdf, AnonymousUser()), options.repeat)
    print(f"verify_pdf ({len(pdf) // 1024} kB, {answer.outcome}): {median:7.1f} ms (min {low:.1f}, max {high:.1f})")


if __name__ == "__main__":
    main()
