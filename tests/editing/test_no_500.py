"""No input gives a 500: every editing page answers garbage with a form error (or a refusal)."""

import pytest
from django.urls import reverse

from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    DocumentFactory,
    MembershipFactory,
    OccasionFactory,
)

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


def urls(meeting):
    item = AgendaItemFactory(meeting=meeting, position=1)
    decision = DecisionFactory(meeting=meeting)
    document = DocumentFactory()
    action = ActionItemFactory(meeting=meeting)
    membership = MembershipFactory()
    occasion = OccasionFactory()
    meeting.occasion, meeting.occasion_relation = occasion, "alongside"
    meeting.save()
    slug = meeting.slug
    meeting_pages = [
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
        "decisions-edit:decision-create",
        "decisions-edit:admit-members",
        "decisions-edit:end-membership",
        "decisions-edit:approve-documents",
        "decisions-edit:appoint",
        "decisions-edit:agree-action",
    ]
    return [
        *(reverse(name, args=[slug]) for name in meeting_pages),
        reverse("meetings-edit:meeting-create"),
        reverse("meetings-edit:occasion-edit", args=[occasion.pk]),
        reverse("meetings-edit:agenda-item-edit", args=[slug, item.pk]),
        reverse("meetings-edit:agenda-item-delete", args=[slug, item.pk]),
        reverse("decisions-edit:decision-edit", args=[decision.pk]),
        reverse("decisions-edit:document-create"),
        reverse("decisions-edit:document-edit", args=[document.slug]),
        reverse("decisions-edit:document-upload", args=[document.slug]),
        reverse("decisions-edit:action-edit", args=[action.pk]),
        reverse("members-edit:organisation-create"),
        reverse("members-edit:organisation-edit", args=[membership.organisation.slug]),
        reverse("members-edit:membership-create", args=[membership.organisation.slug]),
        reverse("members-edit:membership-end", args=[membership.pk]),
        reverse("members-edit:person-create"),
        reverse("members-edit:pillar-create"),
    ]


@pytest.mark.parametrize("state", ["draft", "published"])
@pytest.mark.parametrize("data", GARBAGE, ids=["empty", "broken-hidden-fields", "nonsense"])
def test_garbage_never_gives_a_500(secretariat_client, meetings_by_state, state, data):
    for url in urls(meetings_by_state[state]):
        response = secretariat_client.post(url, data)
        assert response.status_code < 500, url
