import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "meetings-edit:meeting-edit",
        "meetings-edit:participants",
        "meetings-edit:agenda",
        "meetings-edit:agenda-item-create",
        "meetings-edit:announce",
        "meetings-edit:reschedule",
        "meetings-edit:cancel",
        "meetings-edit:circulate",
        "meetings-edit:meeting-history",
        "decisions-edit:meeting-decisions",
        "decisions-edit:meeting-papers",
        "decisions-edit:decision-create",
        "decisions-edit:admit-members",
        "decisions-edit:end-membership",
        "decisions-edit:approve-documents",
        "decisions-edit:appoint",
        "decisions-edit:agree-action",
    ],
)
def test_pages_render(secretariat_client, draft_meeting, upcoming_meeting, name):
    meeting = upcoming_meeting if name in ("meetings-edit:reschedule", "meetings-edit:cancel") else draft_meeting
    response = secretariat_client.get(reverse(name, args=[meeting.slug]))
    assert response.status_code == 200


def test_meeting_detail_with_controls(secretariat_client, draft_meeting):
    response = secretariat_client.get(draft_meeting.get_absolute_url())
    assert response.status_code == 200
    assert reverse("meetings-edit:circulate", args=[draft_meeting.slug]) in response.content.decode()
