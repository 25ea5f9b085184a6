"""
Who sees which written procedure, on every page, list, feed and export: URL x persona x state,
with marker words planted in what each persona must never read (the reading side's leak markers).

States: a draft (the Secretariat's), an open procedure and a closed one whose outcome is not
published (circulated: Board members and the Secretariat), and a published outcome (everyone).
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from decisions.models import WrittenProcedure
from decisions.procedures import services as procedures
from tests.conftest import PERSONAS
from tests.factories import WrittenProcedureFactory
from tests.procedures.conftest import DEADLINE, LAUNCH

pytestmark = pytest.mark.django_db

STATES = ["draft", "open", "closed", "published"]
DRAFT_MARKER = "Wpdraftmarkerqx"
CIRCULATED_MARKER = "Wpcircmarkerqx"
# In the answers (reasons) of the published procedure: its answers are not published.
ANSWER_MARKER = "Wpanswermarkerqx"

SEES = {
    "anonymous": {"published"},
    "board_member": {"open", "closed", "published"},
    "secretariat": set(STATES),
    "admin": set(STATES),
}
FORBIDDEN = {
    "anonymous": (DRAFT_MARKER, CIRCULATED_MARKER, ANSWER_MARKER),
    # The board member (alpha) reads alpha's answers only; the marker is in beta's.
    "board_member": (DRAFT_MARKER, ANSWER_MARKER),
    "secretariat": (),
    "admin": (),
}


@dataclass
class Procedures:
    by_state: dict


@pytest.fixture
def procedure_records(world, clock, secretariat):
    """Four procedures, one per state; each title and text carries the marker of who may not read it."""
    clock.set(LAUNCH)
    made = {}
    for number, state in enumerate(STATES, start=1):
        marker = {"draft": DRAFT_MARKER, "open": CIRCULATED_MARKER, "closed": CIRCULATED_MARKER}.get(state, "")
        made[state] = WrittenProcedureFactory(
            reference=f"WP/2026/{number:02d}",
            title=f"Procedure {state} {marker}",
            text=f"Draft decision {marker}",
            deadline=DEADLINE + dt.timedelta(days=number * 10 if state == "open" else 0),
        )
    for state in ("open", "closed", "published"):
        procedures.launch_procedure(procedure=made[state])
    for state in ("closed", "published"):
        procedures.answer_procedure(
            procedure=made[state],
            organisation=world.beta,
            answer="abstain",
            reason=f"Reason {ANSWER_MARKER}",
            user=world.beta_user,
        )
    clock.set(DEADLINE + dt.timedelta(hours=1))
    procedures.close_due_procedures()
    procedures.publish_procedure(procedure=made["published"])
    for procedure in made.values():
        procedure.refresh_from_db()
    assert [made[s].stage for s in STATES] == ["draft", "open", "closed", "closed"]
    return made


def page_urls(procedure: WrittenProcedure) -> dict[str, str]:
    slug = procedure.slug
    return {
        "procedure-detail": procedure.get_absolute_url(),
        "procedure-answer": reverse("decisions:procedure-answer", args=[slug]),
        "procedure-edit": reverse("decisions-edit:procedure-edit", args=[slug]),
        "procedure-launch": reverse("decisions-edit:procedure-launch", args=[slug]),
        "procedure-record-answer": reverse("decisions-edit:procedure-record-answer", args=[slug]),
        "procedure-remind": reverse("decisions-edit:procedure-remind", args=[slug]),
        "procedure-withdraw": reverse("decisions-edit:procedure-withdraw", args=[slug]),
        "procedure-publish": reverse("decisions-edit:procedure-publish", args=[slug]),
        "procedure-history": reverse("decisions-edit:procedure-history", args=[slug]),
    }


EDITING = {
    "procedure-edit",
    "procedure-launch",
    "procedure-record-answer",
    "procedure-remind",
    "procedure-withdraw",
    "procedure-publish",
    "procedure-history",
}


# A user not signed in, on a page to edit or to answer: to the sign-in, and back (whatever the record).
SIGN_IN = "sign in"


def expected_status(url_name: str, persona: str, state: str) -> int | str:
    if persona == "anonymous" and (url_name in EDITING or url_name == "procedure-answer"):
        return SIGN_IN
    if state not in SEES[persona]:
        return 404  # never 403: that would confirm it exists
    if url_name in EDITING and persona not in ("secretariat", "admin"):
        return 403
    if url_name == "procedure-remind":
        return 200 if state == "open" else 302  # not offered before launch nor once closed: back, with the reason
    if url_name in EDITING:
        return 200
    if url_name == "procedure-answer":
        if persona != "board_member":
            return 403  # a signed-in user of the public, and the Secretariat (who records answers on behalf instead)
        return 200 if state == "open" else 302  # a closed procedure: back to its page, with the reason
    return 200


MATRIX = [
    (url_name, persona, state, expected_status(url_name, persona, state))
    for url_name in sorted(page_urls(WrittenProcedure(slug="x")))
    for persona in PERSONAS
    for state in STATES
]


@pytest.mark.parametrize(("url_name", "persona", "state", "status"), MATRIX)
def test_procedure_pages(client_for, procedure_records, url_name, persona, state, status):
    url = page_urls(procedure_records[state])[url_name]
    response = client_for(persona).get(url)
    if status == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    else:
        assert response.status_code == status


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", ["closed", "published"])
def test_the_decision_of_a_procedure_is_seen_with_its_outcome(client_for, procedure_records, persona, state):
    # A silence procedure with no objection: adopted, so it has a decision.
    url = reverse("decisions:decision-detail", args=[procedure_records[state].reference])
    expected = 200 if state in SEES[persona] else 404
    assert client_for(persona).get(url).status_code == expected


LISTS = {
    "procedure-list": lambda: reverse("decisions:procedure-list"),
    "procedures-ics": lambda: reverse("decisions:procedures-ics"),
    "decision-list": lambda: reverse("decisions:decision-list"),
    "decision-export-csv": lambda: reverse("decisions:decision-export-csv"),
    "decision-export-json": lambda: reverse("decisions:decision-export-json"),
    "home": lambda: reverse("home"),
    # The search echoes its query: search for words every procedure's decision has, not for the markers.
    "search-decision": lambda: reverse("portal:search") + "?q=Draft+decision",
    "search-procedure": lambda: reverse("portal:search") + "?q=Procedure",
}


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("list_name", sorted(LISTS))
def test_lists_feeds_and_exports_leak_nothing(client_for, procedure_records, persona, list_name):
    response = client_for(persona).get(LISTS[list_name]())
    assert response.status_code == 200
    body = _body(response)
    for marker in FORBIDDEN[persona]:
        assert marker not in body, f"{marker} leaked to {persona} on {list_name}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", STATES)
def test_detail_pages_leak_nothing(client_for, procedure_records, persona, state):
    response = client_for(persona).get(procedure_records[state].get_absolute_url())
    body = _body(response)
    for marker in FORBIDDEN[persona]:
        assert marker not in body


def test_board_members_see_open_procedures_and_the_tally_so_far(client_for, procedure_records):
    body = client_for("board_member").get(reverse("decisions:procedure-list")).content.decode()
    assert "WP/2026/02" in body
    assert "So far: agree 0" in body
    assert "WP/2026/01" not in body


def test_the_public_list_shows_published_outcomes_only(client_for, procedure_records):
    body = client_for("anonymous").get(reverse("decisions:procedure-list")).content.decode()
    assert "WP/2026/04" in body
    for reference in ("WP/2026/01", "WP/2026/02", "WP/2026/03"):
        assert reference not in body


def test_the_calendar_has_the_deadlines_of_open_procedures_visible_to_the_reader(client_for, procedure_records):
    assert b"WP/2026/02" in client_for("board_member").get(reverse("decisions:procedures-ics")).content
    body = client_for("anonymous").get(reverse("decisions:procedures-ics")).content
    assert b"BEGIN:VCALENDAR" in body
    assert b"BEGIN:VEVENT" not in body


def test_published_answers_are_public_only_when_the_secretariat_publishes_them(client_for, procedure_records):
    procedure = procedure_records["published"]
    assert ANSWER_MARKER not in client_for("anonymous").get(procedure.get_absolute_url()).content.decode()
    procedure.answers_published = True
    procedure.save()
    assert ANSWER_MARKER in client_for("anonymous").get(procedure.get_absolute_url()).content.decode()
