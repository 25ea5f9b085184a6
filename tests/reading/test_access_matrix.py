"""Every reading URL, for every persona and every state of the meeting record, with the expected status."""

import json
import re

import pytest
from django.urls import reverse

from core.invitations import issue_invitation_link
from core.two_factor import issue_enrolment_link
from members.models import Pillar, Post
from tests.conftest import PERSONAS
from tests.factories import DelegationFactory, MembershipFactory, UserFactory
from tests.pages import LIST, PUBLIC, QUERIES, RECORD, fill, pages_of
from tests.reading.conftest import ANNOUNCED_MARKER, FORBIDDEN


@pytest.fixture
def records(records_built_once):
    """Every test here only reads the records: they are built once for the module."""
    return records_built_once


# "announced": a draft record whose meeting the Secretariat announced to the public.
STATES = ["draft", "circulated", "published", "announced"]

# What each persona may open, by state: 200, else 404 (never 403: that would confirm the record exists).
SEES_STATE = {
    "anonymous": {"published"},
    "board_member": {"circulated", "published"},
    "secretariat": set(STATES),
    "admin": set(STATES),
}
# An announced meeting: everyone reads its page (the announcement only) and its calendar event.
ANNOUNCEMENT_PAGES = {"meeting-detail", "meeting-ics"}
# Issue 20: the meeting pack of an announced meeting, to prepare for it: Board members too (its agenda and
# papers, Meeting.objects.prepared_for), never the public.
PREPARATION_PAGES = {"meeting-pack"}
# Issue 21: the open-data API answers everyone as it answers the public (opendata/): a JSON 404 for what
# the public may not read, whoever asks.
OPEN_DATA_PAGES = {
    "api-organization-detail",
    "api-person-detail",
    "api-membership-detail",
    "api-event-detail",
    "api-decision-detail",
}


def _by_segment(record) -> dict:
    """The records of one meeting record, by the path segment before their parameter (tests/pages.py)."""
    return {
        "meetings": record.meeting,
        "decisions": record.decision,
        "documents": record.document,
        "members": record.organisation,
        # The holder of the role the record's decision made: known only with the record.
        "people": record.person,
        # Issue 21: the open-data API's objects (opendata/urls.py), by their number.
        "organizations": record.organisation,
        "persons": record.person,
        "memberships": record.decision.memberships.first(),
        "events": record.meeting,
    }


def object_urls(record) -> dict[str, str]:
    """The pages of one meeting record, by name: every record page of the URLconf (tests/pages.py)."""
    return {route.short_name: fill(route, _by_segment(record)) for route in pages_of(RECORD)}


# Documents and their files are part of the full record: Board members and the Secretariat only.
MEMBER_ONLY = {"document-detail", "document-download"}

# Every list page of the URLconf (what each shows is as visible as each record), the pillars' (public,
# and what their page lists is as visible as each record; the records make pillar WBCTi) and sign-in.
# Written procedures have their own matrix and markers (tests/procedures/test_access.py).
LIST_URLS = {
    route.short_name: (lambda route=route: fill(route, {}) + QUERIES.get(route.name, "")) for route in pages_of(LIST)
}
LIST_URLS |= {
    route.short_name: (
        lambda route=route: fill(route, {"pillars": Pillar(code="WBCTi"), "posts": Post.objects.order_by("pk").first()})
    )
    for route in pages_of(PUBLIC)
}
LIST_URLS["login"] = lambda: reverse("login")


def object_urls_names() -> list[str]:
    return [route.short_name for route in pages_of(RECORD)]


# Issue 21: a version of a record (portal:meeting-version) exists only once the record was published.
VERSION_PAGES = {"meeting-version"}


def expected_status(url_name: str, persona: str, state: str) -> int:
    if url_name in VERSION_PAGES:
        return 200 if state == "published" else 404
    if url_name in OPEN_DATA_PAGES:
        persona = "anonymous"
    if state == "announced" and url_name in ANNOUNCEMENT_PAGES:
        return 200
    if state == "announced" and url_name in PREPARATION_PAGES and persona != "anonymous":
        return 200
    if state not in SEES_STATE[persona]:
        return 404
    if url_name in MEMBER_ONLY and persona == "anonymous":
        return 404
    return 200


MATRIX = [
    (url_name, persona, state, expected_status(url_name, persona, state))
    for url_name in object_urls_names()
    for persona in PERSONAS
    for state in STATES
]


def what_the_page_shows(url_name: str, record) -> str:
    """What the page of a record must show to who may open it: the record's own name, or the file's kind."""
    return {
        "meeting-detail": record.meeting.title,
        "meeting-ics": "BEGIN:VEVENT",
        "meeting-pdf": "%PDF",
        "meeting-pack": "%PDF",
        "decision-detail": record.decision.reference,
        "document-detail": record.document.title,
        "document-download": "%PDF",
        "organisation-detail": record.organisation.name,
        "person-detail": record.person.name,
        "meeting-version": record.meeting.title,
        "api-organization-detail": f'"name":"{record.organisation.name}"',
        "api-person-detail": f'"name":"{record.person.name}"',
        "api-membership-detail": f'"name":"{record.organisation.name}"',
        "api-event-detail": f'"name":"{record.meeting.title}"',
        "api-decision-detail": f'"identifier":"{record.decision.reference}"',
    }[url_name]


def read(response) -> str:
    """The body; a download is read to the end, which closes its file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize(("url_name", "persona", "state", "status"), MATRIX)
def test_record_pages(client_for, records, url_name, persona, state, status):
    record = records[state]
    response = client_for(persona).get(object_urls(record)[url_name])
    body = read(response)
    assert response.status_code == status
    if status == 200:
        assert what_the_page_shows(url_name, record) in body
    elif url_name in OPEN_DATA_PAGES:
        assert json.loads(body) == {"detail": "Not found."}
    else:
        # The portal's own "not found" page, which names the record nowhere but in the address it offers
        # to come back to after signing in, or after choosing a language (the footer's switcher).
        assert "Page not found" in body
        echoes = r'next=[^"]*|name="next" value="[^"]*"'
        assert what_the_page_shows(url_name, record) not in re.sub(echoes, "next=", body)
    # Nothing the persona may not read, on any answer (tests/reading/test_no_leaks.py tries every page).
    assert [marker for marker in forbidden_on(url_name, persona, state) if marker in body] == []


def forbidden_on(url_name: str, persona: str, state: str) -> tuple[str, ...]:
    """
    FORBIDDEN, less the announced meeting's agenda for Board members in its pack: its items' titles are
    what they prepare with (and carry the marker). tests/pack/test_preparation.py checks that nothing
    else of that draft (notes, minutes, delegates, decisions) is in the pack.
    """
    if state == "announced" and url_name in PREPARATION_PAGES and persona != "anonymous":
        return tuple(marker for marker in FORBIDDEN[persona] if marker != ANNOUNCED_MARKER)
    return FORBIDDEN[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(LIST_URLS))
def test_list_pages_open_to_everyone(client_for, records, url_name, persona):
    # Lists show what the persona may see (possibly nothing), never an error.
    client = client_for(persona)
    response = client.get(LIST_URLS[url_name]())
    body = read(response)
    if url_name == "login" and persona != "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shows = what_the_list_shows(url_name, records["published"])
    if url_name == "home" and persona in DESK_PERSONAS:
        shows = what_the_desk_shows(records)
    if url_name == "home" and persona in MY_HOME_PERSONAS:
        shows = what_my_home_shows(records)
    assert [text for text in shows if text not in body] == []
    assert [marker for marker in FORBIDDEN[persona] if marker in body] == []


# The Secretariat's home page is their desk (portal/desk.py): what waits for them, not the public home.
DESK_PERSONAS = {"secretariat", "admin"}


# A Board member's home page is My portal (portal/mine.py, issue 20): what waits for them and what is new.
MY_HOME_PERSONAS = {"board_member"}


def what_my_home_shows(records) -> list[str]:
    """Its heading; the records are weeks old (not new since the last visit) and the user answers for nobody."""
    return ["<h1>My portal</h1>"]


def what_the_desk_shows(records) -> list[str]:
    """The desk's heading and the draft record (to complete or to circulate); the published one waits for nothing."""
    return ["The Secretariat’s desk", records["draft"].meeting.title]


def what_the_list_shows(url_name: str, published) -> list[str]:
    """What a list shows everyone: its heading, and the published record where the list has it."""
    decision, meeting = published.decision.reference, published.meeting.title
    return {
        "home": ["IISG Board Portal", meeting, decision],
        "search": ["<h1>Search</h1>", meeting, decision],
        "member-list": ["Members of the IISG", published.organisation.name],
        "meeting-list": ["<h1>Meetings</h1>", meeting],
        "meetings-ics": ["BEGIN:VCALENDAR", meeting],
        "decision-list": ["Decision register", decision],
        "decision-export-csv": [decision, meeting],
        "decision-export-json": [decision, meeting],
        # The feeds: what the public reads, whoever asks (issue 20: register).
        "decision-feed": ["<feed", decision],
        "meeting-feed": ["<feed", meeting],
        # Documents and actions are for Board members: the public list may be empty.
        "document-list": ["<h1>Documents</h1>"],
        "action-list": ["Follow-up actions"],
        "procedure-list": ["Written procedures"],
        "procedures-ics": ["BEGIN:VCALENDAR"],
        "pillar-detail": ["(WBCTi)", decision],
        "login": ["Sign in"],
        # Issue 21: the verification form.
        "verify": ["<h1>Verify a record</h1>"],
        # Issue 21: the open-data API, always as the public reads it.
        "api-documentation": ["<h1>Open data", "/api/v1/openapi.json"],
        "api-index": ['"lists"', "/api/v1/decisions/"],
        "api-openapi": ['"openapi"', "/api/v1/decisions/{id}/"],
        "api-organization-list": ['"results"', f'"name":"{published.organisation.name}"'],
        "api-person-list": ['"results"', f'"name":"{published.person.name}"'],
        "api-membership-list": ['"results"', f'"name":"{published.organisation.name}"'],
        "api-post-list": ['"results"', '"label":"Head of the IISG Secretariat"'],
        "api-post-detail": ['"label":"Head of the IISG Secretariat"'],
        "api-event-list": ['"results"', f'"name":"{meeting}"'],
        "api-decision-list": ['"results"', f'"identifier":"{decision}"'],
    }[url_name]


# The enrolment link of a Secretariat user with no second factor (core/two_factor.py), and the admin's
# page that issues one: persona -> (status, what the page says or where it leads).
ENROLMENT_URLS = {
    "enrolment-link": {
        "anonymous": (302, "/accounts/login/"),
        "board_member": (409, "Sign out, then open the enrolment link again"),
        "secretariat": (409, "Sign out, then open the enrolment link again"),
        "admin": (409, "Sign out, then open the enrolment link again"),
    },
    "enrolment-link-unknown": dict.fromkeys(PERSONAS, (404, "This enrolment link is not valid")),
    "admin-enrolment-link": {
        "anonymous": (302, "/admin/login/"),
        "board_member": (302, "/admin/login/"),
        "secretariat": (302, "/admin/login/"),
        "admin": (200, "Issue an enrolment link"),
    },
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(ENROLMENT_URLS))
def test_enrolment_link_pages(client_for, db, url_name, persona):
    officer = UserFactory(username="officer-to-enrol", is_staff=True)
    url = {
        "enrolment-link": lambda: issue_enrolment_link(user=officer).path,
        "enrolment-link-unknown": lambda: reverse("enrolment-link", args=["x" * 43]),
        "admin-enrolment-link": lambda: reverse("admin:auth_user_enrolment_link", args=[officer.pk]),
    }[url_name]()
    response = client_for(persona).get(url)
    status, says = ENROLMENT_URLS[url_name][persona]
    assert response.status_code == status
    assert says in (response.url if status == 302 else response.content.decode())


# The Secretariat's access pages for an organisation's delegates (members/access/), and the invitation link
# they mail: persona -> (status, what the page says or where it leads). Not signed in: to the sign-in and
# back; a Board member: the 403 page; the Secretariat and admins: the page.
ACCESS_PAGE = {
    "anonymous": (302, "/accounts/login/?next=/edit/organisations/"),
    "board_member": (403, "Not open to you"),
    "secretariat": (200, "Ministry of Access"),
    "admin": (200, "Ministry of Access"),
}
ACCESS_URLS = {
    "organisation-access": ACCESS_PAGE,
    "access-give": ACCESS_PAGE,
    "access-invite-again": ACCESS_PAGE,
    "access-remove": ACCESS_PAGE,
    # Whoever holds the link, not signed in; a signed-in user is asked to sign out first.
    "invitation": {
        "anonymous": (200, "Set your password"),
        "board_member": (409, "Sign out, then open the invitation link again"),
        "secretariat": (409, "Sign out, then open the invitation link again"),
        "admin": (409, "Sign out, then open the invitation link again"),
    },
    "invitation-unknown": dict.fromkeys(PERSONAS, (404, "This invitation link is not valid")),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(ACCESS_URLS))
def test_access_pages(client_for, db, url_name, persona):
    delegation = DelegationFactory(organisation__name="Ministry of Access", person__name="Dana Delegate")
    organisation, person = delegation.organisation, delegation.person
    # A member: the Board reads its page, so a Board member is refused the access pages (403), not told it is unknown.
    MembershipFactory(organisation=organisation)
    invited = UserFactory(username="invited-delegate", first_name="Ivana", last_name="Invited")
    # Invited: no password yet (a link sets the first one; never one set another way).
    invited.set_unusable_password()
    invited.save()
    url = {
        "invitation": lambda: issue_invitation_link(user=invited).path,
        "invitation-unknown": lambda: reverse("invitation", args=["x" * 43]),
    }.get(url_name, lambda: None)() or reverse(
        f"members-edit:{url_name}",
        args=[organisation.slug, person.pk]
        if url_name in ("access-invite-again", "access-remove")
        else [organisation.slug],
    )
    response = client_for(persona).get(url)
    status, says = ACCESS_URLS[url_name][persona]
    assert response.status_code == status
    assert says in (response.url if status == 302 else response.content.decode())
    if status != 200:
        # Nothing of the organisation's delegates, nor of whom a link is for.
        assert "Dana Delegate" not in response.content.decode()
        assert "Ivana" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/no-such-meeting/",
        "/meetings/no-such-meeting/record.pdf",
        "/meetings/no-such-meeting.ics",
        "/decisions/B99/2099/01/",
        "/members/no-such-organisation/",
        "/people/no-such-person/",
        "/pillars/NOPILLAR/",
        "/documents/no-such-document/",
        "/documents/no-such-document/files/1/",
        "/procedures/WP-2099-01/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_unknown_records_are_404(client_for, db, url, persona):
    response = client_for(persona).get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    # Who may see more once signed in is offered to; the Secretariat is not.
    assert (f"?next={url}" in page) is (persona == "anonymous")


def test_missing_file_version_is_404(client_for, records):
    document = records["published"].document
    url = reverse("decisions:document-download", args=[document.slug, 99])
    response = client_for("board_member").get(url)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    assert "Content-Disposition" not in response


def test_download_is_sent_as_an_attachment(client_for, records):
    response = client_for("board_member").get(object_urls(records["published"])["document-download"])
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
