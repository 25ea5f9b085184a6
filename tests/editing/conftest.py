"""Fixtures of the editing tests: meetings in each state, and a client per persona."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import MeetingFactory

STATES = ["draft", "circulated", "published"]


def _meeting(status: str) -> Meeting:
    start = timezone.now() - dt.timedelta(days=30)
    return MeetingFactory(
        status=status,
        start=start,
        end=start + dt.timedelta(hours=6),
        circulated_at=None if status == "draft" else start,
    )


@pytest.fixture
def draft_meeting(db):
    return _meeting(Meeting.Status.DRAFT)


@pytest.fixture
def upcoming_meeting(db):
    """A draft meeting still to come: what postponing and cancelling apply to."""
    meeting = _meeting(Meeting.Status.DRAFT)
    start = timezone.now() + dt.timedelta(days=30)
    Meeting.objects.filter(pk=meeting.pk).update(start=start, end=start + dt.timedelta(hours=6))
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def circulated_meeting(db):
    return _meeting(Meeting.Status.CIRCULATED)


@pytest.fixture
def published_meeting(db):
    return _meeting(Meeting.Status.PUBLISHED)


@pytest.fixture
def meetings_by_state(draft_meeting, circulated_meeting, published_meeting):
    return {"draft": draft_meeting, "circulated": circulated_meeting, "published": published_meeting}


@pytest.fixture
def secretariat_client(secretariat):
    client = Client()
    client.force_login(secretariat)
    return client


@pytest.fixture
def make_client(personas):
    """make_client("board_member") -> a new client signed in as that persona (or anonymous)."""

    def _make(persona):
        client = Client()
        if persona != "anonymous":
            client.force_login(personas[persona])
        return client

    return _make


def errors_of(response, form_name="form"):
    form = response.context[form_name]
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}
