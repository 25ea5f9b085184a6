"""
The reading side of meetings: home page, meeting list and record, iCalendar and PDF exports.

Every row comes through a `visible_to(user)` QuerySet method; rows of the apps above this one
(decisions, action items) are reached by relation name (members.relations), never imported.
"""

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Prefetch, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.roles import is_board_member
from meetings import ics
from meetings.filters import MeetingFilter
from meetings.models import AgendaItem, Meeting, Participation
from meetings.pdf import render_pdf
from members.models import Organisation, Person
from members.relations import visible_related

PAGE_SIZE = 25

# How the public record names each group of organisations that took part.
TOOK_PART_LABELS = {
    Participation.Role.DELEGATE: _lazy("Delegations"),
    Participation.Role.SUPPORT_GROUP: _lazy("Support Group"),
    Participation.Role.OBSERVER: _lazy("Observers"),
    Participation.Role.SECRETARIAT: _lazy("Secretariat"),
}


def home(request):
    user = request.user
    meetings = Meeting.objects.visible_to(user)
    latest_decisions = (
        visible_related(Meeting, "decisions", user).with_acted_on(user).order_by("-meeting__start", "sequence")[:10]
    )
    return render(
        request,
        "home.html",
        {
            "next_meeting": meetings.upcoming().first(),
            "latest_meetings": meetings.past()[:5],
            "latest_decisions": latest_decisions,
        },
    )


def meeting_list(request):
    now = timezone.now()
    meetings = Meeting.objects.visible_to(request.user).alias(
        is_past=Case(When(end__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    filterset = MeetingFilter(request.GET or None, queryset=meetings)
    # Upcoming meetings first, soonest first; then past ones, latest first.
    ordered = filterset.qs.order_by(
        "is_past", Case(When(is_past=0, then=F("start"))).asc(), F("start").desc()
    ).select_related("pillar")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {"filter": filterset, "page_obj": page, "now": now})


def _record(meeting: Meeting, user) -> dict:
    """The record of a meeting as `user` may see it, for the page and the PDF."""
    participations = list(
        Participation.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("person", "organisation__parent")
        .order_by("order", "id")
    )
    speakers = [p for p in participations if p.role in Participation.PUBLIC_ROLES]
    # Who took part at which level: organisations grouped by role and level, in the recorded order.
    took_part: dict[tuple[str, str], list[Organisation]] = {}
    for participation in participations:
        if participation.role not in Participation.PUBLIC_ROLES and participation.organisation:
            key = (
                TOOK_PART_LABELS.get(participation.role, participation.get_role_display()),
                participation.get_level_display(),
            )
            took_part.setdefault(key, []).append(participation.organisation)

    agenda_items = list(
        AgendaItem.objects.visible_to(user)
        .filter(meeting=meeting)
        .prefetch_related(
            Prefetch("presenters", queryset=Person.objects.visible_to(user), to_attr="visible_presenters"),
            Prefetch(
                "presenting_organisations",
                queryset=Organisation.objects.visible_to(user),
                to_attr="visible_presenting_organisations",
            ),
        )
    )
    decisions = list(
        visible_related(Meeting, "decisions", user).filter(meeting=meeting).with_acted_on(user).order_by("sequence")
    )
    decisions_by_verb: dict[str, list] = {}
    for decision in decisions:
        decisions_by_verb.setdefault(decision.get_verb_display(), []).append(decision)
    new_memberships = [m for d in decisions for m in d.visible_memberships]
    appointments = [a for d in decisions for a in d.visible_appointments]
    documents = list({doc.pk: doc for d in decisions for doc in d.visible_documents}.values())
    action_items = list(
        visible_related(Meeting, "action_items", user)
        .filter(meeting=meeting)
        .select_related("owner_organisation", "owner_person", "decision")
        .order_by("due_date", "id")
    )
    return {
        "meeting": meeting,
        "participations": participations,
        "speakers": speakers,
        "took_part": [(role, level, organisations) for (role, level), organisations in took_part.items()],
        "agenda_items": agenda_items,
        "decisions": decisions,
        "decisions_by_verb": list(decisions_by_verb.items()),
        "new_memberships": new_memberships,
        "appointments": appointments,
        "documents": documents,
        "action_items": action_items,
        "reschedules": list(meeting.reschedules.all()),
        "corrections": list(meeting.corrections.all()),
        "full_record": is_board_member(user),
    }


def _visible_meeting(request, slug) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("pillar"), slug=slug)


def meeting_detail(request, slug):
    meeting = _visible_meeting(request, slug)
    return render(request, "meetings/meeting_detail.html", _record(meeting, request.user))


def meeting_pdf(request, slug):
    """The record as PDF: the full minutes for Board members, the public record for everyone else."""
    meeting = _visible_meeting(request, slug)
    context = _record(meeting, request.user)
    context["generated_at"] = timezone.now()
    pdf = render_pdf("meetings/meeting_record_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    kind = "minutes" if context["full_record"] else "record"
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}-{kind}.pdf"'
    return response


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).prefetch_related("reschedules"), slug=slug)
    content = ics.calendar([meeting], lambda m: request.build_absolute_uri(m.get_absolute_url()), meeting.title)
    return _ics_response(content, f"{meeting.slug}.ics")


def meetings_ics(request):
    meetings = Meeting.objects.visible_to(request.user).prefetch_related("reschedules").order_by("start")
    content = ics.calendar(
        meetings, lambda m: request.build_absolute_uri(m.get_absolute_url()), _("IISG Board Portal meetings")
    )
    return _ics_response(content, "iisg-meetings.ics")
