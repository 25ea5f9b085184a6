"""Sign in through the real sign-in pages (django-two-factor-auth's wizard), as a person would."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def sign_in(client, user, password=PASSWORD, **extra):
    """The password step; for a user with a second factor, the code step follows (`give_code`)."""
    data = {"login_view-current_step": "auth", "auth-username": user.username, "auth-password": password}
    return client.post(reverse("login"), {**data, **extra})


def give_code(client, token, *, step="token", **extra):
    """The code step of the sign-in: `step` is "token" (the app's code) or "backup" (a backup code)."""
    return client.post(reverse("login"), {"login_view-current_step": step, f"{step}-otp_token": token, **extra})


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def code_for_key(hex_key: str) -> str:
    """The current code for a key the setup page has not yet turned into a device."""
    return f"{totp(bytes.fromhex(hex_key)):06d}"
