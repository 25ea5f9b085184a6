"""Each list of the open-data API costs a fixed number of queries, whether its page holds 1 object or 25."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, Participation
from members.models import Post, RoleHeld
from tests.factories import (
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

# Queries per list page, with 1 row or 25 (savepoints aside).
BUDGET = {
    # The rows.
    "organization-list": 1,
    "person-list": 1,
    "post-list": 1,
    # Memberships, then the roles held that follow them on the page.
    "membership-list": 2,
    # The meetings' filter choices (meetings.filters.MeetingFilter), the meetings, their decisions (no participants:
    # each meeting's object has them).
    "event-list": 3,
    # The register's two steps: the page's ids, then the rows with what they name and acted on
    # (DecisionQuerySet.with_acted_on's prefetches).
    "decision-list": 7,
}


def build(rows: int) -> None:
    post = Post.objects.get(name="Head of the IISG Secretariat")
    for number in range(rows):
        start = timezone.now() - dt.timedelta(days=40 + number)
        meeting = MeetingFactory(status=Meeting.Status.PUBLISHED, start=start, end=start + dt.timedelta(hours=4))
        ParticipationFactory(meeting=meeting, role=Participation.Role.CHAIR)
        ParticipationFactory(meeting=meeting, role=Participation.Role.DELEGATE)
        membership = MembershipFactory(organisation=OrganisationFactory())
        decision = DecisionFactory(meeting=meeting, proposed_by_organisation=membership.organisation)
        decision.memberships.add(membership)
        decision.concerns_organisations.add(membership.organisation)
        decision.concerns_people.add(PersonFactory())
        role = RoleHeld.objects.create(
            person=PersonFactory(), post=post, represented=membership.organisation, start=start.date()
        )
        decision.roles.add(role)


def queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"opendata:api-{name}") + "?per_page=25")
    assert response.status_code == 200
    return len([query for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]])


@pytest.mark.parametrize("rows", [1, 25])
def test_each_list_costs_the_same_for_1_or_25_rows(client, rows):
    build(rows)
    counts = {name: queries(client, name) for name in BUDGET}
    assert counts == BUDGET
    # The pages were full: the counts are of pages of that many rows.
    events = client.get(reverse("opendata:api-event-list") + "?per_page=25").json()["results"]
    assert len(events) == rows
