"""
A path with a control character (NUL, the rest of C0, DEL, C1) is answered with the portal's own 404
page, for every persona, before any view reads the path's parameters. PostgreSQL refuses a NUL in a
lookup: `/decisions/%00/`, `/pillars/x%00/` and an admin history URL were 500s, also anonymously.
"""

import pytest
from django.test import Client

from tests.factories import DecisionFactory, MeetingFactory, PillarFactory

pytestmark = pytest.mark.django_db

# As a browser or a script sends them: percent-encoded (the server decodes them before Django sees them).
PATHS = [
    "/decisions/%00/",
    "/decisions/B6%00/2022/",
    "/pillars/x%00/",
    "/pillars/%00/",
    "/pillars/WBCTi%01/",
    "/pillars/WBCTi%1F/",
    "/pillars/WBCTi%7F/",
    "/pillars/WBCTi%0A/",
    "/pillars/WBCTi%09/",
    "/pillars/WBCTi%C2%85/",
    "/admin/meetings/meeting/%00/history/",
    "/admin/meetings/meeting/1%00/change/",
    "/admin/members/organisation/%00/history/1/",
    "/admin/auth/user/%00/delete/",
]


@pytest.fixture
def records(db):
    PillarFactory(code="WBCTi")
    DecisionFactory(meeting=MeetingFactory(status="published"), reference="B6/2022/04")


def _client(personas, persona):
    # Not raising into the test: a 500 must show as a 500 here, with its page, as a visitor gets it.
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(personas[persona])
    return client


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat", "admin"])
@pytest.mark.parametrize("path", PATHS)
def test_a_control_character_in_the_path_is_the_portals_404_page(personas, records, persona, path):
    response = _client(personas, persona).get(path)
    assert response.status_code == 404, (path, persona)
    page = response.content.decode()
    assert "Page not found" in page
    assert "There is no page at this address" in page
    # The portal's page, for the user as signed in (not Django's bare "Not Found", not the admin's).
    assert ("Sign out" in page) is (persona != "anonymous")


def test_a_nul_given_to_the_client_unencoded_is_a_404_too(client, records):
    for path in ("/decisions/\x00/", "/pillars/x\x00/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "There is no page at this address" in response.content.decode()


def test_a_post_to_such_a_path_is_a_404_not_a_csrf_refusal(personas, records):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(personas["secretariat"])
    response = client.post("/edit/meetings/x%00/participants/", {})
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no page at this address" in page
    assert "CSRF" not in page


def test_pages_without_control_characters_are_untouched(client, records):
    """A double-encoded %2500 is the text "%00": the view looks it up and finds nothing, as for any other text."""
    assert "WBCTi" in client.get("/pillars/wbcti/").content.decode()
    assert "B6/2022/04" in client.get("/decisions/B6/2022/04/").content.decode()
    response = client.get("/decisions/%2500/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert client.get("/pillars/WBCTi%E2%80%A8/").status_code == 404
