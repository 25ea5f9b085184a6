"""
The Secretariat's access pages for one organisation: who may answer written procedures for it and read
members-only records, give access (invite by e-mail), invite again, remove access, and the history of it.
Thin: each is core.editing's flow (form → service → message → redirect).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.editing import confirm_page, edit_page, editable, posted
from core.forms import ConfirmForm
from core.models import InvitationLink
from core.roles import BOARD_MEMBERS_GROUP
from members.access import services
from members.access.forms import GiveAccessForm, RemoveAccessForm
from members.models import Delegation, Organisation, Person

# The page and every step on it: the organisation's record, and its delegations.
SEE = ("members.change_organisation", "members.view_delegation")
GIVE = (*SEE, "members.add_delegation")
CHANGE = (*SEE, "members.change_delegation")
# The link shown once, on the access page, when no e-mail could carry it: {"organisation": pk, …}.
LINK_SESSION_KEY = "members_access_link"
HISTORY_ROWS = 50


def _organisation(request, slug, permissions):
    return editable(Organisation.objects, request.user, *permissions, slug=slug)


def _access_url(organisation) -> str:
    return reverse("members-edit:organisation-access", args=[organisation.slug])


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def organisation_access(request, slug):
    organisation = _organisation(request, slug, SEE)
    today = timezone.localdate()
    delegations = Delegation.objects.filter(organisation=organisation)
    current = (
        services.lasting(today)
        .filter(organisation=organisation)
        .select_related("person__user")
        .prefetch_related(
            Prefetch("person__user__invitation_links", queryset=InvitationLink.objects.open(), to_attr="open_links")
        )
        .order_by("person__name", "valid_from")
    )
    ended = delegations.filter(valid_until__lte=today).select_related("person").order_by("-valid_until")
    # The organisation's own people with a Board member's account act for it without a delegation
    # (members.models.organisations_represented_by): listed, so that the page names everyone who may answer.
    own_people = (
        Person.objects.filter(organisation=organisation, user__is_active=True, user__groups__name=BOARD_MEMBERS_GROUP)
        .exclude(pk__in=[delegation.person_id for delegation in current])
        .select_related("user")
        .order_by("name")
    )
    history = (
        Delegation.history.filter(organisation=organisation)
        .select_related("history_user", "person")
        .order_by("-history_date", "-history_id")[:HISTORY_ROWS]
    )
    link = request.session.get(LINK_SESSION_KEY)
    if link and link.get("organisation") == organisation.pk:
        # Shown once: the secret leaves the session with this page.
        del request.session[LINK_SESSION_KEY]
    else:
        link = None
    return render(
        request,
        "members/access/organisation_access.html",
        {
            "organisation": organisation,
            "rows": [_row(delegation) for delegation in current],
            "ended": ended,
            "own_people": own_people,
            "history": [_history_entry(record) for record in history],
            "shown_link": link,
            "can_give": request.user.has_perm("members.add_delegation"),
            "can_change": request.user.has_perm("members.change_delegation"),
        },
    )


def _row(delegation: Delegation) -> dict:
    user = delegation.person.user
    link = (getattr(user, "open_links", None) or [None])[0] if user else None
    if user is None:
        invitation = ""
    elif user.has_usable_password():
        invitation = "accepted"
    elif link is None:
        invitation = "none"
    else:
        invitation = link.state
    return {"delegation": delegation, "person": delegation.person, "user": user, "invitation": invitation, "link": link}


def _history_entry(record) -> dict:
    if record.history_type == "+":
        what = _("Access given to %(person)s from %(date)s") % {
            "person": record.person,
            "date": date_format(record.valid_from),
        }
    elif record.history_type == "-":
        what = _("Delegation of %(person)s deleted") % {"person": record.person}
    elif record.valid_until is not None:
        what = _("Access of %(person)s ended on %(date)s") % {
            "person": record.person,
            "date": date_format(record.valid_until),
        }
    else:
        what = _("Access of %(person)s") % {"person": record.person}
    user = record.history_user
    return {
        "date": record.history_date,
        "user": (user.get_full_name() or user.get_username()) if user else _("(system or admin)"),
        "what": what,
        "reason": record.history_change_reason or "",
    }


@require_http_methods(["GET", "POST"])
def access_give(request, slug):
    organisation = _organisation(request, slug, GIVE)
    form = GiveAccessForm(posted(request), organisation=organisation)

    def save():
        data = form.cleaned_data
        result = services.give_access(
            services.GiveAccess(
                organisation=organisation,
                person=data["person"],
                name=data["name"],
                honorific=data["honorific"],
                position_title=data["position_title"],
                email=data["email"],
                valid_from=data["valid_from"],
                note=data["note"],
                by=request.user,
                site_url=_site_url(request),
            )
        )
        _keep_link_to_show(request, organisation, result.person, result.invitation)
        return result

    return edit_page(
        request,
        form,
        save=save,
        message=lambda result: _given_message(result, organisation),
        success_url=_access_url(organisation),
        title=_("Give access for %(organisation)s") % {"organisation": organisation},
        intro=_(
            "The person gets an account in the Board members group, linked to them, and a delegation for "
            "%(organisation)s: they may then answer written procedures for it and read members-only records. "
            "They set their own password through a single-use link sent by e-mail."
        )
        % {"organisation": organisation},
        cancel_url=_access_url(organisation),
    )


def _keep_link_to_show(request, organisation, person, invitation) -> None:
    if invitation.link_path:
        request.session[LINK_SESSION_KEY] = {
            "organisation": organisation.pk,
            "person": str(person),
            "url": request.build_absolute_uri(invitation.link_path),
            "expires_at": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
        }


def _invitation_message(invitation, person) -> str:
    if not invitation.needed:
        return _("%(person)s has a password already and signs in as before: no invitation was needed.") % {
            "person": person
        }
    if invitation.emailed_to:
        return _("Invitation sent to %(email)s (the link works until %(until)s).") % {
            "email": invitation.emailed_to,
            "until": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
        }
    return _(
        "No e-mail could be sent: there is no address for %(person)s. Pass on the link shown below yourself; "
        "it is shown only this once."
    ) % {"person": person}


def _given_message(result, organisation) -> str:
    given = _("Access given to %(person)s for %(organisation)s from %(date)s.") % {
        "person": result.person,
        "organisation": organisation,
        "date": date_format(result.delegation.valid_from),
    }
    return f"{given} {_invitation_message(result.invitation, result.person)}"


def _person_with_access(request, organisation, pk):
    """One of the people the organisation has (or had) delegations for, if the user may see them: else a 404."""
    people = Person.objects.visible_to(request.user).filter(delegations__organisation=organisation).distinct()
    return get_object_or_404(people.select_related("user"), pk=pk)


@require_http_methods(["GET", "POST"])
def access_invite_again(request, slug, pk):
    organisation = _organisation(request, slug, CHANGE)
    person = _person_with_access(request, organisation, pk)
    form = ConfirmForm(posted(request), submit_label=_("Send a new invitation"))

    def save():
        invitation = services.invite_again(
            services.InviteAgain(organisation=organisation, person=person, by=request.user, site_url=_site_url(request))
        )
        _keep_link_to_show(request, organisation, person, invitation)
        return invitation

    return confirm_page(
        request,
        form,
        save=save,
        message=lambda invitation: _invitation_message(invitation, person),
        success_url=_access_url(organisation),
        refused_url=_access_url(organisation),
        title=_("Send the invitation again to %(person)s") % {"person": person},
        text=_(
            "A new single-use link to set their password, for their access for %(organisation)s, is sent by "
            "e-mail; the one sent before stops working at once."
        )
        % {"organisation": organisation},
        cancel_url=_access_url(organisation),
    )


@require_http_methods(["GET", "POST"])
def access_remove(request, slug, pk):
    organisation = _organisation(request, slug, CHANGE)
    person = _person_with_access(request, organisation, pk)
    form = RemoveAccessForm(posted(request))

    def message(removed) -> str:
        text = _("Access of %(person)s for %(organisation)s ended today.") % {
            "person": person,
            "organisation": organisation,
        }
        if removed.left_group:
            return (
                text
                + " "
                + _("They are no longer a Board member: from their next page, members-only records are closed to them.")
            )
        return text + " " + _("They keep reading members-only records: another delegation of theirs is still in force.")

    return confirm_page(
        request,
        form,
        save=lambda: services.remove_access(
            services.RemoveAccess(
                organisation=organisation, person=person, reason=form.cleaned_data["reason"], by=request.user
            )
        ),
        message=message,
        success_url=_access_url(organisation),
        title=_("Remove the access of %(person)s for %(organisation)s")
        % {"person": person, "organisation": organisation},
        text=_(
            "Their delegation ends today (it stays on record). Unless another delegation of theirs is in force, "
            "their account leaves the Board members group, effective at their next page, and any invitation "
            "link not yet used stops working. The account itself is kept."
        ),
        danger=True,
        cancel_url=_access_url(organisation),
    )
