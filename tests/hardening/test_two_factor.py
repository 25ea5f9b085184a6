"""
Two-factor sign-in (django-two-factor-auth on django-otp): who must have a second factor, the
sign-in with a code or a backup code, setting one up, and the bypass the audit found (a user with
an authenticator opening the setup page with a password-only session). A Secretariat or admin user
sets up their first one only through an enrolment link: tests/hardening/test_enrolment_links.py.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.two_factor import issue_enrolment_link
from tests.signin import code_for_key, current_token, give_code, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.AXES_ENABLED = True


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def backup_codes(user, *codes) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    for code in codes:
        device.token_set.create(token=code)
    return device


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def setup_key(client) -> str:
    """The key the setup page offers, as the wizard keeps it in the session (hex)."""
    data = client.session["wizard_setup_view"]
    return data["extra_data"]["keys"]["generator"]


def follow_enrolment_link(client, user):
    """An admin issued `user` an enrolment link, and this browser opened it."""
    client.get(issue_enrolment_link(user=user).path)


# Who must have a second factor


@pytest.mark.parametrize("persona", ["secretariat", "admin"])
def test_privileged_user_without_a_device_is_not_signed_in_with_the_password_alone(client, personas, persona):
    # Whoever first learnt the password would otherwise enrol their own phone and own the account.
    response = sign_in(client, personas[persona])
    assert response.status_code == 403
    content = response.content.decode()
    assert "This account needs a second factor. Ask an admin for an enrolment link." in content
    assert signed_in_user_id(client) is None
    # No session that reaches any page: not the setup page, not the admin, not the editing side.
    setup = client.get(reverse("two_factor:setup"))
    assert setup.status_code == 302
    assert setup.url.startswith(reverse("login"))
    admin = client.get(reverse("admin:index"), follow=True)
    assert admin.redirect_chain[-1][0].startswith(reverse("login"))
    editing = client.get(reverse("meetings-edit:meeting-create"))
    assert (editing.status_code, editing.url) == (
        302,
        f"{reverse('login')}?next={reverse('meetings-edit:meeting-create')}",
    )
    assert not TOTPDevice.objects.filter(user=personas[persona]).exists()


def test_secretariat_with_an_enrolment_link_is_sent_to_set_one_up(client, secretariat):
    follow_enrolment_link(client, secretariat)
    sign_in(client, secretariat)
    response = client.get(reverse("meetings:meeting-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor:setup"))
    assert "next=/meetings/" in response.url


def test_admin_with_an_enrolment_link_reaches_no_admin_page_before_setting_up(client, admin_user):
    follow_enrolment_link(client, admin_user)
    sign_in(client, admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor:setup"))


def test_second_factor_is_optional_for_board_members(client, board_member):
    sign_in(client, board_member)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two_factor:profile")).status_code == 200


def test_the_admin_sign_in_page_sends_people_to_the_portals(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Setting up


def test_setting_up_an_authenticator_then_printing_backup_codes(client, secretariat):
    follow_enrolment_link(client, secretariat)
    sign_in(client, secretariat)
    page = client.get(f"{reverse('two_factor:setup')}?next=/meetings/")
    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("two_factor:qr") in content
    assert "Six-digit code from your authenticator app" in content
    qr = client.get(reverse("two_factor:qr"))
    assert qr["Content-Type"].startswith("image/svg+xml")
    # A GET makes no device: the key lives in the session until a code confirms it.
    assert not TOTPDevice.objects.filter(user=secretariat).exists()

    wrong = client.post(reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": "1"})
    assert wrong.status_code == 200
    assert "Entered token is not valid" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=secretariat).exists()

    key = setup_key(client)
    response = client.post(
        reverse("two_factor:setup"),
        {"setup_view-current_step": "generator", "generator-token": code_for_key(key), "next": "/meetings/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("two_factor:backup_tokens")
    device = TOTPDevice.objects.get(user=secretariat)
    assert device.confirmed
    assert device.name == "default"
    # Verified now: the editing side opens, and the backup-codes page offers to continue.
    assert client.get(reverse("meetings:meeting-list")).status_code == 200
    made = client.post(reverse("two_factor:backup_tokens"))
    assert made.status_code == 302
    codes = StaticToken.objects.filter(device__user=secretariat)
    assert codes.count() == 10
    page = client.get(reverse("two_factor:backup_tokens")).content.decode()
    assert all(code.token in page for code in codes)
    assert 'href="/meetings/"' in page


def test_a_get_of_the_setup_page_never_creates_a_device(client, board_member):
    sign_in(client, board_member)
    for _ in range(3):
        assert client.get(reverse("two_factor:setup")).status_code == 200
        client.get(reverse("two_factor:qr"))
    assert not TOTPDevice.objects.filter(user=board_member).exists()


# Signing in with a second factor


def test_a_user_with_an_authenticator_gives_the_code_at_sign_in(client, secretariat):
    device = authenticator(secretariat)
    response = sign_in(client, secretariat, next="/decisions/")
    # The password alone signs nobody in: the code step follows.
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "Six-digit code from your authenticator app" in response.content.decode()
    bad = give_code(client, "123456")
    assert bad.status_code == 200
    assert signed_in_user_id(client) is None
    device.refresh_from_db()
    device.throttle_reset()  # as if the user waited before the next try
    response = give_code(client, current_token(device), next="/decisions/")
    assert response.status_code == 302
    assert response.url == "/decisions/"
    assert signed_in_user_id(client) == str(secretariat.pk)
    assert client.get(reverse("decisions:decision-list")).status_code == 200
    assert client.get(reverse("admin:index")).status_code in {200, 302}


def test_board_member_who_set_it_up_is_asked_for_it(client, board_member):
    authenticator(board_member)
    response = sign_in(client, board_member)
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_next_url_must_stay_on_the_portal(client, secretariat):
    device = authenticator(secretariat)
    sign_in(client, secretariat)
    response = give_code(client, current_token(device), next="https://evil.example/")
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_backup_code_signs_in_once(client, secretariat):
    authenticator(secretariat)
    backup_codes(secretariat, "alpha123", "bravo456")
    sign_in(client, secretariat)
    response = give_code(client, "alpha123", step="backup")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(secretariat.pk)
    assert not StaticToken.objects.filter(token="alpha123").exists()
    assert client.get(reverse("meetings:meeting-list")).status_code == 200

    client.post(reverse("logout"))
    sign_in(client, secretariat)
    again = give_code(client, "alpha123", step="backup")
    assert again.status_code == 200
    assert signed_in_user_id(client) is None
    assert StaticToken.objects.filter(token="bravo456").exists()


# The bypass: a password-only session of a user who has an authenticator


@pytest.fixture
def password_only_session(client, secretariat):
    """What the audit had: signed in with the password alone, although an authenticator exists."""
    authenticator(secretariat)
    client.force_login(secretariat)
    return client


def test_password_only_session_cannot_open_the_setup_page(password_only_session, secretariat):
    client = password_only_session
    response = client.get(reverse("two_factor:setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # The session is ended: the user signs in again, with the code.
    assert signed_in_user_id(client) is None
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1


def test_password_only_session_cannot_post_a_code_of_its_own_key(password_only_session, secretariat):
    client = password_only_session
    response = client.post(
        reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": "123456"}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1
    # Signed out: the editing pages send the anonymous visitor to sign in.
    editing = client.get(reverse("meetings-edit:meeting-create"))
    assert (editing.status_code, editing.url) == (
        302,
        f"{reverse('login')}?next={reverse('meetings-edit:meeting-create')}",
    )


@pytest.mark.parametrize(
    "url_name", ["meetings-edit:meeting-create", "admin:index", "two_factor:backup_tokens", "home"]
)
def test_password_only_session_reaches_nothing(password_only_session, url_name):
    response = password_only_session.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_verified_user_cannot_add_a_second_authenticator_over_the_first(client, secretariat):
    device = authenticator(secretariat)
    sign_in(client, secretariat)
    give_code(client, current_token(device))
    assert signed_in_user_id(client) == str(secretariat.pk)
    response = client.get(reverse("two_factor:setup"))
    assert response.status_code == 302
    assert response.url == reverse("two_factor:profile")
    response = client.post(
        reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": "123456"}
    )
    assert response.url == reverse("two_factor:profile")
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1


def test_replacing_the_authenticator_needs_the_old_one_then_setup_is_asked(client, secretariat):
    device = authenticator(secretariat)
    sign_in(client, secretariat)
    give_code(client, current_token(device))
    response = client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert response.status_code == 302
    assert response.url == reverse("two_factor:setup")
    assert not TOTPDevice.objects.filter(user=secretariat).exists()
    # The Secretariat may do nothing else until the new one is set up.
    assert client.get(reverse("meetings-edit:meeting-create")).url.startswith(reverse("two_factor:setup"))


def test_removing_needs_a_verified_session(client, board_member):
    authenticator(board_member)
    client.force_login(board_member)
    client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert TOTPDevice.objects.filter(user=board_member).exists()


def test_admin_reset_removes_the_devices_and_is_logged(client, admin_user, secretariat):
    authenticator(secretariat)
    backup_codes(secretariat, "alpha123")
    admin_device = authenticator(admin_user)
    sign_in(client, admin_user)
    give_code(client, current_token(admin_device))
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [secretariat.pk]},
    )
    assert response.status_code == 200
    # The Secretariat can now sign in only through an enrolment link: the page says so and offers one.
    content = response.content.decode()
    assert "now need an enrolment link" in content
    assert 'value="issue_enrolment_links"' in content
    assert not TOTPDevice.objects.filter(user=secretariat).exists()
    assert not StaticDevice.objects.filter(user=secretariat).exists()
    entry = LogEntry.objects.get(object_id=str(secretariat.pk))
    assert entry.user == admin_user
    assert "Reset two-factor sign-in" in entry.get_change_message()
