"""
Who may open the editing pages: a user not signed in is sent to sign in and back (whatever the record);
a record the signed-in user may not see is a 404; one they see but may not edit, a 403 (the portal's page).
"""

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from decisions.models import Decision, Document
from meetings.models import Meeting
from tests.factories import ActionItemFactory, AgendaItemFactory, DecisionFactory, DocumentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MEETING_PAGES = [
    "meetings-edit:meeting-edit",
    "meetings-edit:participants",
    "meetings-edit:agenda",
    "meetings-edit:agenda-item-create",
    "meetings-edit:announce",
    "meetings-edit:reschedule",
    "meetings-edit:cancel",
    "meetings-edit:circulate",
    "meetings-edit:publish",
    "meetings-edit:unpublish",
    "meetings-edit:correct",
    "meetings-edit:meeting-history",
    "decisions-edit:meeting-decisions",
    "decisions-edit:meeting-papers",
    "decisions-edit:decision-create",
    "decisions-edit:admit-members",
    "decisions-edit:end-membership",
    "decisions-edit:approve-documents",
    "decisions-edit:appoint",
    "decisions-edit:agree-action",
]

# What a user not signed in gets on every editing page: the sign-in, then back to the page.
SIGN_IN = "sign in"

# persona → state → expected status of a GET
EXPECTED = {
    "anonymous": {"draft": SIGN_IN, "circulated": SIGN_IN, "published": SIGN_IN},
    "outsider": {"draft": 404, "circulated": 404, "published": 403},
    "board_member": {"draft": 404, "circulated": 403, "published": 403},
    "secretariat": {"draft": 200, "circulated": 200, "published": 200},
    "admin": {"draft": 200, "circulated": 200, "published": 200},
}
# A step forward applies from one state only: from any other, the Secretariat is sent back to the record
# with the reason (meetings.services.step_refusal).
STEP_FROM = {"meetings-edit:circulate": "draft", "meetings-edit:publish": "circulated"}
# Postponing and cancelling apply to a meeting still to come: the test moves the meeting ahead.
UPCOMING_ONLY = {"meetings-edit:reschedule", "meetings-edit:cancel"}


def _expected(name: str, state: str, status):
    if status == 200 and name in STEP_FROM and state != STEP_FROM[name]:
        return 302
    return status


MATRIX = [
    (name, persona, state, _expected(name, state, status))
    for name in MEETING_PAGES
    for persona, by_state in EXPECTED.items()
    for state, status in by_state.items()
]


@pytest.fixture
def all_personas(personas, outsider):
    return {**personas, "outsider": outsider}


def outcome(response, url: str):
    """The status of a response, or SIGN_IN for a redirect to the sign-in page that comes back to `url`."""
    if response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={quote(url, safe='/')}":
        return SIGN_IN
    return response.status_code


def client_as(client, all_personas, persona):
    if persona != "anonymous":
        client.force_login(all_personas[persona])
    return client


@pytest.mark.parametrize(("url_name", "persona", "state", "status"), MATRIX)
def test_meeting_pages(client, all_personas, meetings_by_state, url_name, persona, state, status):
    meeting = meetings_by_state[state]
    if url_name in UPCOMING_ONLY:
        # Postponing and cancelling apply to a meeting still to come (tests/editing/test_desk_path.py: not to one held).
        Meeting.objects.filter(pk=meeting.pk).update(
            start=timezone.now() + dt.timedelta(days=30), end=timezone.now() + dt.timedelta(days=30, hours=6)
        )
    url = reverse(url_name, args=[meeting.slug])
    assert outcome(client_as(client, all_personas, persona).get(url), url) == status


@pytest.mark.parametrize(("persona", "state", "status"), [(p, s, v) for p, d in EXPECTED.items() for s, v in d.items()])
def test_pages_of_a_meetings_parts(client, all_personas, meetings_by_state, persona, state, status):
    meeting = meetings_by_state[state]
    item = AgendaItemFactory(meeting=meeting, position=1)
    decision = DecisionFactory(meeting=meeting, agenda_item=item)
    document = DocumentFactory()
    decision.documents.add(document)
    action = ActionItemFactory(meeting=meeting, decision=decision)
    # The agenda, documents and action items are part of the full record: the public never sees them.
    minutes_status = 404 if persona == "outsider" else status
    expected = {
        reverse("meetings-edit:agenda-item-edit", args=[meeting.slug, item.pk]): minutes_status,
        reverse("meetings-edit:agenda-item-delete", args=[meeting.slug, item.pk]): minutes_status,
        reverse("decisions-edit:decision-edit", args=[decision.pk]): status,
        reverse("decisions-edit:decision-history", args=[decision.pk]): status,
        reverse("decisions-edit:document-edit", args=[document.slug]): minutes_status,
        reverse("decisions-edit:document-upload", args=[document.slug]): minutes_status,
        reverse("decisions-edit:document-history", args=[document.slug]): minutes_status,
        reverse("decisions-edit:action-edit", args=[action.pk]): minutes_status,
    }
    client = client_as(client, all_personas, persona)
    assert {url: outcome(client.get(url), url) for url in expected} == expected


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("outsider", 403), ("board_member", 403), ("secretariat", 200), ("admin", 200)],
)
def test_pages_without_an_object(client, all_personas, persona, status):
    client = client_as(client, all_personas, persona)
    for name in [
        "meetings-edit:meeting-create",
        "decisions-edit:document-create",
        "members-edit:organisation-create",
        "members-edit:person-create",
        "members-edit:pillar-create",
    ]:
        assert outcome(client.get(reverse(name)), reverse(name)) == status, name


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("outsider", 403), ("board_member", 403), ("secretariat", 200), ("admin", 200)],
)
def test_register_pages(client, all_personas, persona, status):
    membership = MembershipFactory()  # from no decision: public
    organisation = membership.organisation
    client = client_as(client, all_personas, persona)
    for url in [
        reverse("members-edit:organisation-edit", args=[organisation.slug]),
        reverse("members-edit:membership-create", args=[organisation.slug]),
        reverse("members-edit:membership-end", args=[membership.pk]),
    ]:
        assert outcome(client.get(url), url) == status, url


def test_board_member_cannot_publish_by_posting(client, board_member, circulated_meeting):
    client.force_login(board_member)
    response = client.post(reverse("meetings-edit:publish", args=[circulated_meeting.slug]), {"confirm": "1"})
    assert response.status_code == 403
    circulated_meeting.refresh_from_db()
    assert circulated_meeting.status == Meeting.Status.CIRCULATED


def test_board_member_cannot_change_a_decision_by_posting(client, board_member, circulated_meeting):
    decision = DecisionFactory(meeting=circulated_meeting, subject="Kept")
    client.force_login(board_member)
    response = client.post(
        reverse("decisions-edit:decision-edit", args=[decision.pk]),
        {"reference": decision.reference, "verb": "approved", "subject": "Changed", "version": decision.version},
    )
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).subject == "Kept"


def test_a_document_only_a_draft_acts_on_is_unseen(client, board_member, draft_meeting):
    document = DocumentFactory()
    DecisionFactory(meeting=draft_meeting).documents.add(document)
    client.force_login(board_member)
    assert client.get(reverse("decisions-edit:document-edit", args=[document.slug])).status_code == 404
    assert Document.objects.visible_to(board_member).count() == 0


def test_edit_controls_show_for_the_secretariat_only(client, secretariat, board_member, circulated_meeting):
    edit_url = reverse("meetings-edit:meeting-edit", args=[circulated_meeting.slug])
    client.force_login(board_member)
    assert edit_url not in client.get(circulated_meeting.get_absolute_url()).content.decode()
    client.force_login(secretariat)
    page = client.get(circulated_meeting.get_absolute_url()).content.decode()
    assert edit_url in page
    assert reverse("meetings-edit:publish", args=[circulated_meeting.slug]) in page


@pytest.mark.parametrize(
    ("path", "url_name"),
    [
        ("/edit/meetings/new/", "meetings-edit:meeting-create"),
        ("/edit/documents/new/", "decisions-edit:document-create"),
        ("/edit/decisions/12/", "decisions-edit:decision-edit"),
        ("/meetings/new/", "portal:meeting-detail"),
        ("/decisions/B6/2022/04/", "decisions:decision-detail"),
        ("/documents/some-document/", "decisions:document-detail"),
    ],
)
def test_editing_urls_never_clash_with_reading_urls(path, url_name):
    match = resolve(path)
    assert f"{match.namespace}:{match.url_name}" == url_name
