"""/search/: meetings, agenda notes, decisions and documents, only as far as the user may read them."""

from dataclasses import dataclass

from django.db.models import Prefetch
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


def search_records(user, text: str) -> list[Result]:
    """Every record the user may see that matches `text`, best first (newest first on equal rank)."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return []
    visible_meetings = Meeting.objects.visible_to(user)
    results: list[Result] = []
    for meeting in Meeting.objects.search(text, user).order_by("-rank", "-start")[:LIMIT_PER_KIND]:
        results.append(
            Result(
                _("Meeting"),
                meeting.title,
                meeting.get_absolute_url(),
                meeting.local_start,
                _excerpt(meeting.public_summary),
                meeting.rank,
                meeting.is_draft,
            )
        )
    agenda_items = (
        AgendaItem.objects.search(text, user)
        .prefetch_related(Prefetch("meeting", queryset=visible_meetings))
        .order_by("-rank", "-meeting__start", "position")[:LIMIT_PER_KIND]
    )
    for item in agenda_items:
        results.append(
            Result(
                _("Agenda item"),
                f"{item.meeting.title} — {item}",
                item.get_absolute_url(),
                item.meeting.local_start,
                _excerpt(item.notes),
                item.rank,
                item.meeting.is_draft,
            )
        )
    decisions = (
        Decision.objects.search(text, user)
        .prefetch_related(Prefetch("meeting", queryset=visible_meetings))
        .order_by("-rank", "-meeting__start", "sequence")[:LIMIT_PER_KIND]
    )
    for decision in decisions:
        results.append(
            Result(
                _("Decision"),
                f"{decision.reference} — {decision.get_verb_display()}: {decision.subject}",
                decision.get_absolute_url(),
                decision.meeting.local_start,
                _excerpt(decision.wording),
                decision.rank,
                decision.meeting.is_draft,
            )
        )
    for document in Document.objects.search(text, user).order_by("-rank", "title")[:LIMIT_PER_KIND]:
        results.append(
            Result(
                _("Document"),
                document.title,
                document.get_absolute_url(),
                None,
                _excerpt(document.description),
                document.rank,
                False,
            )
        )
    results.sort(key=lambda r: (-r.rank, -(r.date.timestamp() if r.date else 0)))
    return results
