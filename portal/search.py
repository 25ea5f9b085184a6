"""/search/: meetings, agenda notes, decisions and documents, only as far as the user may read them."""

from dataclasses import dataclass

from django.db.models import F, FloatField, Prefetch, Value
from django.db.models.functions import Coalesce
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, Document
from meetings.models import AgendaItem, Meeting

# Per kind of record; the merged list is then paginated.
LIMIT_PER_KIND = 100
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


def search_records(user, text: str) -> list[Result]:
    """Every record the user may see that matches `text`, best first (newest first on equal rank)."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return []
    visible_meetings = Meeting.objects.visible_to(user)
    meetings = Meeting.objects.search(text, user).order_by("-rank", "-start")
    agenda_items = (
        AgendaItem.objects.search(text, user)
        .prefetch_related(Prefetch("meeting", queryset=visible_meetings))
        .order_by("-rank", "-meeting__start", "position")
    )
    decisions = (
        Decision.objects.search(text, user)
        .select_related("procedure")
        .prefetch_related(Prefetch("meeting", queryset=visible_meetings))
        .annotate(decided_at=Coalesce("meeting__start", "procedure__closed_at"))
        .order_by("-rank", F("decided_at").desc(nulls_last=True), "sequence")
    )
    documents = list(
        Document.objects.search(text, user).select_related("kind").order_by("-rank", "title")[:LIMIT_PER_KIND]
    )
    # Asked for a kind of document by its name ("work plan"): the documents of that kind too.
    found = {document.pk for document in documents}
    documents += [
        document
        for document in Document.objects.visible_to(user)
        .filter(kind__name__iexact=text)
        .select_related("kind")
        .annotate(rank=Value(0.0, output_field=FloatField()))
        .order_by("-period_start", "title")[:LIMIT_PER_KIND]
        if document.pk not in found
    ]
    results = [
        *(
            _result(_("Meeting"), meeting, meeting.title, meeting.public_summary, meeting)
            for meeting in meetings[:LIMIT_PER_KIND]
        ),
        *(
            _result(_("Agenda item"), item, f"{item.meeting.title} — {item}", item.notes, item.meeting)
            for item in agenda_items[:LIMIT_PER_KIND]
        ),
        *(
            _result(
                _("Decision"),
                decision,
                f"{decision.reference} — {decision.get_verb_display()}: {decision.subject}",
                decision.wording,
                decision.meeting,
                decision.procedure if decision.procedure_id else None,
            )
            for decision in decisions[:LIMIT_PER_KIND]
        ),
        *(
            _result(_("Document"), document, f"{document.title} ({document.kind.name})", document.description)
            for document in documents
        ),
    ]
    results.sort(key=lambda r: (-r.rank, -(r.date.timestamp() if r.date else 0)))
    return results
