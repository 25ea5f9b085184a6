import datetime as dt

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.factories import DecisionFactory, MeetingFactory, ParticipationFactory

MEMBERS_ONLY = "MEMBERS-ONLY-MINUTES-MARKER"


def publish(meeting: Meeting) -> Meeting:
    services.publish_meeting(services.WorkflowStep(meeting=meeting, override_reason="A test record."))
    return meeting


@pytest.fixture
def circulated(db):
    meeting = MeetingFactory(
        status=Meeting.Status.CIRCULATED,
        circulated_at=timezone.now() - dt.timedelta(days=3),
        minutes=f"The Board discussed. {MEMBERS_ONLY}",
        public_summary="The Board met and decided.",
    )
    ParticipationFactory(meeting=meeting)
    DecisionFactory(meeting=meeting)
    return meeting


@pytest.fixture
def published(circulated):
    return publish(circulated)
