"""
Two-factor sign-in with TOTP (django-otp).

Required for the Secretariat and admins; optional for Board members, who are asked for a code
once they have set up a device. `settings.TWO_FACTOR_REQUIRED` may lift the requirement for the
local demo only (the settings refuse it with DEBUG off).
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.roles import is_secretariat

# Pages a signed-in user may reach before giving the second factor.
_EXEMPT_URL_NAMES = {"two-factor-verify", "two-factor-setup", "two-factor-qr", "logout"}


def needs_second_factor(user) -> bool:
    if not user.is_authenticated or user.is_verified():
        return False
    if is_secretariat(user):
        return settings.TWO_FACTOR_REQUIRED or user_has_device(user, confirmed=True)
    return user_has_device(user, confirmed=True)


class RequireTwoFactorMiddleware:
    """Send a signed-in user who owes a second factor to set it up or give it, then back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(settings.STATIC_URL) or not request.user.is_authenticated:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.url_name in _EXEMPT_URL_NAMES or not needs_second_factor(request.user):
            return self.get_response(request)
        target = "two-factor-verify" if user_has_device(request.user, confirmed=True) else "two-factor-setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return token


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@never_cache
@login_required
def verify(request):
    """Ask for the code of a confirmed device."""
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('two-factor-setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                messages.success(request, _("Signed in with two-factor authentication."))
                return redirect(_next_url(request))
        form.add_error("token", _token_error(devices[0]))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def setup(request):
    """Set up an authenticator app: scan the code, then confirm with a first token."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is set up for your account."))
            return redirect(_next_url(request))
        form.add_error("token", _token_error(device))
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "next": _next_url(request), "secret": _base32(device)},
    )


@never_cache
@login_required
def qr_code(request):
    """The setup QR code as an SVG image (served from 'self', as the content security policy asks)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        return HttpResponse(status=404)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _token_error(device: TOTPDevice) -> str:
    # After a wrong code, django-otp makes the next try wait (1 s, 2 s, 4 s …) against guessing.
    allowed, _data = device.verify_is_allowed()
    if allowed:
        return _("That code does not match. Check the time on your phone and enter the current code.")
    return _("That code does not match. Wait a few seconds before the next try, then enter the current code.")


def _base32(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
