"""Every reading URL, for every persona and every state of the meeting record, with the expected status."""

import pytest
from django.urls import reverse

from core.two_factor import issue_enrolment_link
from tests.conftest import PERSONAS
from tests.factories import UserFactory



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


def object_urls(record) -> dict[str, str]:
    """The pages of one meeting record, by name."""
    meeting = record.meeting
    return {
        "meeting-detail": meeting.get_absolute_url(),
        "meeting-ics": reverse("meetings:meeting-ics", args=[meeting.slug]),
        "meeting-pdf": reverse("portal:meeting-pdf", args=[meeting.slug]),
        "decision-detail": record.decision.get_absolute_url(),
        "document-detail": record.document.get_absolute_url(),
        "document-download": reverse("decisions:document-download", args=[record.document.slug, 1]),
        "organisation-detail": record.organisation.get_absolute_url(),
        # The holder of the role the record's decision made: known only with the record.
        "person-detail": record.person.get_absolute_url(),
    }


# Documents and their files are part of the full record: Board members and the Secretariat only.
MEMBER_ONLY = {"document-detail", "document-download"}

LIST_URLS = {
    "home": lambda: reverse("home"),
    "meeting-list": lambda: reverse("meetings:meeting-list"),
    "meetings-ics": lambda: reverse("meetings:meetings-ics"),
    "decision-list": lambda: reverse("decisions:decision-list"),
    "decision-export-csv": lambda: reverse("decisions:decision-export-csv"),
    "decision-export-json": lambda: reverse("decisions:decision-export-json"),
    "member-list": lambda: reverse("portal:member-list"),
    # Pillars are public; what their page lists is as visible as each record.
    "pillar-detail": lambda: reverse("portal:pillar-detail", args=["WBCTi"]),
    "document-list": lambda: reverse("decisions:document-list"),
    "action-list": lambda: reverse("decisions:action-list"),
    # Written procedures (tests/procedures/test_access.py has their own matrix and markers).
    "procedure-list": lambda: reverse("decisions:procedure-list"),
    "procedures-ics": lambda: reverse("decisions:procedures-ics"),
    "search": lambda: reverse("portal:search") + "?q=board",
    "login": lambda: reverse("login"),
}


def expected_status(url_name: str, persona: str, state: str) -> int:
    if state == "announced" and url_name in ANNOUNCEMENT_PAGES:
        return 200
    if state not in SEES_STATE[persona]:
        return 404
    if url_name in MEMBER_ONLY and persona == "anonymous":
        return 404
    return 200


MATRIX = [
    (url_name, persona, state, expected_status(url_name, persona, state))
    for url_name in [
        "meeting-detail",
        "meeting-ics",
        "meeting-pdf",
        "decision-detail",
        "document-detail",
        "document-download",
        "organisation-detail",
        "person-detail",
    ]
    for persona in PERSONAS
    for state in STATES
]


@pytest.mark.parametrize(("url_name", "persona", "state", "status"), MATRIX)
def test_record_pages(client_for, records, url_name, persona, state, status):
    url = object_urls(records[state])[url_name]
    response = client_for(persona).get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the file
    assert response.status_code == status


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(LIST_URLS))
def test_list_pages_open_to_everyone(client_for, records, url_name, persona):
    # Lists show what the persona may see (possibly nothing), never an error.
    client = client_for(persona)
    response = client.get(LIST_URLS[url_name]())
    expected = 302 if url_name == "login" and persona != "anonymous" else 200
    assert response.status_code == expected


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


def test_unknown_records_are_404(client, db):
    assert client.get("/meetings/no-such-meeting/").status_code == 404
    assert client.get("/decisions/B99/2099/01/").status_code == 404
    assert client.get("/members/no-such-organisation/").status_code == 404
    assert client.get("/people/no-such-person/").status_code == 404
    assert client.get("/pillars/NOPILLAR/").status_code == 404
    assert client.get("/documents/no-such-document/").status_code == 404


def test_missing_file_version_is_404(client_for, records):
    document = records["published"].document
    url = reverse("decisions:document-download", args=[document.slug, 99])
    assert client_for("board_member").get(url).status_code == 404


def test_download_is_sent_as_an_attachment(client_for, records):
    response = client_for("board_member").get(object_urls(records["published"])["document-download"])
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
