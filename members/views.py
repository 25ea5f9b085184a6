from django.shortcuts import get_object_or_404, render

from members.models import Membership, Organisation


def member_list(request):
    memberships = Membership.objects.visible_to(request.user).select_related("organisation")
    return render(
        request,
        "members/member_list.html",
        {"current": memberships.current(), "former": memberships.former()},
    )


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    memberships = Membership.objects.visible_to(request.user).filter(organisation=organisation)
    return render(
        request,
        "members/organisation_detail.html",
        {"organisation": organisation, "memberships": memberships},
    )
