"""
A protected page and who may not open it (core.errors, the one answer to a PermissionDenied):
a user not signed in is sent to sign in and comes back to the page (the second factor included);
a signed-in user without the right gets the portal's 403 page, which says what they may do instead.
The admin keeps Django admin's own sign-in.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.procedures.services import launch_procedure
from meetings.models import Meeting
from tests.factories import DecisionFactory, MembershipFactory, WrittenProcedureFactory
from tests.signin import current_token, give_code, sign_in

pytestmark = pytest.mark.django_db


def sign_in_url(url: str) -> str:
    return f"{reverse('login')}?next={quote(url, safe='/')}"


@pytest.mark.parametrize(
    "url_name", ["meetings-edit:meeting-edit", "meetings-edit:publish", "decisions-edit:decision-create"]
)
def test_a_user_not_signed_in_is_sent_to_sign_in(client, draft_meeting, url_name):
    url = reverse(url_name, args=[draft_meeting.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == sign_in_url(url)
    # The sign-in page carries the page asked for to the end of the sign-in.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'name="next" value="{url}"' in page.content.decode()


def test_the_answer_is_the_same_for_a_record_that_does_not_exist(client):
    url = reverse("meetings-edit:meeting-edit", args=["no-such-meeting"])
    assert client.get(url)["Location"] == sign_in_url(url)


def test_a_post_by_a_user_not_signed_in_changes_nothing_and_asks_to_sign_in(client, circulated_meeting):
    url = reverse("meetings-edit:publish", args=[circulated_meeting.slug])
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == sign_in_url(url)
    circulated_meeting.refresh_from_db()
    assert circulated_meeting.status == Meeting.Status.CIRCULATED


def test_after_signing_in_with_the_second_factor_the_user_is_on_the_page(client, settings, secretariat, draft_meeting):
    settings.TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=secretariat, name="default", confirmed=True)
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    sign_in_page = client.get(url)["Location"]
    password_step = sign_in(client, secretariat, next=url)
    assert password_step.status_code == 200  # the code step
    assert "_auth_user_id" not in client.session
    response = give_code(client, current_token(device), next=url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert sign_in_page == sign_in_url(url)
    page = client.get(url)
    assert page.status_code == 200
    assert draft_meeting.title in page.content.decode()


def test_after_signing_in_with_the_password_alone_the_user_is_on_the_page(client, board_member):
    # A Board member without an authenticator (TWO_FACTOR_REQUIRED off in the tests: the password suffices).
    procedure = WrittenProcedureFactory()
    url = reverse("decisions-edit:procedure-edit", args=[procedure.slug])
    assert client.get(url)["Location"] == sign_in_url(url)
    response = sign_in(client, board_member, next=url)
    assert response.status_code == 302
    assert response["Location"] == url


def test_a_signed_in_user_without_the_right_gets_the_portals_page(client, board_member, circulated_meeting):
    client.force_login(board_member)
    response = client.get(reverse("meetings-edit:meeting-edit", args=[circulated_meeting.slug]))
    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]
    assert "base.html" in [template.name for template in response.templates]
    content = response.content.decode()
    assert "Not open to you" in content
    assert "without the rights this page needs" in content
    # What they may do instead: read the record, go home, sign in as another user.
    assert f'href="{circulated_meeting.get_absolute_url()}"' in content
    assert f"Read {circulated_meeting}" in content
    assert f'href="{reverse("home")}"' in content
    assert f'action="{reverse("logout")}"' in content
    assert "Sign out and sign in as another user" in content


def test_the_403_page_names_the_record_of_the_page_refused(client, board_member, circulated_meeting):
    decision = DecisionFactory(meeting=circulated_meeting)
    client.force_login(board_member)
    response = client.get(reverse("decisions-edit:decision-edit", args=[decision.pk]))
    assert response.status_code == 403
    assert f'href="{decision.get_absolute_url()}"' in response.content.decode()


def test_a_page_without_a_record_gives_the_403_page_without_one(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("meetings-edit:meeting-create"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Not open to you" in content
    assert "Read " not in content


def test_signing_out_from_the_403_page_leads_to_the_sign_in_and_back(client, board_member, circulated_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[circulated_meeting.slug])
    client.force_login(board_member)
    page = client.get(url)
    assert page.status_code == 403
    next_value = page.context["request"].get_full_path()
    response = client.post(reverse("logout"), {"next": f"{reverse('login')}?next={next_value}"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert "_auth_user_id" not in client.session


def test_the_admin_keeps_its_own_sign_in(client):
    response = client.get("/admin/meetings/meeting/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/meetings/meeting/"


def test_a_member_who_may_not_answer_a_procedure_is_offered_to_read_it(client, board_member):
    MembershipFactory(category="board")  # an organisation to consult, which the Board member does not represent
    procedure = WrittenProcedureFactory()
    launch_procedure(procedure=procedure)
    url = reverse("decisions:procedure-answer", args=[procedure.slug])
    assert client.get(url)["Location"] == sign_in_url(url)
    client.force_login(board_member)  # consulted for no organisation
    response = client.get(url)
    assert response.status_code == 403
    assert f'href="{procedure.get_absolute_url()}"' in response.content.decode()
