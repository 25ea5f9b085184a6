"""
Issue 13's workflow nits, at the client level: no correction when a save changes nothing; the time
zone list (the region's and the EU capitals' first, canonical names only, an alias kept for the
meeting that has it); e-mails with the time and the zone; messages that say how many were e-mailed;
the date and the time as two labelled inputs that keep the meeting's own zone and the user's input.
"""

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse

from core.timezones import EU_CAPITAL_TIME_ZONES, REGION_TIME_ZONES, canonical_time_zones, time_zone_choices
from core.widgets import DateAndTimeWidget
from meetings.forms import MeetingForm
from meetings.models import Correction, Meeting
from tests.factories import MeetingFactory, ParticipationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def posted_as_opened(form) -> dict:
    """The edit form's values as the browser posts them when the editor changes nothing."""
    data = {}
    for field in form:
        value = field.value()
        widget = field.field.widget
        if isinstance(widget, DateAndTimeWidget):
            day, time = widget.decompress(value)
            data[f"{field.html_name}_date"] = day.isoformat() if day else ""
            data[f"{field.html_name}_time"] = time.strftime("%H:%M") if time else ""
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = "" if value is None else str(value)
    return data


@pytest.fixture
def published_meeting(published_meeting):
    """On whole minutes, as the form gives them (the factory's start has seconds)."""
    start = dt.datetime(2022, 6, 20, 8, 0, tzinfo=dt.UTC)
    Meeting.objects.filter(pk=published_meeting.pk).update(start=start, end=start + dt.timedelta(hours=6))
    published_meeting.refresh_from_db()
    return published_meeting


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- 4. No correction when nothing changed ----------------------------------------------------------


def test_saving_a_published_meeting_twice_without_a_change_records_no_correction(secretariat_client, published_meeting):
    ParticipationFactory(meeting=published_meeting, role="chair", position="Minister of Security")
    url = reverse("meetings-edit:meeting-edit", args=[published_meeting.slug])
    version = Meeting.objects.get(pk=published_meeting.pk).version
    for _attempt in range(2):
        data = posted_as_opened(secretariat_client.get(url).context["form"])
        response = secretariat_client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        assert "Nothing changed" in " ".join(messages_of(response))
        # Said as information (role=status), not as a success: the title does not say "Saved".
        assert [m.level for m in get_messages(response.wsgi_request)] == [messages.INFO]
    assert Correction.objects.filter(meeting=published_meeting).count() == 0
    assert Meeting.objects.get(pk=published_meeting.pk).version == version
    page = secretariat_client.get(published_meeting.get_absolute_url()).content.decode()
    assert "Corrected on" not in page


def test_a_real_change_to_a_published_meeting_adds_one_correction(secretariat_client, published_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[published_meeting.slug])
    data = posted_as_opened(secretariat_client.get(url).context["form"])
    # Without a reason, the change is refused beside the reason's field.
    response = secretariat_client.post(url, data | {"venue": "Hotel Europe"})
    assert response.status_code == 200
    assert "correction_reason" in response.context["form"].errors
    assert Correction.objects.filter(meeting=published_meeting).count() == 0

    response = secretariat_client.post(url, data | {"venue": "Hotel Europe", "correction_reason": "Venue."})
    assert response.status_code == 302
    assert "saved" in " ".join(messages_of(response))
    assert list(Correction.objects.filter(meeting=published_meeting).values_list("reason", flat=True)) == ["Venue."]
    # The same again (the form as it is now): nothing more.
    data = posted_as_opened(secretariat_client.get(url).context["form"])
    assert secretariat_client.post(url, data | {"correction_reason": "Again."}).status_code == 302
    assert Correction.objects.filter(meeting=published_meeting).count() == 1


def test_a_new_chair_is_a_change_that_needs_a_reason(secretariat_client, published_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[published_meeting.slug])
    data = posted_as_opened(secretariat_client.get(url).context["form"])
    chair = PersonFactory(position_title="Minister")
    data |= {"chair": str(chair.pk), "chair_position": "Minister of Security", "correction_reason": "Chair."}
    assert secretariat_client.post(url, data).status_code == 302
    assert Correction.objects.filter(meeting=published_meeting).count() == 1


def test_the_same_agenda_order_saved_again_records_no_correction(secretariat_client, published_meeting):
    from tests.factories import AgendaItemFactory

    items = [AgendaItemFactory(meeting=published_meeting, position=n) for n in (1, 2)]
    url = reverse("meetings-edit:agenda", args=[published_meeting.slug])
    form = secretariat_client.get(url).context["form"]
    data = {f"item_{item.pk}": str(item.position) for item in items}
    data |= {"agenda_as_opened": form.initial["agenda_as_opened"], "correction_reason": "Order."}
    assert secretariat_client.post(url, data).status_code == 302
    assert Correction.objects.filter(meeting=published_meeting).count() == 0


def test_an_agenda_item_saved_as_it_was_records_no_correction(secretariat_client, published_meeting):
    from tests.factories import AgendaItemFactory

    item = AgendaItemFactory(meeting=published_meeting, position=1, notes="As discussed.")
    url = reverse("meetings-edit:agenda-item-edit", args=[published_meeting.slug, item.pk])
    data = posted_as_opened(secretariat_client.get(url).context["form"])
    response = secretariat_client.post(url, data)
    assert response.status_code == 302
    assert "Nothing changed" in " ".join(messages_of(response))
    assert Correction.objects.filter(meeting=published_meeting).count() == 0
    # A change needs the reason, and records one correction.
    response = secretariat_client.post(url, data | {"notes": "As agreed."})
    assert "correction_reason" in response.context["form"].errors
    response = secretariat_client.post(url, data | {"notes": "As agreed.", "correction_reason": "Notes."})
    assert response.status_code == 302
    assert Correction.objects.filter(meeting=published_meeting).count() == 1


# --- 5. Time zones ----------------------------------------------------------------------------------


def test_the_time_zone_list_starts_with_the_region_and_the_eu_capitals():
    groups = time_zone_choices()
    assert [name for name, _label in groups[0][1]] == list(REGION_TIME_ZONES)
    assert [name for name, _label in groups[1][1]] == list(EU_CAPITAL_TIME_ZONES)
    for name in ("Europe/Belgrade", "Europe/Sarajevo", "Europe/Podgorica", "Europe/Skopje", "Europe/Tirane", "UTC"):
        assert name in REGION_TIME_ZONES
    assert "Europe/Paris" in EU_CAPITAL_TIME_ZONES
    everything = [name for _group, options in groups for name, _label in options]
    assert len(everything) == len(set(everything))  # each zone once


def test_the_time_zone_list_has_canonical_names_only():
    names = {name for _group, options in time_zone_choices() for name, _label in options}
    for alias in (
        "Africa/Asmera",
        "US/Eastern",
        "Europe/Kiev",
        "Asia/Calcutta",
        "GB",
        "Etc/GMT+5",
        "America/Buenos_Aires",
    ):
        assert alias not in names
    for canonical in ("Africa/Asmara", "America/New_York", "Europe/Kyiv", "Asia/Kolkata", "Europe/London"):
        assert canonical in names
    assert set(canonical_time_zones()) <= zoneinfo.available_timezones()
    assert 300 < len(names) < len(zoneinfo.available_timezones())


def test_the_create_form_refuses_an_alias(secretariat_client):
    form = MeetingForm({"time_zone": "Africa/Asmera"}, instance=Meeting())
    form.is_valid()
    assert "time_zone" in form.errors


def test_a_meeting_recorded_with_an_alias_zone_keeps_it_and_still_validates(secretariat_client, draft_meeting):
    Meeting.objects.filter(pk=draft_meeting.pk).update(time_zone="Europe/Kiev")
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    response = secretariat_client.get(url)
    page = response.content.decode()
    assert '<option value="Europe/Kiev" selected>' in page
    data = posted_as_opened(response.context["form"])
    assert data["time_zone"] == "Europe/Kiev"
    response = secretariat_client.post(url, data | {"venue": "Hotel Kyiv"})
    assert response.status_code == 302
    draft_meeting.refresh_from_db()
    assert (draft_meeting.time_zone, draft_meeting.venue) == ("Europe/Kiev", "Hotel Kyiv")


def test_the_region_comes_first_on_the_page(secretariat_client):
    page = secretariat_client.get(reverse("meetings-edit:meeting-create")).content.decode()
    select = page[page.index('name="time_zone"') :]
    options = re.findall(r'<option value="([^"]+)"', select)
    assert options[: len(REGION_TIME_ZONES)] == list(REGION_TIME_ZONES)
    assert "<optgroup" in select


# --- 6. E-mails and messages ------------------------------------------------------------------------


def test_the_email_gives_the_time_and_the_zone(
    secretariat_client, board_member, draft_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    board_member.email = "minister@example.org"
    board_member.save()
    Meeting.objects.filter(pk=draft_meeting.pk).update(
        start=dt.datetime(2022, 6, 20, 8, 0, tzinfo=dt.UTC),
        end=dt.datetime(2022, 6, 20, 14, 0, tzinfo=dt.UTC),
        time_zone="Europe/Sarajevo",
        all_day=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("meetings-edit:circulate", args=[draft_meeting.slug]), {"override_reason": "A test record."}
        )
    assert response.status_code == 302
    body = mailoutbox[0].body
    assert "20 June 2022, 10:00–16:00 CEST (Europe/Sarajevo)" in body
    assert "1 Board member was e-mailed: " in " ".join(messages_of(response))


def test_the_message_says_how_many_board_members_were_emailed(
    secretariat_client, board_member, circulated_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    board_member.email = "a@example.org"
    board_member.save()
    other = UserFactory(username="board2", email="b@example.org")
    other.groups.add(*board_member.groups.all())
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("meetings-edit:publish", args=[circulated_meeting.slug]), {"override_reason": "A test record."}
        )
    assert "2 Board members were e-mailed: a@example.org, b@example.org." in " ".join(messages_of(response))
    assert len(mailoutbox) == 2


def test_the_message_says_when_nobody_has_an_address(secretariat_client, board_member, draft_meeting, mailoutbox):
    board_member.email = ""
    board_member.save()
    response = secretariat_client.post(
        reverse("meetings-edit:circulate", args=[draft_meeting.slug]), {"override_reason": "A test record."}
    )
    text = " ".join(messages_of(response))
    assert "Nobody was e-mailed: no Board member has an e-mail address." in text
    assert "were e-mailed" not in text
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("start", "end", "all_day", "zone", "expected"),
    [
        (
            (2022, 6, 20, 8),
            (2022, 6, 21, 14),
            False,
            "Europe/Sarajevo",
            "20 June 2022, 10:00 CEST – 21 June 2022, 16:00",
        ),
        ((2022, 12, 1, 9), (2022, 12, 1, 10), False, "UTC", "1 December 2022, 09:00–10:00 UTC"),
        ((2022, 6, 19, 22), (2022, 6, 20, 21), True, "Europe/Sarajevo", "20 June 2022"),
    ],
)
def test_meeting_when_reads_anywhere(start, end, all_day, zone, expected):
    from meetings.templatetags.meeting_dates import meeting_when

    meeting = MeetingFactory.build(
        start=dt.datetime(*start, tzinfo=dt.UTC), end=dt.datetime(*end, tzinfo=dt.UTC), all_day=all_day, time_zone=zone
    )
    assert meeting_when(meeting).startswith(expected)
    if zone == "UTC":
        assert "(UTC)" not in meeting_when(meeting)


# --- 7. Date and time as two inputs ----------------------------------------------------------------


def test_the_form_has_a_date_and_a_time_input_each_labelled(secretariat_client, draft_meeting):
    page = secretariat_client.get(reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])).content.decode()
    # The portal's one kind of date and time inputs (type=date, type=time), each labelled with the format
    # the server reads and, for the time, the meeting's own time zone.
    assert 'type="datetime-local"' not in page
    zone = draft_meeting.time_zone
    for name in ("start", "end"):
        assert re.search(rf'<label[^>]*for="id_{name}">Date \(YYYY-MM-DD\)</label><input', page)
        assert re.search(
            rf'<label[^>]*for="id_{name}_time">Time \(HH:MM, 24-hour clock, {re.escape(zone)}\)</label><input', page
        )
        assert re.search(rf'<input[^>]*id="id_{name}"[^>]*name="{name}_date"[^>]*type="date"', page)
        assert re.search(rf'<input[^>]*id="id_{name}_time"[^>]*name="{name}_time"[^>]*type="time"', page)
    # Grouped under the field's name: a fieldset with its legend.
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Start", page)
    local = draft_meeting.local_start
    assert f'value="{local:%Y-%m-%d}"' in page
    assert f'value="{local:%H:%M}"' in page


def test_date_and_time_are_placed_in_the_meetings_own_zone(secretariat_client):
    from tests.editing.test_meeting_form import meeting_data

    data = meeting_data() | {"start_date": "2023-03-10", "start_time": "09:30", "end_date": "2023-03-10"}
    data |= {"end_time": "17:00", "time_zone": "Europe/Skopje"}
    del data["start"], data["end"]
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(ordinal=7)
    assert meeting.start == dt.datetime(2023, 3, 10, 8, 30, tzinfo=dt.UTC)
    assert meeting.local_start.strftime("%H:%M") == "09:30"


def test_a_missing_time_is_asked_for_and_the_input_comes_back(secretariat_client):
    from tests.editing.test_meeting_form import meeting_data

    data = meeting_data() | {"start_date": "2023-03-10", "start_time": "", "end_date": "2023-03-11"}
    data |= {"end_time": "17:00", "title": "Kept title"}
    del data["start"], data["end"]
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    assert "Give the time" in " ".join(response.context["form"].errors["start"])
    page = response.content.decode()
    assert 'value="2023-03-10"' in page
    assert 'value="2023-03-11"' in page
    assert 'value="17:00"' in page
    assert 'value="Kept title"' in page
    # The error summary links to the date input, which exists.
    assert 'href="#id_start"' in page
    assert 'id="id_start"' in page
    assert not Meeting.objects.filter(title="Kept title").exists()


def test_no_time_needed_when_no_times_are_announced(secretariat_client):
    from tests.editing.test_meeting_form import meeting_data

    data = meeting_data() | {"start_date": "2023-03-10", "start_time": "", "end_date": "2023-03-10", "end_time": ""}
    data |= {"all_day": "on"}
    del data["start"], data["end"]
    assert secretariat_client.post(reverse("meetings-edit:meeting-create"), data).status_code == 302
    meeting = Meeting.objects.get(ordinal=7)
    assert meeting.all_day
    assert meeting.local_end.strftime("%H:%M") == "23:59"


def test_a_bad_date_is_an_error_beside_the_field(secretariat_client):
    from tests.editing.test_meeting_form import meeting_data

    data = meeting_data() | {"start_date": "2023-02-30", "start_time": "10:00"}
    del data["start"]
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
    assert 'value="2023-02-30"' in response.content.decode()


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        ("2023-03-10", "09:30", dt.datetime(2023, 3, 10, 8, 30, tzinfo=dt.UTC)),
        ("10.03.2023", "9.30", dt.datetime(2023, 3, 10, 8, 30, tzinfo=dt.UTC)),
        ("10. 03. 2023.", "09:30", dt.datetime(2023, 3, 10, 8, 30, tzinfo=dt.UTC)),
    ],
)
def test_dates_as_people_in_the_region_write_them(secretariat_client, day, time, expected):
    from tests.editing.test_meeting_form import meeting_data

    data = meeting_data() | {"start_date": day, "start_time": time, "end_date": day, "end_time": "17:00"}
    del data["start"], data["end"]
    assert secretariat_client.post(reverse("meetings-edit:meeting-create"), data).status_code == 302
    assert Meeting.objects.get(ordinal=7).start == expected


@pytest.mark.parametrize(("day", "time"), [("03/10/2023", "09:30"), ("2023-03-10", "9.30 pm"), ("", "09:30")])
def test_an_ambiguous_or_partial_date_is_refused_with_the_format(secretariat_client, day, time):
    from tests.editing.test_meeting_form import meeting_data

    data = meeting_data() | {"start_date": day, "start_time": time}
    del data["start"]
    response = secretariat_client.post(reverse("meetings-edit:meeting-create"), data)
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
    assert f'value="{day}"' in response.content.decode() or not day
