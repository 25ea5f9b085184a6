"""
The reading side of decisions: the register and its exports, documents and actions.

Every row comes through a `visible_to(user)` QuerySet method, and so does every related row a
template shows (prefetched into `visible_*` attributes).
"""

from pathlib import Path

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.pagination import CappedPaginator
from decisions import exports, related
from decisions.filters import ActionItemFilter, DecisionFilter, DocumentFilter
from decisions.models import ActionItem, Decision, Document, NewestFirstPages, ProgressNote
from meetings.models import AgendaItem, Meeting

PAGE_SIZE = 25


def _register(request):
    """The decision register filtered by the query string, as the user may see it."""
    user = request.user
    filterset = DecisionFilter(request.GET or None, queryset=Decision.objects.visible_to(user), request=request)
    decisions = filterset.qs.with_acted_on(user).newest_first()
    return filterset, decisions


def decision_list(request):
    user = request.user
    filterset = DecisionFilter(request.GET or None, queryset=Decision.objects.visible_to(user), request=request)
    # Two steps: the page's ids by an index-ordered query, then those 25 rows with their related data.
    decisions = NewestFirstPages(filterset.qs, lambda rows: rows.with_acted_on(user))
    # Counted up to 1,000 (then "more than 1,000 decisions"): an exact count grew with the register.
    page = CappedPaginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters without the page: what the exports and the feed are given.
    filters_query = _without_page(request.GET)
    context = {
        "filter": filterset,
        "page_obj": page,
        "filters_query": filters_query,
        "feed_url": reverse("decisions:decision-feed") + (f"?{filters_query}" if filters_query else ""),
        "related_registers": related.RELATED_REGISTERS,
    }
    return render(request, "decisions/decision_list.html", context)


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _export_rows(request):
    """The register's rows as exports give them, read lazily: the response streams them (decisions.exports)."""
    _filterset, decisions = _register(request)
    # The scheme and host once, not per URL.
    origin = request.build_absolute_uri("/")[:-1]
    return exports.Exporter(lambda path: origin + path).rows(decisions, request.user)


def decision_export_csv(request):
    return exports.csv_response(_export_rows(request), "iisg-decisions.csv")


def decision_export_json(request):
    return exports.json_response(_export_rows(request), "iisg-decisions.json")


def decision_detail(request, reference):
    user = request.user
    decisions = (
        Decision.objects.visible_to(user)
        .with_acted_on(user)
        .prefetch_related(
            Prefetch("agenda_item", queryset=AgendaItem.objects.visible_to(user), to_attr="visible_agenda_item"),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.visible_to(user).select_related("owner_organisation", "owner_person"),
                to_attr="visible_action_items",
            ),
        )
    )
    decision = get_object_or_404(decisions, reference=reference.strip("/"))
    return render(request, "decisions/decision_detail.html", {"decision": decision, "meeting": decision.meeting})


def _with_decisions(documents, user):
    return documents.select_related("kind").prefetch_related(
        "pillars",
        Prefetch(
            "decisions",
            # correlated: the few decisions behind the page's documents (DecisionQuerySet.visible_to).
            queryset=Decision.objects.visible_to(user, correlated=True)
            .select_related("procedure")
            .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.visible_to(user)))
            .newest_first(),
            to_attr="visible_decisions",
        ),
    )


def document_list(request):
    user = request.user
    filterset = DocumentFilter(request.GET or None, queryset=Document.objects.visible_to(user), request=request)
    documents = _with_decisions(filterset.qs, user).order_by("-period_start", "title")
    page = CappedPaginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "decisions/document_list.html", {"filter": filterset, "page_obj": page})


def document_detail(request, slug):
    user = request.user
    document = get_object_or_404(_with_decisions(Document.objects.visible_to(user), user), slug=slug)
    files = document.files.select_related("uploaded_by").order_by("-number")
    return render(request, "decisions/document_detail.html", {"document": document, "files": files})


def document_download(request, slug, number):
    """A file version of a document the user may see, sent as an attachment (never shown inline)."""
    document = get_object_or_404(Document.objects.visible_to(request.user), slug=slug)
    version = get_object_or_404(document.files, number=number)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = version.original_name or Path(version.file.name).name
    return FileResponse(handle, as_attachment=True, filename=filename)


def action_list(request):
    user = request.user
    actions = (
        ActionItem.objects.visible_to(user)
        .select_related("owner_organisation", "owner_person", "decision")
        .prefetch_related(
            Prefetch("meeting", queryset=Meeting.objects.visible_to(user)),
            Prefetch("progress_notes", queryset=ProgressNote.objects.order_by("created_at")),
        )
    )
    filterset = ActionItemFilter(request.GET or None, queryset=actions, request=request)
    ordered = filterset.qs.order_by("due_date", "id")
    page = CappedPaginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "decisions/action_list.html", {"filter": filterset, "page_obj": page})
