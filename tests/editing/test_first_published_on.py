"""
The day a record was first made public (issue 17), for a record entered after the fact: given in the
meeting's editing form and in the admin, with help text; not in the future, not before the meeting,
not after it was published here; on a published record a correction with its reason; kept in the
history; a form opened before another editor gave it is refused (core.locking).
"""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import Correction, Meeting
from tests.editing.conftest import errors_of
from tests.editing.test_admin_locking_records import admin_form_data
from tests.editing.test_conflicts import form_data
from tests.factories import MeetingFactory, UserFactory
from tests.reading.pagetext import text_of

pytestmark = pytest.mark.django_db

SARAJEVO = zoneinfo.ZoneInfo("Europe/Sarajevo")
FIELD = "first_published_on"


@pytest.fixture
def entered_now():
    """The 2nd Board meeting (20 and 21 November 2017), recorded and published in the portal today."""
    start = dt.datetime(2017, 11, 20, 9, 0, tzinfo=SARAJEVO)
    return MeetingFactory(
        ordinal=2,
        title="2nd IISG Board Meeting",
        start=start,
        end=start + dt.timedelta(days=1, hours=8),
        time_zone="Europe/Sarajevo",
        published_at=timezone.now(),
    )


def edit_url(meeting) -> str:
    return reverse("meetings-edit:meeting-edit", args=[meeting.slug])


def posted_form(client, meeting, **changes) -> dict:
    """The editing form as the browser posts it back (its dates in their two inputs), with `changes`."""
    data = form_data(client.get(edit_url(meeting)))
    for name in ("start", "end"):
        day, time = data.pop(name).split("T")
        data[f"{name}_date"], data[f"{name}_time"] = day, time
    return data | changes


def test_the_form_asks_for_it_with_help(secretariat_client, entered_now):
    page = text_of(secretariat_client.get(edit_url(entered_now)).content.decode())
    assert "Record first made public on" in page
    assert "For a record entered after the fact: the day it was first made public" in page
    assert "more than 90 days after the meeting, no date." in page


def test_given_on_a_published_record_it_is_a_correction_kept_in_the_history(secretariat_client, entered_now):
    response = secretariat_client.post(
        edit_url(entered_now), posted_form(secretariat_client, entered_now, **{FIELD: "2017-12-04"})
    )
    assert errors_of(response)["correction_reason"] == [
        "This record is published: say what you correct and why. It is shown on the record."
    ]
    data = posted_form(
        secretariat_client,
        entered_now,
        **{FIELD: "2017-12-04", "correction_reason": "The day it was first made public."},
    )
    assert secretariat_client.post(edit_url(entered_now), data).status_code == 302
    entered_now.refresh_from_db()
    assert entered_now.first_published_on == dt.date(2017, 12, 4)
    assert Correction.objects.get(meeting=entered_now).reason == "The day it was first made public."
    for client in (Client(), secretariat_client):
        page = text_of(client.get(entered_now.get_absolute_url()).content.decode())
        assert "Record published on Monday, 4 December 2017" in page
    history = text_of(
        secretariat_client.get(reverse("meetings-edit:meeting-history", args=[entered_now.slug])).content.decode()
    )
    assert "Record first made public on" in history
    assert entered_now.history.first().first_published_on == dt.date(2017, 12, 4)


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("tomorrow", "The record cannot have been made public after today."),
        ("2017-11-19", "The record cannot have been made public before the meeting."),
        ("after-published", "it was first made public then or earlier."),
    ],
)
def test_a_day_that_cannot_be_right_is_refused_beside_the_field(secretariat_client, entered_now, day, error):
    if day == "tomorrow":
        day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    elif day == "after-published":
        # Published here 30 days ago: first made public 29 days ago cannot be.
        Meeting.objects.filter(pk=entered_now.pk).update(published_at=timezone.now() - dt.timedelta(days=30))
        day = (timezone.localdate() - dt.timedelta(days=29)).isoformat()
    data = posted_form(secretariat_client, entered_now, **{FIELD: day, "correction_reason": "The day."})
    response = secretariat_client.post(edit_url(entered_now), data)
    assert response.status_code == 200
    assert error in " ".join(errors_of(response)[FIELD])
    entered_now.refresh_from_db()
    assert entered_now.first_published_on is None


def test_the_meetings_first_day_and_today_are_accepted(secretariat_client, entered_now):
    for day in ("2017-11-20", timezone.localdate().isoformat()):
        data = posted_form(secretariat_client, entered_now, **{FIELD: day, "correction_reason": "The day."})
        assert secretariat_client.post(edit_url(entered_now), data).status_code == 302
        entered_now.refresh_from_db()
        assert entered_now.first_published_on.isoformat() == day


def test_a_form_opened_before_another_editor_gave_it_is_refused(secretariat_client, secretariat, entered_now):
    from django.contrib.auth.models import Group

    other = Client()
    user = UserFactory(username="second", first_name="Ana", last_name="Editor")
    user.groups.add(Group.objects.get(name="Secretariat"))
    other.force_login(user)
    stale = posted_form(secretariat_client, entered_now)
    data = posted_form(other, entered_now, **{FIELD: "2017-12-04", "correction_reason": "The day."})
    assert other.post(edit_url(entered_now), data).status_code == 302
    response = secretariat_client.post(edit_url(entered_now), stale | {"venue": "Hall A", "correction_reason": "Hall."})
    assert response.status_code == 200
    changes = [(c.label, c.after) for c in response.context["form"].conflict.changes]
    assert changes == [("Record first made public on", "2017-12-04")]
    entered_now.refresh_from_db()
    assert (entered_now.first_published_on, entered_now.venue) == (dt.date(2017, 12, 4), "")


def test_the_admin_offers_it_with_help_and_checks_it(admin_client, entered_now):
    url = reverse("admin:meetings_meeting_change", args=[entered_now.pk])
    response = admin_client.get(url)
    page = response.content.decode()
    assert 'name="first_published_on"' in page
    assert "For a record entered after the fact" in page
    data = admin_form_data(response)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = admin_client.post(url, data | {FIELD: tomorrow})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[FIELD] == ["The record cannot have been made public after today."]
    assert admin_client.post(url, data | {FIELD: "2017-12-04"}).status_code == 302
    entered_now.refresh_from_db()
    assert entered_now.first_published_on == dt.date(2017, 12, 4)
