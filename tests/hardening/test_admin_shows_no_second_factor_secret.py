"""
The admin never shows a second factor's secret: django-otp's key and QR code pages of a TOTP device
are refused (403), whether the device exists or not — they were a 500 (DoesNotExist) for an id that
names no device, and showed any user's key to any admin for one that does. A user who lost their
app gets a reset (core/admin.py), not a copy. Found by the path fuzzing (tests/hardening/test_fuzz.py).
"""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.fixture
def device(board_member):
    return TOTPDevice.objects.create(user=board_member, name="phone", confirmed=True)


@pytest.mark.parametrize("page", ["config", "qrcode"])
def test_the_key_and_qr_code_of_a_device_are_refused(admin_browser, device, page):
    response = admin_browser.get(f"/admin/otp_totp/totpdevice/{device.pk}/{page}/")
    assert response.status_code == 403
    assert device.key not in response.content.decode(errors="replace")


@pytest.mark.parametrize("page", ["config", "qrcode"])
def test_the_key_and_qr_code_of_a_device_that_does_not_exist_are_no_500(admin_browser, page):
    assert admin_browser.get(f"/admin/otp_totp/totpdevice/999999/{page}/").status_code == 403


def test_the_device_page_shows_no_key(admin_browser, device):
    response = admin_browser.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert response.status_code == 200
    assert "phone" in response.content.decode()
    assert device.key not in response.content.decode()
