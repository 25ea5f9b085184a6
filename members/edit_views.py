"""
The Secretariat's editing pages for organisations, people, pillars and memberships, and the access
helpers every editing page uses: an object the user may not see is a 404, an action on an object
they may see but not change is a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.roles import is_secretariat
from members import services
from members.forms import EndMembershipForm, MembershipForm, OrganisationForm, PersonForm, PillarForm
from members.models import Membership, Organisation, Person

FORM_TEMPLATE = "members/edit_form.html"


def posted(request):
    """The submitted data on a POST (even an empty one: it is still a submission), else None."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def require_permission(user, *permissions: str) -> None:
    """Editing is for the Secretariat and admins holding the permission; anyone else gets a 403."""
    if not is_secretariat(user) or not all(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


def add_validation_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def render_form(request, form, *, title: str, cancel_url: str = "", template: str = FORM_TEMPLATE, **context):
    """The one form page; an invalid submission comes back with the user's input and the errors."""
    formset = context.get("formset")
    refused = form.errors or (formset is not None and formset.is_bound and formset.total_error_count())
    conflict = getattr(form, "conflict", None)
    # Said at the top too: whoever saved from the bottom of a long form sees why nothing happened.
    if conflict is not None:
        messages.error(
            request,
            _("Not saved: someone else saved this %(object)s since you opened the form.")
            % {"object": conflict.verbose_name},
        )
    elif request.method == "POST" and "preview" not in request.POST and refused:
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url, **context})


@require_http_methods(["GET", "POST"])
def organisation_create(request):
    require_permission(request.user, "members.add_organisation")
    form = OrganisationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("Organisation “%(name)s” added.") % {"name": organisation})
        return redirect(organisation)
    return render_form(request, form, title=_("New organisation"))


@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    require_permission(request.user, "members.change_organisation")
    form = OrganisationForm(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Organisation “%(name)s” saved.") % {"name": organisation})
        return redirect(organisation)
    return render_form(
        request, form, title=_("Edit %(name)s") % {"name": organisation}, cancel_url=organisation.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
def person_create(request):
    require_permission(request.user, "members.add_person")
    form = PersonForm(posted(request), initial={"organisation": request.GET.get("organisation")})
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, _("%(name)s added.") % {"name": person})
        return redirect(person)
    return render_form(request, form, title=_("New person"))


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    require_permission(request.user, "members.change_person")
    form = PersonForm(posted(request), instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s saved.") % {"name": person})
        return redirect(person)
    return render_form(request, form, title=_("Edit %(name)s") % {"name": person}, cancel_url=person.get_absolute_url())


@require_http_methods(["GET", "POST"])
def pillar_create(request):
    require_permission(request.user, "members.add_pillar")
    form = PillarForm(posted(request))
    if request.method == "POST" and form.is_valid():
        pillar = form.save()
        messages.success(request, _("Pillar %(code)s added.") % {"code": pillar.code})
        return redirect(pillar)
    return render_form(request, form, title=_("New pillar"))


@require_http_methods(["GET", "POST"])
def membership_create(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    require_permission(request.user, "members.add_membership")
    form = MembershipForm(posted(request), instance=Membership(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Membership of %(name)s recorded.") % {"name": organisation})
        return redirect(organisation)
    return render_form(
        request,
        form,
        title=_("New membership of %(name)s") % {"name": organisation},
        intro=_("For a membership the Board admits at a meeting, use “Admit members” on the meeting instead."),
        cancel_url=organisation.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    membership = get_object_or_404(Membership.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    require_permission(request.user, "members.change_membership")
    form = EndMembershipForm(posted(request), membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The membership “%(membership)s” ends.") % {"membership": membership})
            return redirect(membership.organisation)
    return render_form(
        request,
        form,
        title=_("End the membership: %(membership)s") % {"membership": membership},
        intro=_("The membership stays on record with its end date; nothing is deleted."),
        cancel_url=membership.organisation.get_absolute_url(),
    )
