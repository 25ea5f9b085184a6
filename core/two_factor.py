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
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from two_factor import views as two_factor_views
from two_factor.forms import MethodForm
from two_factor.utils import default_device, get_otpauth_url, totp_digits

from core.roles import is_secretariat

logger = logging.getLogger("core.two_factor")

# Where to go once the backup codes are printed, after a setup the portal asked for.
NEXT_SESSION_KEY = "two_factor_next"

# Pages a signed-in user who still owes a second factor may reach: the setup wizard and what it needs.
_SETUP_URL_NAMES = {"two_factor:setup", "two_factor:qr", "logout", "login"}


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


class RequireTwoFactorMiddleware:
    """
    Enforce the rule on every request after authentication:

    - a signed-in session of a user who has a second factor but did not give it (a password-only
      session, e.g. one opened before the device was added) is ended, and the user signs in again
      with password and code;
    - a Secretariat or admin user without a second factor reaches only the setup pages until done.
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
        if second_factor_required(user) and _url_name(request) not in _SETUP_URL_NAMES:
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
        return context


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
        if second_factor_required(self.request.user):
            messages.warning(self.request, _("Authenticator removed. Your role needs one: set up the new one now."))
            return redirect("two_factor:setup")
        messages.success(self.request, _("Two-factor sign-in is turned off for your account."))
        return redirect("two_factor:profile")
