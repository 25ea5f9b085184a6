"""The feed of all meetings: a window (upcoming and the last two years), older years on request, 304s per reader."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Meeting
from tests.factories import MeetingFactory

FEED = reverse("meetings:meetings-ics")


def uids(response) -> set[str]:
    assert response.status_code == 200
    return {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}


def uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@iisg-board-portal"


@pytest.fixture
def dated(db):
    soon, lately = timezone.now() + dt.timedelta(days=30), timezone.now() - dt.timedelta(days=400)
    return {
        "upcoming": MeetingFactory(title="Upcoming", start=soon, end=soon),
        "recent": MeetingFactory(title="Recent", start=lately, end=lately),
        "old": MeetingFactory(
            title="Old",
            start=timezone.make_aware(dt.datetime(2015, 3, 4, 10)),
            end=timezone.make_aware(dt.datetime(2015, 3, 4, 16)),
        ),
    }


def test_the_feed_covers_upcoming_meetings_and_the_last_two_years(client, dated):
    found = uids(client.get(FEED))
    assert {uid(dated["upcoming"]), uid(dated["recent"])} <= found
    assert uid(dated["old"]) not in found


def test_older_meetings_come_per_year(client, dated):
    assert uids(client.get(FEED, {"year": "2015"})) == {uid(dated["old"])}
    # Anything else than a year is the window.
    assert uid(dated["upcoming"]) in uids(client.get(FEED, {"year": "15; drop"}))


def test_a_conditional_get_is_answered_with_304_until_something_changes(client, dated):
    first = client.get(FEED)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag
    assert last_modified
    assert client.get(FEED, headers={"if-none-match": etag}).status_code == 304
    assert client.get(FEED, headers={"if-modified-since": last_modified}).status_code == 304
    meeting = dated["recent"]
    meeting.title = "Recent, renamed"
    meeting.save()
    changed = client.get(FEED, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    # Another year is another feed.
    assert client.get(FEED, {"year": "2015"}, headers={"if-none-match": changed["ETag"]}).status_code == 200


def test_a_meeting_leaving_the_feed_changes_its_validators(client, dated):
    etag = client.get(FEED)["ETag"]
    dated["recent"].delete()
    assert client.get(FEED, headers={"if-none-match": etag}).status_code == 200


def test_each_reader_has_their_own_validators(client_for, records):
    def feed(persona, **headers):
        return client_for(persona).get(FEED, headers=headers)

    etags = {persona: feed(persona)["ETag"] for persona in ("anonymous", "board_member", "secretariat")}
    assert len(set(etags.values())) == 3
    # A member's validators never get the public a 304 (nor the reverse): the full feed each time.
    assert feed("anonymous", if_none_match=etags["board_member"]).status_code == 200
    assert feed("board_member", if_none_match=etags["anonymous"]).status_code == 200
    assert feed("board_member", if_none_match=etags["board_member"]).status_code == 304
    assert feed("anonymous", if_none_match=etags["anonymous"]).status_code == 304
    assert "Cookie" in feed("board_member")["Vary"]
