"""No input gives a 500: every editing page answers garbage with a form error (or a refusal)."""

import pytest

from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    DocumentFactory,
    MeetingPaperFactory,
    MembershipFactory,
    OccasionFactory,
    RoleHeldFactory,
    WrittenProcedureFactory,
)
from tests.pages import EDIT, fill, pages_of

pytestmark = pytest.mark.django_db

GARBAGE = [
    {},
    {"version": "abc", "lock_snapshot": "x" * 5000, "reason": "\x00", "form-TOTAL_FORMS": "lots"},
    {
        "title": "x" * 1000,
        "start": "2022-13-45T99:99",
        "end": "tomorrow",
        "ordinal": "99999999",
        "time_zone": "../../etc",
        "kind": "'; DROP TABLE",
        "chair": "-1",
        "position": "-5",
        "presenters": ["a", "0"],
        "reference": "B" * 100,
        "existing_decision": "999999",
        "organisations": ["nope"],
        "new-TOTAL_FORMS": "2",
        "new-INITIAL_FORMS": "0",
        "new-0-name": "x" * 500,
        "move": "sideways:abc",
        "status": "finished",
        "date_precision": "fortnight",
        "occasion": "nope",
        "occasion_relation": "beside",
        "new_occasion_url": "javascript:alert(1)",
        "new_occasion_start": "2022-02-30",
        "participants_in_person": "-3",
        "new_date_pending": "maybe",
        "until": "31.31.2031",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "1",
        "form-0-id": "999999",
        "form-0-person": "x",
        "form-1-order": "99999",
        "file": "not a file",
    },
]


def urls(meeting) -> list[str]:
    """Every editing page of the URLconf (tests/pages.py), on records hanging from the meeting."""
    item = AgendaItemFactory(meeting=meeting, position=1)
    decision = DecisionFactory(meeting=meeting)
    document = DocumentFactory()
    action = ActionItemFactory(meeting=meeting)
    membership = MembershipFactory()
    occasion = OccasionFactory()
    meeting.occasion, meeting.occasion_relation = occasion, "alongside"
    meeting.save()
    role = RoleHeldFactory(represented=membership.organisation)
    by_segment = {
        "meetings": meeting,
        "agenda": item,
        "decisions": decision,
        "documents": document,
        "actions": action,
        "organisations": membership.organisation,
        "memberships": membership,
        "occasions": occasion,
        "people": role.person,
        "roles": role,
        "procedures": WrittenProcedureFactory(),
        "papers": MeetingPaperFactory(meeting=meeting, document=document),
    }
    return [fill(route, by_segment) for route in pages_of(EDIT)]


def test_every_editing_page_is_posted_to():
    # A page of the portal's editing pages a new entry in tests/pages.py adds here by itself.
    assert {"meetings-edit:participants", "members-edit:role-end", "decisions-edit:procedure-publish"} <= {
        route.name for route in pages_of(EDIT)
    }


@pytest.mark.parametrize("state", ["draft", "published"])
@pytest.mark.parametrize("data", GARBAGE, ids=["empty", "broken-hidden-fields", "nonsense"])
def test_garbage_never_gives_a_500(secretariat_client, meetings_by_state, state, data):
    for url in urls(meetings_by_state[state]):
        response = secretariat_client.post(url, data)
        assert response.status_code < 500, url
