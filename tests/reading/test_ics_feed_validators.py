"""
The calendar's validators come from the data, with and without Redis: a conditional GET gets a 304
while nothing the reader's feed shows changed; any change to a row it shows, or a row leaving it,
moves both ETag and Last-Modified; a draft the reader cannot see moves neither (nothing of it leaks
through them).

The records are backdated by an hour first, so that a change made in the test is in a later second
than the version a client holds (Last-Modified counts whole seconds).
"""

import datetime as dt
import time

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from decisions.models import ActionItem, Decision
from meetings import ics, services
from meetings.models import Meeting, Occasion, Reschedule
from tests.factories import MeetingFactory

FEED = reverse("meetings:meetings-ics")


def backdate(hours: int = 1) -> None:
    """Every change of the meetings, their occasions and reschedules made `hours` earlier."""
    earlier = dt.timedelta(hours=hours)
    Meeting.objects.update(updated_at=F("updated_at") - earlier)
    Reschedule.objects.update(created_at=F("created_at") - earlier)
    for model in (Meeting, Occasion, Reschedule):
        model.history.model.objects.update(history_date=F("history_date") - earlier)


def validators(client, url=FEED) -> tuple[str, int]:
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"], parse_http_date(response["Last-Modified"])


def conditional(client, etag: str, last_modified: int, url=FEED) -> tuple[int, int]:
    """The status codes of a GET with If-None-Match, and of one with If-Modified-Since only."""
    by_etag = client.get(url, headers={"if-none-match": etag}).status_code
    since = dt.datetime.fromtimestamp(last_modified, dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    by_date = client.get(url, headers={"if-modified-since": since}).status_code
    return by_etag, by_date


@pytest.fixture
def backdated(records):
    backdate()
    return records


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat"])
def test_without_redis_a_conditional_get_is_a_304_by_date_too(client_for, backdated, persona):
    client = client_for(persona)
    first = client.get(FEED)
    # A second passes: the request's time is no validator.
    time.sleep(1.05)
    second = client.get(FEED)
    assert (second["ETag"], second["Last-Modified"]) == (first["ETag"], first["Last-Modified"])
    # One ETag, one body: each event's DTSTAMP is its last change, not the time of the request.
    assert second.content == first.content
    etag, last_modified = first["ETag"], parse_http_date(first["Last-Modified"])
    assert conditional(client, etag, last_modified) == (304, 304)
    # Last-Modified is the newest change the reader's feed shows: an hour ago.
    assert abs(last_modified - (timezone.now() - dt.timedelta(hours=1)).timestamp()) < 120


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_with_the_cache_the_validators_are_the_same_and_give_304s(page_cache, client_for, backdated, persona):
    client = client_for(persona)
    etag, last_modified = validators(client)
    assert conditional(client, etag, last_modified) == (304, 304)
    page_cache.clear()
    # Nothing of the cache goes into them: the same after it is emptied (or without Redis at all).
    assert validators(client) == (etag, last_modified)


def rename(records):
    meeting = records["published"].meeting
    meeting.title = "Renamedqx meeting"
    meeting.save()


def unpublish(records):
    services.unpublish_meeting(services.MeetingWithReason(meeting=records["published"].meeting, reason="A wrong date."))


def cancel(records):
    services.cancel_meeting(services.MeetingWithReason(meeting=records["announced"].meeting, reason="No quorum."))


def reschedule(records):
    meeting = records["announced"].meeting
    later = meeting.start + dt.timedelta(days=7)
    services.reschedule_meeting(
        services.RescheduleMeeting(meeting=meeting, start=later, end=later, reason="The host asked.")
    )


def rename_the_occasion(records):
    occasion = records["announced"].meeting.occasion
    occasion.name = "Renamedqx forum"
    occasion.save()


def delete_meeting(meeting):
    """Deleted in the admin, after what protects it (its decisions and actions)."""
    for model in (ActionItem, Decision):
        model.objects.filter(meeting=meeting).delete()
    meeting.delete()


def delete(records):
    delete_meeting(records["published"].meeting)


def publish(records):
    meeting = records["circulated"].meeting
    meeting.status = Meeting.Status.PUBLISHED
    meeting.save()


@pytest.mark.parametrize("change", [rename, unpublish, cancel, reschedule, rename_the_occasion, delete, publish])
def test_a_change_to_what_the_public_feed_shows_moves_both_validators(client, backdated, change):
    etag, last_modified = validators(client)
    change(backdated)
    new_etag, new_last_modified = validators(client)
    assert new_etag != etag
    assert new_last_modified > last_modified
    assert conditional(client, etag, last_modified) == (200, 200)


def edit_a_draft(records):
    meeting = records["draft"].meeting
    meeting.title = "Another draft title"
    meeting.minutes = "Rewritten."
    meeting.save()


def add_a_draft(records):
    MeetingFactory(title="A new draft", status=Meeting.Status.DRAFT)


def edit_the_record_of_an_announced_meeting(records):
    # Announced: the public lists it, as its announcement; the record (summary, minutes) is a draft.
    meeting = records["announced"].meeting
    meeting.public_summary = "A summary still in the works."
    meeting.minutes = "Notes."
    meeting.participants_in_person = 12
    meeting.save()


def delete_a_draft(records):
    delete_meeting(records["draft"].meeting)


@pytest.mark.parametrize("change", [edit_a_draft, add_a_draft, edit_the_record_of_an_announced_meeting, delete_a_draft])
@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_a_draft_the_reader_cannot_see_moves_no_validator(client_for, backdated, change, persona):
    secretariat_etag, _ = validators(client_for("secretariat"))
    client = client_for(persona)
    before = validators(client)
    change(backdated)
    assert validators(client) == before
    assert conditional(client, *before) == (304, 304)
    # The Secretariat reads the drafts: its feed did change.
    assert validators(client_for("secretariat"))[0] != secretariat_etag


@pytest.mark.parametrize("change", [edit_a_draft, add_a_draft, edit_the_record_of_an_announced_meeting])
def test_a_draft_moves_no_public_validator_with_the_cache_either(page_cache, client, backdated, committed, change):
    before = validators(client)
    with committed():
        change(backdated)
    assert validators(client) == before


def test_a_meeting_aging_out_of_the_window_moves_last_modified(client, db, monkeypatch):
    today = ics.today_start()
    # Two years old tomorrow: in today's window, not in tomorrow's.
    start = today - dt.timedelta(days=ics.WINDOW_DAYS) + dt.timedelta(hours=12)
    MeetingFactory(title="Leavingqx meeting", start=start, end=start + dt.timedelta(hours=2))
    MeetingFactory(title="Stayingqx meeting", start=today - dt.timedelta(days=30))
    backdate(hours=24 * 400)
    etag, last_modified = validators(client)
    assert b"Leavingqx" in client.get(FEED).content
    monkeypatch.setattr(ics, "today_start", lambda: today + dt.timedelta(days=1))
    response = client.get(FEED)
    assert b"Leavingqx" not in response.content
    assert response["ETag"] != etag
    # It left at the start of tomorrow, after anything a client's copy was modified.
    assert parse_http_date(response["Last-Modified"]) == int((today + dt.timedelta(days=1)).timestamp())
    assert conditional(client, etag, last_modified) == (200, 200)


def test_the_single_meeting_calendar_answers_conditional_gets(client, backdated):
    url = reverse("meetings:meeting-ics", args=[backdated["published"].meeting.slug])
    etag, last_modified = validators(client, url)
    assert conditional(client, etag, last_modified, url) == (304, 304)
    rename(backdated)
    assert conditional(client, etag, last_modified, url) == (200, 200)
