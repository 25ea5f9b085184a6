"""One way to enter dates and times: a date input and a time input, the zone named; a one-day meeting entered once."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.editing.test_meeting_fixes import meeting_form
from tests.factories import MeetingFactory, WrittenProcedureFactory

pytestmark = pytest.mark.django_db

SARAJEVO = zoneinfo.ZoneInfo("Europe/Sarajevo")


def input_of(content: str, name: str) -> dict:
    tag = re.search(rf'<input\b[^>]*\bname="{name}"[^>]*>', content).group(0)
    return dict(re.findall(r'\b([a-z-]+)="([^"]*)"', tag))


def split(data: dict, **parts) -> dict:
    """The meeting form as a browser posts it: start and end each as a date and a time input."""
    data = {key: value for key, value in data.items() if key not in ("start", "end")}
    return data | parts


def test_the_meeting_form_draws_date_and_time_inputs_naming_the_zone(secretariat_client):
    content = secretariat_client.get(reverse("meetings-edit:meeting-create")).content.decode()
    assert input_of(content, "start_date")["type"] == "date"
    assert input_of(content, "start_time")["type"] == "time"
    assert input_of(content, "end_date")["type"] == "date"
    assert "Date (YYYY-MM-DD)" in content
    assert "Time (HH:MM, 24-hour clock, Europe/Sarajevo)" in content
    assert 'type="time"' in content
    assert "Leave the date empty for a one-day meeting: it is the start" in content


def test_an_existing_meeting_names_its_own_zone_beside_the_times(secretariat_client):
    meeting = MeetingFactory(status="draft", time_zone="Europe/Brussels")
    content = secretariat_client.get(reverse("meetings-edit:meeting-edit", args=[meeting.slug])).content.decode()
    assert "Time (HH:MM, 24-hour clock, Europe/Brussels)" in content


def test_a_one_day_meeting_saved_with_an_empty_end_date_ends_on_its_start_date(secretariat_client):
    data = split(
        meeting_form(title="One day"),
        start_date="2022-03-10",
        start_time="10:00",
        end_date="",
        end_time="16:30",
    )
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get(title="One day")
    assert meeting.start == dt.datetime(2022, 3, 10, 10, 0, tzinfo=SARAJEVO)
    assert meeting.end == dt.datetime(2022, 3, 10, 16, 30, tzinfo=SARAJEVO)


def test_times_not_announced_clears_the_times_typed(secretariat_client):
    data = split(
        meeting_form(title="Dates only"),
        start_date="2022-03-10",
        start_time="10:00",
        end_date="2022-03-11",
        end_time="16:30",
        all_day="on",
    )
    assert secretariat_client.post(reverse("meetings-edit:meeting-create"), data).status_code == 302
    meeting = Meeting.objects.get(title="Dates only")
    assert meeting.all_day
    assert meeting.local_start == dt.datetime(2022, 3, 10, 0, 0, tzinfo=SARAJEVO)
    assert meeting.local_end == dt.datetime(2022, 3, 11, 23, 59, tzinfo=SARAJEVO)
    # Opened again: the dates, no 00:00 and 23:59 beside the ticked box; the script hides the times.
    url = reverse("meetings-edit:meeting-edit", args=[meeting.slug])
    content = secretariat_client.get(url).content.decode()
    assert input_of(content, "start_date")["value"] == "2022-03-10"
    assert "value" not in input_of(content, "start_time")
    assert 'value="00:00"' not in content
    assert 'value="23:59"' not in content
    assert "data-hides-times" in content
    assert "Times not announced" in content


def test_times_not_announced_on_a_refused_save_shows_the_times_cleared(secretariat_client):
    data = split(
        meeting_form(title=""),
        start_date="2022-03-10",
        start_time="10:00",
        end_date="",
        end_time="16:30",
        all_day="on",
    )
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="10:00"' not in content
    assert 'value="16:30"' not in content
    # The end date was filled in from the start.
    assert input_of(content, "end_date")["value"] == "2022-03-10"


def test_without_times_and_without_the_box_the_time_is_asked_for(secretariat_client):
    data = split(meeting_form(title="No times"), start_date="2022-03-10", start_time="", end_date="", end_time="")
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    assert "Give the time (HH:MM), or tick “Times not announced”." in " ".join(response.context["form"].errors["start"])


def test_a_procedure_s_deadline_is_a_date_and_a_time_in_the_named_zone(secretariat_client):
    procedure = WrittenProcedureFactory()
    url = reverse("decisions-edit:procedure-edit", args=[procedure.slug])
    content = secretariat_client.get(url).content.decode()
    assert 'type="datetime-local"' not in content
    assert 'name="deadline_date"' in content
    assert 'name="deadline_time"' in content
    assert "Time (HH:MM, 24-hour clock, Europe/Sarajevo)" in content
