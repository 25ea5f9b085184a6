"""
/search/: meetings, agenda notes, decisions and documents, only as far as the user may read them.

The page shows the best TOP_PER_KIND matches of each kind of record with how many were found, and
links to each kind's own list, paginated (`?kind=decisions`). Building a result (its URL, its
excerpt, its date) is what costs, not finding it: the page builds at most TOP_PER_KIND per kind,
or one page of one kind, whatever the volume. On PostgreSQL only the newest core.search.CANDIDATES
matches of a kind are ranked: a kind with that many says it found "at least" that many, and its list
holds those.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import Coalesce
from django.db.models.query import EmptyQuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core import search as record_search
from decisions.models import Decision, Document, DocumentKind
from meetings.models import AgendaItem, Meeting

# Results of each kind on the page of all kinds; each kind's own list has pages of PAGE_SIZE.
TOP_PER_KIND = 10
PAGE_SIZE = 25
MAX_QUERY_LENGTH = 200


@dataclass
class Result:
    kind: str
    title: str
    url: str
    date: object
    excerpt: str
    rank: float
    draft: bool


def _excerpt(text: str) -> str:
    return Truncator(text or "").words(30)


def _result(kind: str, record, title: str, text: str, meeting=None, procedure=None) -> Result:
    """
    One result; the record's `meeting` dates it, and marks it DRAFT if that meeting is not published
    (for a decision of a written procedure: its closing, and its procedure's publication).
    """
    if procedure is not None:
        date, draft = procedure.closed_at, procedure.is_draft
    else:
        date, draft = (meeting.local_start, meeting.is_draft) if meeting else (None, False)
    return Result(kind, title, record.get_absolute_url(), date, _excerpt(text), record.rank, draft)


# --- The kinds of records searched ---------------------------------------------------------------


def _meetings(user, text: str) -> QuerySet:
    return Meeting.objects.search(text, user).order_by("-rank", "-start", "-pk")


def _meeting_result(meeting) -> Result:
    return _result(_("Meeting"), meeting, meeting.title, meeting.public_summary, meeting)


def _agenda_items(user, text: str) -> QuerySet:
    return (
        AgendaItem.objects.search(text, user)
        .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.visible_to(user)))
        .order_by("-rank", "-meeting__start", "position", "-pk")
    )


def _agenda_item_result(item) -> Result:
    return _result(_("Agenda item"), item, f"{item.meeting.title} — {item}", item.notes, item.meeting)


def _decisions(user, text: str) -> QuerySet:
    return (
        Decision.objects.search(text, user)
        .select_related("procedure")
        .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.visible_to(user)))
        .annotate(decided_at=Coalesce("meeting__start", "procedure__closed_at"))
        .order_by("-rank", F("decided_at").desc(nulls_last=True), "sequence", "-pk")
    )


def _decision_result(decision) -> Result:
    return _result(
        _("Decision"),
        decision,
        f"{decision.reference} — {decision.get_verb_display()}: {decision.subject}",
        decision.wording,
        decision.meeting,
        decision.procedure if decision.procedure_id else None,
    )


def _documents(user, text: str) -> QuerySet:
    found = Document.objects.search(text, user)
    # Asked for a kind of document by its name ("work plan"): the documents of that kind too, after
    # the best matches. Only when such a kind exists: the condition costs a second pass of the
    # documents' visibility rule.
    kind = DocumentKind.objects.filter(name__iexact=text).first() if not isinstance(found, EmptyQuerySet) else None
    if kind is not None:
        found |= Document.objects.visible_to(user).filter(kind=kind)
    return found.select_related("kind").order_by("-rank", "-period_start", "title", "-pk")


def _document_result(document) -> Result:
    return _result(_("Document"), document, f"{document.title} ({document.kind.name})", document.description)


@dataclass(frozen=True)
class Kind:
    key: str  # ?kind=
    heading: str  # the section's heading
    found: str  # "%(count)s decisions found", in the plural form for the count (ngettext_lazy)
    see_all: str  # the link to the kind's list, the same way
    records: Callable[[object, str], QuerySet]  # (user, text) -> the matches, best first, with what results read
    result: Callable[[object], Result]


KINDS = [
    Kind(
        "meetings",
        _("Meetings"),
        ngettext_lazy("%(count)s meeting found", "%(count)s meetings found", "count"),
        ngettext_lazy("See the meeting found", "See all %(count)s meetings found", "count"),
        _meetings,
        _meeting_result,
    ),
    Kind(
        "agenda-items",
        _("Agenda items"),
        ngettext_lazy("%(count)s agenda item found", "%(count)s agenda items found", "count"),
        ngettext_lazy("See the agenda item found", "See all %(count)s agenda items found", "count"),
        _agenda_items,
        _agenda_item_result,
    ),
    Kind(
        "decisions",
        _("Decisions"),
        ngettext_lazy("%(count)s decision found", "%(count)s decisions found", "count"),
        ngettext_lazy("See the decision found", "See all %(count)s decisions found", "count"),
        _decisions,
        _decision_result,
    ),
    Kind(
        "documents",
        _("Documents"),
        ngettext_lazy("%(count)s document found", "%(count)s documents found", "count"),
        ngettext_lazy("See the document found", "See all %(count)s documents found", "count"),
        _documents,
        _document_result,
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def search_text(value: str) -> str:
    return (value or "").strip()[:MAX_QUERY_LENGTH]


@dataclass
class KindResults:
    """One kind's best results on the page of all kinds, and how many of that kind were found."""

    kind: Kind
    results: list[Result]
    count: int
    # True when the count is the cap of ranked matches: more were found than are listed.
    capped: bool

    @property
    def found_text(self) -> str:
        return found_text(self.kind, self.count, self.capped)

    @property
    def see_all_text(self) -> str:
        return self.kind.see_all % {"count": self.count}

    @property
    def has_more(self) -> bool:
        return self.count > len(self.results)


def is_capped(records: QuerySet, count: int) -> bool:
    """Whether `count` matches of `records` may be fewer than were found: ranking took only CANDIDATES."""
    return count >= record_search.CANDIDATES and record_search.uses_full_text_search(records)


def found_text(kind: Kind, count: int, capped: bool) -> str:
    """ "12 decisions found", or, when the matches ranked were capped, that there may be more."""
    if capped:
        return _(
            "At least %(count)s found: only the %(cap)s most recently recorded matches are ranked."
            " Add words to narrow the search."
        ) % {"count": count, "cap": record_search.CANDIDATES}
    return kind.found % {"count": count}


def search_overview(user, text: str) -> list[KindResults]:
    """For each kind of record the user may see something of, its best TOP_PER_KIND matches and their count."""
    text = search_text(text)
    if not text:
        return []
    overview = []
    for kind in KINDS:
        records = kind.records(user, text)
        # The count of the kind's matches with its best ones, in one query.
        best = list(records.annotate(found=Window(Count("pk")))[:TOP_PER_KIND])
        count = best[0].found if best else 0
        if count:
            capped = is_capped(records, count)
            overview.append(KindResults(kind, [kind.result(record) for record in best], count, capped))
    return overview


class KindPages:
    """One kind's matches as a Paginator slices them: results built only for the page shown."""

    def __init__(self, kind: Kind, user, text: str):
        self.kind = kind
        self.records = kind.records(user, search_text(text))

    def count(self) -> int:
        return self.records.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return [self.kind.result(record) for record in self.records[key]]
