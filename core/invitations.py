"""
Invitation links: how someone given an account by the Secretariat (members/access/) sets their first
password, without Django admin and without anyone else ever knowing it.

A link is single-use, expires (`settings.INVITATION_LINK_HOURS`) and is bound to its user; only the
hash of its secret is kept (`core.models.InvitationLink`, the same machinery as the enrolment links of
core/two_factor.py). Issuing a new link voids the user's older open ones. Opening the link only shows
the form (a mail scanner may open it first); setting the password uses it up, in the same transaction.
Then the user is signed in, unless a second factor is theirs to give (core/two_factor.py): they are
sent to the sign-in, which asks for it, or refuses without an enrolment link.

The page never says anything about a link that does not work beyond why it does not (unknown: 404;
used, replaced or expired: 410), and never names its user then.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core import clock
from core.forms import form_helper
from core.models import InvitationLink, hash_token
from core.roles import is_secretariat
from core.two_factor import has_second_factor, second_factor_required

logger = logging.getLogger("core.invitations")

TEMPLATE = "registration/invitation.html"
PROBLEM_TEMPLATE = "registration/invitation_problem.html"
# The backend that signs the invited user in: the password was just set, not checked (django-axes has nothing to count).
BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class IssuedInvitation:
    """A link just issued: its secret exists only here, to be mailed (or shown once when there is no address)."""

    link: InvitationLink
    token: str

    @property
    def path(self) -> str:
        return reverse("invitation", args=[self.token])


def issue_invitation_link(*, user, issued_by=None) -> IssuedInvitation:
    """
    A new invitation link for `user`; their older open links stop working. Call it inside the
    transaction of the step that invites (members.access.services): the user's row is locked, so two
    editors inviting one person at once leave exactly one link open.
    """
    user = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
    if is_secretariat(user):
        # A link sets a password without the old one: never for an account that edits the record.
        raise ValidationError(
            _("%(user)s is a Secretariat or admin account: invitations are for delegates only.") % {"user": user}
        )
    now = clock.now()
    voided = void_invitation_links(user=user, at=now)
    token = secrets.token_urlsafe(32)
    link = InvitationLink(
        user=user,
        token_hash=hash_token(token),
        issued_by=issued_by,
        issued_at=now,
        expires_at=now + dt.timedelta(hours=settings.INVITATION_LINK_HOURS),
    )
    link.full_clean()
    link.save()
    logger.info(
        "Invitation link %s issued for user %s by %s, valid until %s (%d older voided)",
        link.pk,
        user.pk,
        issued_by.pk if issued_by else "a command",
        link.expires_at.isoformat(),
        voided,
    )
    return IssuedInvitation(link=link, token=token)


def void_invitation_links(*, user, at=None) -> int:
    """Void `user`'s open invitation links (a new one is issued, or their access is removed); returns how many."""
    at = at or clock.now()
    voided = 0
    # One by one, with save(): each is a model write the page cache and any receiver hears of.
    for older in user.invitation_links.open().select_for_update():
        older.voided_at = at
        older.save(update_fields=["voided_at"])
        voided += 1
    return voided


def invitation_problem(link: InvitationLink | None) -> str | None:
    """What is wrong with a link someone follows, in their words, naming nobody; None if it works."""
    if link is None or not link.user.is_active:
        return _(
            "This invitation link is not valid. Check that you copied all of it, or ask the IISG Secretariat "
            "for a new one."
        )
    state = link.state
    if state == InvitationLink.State.USED:
        return _(
            "This invitation link has already been used: each link works once. If you set your password, "
            "sign in; otherwise ask the IISG Secretariat for a new one."
        )
    if state == InvitationLink.State.VOIDED:
        return _(
            "This invitation link was replaced by a newer one or withdrawn. Use the newest link you received, "
            "or ask the IISG Secretariat for a new one."
        )
    if state == InvitationLink.State.EXPIRED:
        return _("This invitation link has expired. Ask the IISG Secretariat for a new one.")
    return None


def _refuse(request, problem: str, status: int):
    return render(request, PROBLEM_TEMPLATE, {"problem": problem}, status=status)


class InvitationPasswordForm(SetPasswordForm):
    """Django's form: the password twice, checked by the password validators (settings.AUTH_PASSWORD_VALIDATORS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Set my password"))
        # A password manager offers to save it under the account's name.
        self.fields["new_password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["new_password2"].widget.attrs["autocomplete"] = "new-password"


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def follow_invitation(request, token):
    """The invitation page: who it is for, then the new password twice; setting it uses the link up."""
    link = InvitationLink.objects.for_token(token)
    problem = invitation_problem(link)
    if problem:
        return _refuse(request, problem, 404 if link is None or not link.user.is_active else 410)
    if request.user.is_authenticated:
        return _refuse(request, _("You are signed in. Sign out, then open the invitation link again."), 409)
    user = link.user
    if user.has_usable_password() or is_secretariat(user):
        # A password was set since (another way), or the account now edits the record: the link may not
        # set a password for it any more.
        return _refuse(
            request,
            _("This invitation link can no longer be used: sign in with your password, or ask the IISG Secretariat."),
            410,
        )
    form = InvitationPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Locked: the same link posted from two browsers at once sets one password.
            locked = InvitationLink.objects.select_for_update().filter(pk=link.pk).first()
            if locked is None or locked.state != InvitationLink.State.USABLE:
                return _refuse(request, invitation_problem(locked), 410)
            form.save()
            locked.used_at = clock.now()
            locked.save(update_fields=["used_at"])
        logger.info("Invitation link %s used by user %s", link.pk, user.pk)
        if has_second_factor(user) or second_factor_required(user):
            # The second factor is asked at the sign-in (or, without one, an enrolment link is needed).
            messages.success(request, _("Your password is set. Sign in with it now."))
            return redirect("login")
        login(request, user, backend=BACKEND)
        messages.success(
            request,
            _("Welcome, %(name)s. Your password is set and you are signed in.")
            % {"name": user.get_full_name() or user.get_username()},
        )
        return redirect("home")
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "invited": user,
            "expires_at": link.expires_at,
            "username": user.get_username(),
        },
    )
