"""
The meeting pack: one PDF per meeting and audience, to prepare for the meeting or read it again.

A cover (the meeting, its date and place in its own time zone, the participants — expected ones for a
meeting not held yet —, the agenda with the page where each item starts), then each agenda item with
the papers put before it in their order (uploaded PDFs merged as they are; any other file, and a PDF
that cannot be read, listed with a note), then the papers of the meeting as a whole. Bookmarks for every
item and paper; "Page i of N", the record's version and date stamped on every page, merged ones too.

**Not PDF/A.** The minutes PDF is an archival record (core/pdf.py); the pack merges PDFs made elsewhere,
whose fonts, colours and structure the portal does not control, so it cannot claim PDF/A. It is a
reading copy: the record stays the page and its minutes PDF.

**Who gets which pack.** `may_get_pack(user, meeting)` is the one rule (the link's template tag and the
view both ask it): a meeting of `Meeting.objects.prepared_for(user)` — Board members (the Secretariat
and admins alike) get the pack of every record they may read and of every meeting announced, so they
prepare for the next one; the public only that of a published record. What is in it comes through the
models' rules: `AgendaItem.objects.agenda_visible_to(user)` (none for the public), the papers through
`Document.objects.visible_to(user)` (none for the public), the participants through
`Participation.objects.visible_to(user)` (the public projection for the public).

**Built once per version and audience.** A pack is a file in Django's storage (`packs/<meeting pk>/`),
never in the cache: a 500-page pack does not belong in Redis. Its name is a hash of the meeting, the
audience, the language and the record's change key (`change_key`: the meeting's, its agenda items', its
papers', their documents' and files', its participants' versions), so a change of any of them makes a
new name; the stale files of that meeting and audience are removed when the new one is written. An
audience's file is never served to another: the audience is in the name and the view derives it from
the user. A change the key does not see (an organisation renamed) shows in the next pack built.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

from core.pdf import render_pages
from core.roles import is_board_member, is_secretariat
from decisions.models import Document, DocumentFile, MeetingPaper
from meetings.models import AgendaItem, Meeting, Participation, PublicParticipation
from members.models import Organisation, Person

logger = logging.getLogger(__name__)

# Counted up when the pack's layout changes: the packs built before are rebuilt.
PACK_FORMAT = 1
STORAGE_DIR = "packs"

SECRETARIAT = "secretariat"
MEMBERS = "members"
PUBLIC = "public"


# --- Who gets which pack -----------------------------------------------------------------------------


def pack_audience(user) -> str:
    """The audience whose pack `user` gets: the Secretariat's (drafts too), the Board members', the public's."""
    if is_secretariat(user):
        return SECRETARIAT
    return MEMBERS if is_board_member(user) else PUBLIC


def pack_meetings(user):
    """The meetings whose pack `user` may get (the rule of Meeting.objects.prepared_for)."""
    return Meeting.objects.prepared_for(user)


def may_get_pack(user, meeting: Meeting) -> bool:
    """The one rule: may `user` download the pack of `meeting`? (The link's template tag asks it.)"""
    return pack_meetings(user).filter(pk=meeting.pk).exists()


# --- What goes in ------------------------------------------------------------------------------------


@dataclass
class Paper:
    """One paper as it goes in the pack: merged (`reader`) or listed with a note."""

    title: str
    kind: str
    download_url: str = ""
    reader: PdfReader | None = None
    note: str = ""
    first_page: int = 0  # 1-based, in the pack; set when laid out

    @property
    def included(self) -> bool:
        return self.reader is not None

    @property
    def page_count(self) -> int:
        return len(self.reader.pages) if self.reader is not None else 0


@dataclass
class Section:
    """An agenda item (or the meeting as a whole: `item` None) and the papers after it."""

    anchor: str
    title: str
    item: AgendaItem | None = None
    papers: list[Paper] = field(default_factory=list)
    first_page: int = 0
    own_pages: tuple[int, int] = (0, 0)  # the section's pages in the rendered sections' PDF


def change_key(meeting: Meeting, user) -> str:
    """
    What the pack of `meeting` for `user`'s audience is built from, as a short digest: the meeting's
    version and state, its agenda items', its papers' (order, item, document's version, newest file) and
    its participants' versions. Three queries; no file is read.
    """
    items = list(
        AgendaItem.objects.agenda_visible_to(user)
        .filter(meeting=meeting)
        .order_by("position")
        .values_list("pk", "position", "version")
    )
    papers = list(
        _papers(meeting, user)
        .annotate(newest_file=Max("document__files__pk"))
        .values_list("pk", "order", "agenda_item_id", "document_id", "document__version", "newest_file")
    )
    participants = list(
        Participation.objects.visible_to(user).filter(meeting=meeting).order_by("pk").values_list("pk", "version")
    )
    meeting_state = (
        meeting.pk,
        meeting.version,
        meeting.updated_at.isoformat() if meeting.updated_at else "",
        meeting.status,
        str(meeting.announced_at),
        str(meeting.published_at),
    )
    parts = (PACK_FORMAT, meeting_state, items, papers, participants)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _papers(meeting: Meeting, user):
    return MeetingPaper.objects.filter(meeting=meeting, document__in=Document.objects.visible_to(user))


def _open_paper(paper: MeetingPaper, newest: DocumentFile | None, request) -> Paper:
    document = paper.document
    entry = Paper(title=document.title, kind=str(document.kind))
    if newest is None:
        entry.note = _("No file has been uploaded for this paper.")
        return entry
    url = reverse("decisions:document-download", args=[document.slug, newest.number])
    entry.download_url = request.build_absolute_uri(url) if request is not None else url
    name = newest.file.name or ""
    if not name.lower().endswith(".pdf"):
        entry.note = _("Not included: not a PDF file. Download it from the portal.")
        return entry
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except OSError:
        logger.warning("Meeting pack: the file %s of paper %s is missing from storage.", name, paper.pk)
        entry.note = _("Could not be included: its file is missing. Ask the Secretariat.")
        return entry
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            entry.note = _("Could not be included: the file is encrypted. Download it from the portal.")
            return entry
        # Every page must be there and have a size: a damaged file fails here, not while writing.
        for page in reader.pages:
            page.mediabox.width  # noqa: B018
        if not reader.pages:
            raise PyPdfError("no pages")
    except Exception:  # pypdf raises many kinds on a damaged file; none may become a 500.
        logger.warning("Meeting pack: the file %s of paper %s cannot be read as PDF.", name, paper.pk, exc_info=True)
        entry.note = _("Could not be included: the file cannot be read as PDF. Download it from the portal.")
        return entry
    entry.reader = reader
    return entry


def _participants(meeting: Meeting, user) -> list:
    rows = (
        Participation.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("organisation__parent")
        .order_by("order", "id")
    )
    if is_board_member(user):
        return list(rows.select_related("person"))
    return [PublicParticipation(row) for row in rows]


def gather(meeting: Meeting, user, request=None) -> list[Section]:
    """The sections of the pack of `meeting` as `user`'s audience reads it: each agenda item, then the rest."""
    items = list(
        AgendaItem.objects.agenda_visible_to(user)
        .filter(meeting=meeting)
        .order_by("position")
        .prefetch_related(
            Prefetch("presenters", queryset=Person.objects.visible_to(user), to_attr="visible_presenters"),
            Prefetch(
                "presenting_organisations",
                queryset=Organisation.objects.visible_to(user),
                to_attr="visible_presenting_organisations",
            ),
        )
    )
    papers = list(_papers(meeting, user).select_related("document__kind", "agenda_item").order_by("order", "id"))
    newest: dict[int, DocumentFile] = {}
    for version in DocumentFile.objects.filter(document__in=[p.document_id for p in papers]).order_by("number"):
        newest[version.document_id] = version
    sections = [Section(anchor=f"item-{item.pk}", title=str(item), item=item) for item in items]
    by_item = {section.item.pk: section for section in sections}
    rest = Section(anchor="meeting-papers", title=_("Papers for the meeting as a whole"))
    for paper in papers:
        section = by_item.get(paper.agenda_item_id, rest)
        section.papers.append(_open_paper(paper, newest.get(paper.document_id), request))
    if rest.papers:
        sections.append(rest)
    return sections


# --- Building ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackInput:
    meeting: Meeting
    user: object
    request: object = None


@dataclass(frozen=True)
class BuiltPack:
    content: bytes
    page_count: int


def _pdf_of(document) -> PdfReader:
    return PdfReader(io.BytesIO(document.write_pdf()))


def _stamp_text(meeting: Meeting, number: int, total: int) -> str:
    changed = timezone.localtime(meeting.updated_at, meeting.tz) if meeting.updated_at else None
    version = _("Version %(version)s of %(date)s") % {
        "version": meeting.version,
        "date": formats.date_format(changed, "j F Y, H:i") if changed else "",
    }
    page = _("Page %(number)s of %(total)s") % {"number": number, "total": total}
    return f"{meeting.title} · {version} · {page}"


def _pdf_string(text: str) -> bytes:
    # Helvetica in WinAnsiEncoding: what it cannot print becomes "?" (a title in another script).
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


_FONT_NAME = NameObject("/IISGPackStamp")


def _stamp(writer: PdfWriter, page, text: str, font_ref) -> None:
    """
    Write `text` at the foot of `page`, over what is there: one content stream added, nothing parsed.
    The page's own content is wrapped in q/Q so that a state it leaves (a transformation) cannot move
    the stamp. pypdf's merge_page would parse and rewrite every merged page's content (seconds for a
    500-page pack); adding a stream needs `PdfWriter._add_object`, pypdf's only way to add an indirect
    stream, which is why pypdf is pinned (requirements.txt) and tests/pack reads every stamp back.
    """
    box = page.mediabox
    x, y = float(box.left) + 28, float(box.bottom) + 14
    before = DecodedStreamObject()
    before.set_data(b"q\n")
    after = DecodedStreamObject()
    after.set_data(
        b"Q\nq 0.25 0.25 0.25 rg BT "
        + _FONT_NAME.encode()
        + f" 7 Tf {x:.1f} {y:.1f} Td ".encode()
        + _pdf_string(text)
        + b" Tj ET Q\n"
    )
    contents = page.get("/Contents")
    streams = ArrayObject([writer._add_object(before)])
    if contents is not None:
        existing = contents.get_object()
        if isinstance(existing, ArrayObject):
            streams.extend(existing)
        else:
            streams.append(contents if hasattr(contents, "idnum") else writer._add_object(existing))
    streams.append(writer._add_object(after))
    page[NameObject("/Contents")] = streams
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else None
    if fonts is None:
        fonts = DictionaryObject()
        resources[NameObject("/Font")] = fonts
    fonts[_FONT_NAME] = font_ref


def build_pack(command: PackInput) -> BuiltPack:
    """The pack of `command.meeting` as `command.user`'s audience reads it, as PDF bytes."""
    meeting, user, request = command.meeting, command.user, command.request
    sections = gather(meeting, user, request)
    participants = _participants(meeting, user)
    context = {
        "meeting": meeting,
        "sections": sections,
        "participants": participants,
        "expected": not meeting.has_passed,
        "is_draft": meeting.status != "published",
        "generated_at": timezone.now(),
        "audience": pack_audience(user),
    }
    # The sections' own pages (title, presenters, the papers listed): one layout, split by their anchors.
    section_pages = None
    if sections:
        laid_out = render_pages("portal/meeting_pack_sections.html", context, request=request)
        starts = {}
        for index, page in enumerate(laid_out.pages):
            for anchor in page.anchors:
                if anchor.startswith("section-"):
                    starts.setdefault(anchor.removeprefix("section-"), index)
        bounds = [starts[section.anchor] for section in sections] + [len(laid_out.pages)]
        for section, start, end in zip(sections, bounds, bounds[1:], strict=False):
            section.own_pages = (start, end)
        section_pages = _pdf_of(laid_out)

    # The cover gives the page where each section starts, which depends on the cover's own length:
    # laid out until it keeps its length (twice, unless a number makes it longer).
    cover_length = 1
    for _attempt in range(3):
        number = cover_length + 1
        for section in sections:
            section.first_page = number
            number += section.own_pages[1] - section.own_pages[0]
            for paper in section.papers:
                paper.first_page = number if paper.included else 0
                number += paper.page_count
        cover = render_pages("portal/meeting_pack_cover.html", context, request=request)
        if len(cover.pages) == cover_length:
            break
        cover_length = len(cover.pages)
    cover_pdf = _pdf_of(cover)

    writer = PdfWriter()
    for page in cover_pdf.pages:
        writer.add_page(page)
    writer.add_outline_item(title=_("Cover and agenda"), page_number=0)
    for section in sections:
        start = len(writer.pages)
        for index in range(*section.own_pages):
            writer.add_page(section_pages.pages[index])
        parent = writer.add_outline_item(title=section.title, page_number=start)
        for paper in section.papers:
            if paper.included:
                first = len(writer.pages)
                for page in paper.reader.pages:
                    writer.add_page(page)
                writer.add_outline_item(title=paper.title, page_number=first, parent=parent)
            else:
                writer.add_outline_item(title=f"{paper.title} ({_('not included')})", page_number=start, parent=parent)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        _stamp(writer, page, _stamp_text(meeting, number, total), font_ref)
    writer.add_metadata({"/Title": _("Meeting pack: %(meeting)s") % {"meeting": meeting.title}})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return BuiltPack(content=out.getvalue(), page_count=total)


# --- Kept as files -----------------------------------------------------------------------------------


def pack_name(meeting: Meeting, audience: str, key: str) -> str:
    """Where the pack is kept: per meeting, named by its audience and a hash of everything it depends on."""
    language = translation.get_language() or ""
    digest = hashlib.sha256(f"{meeting.pk}:{audience}:{language}:{key}".encode()).hexdigest()[:32]
    return f"{STORAGE_DIR}/{meeting.pk}/{audience}-{digest}.pdf"


def _remove_stale(meeting: Meeting, audience: str, keep: str) -> None:
    folder = f"{STORAGE_DIR}/{meeting.pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        path = f"{folder}/{name}"
        if name.startswith(f"{audience}-") and path != keep:
            default_storage.delete(path)


def stored_pack(meeting: Meeting, user, request=None) -> str:
    """The name in storage of the pack of `meeting` for `user`'s audience: built and written when missing."""
    audience = pack_audience(user)
    # The pack prints the papers' download addresses: the site's address is part of what it depends on.
    site = request.build_absolute_uri("/") if request is not None else ""
    name = pack_name(meeting, audience, f"{change_key(meeting, user)}:{site}")
    if default_storage.exists(name):
        return name
    built = build_pack(PackInput(meeting=meeting, user=user, request=request))
    saved = default_storage.save(name, ContentFile(built.content))
    if saved != name:
        # Another request wrote the same pack meanwhile: the storage gave ours another name.
        default_storage.delete(saved)
    _remove_stale(meeting, audience, keep=name)
    return name
