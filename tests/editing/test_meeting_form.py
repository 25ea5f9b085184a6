"""The meeting form: create, edit, the chair, time zones, a published record's correction, preview."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Correction, Meeting, Participation
from tests.editing.conftest import errors_of
from tests.factories import MeetingFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def meeting_data(**overrides):
    data = {
        "kind": "board",
        "ordinal": "7",
        "title": "7th IISG Board Meeting",
        "start": "2023-03-10T09:30",
        "end": "2023-03-10T17:00",
        "time_zone": "Europe/Skopje",
        "city": "Skopje",
        "country": "North Macedonia",
        "venue": "Government building",
        "format": "in_person",
        "chair": "",
        "public_summary": "The Board met in Skopje.",
        "minutes": "",
    }
    return data | overrides


def test_secretariat_creates_a_draft_meeting_in_its_time_zone(secretariat_client):
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), meeting_data())
    meeting = Meeting.objects.get(ordinal=7)
    assert response.status_code == 302
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.slug == "7th-board-meeting-2023"
    # 09:30 in Skopje in March (CET) is 08:30 UTC.
    assert meeting.start == dt.datetime(2023, 3, 10, 8, 30, tzinfo=dt.UTC)
    assert meeting.local_start.strftime("%H:%M") == "09:30"
    assert meeting.version == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("created" in m for m in messages)


def test_invalid_meeting_keeps_the_input_and_shows_the_error_beside_the_field(secretariat_client):
    data = meeting_data(end="2023-03-09T17:00", title="Keep this title")
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    assert errors_of(response)["end"] == ["A meeting cannot end before it starts."]
    page = response.content.decode()
    assert 'value="Keep this title"' in page
    assert "The Board met in Skopje." in page
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("start", "not a date"), ("time_zone", "Mars/Olympus"), ("kind", "party"), ("ordinal", "-3"), ("title", "")],
)
def test_garbage_input_is_an_error_not_a_500(secretariat_client, field, value):
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), meeting_data(**{field: value}))
    assert response.status_code == 200
    assert field in errors_of(response)


def test_a_second_meeting_with_the_same_number_is_refused(secretariat_client):
    MeetingFactory(kind="board", ordinal=7)
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), meeting_data())
    assert response.status_code == 200
    assert "A meeting of this kind with this number already exists." in str(errors_of(response))


def test_pillar_meeting_needs_its_pillar(secretariat_client):
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), meeting_data(kind="pillar"))
    assert errors_of(response)["pillar"] == ["A pillar meeting needs its pillar."]


def test_all_day_meeting_runs_from_midnight_to_2359_local(secretariat_client):
    data = meeting_data(all_day="on", start="2022-06-20T10:00", end="2022-06-20T10:00", time_zone="Europe/Sarajevo")
    secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    meeting = Meeting.objects.get(ordinal=7)
    assert meeting.local_start.strftime("%H:%M") == "00:00"
    assert meeting.local_end.strftime("%H:%M") == "23:59"


def test_time_skipped_by_daylight_saving_is_refused(secretariat_client):
    data = meeting_data(start="2023-03-26T02:30", end="2023-03-26T05:00", time_zone="Europe/Sarajevo")
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert "does not exist" in errors_of(response)["start"][0]


def test_the_chair_is_recorded_as_the_participation_with_the_chair_role(secretariat_client, draft_meeting):
    chair = PersonFactory(position_title="Acting Director-General")
    # The meeting is past and no earlier meeting records the chair's post: given here, as it was then.
    data = meeting_data(chair=chair.pk, chair_position="Acting Director-General", version=draft_meeting.version)
    secretariat_client.post(reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug]), data)
    participation = draft_meeting.participations.get(role=Participation.Role.CHAIR)
    assert participation.person == chair
    assert participation.position == "Acting Director-General"
    assert participation.organisation == chair.organisation
    # A new chair replaces the old one: there is one chair.
    other = PersonFactory()
    draft_meeting.refresh_from_db()
    data = meeting_data(chair=other.pk, chair_position="Minister of Security", version=draft_meeting.version)
    secretariat_client.post(reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug]), data)
    assert [p.person for p in draft_meeting.participations.filter(role="chair")] == [other]


def test_edit_form_shows_local_times_and_the_current_chair(secretariat_client, draft_meeting):
    chair = ParticipationFactory(meeting=draft_meeting, role=Participation.Role.CHAIR)
    response = secretariat_client.get(reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug]))
    form = response.context["form"]
    assert form.initial["chair"] == chair.person_id
    assert form.initial["start"] == draft_meeting.local_start.replace(tzinfo=None)


def test_editing_a_published_meeting_needs_a_reason_shown_on_the_record(secretariat_client, published_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[published_meeting.slug])
    data = meeting_data(ordinal=published_meeting.ordinal, title="Corrected title", version=published_meeting.version)
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "correction_reason" in errors_of(response)
    assert Meeting.objects.get(pk=published_meeting.pk).title != "Corrected title"

    response = secretariat_client.post(url, data | {"correction_reason": "The title had a typo."})
    assert response.status_code == 302
    published_meeting.refresh_from_db()
    assert published_meeting.title == "Corrected title"
    assert published_meeting.status == Meeting.Status.PUBLISHED
    correction = Correction.objects.get(meeting=published_meeting)
    assert correction.reason == "The title had a typo."
    assert correction.kind == Correction.Kind.CORRECTION


def test_preview_renders_the_summary_sanitised_without_saving(secretariat_client, draft_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    summary = "**Bold** text <script>alert(1)</script>"
    data = meeting_data(public_summary=summary, version=draft_meeting.version, preview="1")
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    preview = str(response.context["preview"])
    assert "<strong>Bold</strong>" in preview
    assert "<script>" not in preview
    assert Meeting.objects.get(pk=draft_meeting.pk).public_summary == "The Board met."


@pytest.mark.parametrize("value", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_dates_at_the_edge_of_the_calendar_are_an_error_not_a_500(secretariat_client, value):
    data = meeting_data(start=value, end=value, time_zone="America/Los_Angeles")
    if value.startswith("0001"):
        data["time_zone"] = "Asia/Tokyo"
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    assert "start" in errors_of(response)


def test_preview_of_a_new_meeting_creates_nothing(secretariat_client):
    data = meeting_data(public_summary="*Draft*", preview="1")
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    assert "<em>Draft</em>" in str(response.context["preview"])
    assert not Meeting.objects.exists()
