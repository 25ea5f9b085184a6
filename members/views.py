"""
The member list and each organisation's page.

Rows of the apps above this one (decisions, participations, meetings) are reached by relation
name through members.relations.visible_related, so their own `visible_to` rules apply and this
app still imports neither `meetings` nor `decisions`.
"""

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404, render

from members.models import Appointment, Membership, Organisation, Person
from members.relations import visible_related

PAGE_SIZE = 25
CATEGORY_ORDER = [Membership.Category.BOARD, Membership.Category.SUPPORT_GROUP, Membership.Category.OBSERVER]


def _decisions_prefetch(model, user, to_attr="visible_decisions"):
    """The decisions behind memberships or appointments, each with its meeting, as the user may see them."""
    decisions = visible_related(model, "decisions", user)
    meetings = visible_related(decisions.model, "meeting", user)
    return Prefetch(
        "decisions",
        queryset=decisions.prefetch_related(Prefetch("meeting", queryset=meetings)).order_by("reference"),
        to_attr=to_attr,
    )


def _category_rank():
    return Case(
        *[When(category=category, then=Value(rank)) for rank, category in enumerate(CATEGORY_ORDER)],
        output_field=IntegerField(),
    )


def member_list(request):
    user = request.user
    memberships = (
        Membership.objects.visible_to(user)
        .select_related("organisation__parent")
        .prefetch_related(_decisions_prefetch(Membership, user))
        .alias(category_rank=_category_rank())
    )
    current = memberships.current().order_by("category_rank", "organisation__name")
    former = memberships.former().order_by("-until", "organisation__name")
    appointments = (
        Appointment.objects.visible_to(user)
        .select_related("person", "organisation")
        .prefetch_related(_decisions_prefetch(Appointment, user))
        .order_by("post", "-start", "pk")
    )
    return render(
        request,
        "members/member_list.html",
        {
            "current_page": Paginator(current, PAGE_SIZE).get_page(request.GET.get("page")),
            "former_page": Paginator(former, PAGE_SIZE).get_page(request.GET.get("former_page")),
            "appointments_page": Paginator(appointments, PAGE_SIZE).get_page(request.GET.get("appointments_page")),
        },
    )


def organisation_detail(request, slug):
    user = request.user
    organisation = get_object_or_404(Organisation.objects.visible_to(user).select_related("parent"), slug=slug)
    memberships = (
        Membership.objects.visible_to(user)
        .filter(organisation=organisation)
        .prefetch_related(_decisions_prefetch(Membership, user))
        .order_by("-since", "category")
    )
    appointments = (
        Appointment.objects.visible_to(user)
        .filter(Q(organisation=organisation) | Q(person__organisation=organisation))
        .select_related("person")
        .prefetch_related(_decisions_prefetch(Appointment, user))
        .order_by("post", "-start", "pk")
    )
    decisions = visible_related(Membership, "decisions", user)
    acted_on = decisions.model.objects.filter(
        Q(memberships__organisation=organisation)
        | Q(appointments__organisation=organisation)
        | Q(appointments__person__organisation=organisation)
    ).values("pk")
    decisions = (
        decisions.filter(pk__in=acted_on)
        .prefetch_related(Prefetch("meeting", queryset=visible_related(decisions.model, "meeting", user)))
        .order_by("-meeting__start", "sequence")
    )
    participations = visible_related(Organisation, "participations", user)
    participations = (
        participations.filter(organisation=organisation)
        .select_related("person")
        .prefetch_related(Prefetch("meeting", queryset=visible_related(participations.model, "meeting", user)))
        .order_by("-meeting__start", "order")
    )
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "children": Organisation.objects.visible_to(user).filter(parent=organisation),
            "memberships": memberships,
            "appointments": appointments,
            "people": Person.objects.visible_to(user).filter(organisation=organisation).order_by("name"),
            "decisions_page": Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page")),
            "participations_page": Paginator(participations, PAGE_SIZE).get_page(request.GET.get("meetings_page")),
        },
    )
