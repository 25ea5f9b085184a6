"""
Two-factor sign-in on django-two-factor-auth (itself on django-otp): TOTP authenticator apps and
single-use backup codes.

The rule: the Secretariat and admins must have a second factor; Board members may set one up, and
once they have, they give it at each sign-in. `settings.TWO_FACTOR_REQUIRED` may lift the rule for
the local demo only (the settings refuse it with DEBUG off).

A user who has a second factor signs in with password and code in one step (the library's sign-in
wizard), so a session that knows only the password never exists for them. Setting up an
authenticator is only possible for a user who has none; replacing one means removing it first,
which needs a session verified with it (or an admin's reset, logged: `core/admin.py`).

A Secretariat or admin user without a second factor is not signed in with the password alone:
whoever first learnt the password would otherwise enrol their own phone and own the account. They
set up their first authenticator only through an enrolment link an admin issues (`EnrolmentLink`,
single-use, expiring, bound to its user; the admin's action or `manage.py enrolment_link`): the link
lets this browser's session sign in with that user's password and reach the setup pages, and is
used up when the authenticator is confirmed. A user who removes their own authenticator from a
session verified with it may set up the new one in that session, as before.
"""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user
from two_factor import views as two_factor_views
from two_factor.forms import MethodForm
from two_factor.utils import default_device, get_otpauth_url, totp_digits

from core import clock
from core.models import EnrolmentLink, hash_token
from core.roles import is_secretariat

logger = logging.getLogger("core.two_factor")

# Where to go once the backup codes are printed, after a setup the portal asked for.
NEXT_SESSION_KEY = "two_factor_next"

# Pages a signed-in user who still owes a second factor may reach: the setup wizard and what it needs.
_SETUP_URL_NAMES = {"two_factor:setup", "two_factor:qr", "logout", "login"}

# What lets this session set up a first authenticator for a user who must have one:
# {"link": <EnrolmentLink id>} once the link is followed (checked again on every request, since it
# may expire or be replaced meanwhile), or {"replacing": <user id>} after the user removed their own
# authenticator from a session verified with it. Sign-out flushes it with the rest of the session.
ENROLMENT_SESSION_KEY = "two_factor_enrolment"


def has_second_factor(user) -> bool:
    """True when the user has a confirmed authenticator (backup codes alone do not count)."""
    return default_device(user) is not None


def second_factor_required(user) -> bool:
    """The Secretariat and admins must have a second factor (unless the local demo lifts the rule)."""
    return bool(settings.TWO_FACTOR_REQUIRED and is_secretariat(user))


def remove_second_factor(user) -> int:
    """Delete every device of `user` (authenticators and backup codes); returns how many."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    if hasattr(user, "_default_device"):
        del user._default_device  # two_factor caches the default device on the user object
    return len(devices)


# Enrolment links


class EnrolmentRefused(Exception):
    """No enrolment link for this user; the message says why, in the admin's words."""


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: its secret exists only here, to be shown once to the admin who issued it."""

    link: EnrolmentLink
    token: str

    @property
    def path(self) -> str:
        return reverse("enrolment-link", args=[self.token])


def enrolment_link_refusal(user) -> str | None:
    """Why `user` may not be given an enrolment link, or None if they may."""
    if not user.is_active:
        return _("The account is inactive.")
    if not is_secretariat(user):
        # Board members (and users with no role) may set up a second factor themselves.
        return _(
            "Only Secretariat and admin accounts need an enrolment link; others set up two-factor sign-in themselves."
        )
    if has_second_factor(user):
        return _("The account already has an authenticator app. Reset its two-factor sign-in first to replace it.")
    return None


@transaction.atomic
def issue_enrolment_link(*, user, issued_by=None) -> IssuedLink:
    """
    A new enrolment link for `user` (`issued_by`: the admin, or None for the command line); their
    older links stop working. Raises EnrolmentRefused for a user who may not have one.
    """
    # Two admins issuing for one user at once: one after the other, so exactly one link stays open.
    user = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
    refusal = enrolment_link_refusal(user)
    if refusal:
        raise EnrolmentRefused(refusal)
    now = clock.now()
    for older in user.enrolment_links.open().select_for_update():
        older.voided_at = now
        older.save(update_fields=["voided_at"])
    token = secrets.token_urlsafe(32)
    link = EnrolmentLink(
        user=user,
        token_hash=hash_token(token),
        issued_by=issued_by,
        issued_at=now,
        expires_at=now + dt.timedelta(hours=settings.ENROLMENT_LINK_HOURS),
    )
    link.full_clean()
    link.save()
    logger.warning(
        "Enrolment link %s issued for user %s by %s, valid until %s",
        link.pk,
        user.pk,
        issued_by.pk if issued_by else "the command line",
        link.expires_at.isoformat(),
    )
    return IssuedLink(link=link, token=token)


def link_problem(link: EnrolmentLink | None) -> str | None:
    """What is wrong with a link someone follows, in their words; None if it works."""
    if link is None or not link.user.is_active:
        return _("This enrolment link is not valid. Check that you copied all of it, or ask an admin for a new one.")
    state = link.state
    if state == EnrolmentLink.State.USED:
        return _("This enrolment link has already been used: each link works once. Ask an admin for a new one.")
    if state == EnrolmentLink.State.VOIDED:
        return _("This enrolment link was replaced by a newer one. Use the newest link, or ask an admin for a new one.")
    if state == EnrolmentLink.State.EXPIRED:
        return _("This enrolment link has expired. Ask an admin for a new one.")
    if has_second_factor(link.user):
        return _("This account already has an authenticator app: sign in with it.")
    return None


def session_enrolment_link(request, user) -> EnrolmentLink | None:
    """The usable link this session followed, if it is `user`'s (another user's password does not work with it)."""
    link_id = (request.session.get(ENROLMENT_SESSION_KEY) or {}).get("link")
    if link_id is None:
        return None
    return EnrolmentLink.objects.usable().filter(pk=link_id, user=user).first()


def may_enrol(request, user) -> bool:
    """Whether this session may set up a first authenticator for `user`, who must have one and has none."""
    if (request.session.get(ENROLMENT_SESSION_KEY) or {}).get("replacing") == user.pk:
        return True
    return session_enrolment_link(request, user) is not None


def _consume_enrolment(request, user) -> bool:
    """
    Use up what let this session set up `user`'s authenticator (in the transaction that saves the
    device). False if nothing does any more (the link expired, was used or replaced meanwhile) and
    `user` must have a second factor.
    """
    grant = request.session.get(ENROLMENT_SESSION_KEY) or {}
    link = None
    if grant.get("link") is not None:
        # Locked: the same link confirmed in two browsers at once is used once.
        link = EnrolmentLink.objects.select_for_update().filter(pk=grant["link"], user=user).first()
        if link is not None and link.state != EnrolmentLink.State.USABLE:
            link = None
    if link is not None:
        link.used_at = clock.now()
        link.save(update_fields=["used_at"])
        logger.info("Enrolment link %s used by user %s", link.pk, user.pk)
    elif second_factor_required(user) and grant.get("replacing") != user.pk:
        return False
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    return True


def enrolment_needed(request, *, link_followed: bool = False):
    """The answer to a Secretariat or admin user without a second factor and no enrolment link: not signed in."""
    return render(request, "two_factor/core/enrolment_needed.html", {"link_followed": link_followed}, status=403)


@never_cache
def follow_enrolment_link(request, token):
    """
    The link an admin issued: if it works, this session may sign in with its user's password and set
    up their authenticator. Nothing is used up here (a mail scanner may open the link first); the
    secret leaves the address bar at once, so that no later page's address or Referer carries it.
    """
    link = EnrolmentLink.objects.for_token(token)
    problem = link_problem(link)
    if problem:
        status = 404 if link is None else 410
        return render(request, "two_factor/core/enrolment_link.html", {"problem": problem}, status=status)
    if request.user.is_authenticated:
        problem = _("You are signed in. Sign out, then open the enrolment link again.")
        return render(request, "two_factor/core/enrolment_link.html", {"problem": problem}, status=409)
    request.session[ENROLMENT_SESSION_KEY] = {"link": link.pk}
    return redirect("login")


class RequireTwoFactorMiddleware:
    """
    Enforce the rule on every request after authentication:

    - a signed-in session of a user who has a second factor but did not give it (a password-only
      session, e.g. one opened before the device was added) is ended, and the user signs in again
      with password and code;
    - a Secretariat or admin user without a second factor reaches only the setup pages until done,
      and only from a session that followed their enrolment link (or removed their authenticator
      while verified with it); any other such session is ended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified() or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if has_second_factor(user):
            logout(request)
            messages.info(request, _("Sign in again with your password and the code from your authenticator app."))
            return redirect_to_login(request.get_full_path())
        if second_factor_required(user):
            if not may_enrol(request, user):
                # E.g. a session opened before this rule, or one whose link expired or was replaced.
                logout(request)
                return enrolment_needed(request)
            if _url_name(request) not in _SETUP_URL_NAMES:
                return redirect(f"{reverse('two_factor:setup')}?next={request.get_full_path()}")
        return self.get_response(request)


def _url_name(request) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


class LoginView(two_factor_views.LoginView):
    """Password, then the code (or a backup code) for users who have a second factor."""

    template_name = "two_factor/core/login.html"
    redirect_authenticated_user = True

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        step = step or self.steps.current
        if step == self.TOKEN_STEP:
            form.fields["otp_token"].label = _("Six-digit code from your authenticator app")
        elif step == self.BACKUP_STEP:
            form.fields["otp_token"].label = _("Backup code")
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        context["enrolling"] = bool((self.request.session.get(ENROLMENT_SESSION_KEY) or {}).get("link"))
        return context

    def done(self, form_list, **kwargs):
        # The password was right. A Secretariat or admin user without a second factor is signed in
        # only by the session that followed their own enrolment link (then sent to the setup page).
        user = self.get_user()
        if (
            second_factor_required(user)
            and not has_second_factor(user)
            and session_enrolment_link(self.request, user) is None
        ):
            logger.warning("Sign-in refused to user %s: no second factor and no enrolment link", user.pk)
            followed = bool((self.request.session.get(ENROLMENT_SESSION_KEY) or {}).get("link"))
            return enrolment_needed(self.request, link_followed=followed)
        return super().done(form_list, **kwargs)


class SetupView(two_factor_views.SetupView):
    """
    Set up an authenticator app. Refused, whatever the method, to a user who already has one: a
    new device is added only after removing the old one, which needs a verified session. The key
    lives in the session until the first code confirms it; no device exists before that.
    """

    template_name = "two_factor/core/setup.html"
    # No welcome step: the page itself explains. With one method (TOTP) the method step is skipped too.
    form_list = (("method", MethodForm),)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_second_factor(request.user):
            messages.info(
                request,
                _("Your account already has an authenticator app. To replace it, remove it here first."),
            )
            return redirect("two_factor:profile")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        if "token" in form.fields:
            form.fields["token"].label = _("Six-digit code from your authenticator app")
            # The library's number input may not carry autocomplete="one-time-code" (HTML allows it on
            # text inputs only), and a code is digits, not a number: a text input asking for digits,
            # as the sign-in's code field is. The field still reads the code as a whole number.
            form.fields["token"].widget = forms.TextInput(
                attrs={
                    "autofocus": "autofocus",
                    "inputmode": "numeric",
                    "pattern": "[0-9]*",
                    "maxlength": totp_digits(),
                    "autocomplete": "one-time-code",
                }
            )
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        context["required"] = second_factor_required(self.request.user)
        if "secret_key" in context:
            # The app shows the portal's name, not the host name the library would use.
            context["issuer"] = settings.OTP_TOTP_ISSUER
            context["otpauth_url"] = get_otpauth_url(
                self.request.user.get_username(), context["secret_key"], settings.OTP_TOTP_ISSUER, totp_digits()
            )
            context["secret_key_groups"] = " ".join(
                context["secret_key"][i : i + 4] for i in range(0, len(context["secret_key"]), 4)
            )
        return context

    def get_success_url(self):
        # First the backup codes, then on to where the user was going (kept in the session).
        self.request.session[NEXT_SESSION_KEY] = self.get_redirect_url()
        return reverse("two_factor:backup_tokens")

    def done(self, form_list, **kwargs):
        with transaction.atomic():
            # The enrolment link is used up with the device's save, or neither happens.
            if not _consume_enrolment(self.request, self.request.user):
                logout(self.request)
                return enrolment_needed(self.request, link_followed=True)
            response = super().done(form_list, **kwargs)
        logger.info("Two-factor authenticator set up for user %s", self.request.user.pk)
        messages.success(self.request, _("Two-factor sign-in is set up. Now print your backup codes."))
        return response


class QRGeneratorView(two_factor_views.QRGeneratorView):
    def get_issuer(self):
        return settings.OTP_TOTP_ISSUER


class BackupTokensView(two_factor_views.BackupTokensView):
    template_name = "two_factor/core/backup_tokens.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["continue_url"] = self.request.session.get(NEXT_SESSION_KEY) or ""
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        logger.info("New backup codes made for user %s", self.request.user.pk)
        messages.success(
            self.request,
            _("New backup codes made; the old ones no longer work. Each code signs you in once."),
        )
        return response


class ProfileView(two_factor_views.ProfileView):
    template_name = "two_factor/profile/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["required"] = second_factor_required(self.request.user)
        return context


class DisableView(two_factor_views.DisableView):
    """Remove the authenticator and backup codes; only from a session verified with them."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["understand"].label = _("I understand that my authenticator app and backup codes stop working")
        return form

    def form_valid(self, form):
        removed = remove_second_factor(self.request.user)
        logger.warning("User %s removed their second factor (%d devices)", self.request.user.pk, removed)
        # This session was verified with the old authenticator: it may set up the new one without a link.
        self.request.session[ENROLMENT_SESSION_KEY] = {"replacing": self.request.user.pk}
        if second_factor_required(self.request.user):
            messages.warning(self.request, _("Authenticator removed. Your role needs one: set up the new one now."))
            return redirect("two_factor:setup")
        messages.success(self.request, _("Two-factor sign-in is turned off for your account."))
        return redirect("two_factor:profile")
