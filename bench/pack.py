"""
The meeting pack of a large meeting: 10 agenda items, 100 papers of 5 pages each (500 pages merged),
plus 3 non-PDF files and 1 damaged PDF (listed, not merged). Prints the build time and the size.

    .venv/bin/python bench/pack.py                      # a fresh SQLite database in a temporary folder
    .venv/bin/python bench/pack.py --repeat 3 --profile /tmp/pack.prof

The papers' PDFs are made once with WeasyPrint and kept in --papers-dir (default /tmp/iisg-pack-papers).
Goal: under 10 s for the build on the 2-core development machine (bench/README.md, "Meeting pack").
"""

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import setup_django

PAPERS = 100
PAGES_PER_PAPER = 5
ITEMS = 10


def paper_pdfs(folder: Path) -> list[bytes]:
    """100 distinct 5-page PDFs, made once (WeasyPrint) and read from `folder` afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [n for n in range(PAPERS) if not (folder / f"paper-{n:03}.pdf").exists()]
    if missing:
        import weasyprint

        print(f"Making {len(missing)} paper PDFs in {folder} (once)…", flush=True)
        text = " ".join(["The Board is invited to take note of the progress made under the pillar."] * 25)
        for n in missing:
            pages = "".join(
                f'<section style="break-after: page"><h1>Paper {n}, page {p}</h1><p>{text}</p></section>'
                for p in range(1, PAGES_PER_PAPER + 1)
            )
            (folder / f"paper-{n:03}.pdf").write_bytes(
                weasyprint.HTML(string=f"<html><body>{pages}</body></html>").write_pdf()
            )
    return [(folder / f"paper-{n:03}.pdf").read_bytes() for n in range(PAPERS)]


def build_world(pdfs: list[bytes]):
    from django.contrib.auth.models import Group, User
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from core.roles import BOARD_MEMBERS_GROUP
    from decisions.models import Document, DocumentFile, DocumentKind, MeetingPaper
    from meetings.models import AgendaItem, Meeting

    kind = DocumentKind.objects.order_by("order").first()
    start = timezone.now() + dt.timedelta(days=14)
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.BOARD,
        ordinal=99,
        title="99th IISG Board Meeting (pack bench)",
        start=start,
        end=start + dt.timedelta(hours=8),
        city="Skopje",
        country="North Macedonia",
        status="circulated",
        announced_at=timezone.now(),
    )
    items = [AgendaItem.objects.create(meeting=meeting, position=n + 1, title=f"Item {n + 1}") for n in range(ITEMS)]
    files = [(f"paper-{n:03}.pdf", pdf) for n, pdf in enumerate(pdfs)]
    files += [
        ("annex-1.docx", b"PK\x03\x04docx"),
        ("annex-2.xlsx", b"PK\x03\x04xlsx"),
        ("annex-3.odt", b"PK\x03\x04odt"),
    ]
    files += [("damaged.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog" + b"\x00" * 64)]
    for order, (name, content) in enumerate(files, start=1):
        document = Document.objects.create(title=f"Paper {order}: {name}", kind=kind)
        DocumentFile.objects.create(
            document=document, number=1, file=ContentFile(content, name=name), size=len(content)
        )
        item = items[order % ITEMS] if order % 17 else None  # a few for the meeting as a whole
        MeetingPaper.objects.create(meeting=meeting, document=document, agenda_item=item, order=order)
    user = User.objects.create(username="bench_pack_board")
    user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    return meeting, user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers-dir", default="/tmp/iisg-pack-papers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", help="write a cProfile of one more build to this file")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iisg-pack-bench-"))
    import os

    os.environ["MEDIA_ROOT"] = str(work / "media")
    setup_django(f"sqlite:///{work / 'bench.sqlite3'}")

    from django.core.management import call_command
    from django.test import RequestFactory

    call_command("migrate", verbosity=0)
    pdfs = paper_pdfs(Path(args.papers_dir))
    meeting, user = build_world(pdfs)

    from portal import pack

    request = RequestFactory().get("/")
    request.user = user
    times = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        built = pack.build_pack(pack.PackInput(meeting=meeting, user=user, request=request))
        times.append(time.perf_counter() - began)
    began = time.perf_counter()
    pack.stored_pack(meeting, user, request)
    first_stored = time.perf_counter() - began
    began = time.perf_counter()
    pack.stored_pack(meeting, user, request)
    served_stored = time.perf_counter() - began
    median = sorted(times)[len(times) // 2]
    print(f"Pack: {built.page_count} pages, {len(built.content) / 1e6:.1f} MB", end=" ")
    print(f"({PAPERS} papers of {PAGES_PER_PAPER} pages, 4 files listed); cover {built.cover_pages} pages,", end=" ")
    print(f"laid out {built.layouts} time(s)")
    print(f"Build: median {median:.2f} s, min {min(times):.2f} s, max {max(times):.2f} s ({args.repeat} runs)")
    print(f"Build and write to storage: {first_stored:.2f} s", end="; ")
    print(f"the pack kept (change key and file check): {served_stored * 1000:.0f} ms")
    if args.profile:
        import cProfile

        cProfile.runctx(
            "pack.build_pack(pack.PackInput(meeting=meeting, user=user, request=request))",
            globals(),
            {"pack": pack, "meeting": meeting, "user": user, "request": request},
            args.profile,
        )
        print(f"Profile written to {args.profile}")


if __name__ == "__main__":
    main()
