"""
The Secretariat's editing pages for organisations, people, pillars, memberships and roles held. Each is the
portal's one edit flow (core.editing.edit_page): form → service → message → redirect.
"""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.editing import edit_page, editable, model_form_page, posted, require_permission
from members import services
from members.forms import (
    EndMembershipForm,
    EndRoleForm,
    MembershipForm,
    OrganisationForm,
    PersonForm,
    PillarForm,
    RoleHeldForm,
)
from members.models import Membership, Organisation, Person, RoleHeld


@require_http_methods(["GET", "POST"])
def organisation_create(request):
    require_permission(request.user, "members.add_organisation")
    form = OrganisationForm(posted(request))
    return model_form_page(request, form, message=_("Organisation “%(name)s” added."), title=_("New organisation"))


@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    organisation = editable(Organisation.objects, request.user, "members.change_organisation", slug=slug)
    title, cancel_url = _("Edit %(name)s") % {"name": organisation}, organisation.get_absolute_url()
    form = OrganisationForm(posted(request), instance=organisation)
    return model_form_page(
        request, form, message=_("Organisation “%(name)s” saved."), title=title, cancel_url=cancel_url
    )


@require_http_methods(["GET", "POST"])
def person_create(request):
    require_permission(request.user, "members.add_person")
    form = PersonForm(posted(request), initial={"organisation": request.GET.get("organisation")})
    return model_form_page(request, form, message=_("%(name)s added."), title=_("New person"))


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = editable(Person.objects, request.user, "members.change_person", pk=pk)
    title, cancel_url = _("Edit %(name)s") % {"name": person}, person.get_absolute_url()
    form = PersonForm(posted(request), instance=person)
    return model_form_page(request, form, message=_("%(name)s saved."), title=title, cancel_url=cancel_url)


@require_http_methods(["GET", "POST"])
def pillar_create(request):
    require_permission(request.user, "members.add_pillar")
    form = PillarForm(posted(request))
    return model_form_page(request, form, message=_("Pillar %(name)s added."), title=_("New pillar"))


@require_http_methods(["GET", "POST"])
def membership_create(request, slug):
    organisation = editable(Organisation.objects, request.user, "members.add_membership", slug=slug)
    form = MembershipForm(posted(request), instance=Membership(organisation=organisation))
    return edit_page(
        request,
        form,
        save=form.save,
        message=_("Membership of %(name)s recorded.") % {"name": organisation},
        success_url=organisation,
        title=_("New membership of %(name)s") % {"name": organisation},
        intro=_("For a membership the Board admits at a meeting, use “Admit members” on the meeting instead."),
        cancel_url=organisation.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    membership = editable(
        Membership.objects.select_related("organisation"), request.user, "members.change_membership", pk=pk
    )
    form = EndMembershipForm(posted(request), membership=membership)
    return edit_page(
        request,
        form,
        save=lambda: services.end_membership(
            membership=membership,
            until=form.cleaned_data["until"],
            note=form.cleaned_data["note"],
            expected_version=form.expected_version,
        ),
        message=_("The membership “%(membership)s” ends.") % {"membership": membership},
        success_url=membership.organisation,
        title=_("End the membership: %(membership)s") % {"membership": membership},
        intro=_("The membership stays on record with its end date; nothing is deleted."),
        cancel_url=membership.organisation.get_absolute_url(),
    )


def _digits(request, name: str) -> str | None:
    value = request.GET.get(name, "")
    return value if value.isdigit() else None


@require_http_methods(["GET", "POST"])
def role_create(request):
    require_permission(request.user, "members.add_roleheld")
    initial = {name: _digits(request, name) for name in ("person", "organisation", "pillar", "post")}
    form = RoleHeldForm(posted(request), instance=RoleHeld(), initial=initial)
    return edit_page(
        request,
        form,
        save=lambda: services.record_role(
            **{name: value for name, value in form.cleaned_data.items() if name not in ("version", "lock_snapshot")}
        ),
        message=lambda role: _("Role recorded: %(role)s.") % {"role": role},
        success_url=lambda role: role.get_absolute_url(),
        title=_("New role held"),
        intro=_(
            "For a role the Board gives at a meeting (an appointment, a host, a lead partner), use "
            "“Appoint or name a post holder” on the meeting instead: it records the decision with it."
        ),
    )


@require_http_methods(["GET", "POST"])
def role_edit(request, pk):
    role = editable(RoleHeld.objects.with_people(), request.user, "members.change_roleheld", pk=pk)
    # The heading names the record as saved: validating the form writes the input into `role`.
    title, cancel_url = _("Edit the role: %(role)s") % {"role": role}, role.get_absolute_url()
    form = RoleHeldForm(posted(request), instance=role)
    return edit_page(
        request,
        form,
        save=lambda: services.update_role(role=form.save(commit=False), expected_version=form.expected_version),
        message=lambda role: _("Role saved: %(role)s.") % {"role": role},
        success_url=lambda role: role.get_absolute_url(),
        title=title,
        cancel_url=cancel_url,
    )


@require_http_methods(["GET", "POST"])
def role_end(request, pk):
    role = editable(RoleHeld.objects.with_people(), request.user, "members.change_roleheld", pk=pk)
    form = EndRoleForm(posted(request), role=role)
    return edit_page(
        request,
        form,
        save=lambda: services.end_role(
            role=role,
            end=form.cleaned_data["end"],
            end_precision=form.cleaned_data["end_precision"],
            note=form.cleaned_data["note"],
        ),
        message=lambda ended: _("The term ends: %(role)s.") % {"role": ended},
        success_url=lambda ended: ended.get_absolute_url(),
        title=_("End the term: %(role)s") % {"role": role},
        intro=_("The role stays on record with its end date; nothing is deleted."),
        cancel_url=role.get_absolute_url(),
    )
