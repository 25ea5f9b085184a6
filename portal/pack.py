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

import pikepdf
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.pdf import render_pages
from core.pdf_fonts import EmbeddedFont, font_path
from core.roles import is_board_member, is_secretariat
from core.signing import signing_certificate_id
from decisions.models import Document, DocumentFile, MeetingPaper
from meetings.models import AgendaItem, Meeting, Participation, PublicParticipation
from members.models import Organisation, Person
from portal import versions
from portal.signatures import sign_if_official

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
    return meeting.is_prepared_for(user)


# --- What goes in ------------------------------------------------------------------------------------


@dataclass
class Paper:
    """One paper as it goes in the pack: merged (`pdf`, opened) or listed with a note."""

    title: str
    kind: str
    download_url: str = ""
    pdf: pikepdf.Pdf | None = None
    note: str = ""
    first_page: int = 0  # 1-based, in the pack; set when laid out

    @property
    def included(self) -> bool:
        return self.pdf is not None

    @property
    def page_count(self) -> int:
        return len(self.pdf.pages) if self.pdf is not None else 0


@dataclass
class Section:
    """An agenda item (or the meeting as a whole: `item` None) and the papers after it."""

    anchor: str
    title: str
    item: AgendaItem | None = None
    papers: list[Paper] = field(default_factory=list)
    first_page: int = 0
    own_pages: tuple[int, int] = (0, 0)  # the section's pages in the pack's own laid-out pages
    own_page_count: int = 1


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
    # A published record's pages print its version in the chain: a new version is a new pack (one query).
    chained = versions.current_version(meeting, user)
    parts = (PACK_FORMAT, meeting_state, items, papers, participants, chained.pk if chained else None)
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
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        entry.note = _("Could not be included: the file is encrypted. Download it from the portal.")
        return entry
    except Exception:  # qpdf repairs what it can; a file it cannot read, whatever the error, is no 500.
        logger.warning("Meeting pack: the file %s of paper %s cannot be read as PDF.", name, paper.pk, exc_info=True)
        entry.note = _("Could not be included: the file cannot be read as PDF. Download it from the portal.")
        return entry
    if pdf.is_encrypted:
        # Opened without a password, but its owner restricted it: the pack does not copy it.
        entry.note = _("Could not be included: the file is encrypted. Download it from the portal.")
        return entry
    try:
        # Every page must be there and have a size: a damaged file fails here, not while writing.
        for page in pdf.pages:
            page.mediabox  # noqa: B018
        if not pdf.pages:
            raise ValueError("no pages")
    except Exception:
        logger.warning("Meeting pack: the file %s of paper %s has unreadable pages.", name, paper.pk, exc_info=True)
        entry.note = _("Could not be included: the file cannot be read as PDF. Download it from the portal.")
        return entry
    entry.pdf = pdf
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
    cover_pages: int = 1
    layouts: int = 1  # how many times WeasyPrint laid out the pack's own pages (the cover's numbers)


def _stamp_text(meeting: Meeting, number: int, total: int, record_version=None) -> str:
    """The foot of every page; for a published record, above it its version in the chain and digest (core.chain)."""
    chained = (
        _("Version %(number)s · SHA-256 %(digest)s")
        % {"number": record_version.number, "digest": record_version.content_digest}
        + "\n"
        if record_version is not None
        else ""
    )
    changed = timezone.localtime(meeting.updated_at, meeting.tz) if meeting.updated_at else None
    version = _("Version %(version)s of %(date)s") % {
        "version": meeting.version,
        "date": f"{formats.date_format(changed, 'DATE_FORMAT')}, {formats.time_format(changed, 'H:i')}"
        if changed
        else "",
    }
    page = _("Page %(number)s of %(total)s") % {"number": number, "total": total}
    return f"{chained}{meeting.title} · {version} · {page}"


def _pdf_string(text: str, font) -> bytes:
    if isinstance(font, EmbeddedFont):
        return font.encode(text)
    # Helvetica in WinAnsiEncoding (no DejaVu Sans on this machine): what it cannot print becomes "?".
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _actual_text(line: str) -> bytes:
    """
    Marked content whose ActualText is the line as text (UTF-16BE): what a reader, a screen reader or the
    verifier (portal/verification.py reads the digest there) takes from it, whatever the font's encoding.
    """
    return b"/Span <</ActualText <" + ("\ufeff" + line).encode("utf-16-be").hex().upper().encode() + b">>> BDC "


def _stamp_font(pdf: pikepdf.Pdf, text: str):
    if font_path() is not None:
        return EmbeddedFont(pdf, text)
    logger.warning("Meeting pack: DejaVu Sans is not installed; the stamp prints in Helvetica (Latin-1 only).")
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )


STAMP_FONT = pikepdf.Name("/IISGPackStamp")


def _stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, text: str, font) -> None:
    """
    Write `text` at the foot of `page`, over what is there: two content streams added, nothing parsed
    (qpdf). The page's own content is wrapped in q/Q, so that a state it leaves (a transformation)
    cannot move the stamp.
    """
    box = page.mediabox
    lines = text.split("\n")
    # One line of 9 points per line of text (the record's version and digest on the first, core.chain).
    x, y = float(box[0]) + 28, float(box[1]) + 14 + 9 * (len(lines) - 1)
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    stamp = b"Q\nq 0.25 0.25 0.25 rg BT /IISGPackStamp 7 Tf 9 TL " + f"{x:.1f} {y:.1f} Td ".encode()
    shown = b" T* ".join(_actual_text(line) + _pdf_string(line, font) + b" Tj EMC" for line in lines)
    page.contents_add(pikepdf.Stream(pdf, stamp + shown + b" ET Q\n"), prepend=False)
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = pikepdf.Dictionary()
    if "/Font" not in resources:
        resources.Font = pikepdf.Dictionary()
    resources.Font[STAMP_FONT] = font.font if isinstance(font, EmbeddedFont) else font


# About how many lines of the agenda the cover's first page and each further page hold.
COVER_FIRST_PAGE_LINES = 25
COVER_PAGE_LINES = 40


def _lay_out(context: dict, sections: list[Section], request) -> tuple[pikepdf.Pdf, int, int]:
    """
    The pack's own pages (cover, then each section from a new page) laid out by WeasyPrint, with the
    page where each section and paper starts on the cover. Those numbers depend on the cover's own
    length: laid out again only when the cover came out longer than assumed.
    """
    # A first guess of the cover's length from its lines (participants, agenda items, papers), so that
    # a long agenda is mostly laid out once.
    lines = len(context["participants"]) + sum(1 + len(section.papers) for section in sections)
    cover_length = 1 + max(0, lines - COVER_FIRST_PAGE_LINES) // COVER_PAGE_LINES
    layouts = 0
    for _attempt in range(4):
        layouts += 1
        number = cover_length + 1
        for section in sections:
            section.first_page = number
            number += section.own_page_count
            for paper in section.papers:
                paper.first_page = number if paper.included else 0
                number += paper.page_count
        document = render_pages("portal/meeting_pack.html", context, request=request)
        starts: dict[str, int] = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                if anchor.startswith("section-"):
                    starts.setdefault(anchor.removeprefix("section-"), index)
        bounds = [starts[section.anchor] for section in sections] + [len(document.pages)]
        for section, start, end in zip(sections, bounds, bounds[1:], strict=False):
            section.own_pages = (start, end)
        laid_out_cover = bounds[0]
        counts_known = all(s.own_page_count == s.own_pages[1] - s.own_pages[0] for s in sections)
        for section in sections:
            section.own_page_count = section.own_pages[1] - section.own_pages[0]
        if laid_out_cover == cover_length and counts_known:
            break
        cover_length = laid_out_cover
    return pikepdf.open(io.BytesIO(document.write_pdf())), cover_length, layouts


def build_pack(command: PackInput) -> BuiltPack:
    """The pack of `command.meeting` as `command.user`'s audience reads it, as PDF bytes."""
    meeting, user, request = command.meeting, command.user, command.request
    sections = gather(meeting, user, request)
    context = {
        "meeting": meeting,
        "sections": sections,
        "participants": _participants(meeting, user),
        "expected": not meeting.has_passed,
        "is_draft": meeting.status != "published",
        "audience": pack_audience(user),
    }
    own, cover_length, layouts = _lay_out(context, sections, request)

    pack = pikepdf.new()
    pack.pages.extend(own.pages[:cover_length])
    outline_items = [pikepdf.OutlineItem(_("Cover and agenda"), 0)]
    for section in sections:
        start = len(pack.pages)
        pack.pages.extend(own.pages[section.own_pages[0] : section.own_pages[1]])
        entry = pikepdf.OutlineItem(section.title, start)
        for paper in section.papers:
            if paper.included:
                entry.children.append(pikepdf.OutlineItem(paper.title, len(pack.pages)))
                pack.pages.extend(paper.pdf.pages)
            else:
                entry.children.append(pikepdf.OutlineItem(f"{paper.title} ({_('not included')})", start))
        outline_items.append(entry)
    with pack.open_outline() as outline:
        outline.root.extend(outline_items)
    total = len(pack.pages)
    record_version = versions.current_version(meeting, user)
    stamps = [_stamp_text(meeting, number, total, record_version) for number in range(1, total + 1)]
    # DejaVu Sans, subset to what the stamps say (any script: core/pdf_fonts.py); Helvetica on a machine without it.
    font = _stamp_font(pack, "".join(stamps))
    for page, text in zip(pack.pages, stamps, strict=True):
        _stamp(pack, page, text, font)
    pack.docinfo["/Title"] = _("Meeting pack: %(meeting)s") % {"meeting": meeting.title}
    pack.Root.PageMode = pikepdf.Name.UseOutlines
    out = io.BytesIO()
    pack.save(out)
    return BuiltPack(content=out.getvalue(), page_count=total, cover_pages=cover_length, layouts=layouts)


# --- Kept as files -----------------------------------------------------------------------------------


def pack_name(meeting: Meeting, audience: str, key: str) -> str:
    """Where the pack is kept: per meeting, named by its audience and a hash of everything it depends on."""
    digest = hashlib.sha256(f"{meeting.pk}:{audience}:{_language()}:{key}".encode()).hexdigest()[:32]
    return f"{STORAGE_DIR}/{meeting.pk}/{_prefix(audience)}{digest}.pdf"


def _language() -> str:
    return translation.get_language() or "en"


def _prefix(audience: str) -> str:
    """The start of the names of one audience's packs in one language: the stale ones are those of it."""
    return f"{audience}-{_language()}-"


def _remove_stale(meeting: Meeting, audience: str, keep: str) -> None:
    folder = f"{STORAGE_DIR}/{meeting.pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        path = f"{folder}/{name}"
        if name.startswith(_prefix(audience)) and path != keep:
            default_storage.delete(path)


def stored_pack(meeting: Meeting, user, request=None) -> str:
    """The name in storage of the pack of `meeting` for `user`'s audience: built and written when missing."""
    audience = pack_audience(user)
    # The pack prints the papers' download addresses: the site's address is part of what it depends on.
    site = request.build_absolute_uri("/") if request is not None else ""
    # A new signing certificate (a key rotation, a key configured at last) makes a new pack, signed with it.
    name = pack_name(meeting, audience, f"{change_key(meeting, user)}:{site}:{signing_certificate_id()}")
    if default_storage.exists(name):
        return name
    built = build_pack(PackInput(meeting=meeting, user=user, request=request))
    # Signed after stamping, before storing: a published record's pack is signed once per version and audience.
    saved = default_storage.save(name, ContentFile(sign_if_official(built.content, meeting, request)))
    if saved != name:
        # Another request wrote the same pack meanwhile: the storage gave ours another name.
        default_storage.delete(saved)
    _remove_stale(meeting, audience, keep=name)
    return name
