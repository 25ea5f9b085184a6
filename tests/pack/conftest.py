"""A meeting with an agenda and papers of every kind the pack meets: PDFs, a DOCX, a damaged and an encrypted PDF."""

import datetime as dt
import functools
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from tests.factories import (
    AgendaItemFactory,
    DocumentFactory,
    DocumentFileFactory,
    MeetingFactory,
    MeetingPaperFactory,
)


@functools.cache
def paper_pdf(marker: str, pages: int) -> bytes:
    """A PDF of `pages` pages, each saying `marker` and its page number (made once per marker)."""
    import weasyprint

    body = "".join(
        f'<p style="break-after: page">{marker} page {n}</p>' if n < pages else f"<p>{marker} page {n}</p>"
        for n in range(1, pages + 1)
    )
    return weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper_pdf("SECRETMARKER", 1))))
    writer.encrypt("owner-and-user-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_paper(meeting, title, content: bytes, *, name="paper.pdf", item=None, order=0):
    document = DocumentFactory(title=title)
    DocumentFileFactory(
        document=document, number=1, file=ContentFile(content, name=name), original_name=name, size=len(content)
    )
    return MeetingPaperFactory(meeting=meeting, document=document, agenda_item=item, order=order)


def read_pack(response) -> PdfReader:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return PdfReader(io.BytesIO(content))


@pytest.fixture
def pack_meeting(db):
    meeting = MeetingFactory(title="Pack test meeting", status="circulated", published_at=None)
    first = AgendaItemFactory(meeting=meeting, position=1, title="Opening of the meeting")
    second = AgendaItemFactory(meeting=meeting, position=2, title="Work plan 2027")
    add_paper(meeting, "Chair's note", paper_pdf("ALPHAMARKER", 3), item=first, order=1)
    add_paper(meeting, "Budget table", b"PK\x03\x04 not really a spreadsheet", name="budget.xlsx", item=first, order=2)
    add_paper(meeting, "Work plan draft", paper_pdf("BRAVOMARKER", 2), item=second, order=3)
    add_paper(meeting, "Broken upload", b"%PDF-1.4\nthis is not a PDF at all", item=second, order=4)
    add_paper(meeting, "Locked upload", encrypted_pdf(), item=second, order=5)
    add_paper(meeting, "Background paper", paper_pdf("CHARLIEMARKER", 1), order=6)
    return meeting


@pytest.fixture
def upcoming_announced(db):
    """The next meeting: announced, its record a draft, its agenda and papers ready."""
    start = timezone.now() + dt.timedelta(days=20)
    meeting = MeetingFactory(
        title="Next Board meeting",
        status="draft",
        published_at=None,
        start=start,
        end=start + dt.timedelta(hours=6),
        announced_at=timezone.now(),
    )
    item = AgendaItemFactory(meeting=meeting, position=1, title="Upcoming item", notes="DRAFTNOTESMARKER")
    add_paper(meeting, "Upcoming paper", paper_pdf("UPCOMINGMARKER", 2), item=item, order=1)
    return meeting
