"""
A cookie whose name or value holds a control character is treated as not sent. A forged session
cookie with a NUL (`sessionid="abcdefgh\\000ijkl"`, which Django's cookie parser decodes) was looked
up in PostgreSQL, which refuses a NUL: a 500 on every page, also for the public. Found by the header
fuzzing (tests/hardening/test_fuzz.py).
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

FORGED = [
    'sessionid="abcdefgh\\000ijkl"',
    "sessionid=abcdefgh\x00ijkl",
    'sessionid="\\001\\002\\003\\004\\005\\006\\007x"',
]


@pytest.mark.parametrize("cookie", FORGED)
@pytest.mark.parametrize("path", ["/", "/decisions/", "/accounts/login/", "/edit/meetings/new/"])
def test_a_session_cookie_with_a_control_character_is_as_if_not_sent(cookie, path):
    without = Client().get(path)
    response = Client(raise_request_exception=False).get(path, headers={"Cookie": cookie})
    assert response.status_code == without.status_code
    if response.status_code == 200:
        assert "Sign in" in response.content.decode()


def test_a_signed_in_user_with_a_forged_session_cookie_is_signed_out_not_a_500(board_member):
    client = Client(raise_request_exception=False)
    client.force_login(board_member)
    response = client.get("/", headers={"Cookie": 'sessionid="abcdefgh\\000ijkl"'})
    assert response.status_code == 200
    assert "Sign out" not in response.content.decode()


def test_other_cookies_are_read_as_before(board_member):
    client = Client(raise_request_exception=False)
    client.force_login(board_member)
    response = client.get("/", headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}; other=\\000"})
    assert "Sign out" in response.content.decode()
