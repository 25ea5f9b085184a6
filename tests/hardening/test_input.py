"""
No 500 from any input, and no control character in the record: the cases the audit found, the rule
on control characters (refused beside the field, in every editing form and the admin, for every text
field of the portal's models — new ones included), and exports that clean what older rows hold.
"""

import csv
import io
import json
import re

import pytest
import weasyprint
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from core.text import OneLineValidator, TextValidator, attach_text_validators, portal_app_configs
from decisions.models import Decision
from meetings.models import Meeting
from members.models import Organisation
from portal.demo.loader import load_sixth_board_meeting
from tests.editing.test_conflicts import form_data
from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.fixture
def draft_meeting(db):
    return MeetingFactory(status=Meeting.Status.DRAFT, published_at=None)


@pytest.fixture
def demo(db):
    """The 6th Board meeting with its participants, agenda, decisions and documents."""
    return load_sixth_board_meeting()


@pytest.fixture
def secretariat_browser(secretariat):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat)
    return client


@pytest.fixture
def admin_browser(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


# --- The meeting form with a blank or impossible start or end -------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": ""}, "start"),
        ({"end": ""}, "end"),
        ({"start": "2025-13-01T10:00"}, "start"),
        ({"end": "2025-13-01T10:00"}, "end"),
        ({"start": "", "end": "2025-02-30T10:00"}, "end"),
        ({"start": "0001-01-01T00:00"}, "start"),
    ],
)
def test_meeting_form_with_a_missing_or_impossible_time_shows_the_error_beside_it(
    secretariat_browser, draft_meeting, changes, field
):
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    data = form_data(secretariat_browser.get(url))
    response = secretariat_browser.post(url, data | changes | {"title": "Kept title"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="Kept title"' in response.content.decode()
    assert Meeting.objects.get(pk=draft_meeting.pk).title != "Kept title"


def test_new_meeting_with_only_an_end_is_refused_beside_the_start(secretariat_browser):
    response = secretariat_browser.post(
        reverse("meetings-edit:meeting-create"),
        {"kind": "board", "title": "Meeting", "end": "2030-05-05T10:00", "time_zone": "Europe/Sarajevo"},
    )
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_meeting_clean_copes_with_missing_and_naive_times():
    meeting = Meeting(kind="board", title="x", start=None, end=None)
    meeting.clean()
    import datetime as dt

    meeting.start, meeting.end = dt.datetime(2030, 1, 1, 10), dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)
    meeting.clean()  # one time without a zone is the form's error to show, not a crash here


# --- Control characters: refused at input ------------------------------------------------------------


def test_a_title_with_a_line_break_is_refused_beside_the_field(secretariat_browser, draft_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    response = secretariat_browser.post(url, form_data(secretariat_browser.get(url)) | {"title": "Board\nmeeting"})
    assert response.status_code == 200
    assert "Enter this on one line" in " ".join(response.context["form"].errors["title"])
    assert "line break" in " ".join(response.context["form"].errors["title"])
    assert Meeting.objects.get(pk=draft_meeting.pk).title == draft_meeting.title


@pytest.mark.parametrize("value", ["Ministry\x00of Security", "Ministry\x1b[31m", "Ministry\rof", "Ministry\x7f"])
def test_organisation_name_with_a_control_character_is_refused(secretariat_browser, value):
    organisation = OrganisationFactory()
    url = reverse("members-edit:organisation-edit", args=[organisation.slug])
    response = secretariat_browser.post(url, form_data(secretariat_browser.get(url)) | {"name": value})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Organisation.objects.get(pk=organisation.pk).name == organisation.name


def test_a_tab_is_allowed_in_a_one_line_field(secretariat_browser):
    person = PersonFactory()
    url = reverse("members-edit:person-edit", args=[person.pk])
    assert (
        secretariat_browser.post(url, form_data(secretariat_browser.get(url)) | {"name": "Ana\tMarić"}).status_code
        == 302
    )


def test_texts_keep_line_breaks_but_refuse_nul_and_escape_codes(secretariat_browser, draft_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    data = form_data(secretariat_browser.get(url))
    response = secretariat_browser.post(url, data | {"minutes": "One\r\nTwo\x00"})
    assert "minutes" in response.context["form"].errors
    response = secretariat_browser.post(url, data | {"minutes": "Escape \x1b[2J"})
    assert "control character U+001B" in " ".join(response.context["form"].errors["minutes"])
    assert secretariat_browser.post(url, data | {"minutes": "One\r\n\tTwo"}).status_code == 302
    assert Meeting.objects.get(pk=draft_meeting.pk).minutes == "One\n\tTwo"


def test_a_form_field_that_is_no_models_refuses_control_characters_beside_it(secretariat_browser, draft_meeting):
    """The new person named on the participants page, and an outcome's subject: form fields, not model fields."""
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    organisation = OrganisationFactory()
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-new_person_name": "Ana\nMarić",
        "form-0-organisation": organisation.pk,
        "form-0-role": "delegate",
    }
    response = secretariat_browser.post(url, data)
    assert response.status_code == 200
    assert "Enter this on one line" in " ".join(response.context["formset"].forms[0].errors["new_person_name"])
    assert not draft_meeting.participations.exists()

    outcome = reverse("decisions-edit:agree-action", args=[draft_meeting.slug])
    response = secretariat_browser.post(
        outcome, {"reference": "B1/2030/01", "verb": "agreed", "subject": "A\x00B", "description": "Do it"}
    )
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    assert not Decision.objects.exists()


@pytest.mark.parametrize("value", ["Line\nbreak", "Escape\x1b", "Null\x00char"])
def test_the_admin_refuses_control_characters_beside_the_field(admin_browser, value):
    organisation = OrganisationFactory(name="Before")
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    form = admin_browser.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= dict.fromkeys(("memberships-TOTAL_FORMS", "memberships-INITIAL_FORMS"), "0")
    data |= dict.fromkeys(("people-TOTAL_FORMS", "people-INITIAL_FORMS"), "0")
    data.pop("designation_footnote", None)
    response = admin_browser.post(url, data | {"name": value})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"]
    assert Organisation.objects.get(pk=organisation.pk).name == "Before"


def test_every_text_field_of_every_portal_model_refuses_control_characters():
    """The rule covers each CharField and TextField of the portal's apps, whoever added it and when."""
    uncovered = []
    for config in portal_app_configs():
        for model in config.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField):
                    wanted = TextValidator()
                elif isinstance(field, models.CharField):
                    wanted = OneLineValidator()
                else:
                    continue
                if wanted not in field.validators:
                    uncovered.append(f"{model._meta.label}.{field.name}")
    assert uncovered == []
    assert {"members", "meetings", "decisions"} <= {config.label for config in portal_app_configs()}
    assert "auth" not in {config.label for config in portal_app_configs()}


def test_a_brand_new_char_field_on_a_portal_model_is_covered_without_a_word_in_its_app():
    """What core does when the apps are ready covers a model and fields it has never heard of."""

    class Nickname(models.Model):
        label = models.CharField(max_length=50)
        story = models.TextField(blank=True)
        code = models.SlugField(blank=True)

        class Meta:
            app_label = "members"

        def __str__(self):
            return self.label

    try:
        attach_text_validators()
        with pytest.raises(ValidationError) as error:
            Nickname(label="two\nlines", story="fine\nlines").clean_fields()
        assert set(error.value.message_dict) == {"label"}
        with pytest.raises(ValidationError) as error:
            Nickname(label="fine", story="nul\x00").clean_fields()
        assert set(error.value.message_dict) == {"story"}
        Nickname(label="fine\ttab", story="several\nlines\n\tindented").clean_fields()
        # Attached once, however often the apps are made ready.
        attach_text_validators()
        assert Nickname._meta.get_field("label").validators.count(OneLineValidator()) == 1
    finally:
        del apps.all_models["members"]["nickname"]
        apps.clear_cache()


# --- Exports clean what older rows may hold ------------------------------------------------------------


@pytest.fixture
def dirty_meeting(db):
    """A published meeting whose texts were saved before the input refused control characters."""
    # PostgreSQL stores no NUL at all (it refuses it in any text); SQLite does.
    nul = "" if connection.vendor == "postgresql" else "\x00"
    meeting = MeetingFactory(title="Clean title", city="Skopje")
    Meeting.objects.filter(pk=meeting.pk).update(
        title=f"6th Board\nmeeting{nul} \x1b[31m", venue="Hall\r\nB", public_summary=f"Line one\nLine two{nul}\x07"
    )
    decision = DecisionFactory(meeting=meeting)
    Decision.objects.filter(pk=decision.pk).update(subject="Approved\nthe\x02plan", wording="First\nSecond\x0b")
    AgendaItemFactory(meeting=meeting, position=1)
    meeting.refresh_from_db()
    return meeting


def test_ics_of_a_meeting_with_a_line_break_in_its_title(client, dirty_meeting):
    for url in (reverse("meetings:meeting-ics", args=[dirty_meeting.slug]), reverse("meetings:meetings-ics")):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert not CONTROL.search(text.replace("\r\n", ""))
        [event] = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(event["SUMMARY"]) == "6th Board meeting [31m"
        assert str(event["LOCATION"]).startswith("Hall B")
        assert str(event["DESCRIPTION"]).startswith("Line one\nLine two\n")


def test_csv_and_json_of_rows_with_control_characters(client, dirty_meeting):
    response = client.get(reverse("decisions:decision-export-csv"))
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert (row["meeting"], row["subject"], row["wording"]) == (
        "6th Board meeting [31m",
        "Approved theplan",
        "First\nSecond",
    )
    assert not CONTROL.search(body)
    response = client.get(reverse("decisions:decision-export-json"))
    assert response.status_code == 200
    body = response.getvalue().decode()
    [decision] = json.loads(body)["decisions"]
    assert (decision["meeting"], decision["subject"], decision["wording"]) == (
        "6th Board meeting [31m",
        "Approved theplan",
        "First\nSecond",
    )
    assert "\\u0000" not in body


def test_pdf_of_a_record_with_control_characters(client_for, dirty_meeting, monkeypatch):
    sources = []
    real_html = weasyprint.HTML

    def spy(*args, string=None, **kwargs):
        sources.append(string)
        return real_html(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    for persona in ("anonymous", "board_member"):
        response = client_for(persona).get(reverse("portal:meeting-pdf", args=[dirty_meeting.slug]))
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
    assert sources
    assert not any(CONTROL.search(source) for source in sources)


def test_the_record_page_of_such_a_meeting_is_no_500_either(client, dirty_meeting):
    assert client.get(reverse("portal:meeting-detail", args=[dirty_meeting.slug])).status_code == 200


# --- Search and filters: control characters stripped ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=board%00meeting&page=%00",
        "/decisions/?q=%00&verb=%00&year=%00&pillar=%00&meeting=%00&organisation=%00",
        "/decisions/export.csv?q=%00&organisation=%00",
        "/decisions/export.json?q=%0A%0D%1B",
        "/meetings/?kind=%00&year=%00&page=%00",
        "/members/?page=%00&former_page=%00",
        "/documents/?pillar=%00&kind=%00&year=%00",
        "/actions/?status=%00&owner=%00",
        "/%00",
    ],
)
def test_nul_and_control_characters_in_get_parameters(client_for, demo, url):
    for persona in ("anonymous", "board_member"):
        client = client_for(persona)
        client.raise_request_exception = False
        assert client.get(url).status_code < 500, (persona, url)


def test_the_search_text_has_its_control_characters_removed(client, demo):
    response = client.get("/search/?q=%00Bo%00ard%0A")
    assert response.status_code == 200
    assert response.context["search_text"] == "Board"


def test_admin_search_and_autocomplete_with_nul(admin_browser):
    assert admin_browser.get("/admin/members/organisation/?q=%00").status_code == 200
    response = admin_browser.get(
        "/admin/autocomplete/?term=%00&app_label=members&model_name=person&field_name=organisation"
    )
    assert response.status_code == 200


# --- The admin's autocomplete fields: a form error, never a 500 ---------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "1.5", "\x00", "1e30"])
def test_admin_autocomplete_with_a_value_that_is_no_id_is_a_form_error(admin_browser, value):
    person = PersonFactory(name="Kept")
    url = reverse("admin:members_person_change", args=[person.pk])
    form = admin_browser.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = admin_browser.post(url, data | {"organisation": value, "name": "Changed"})
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert "Changed" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999"])
def test_admin_multiple_autocomplete_with_a_value_that_is_no_id_is_a_form_error(admin_browser, draft_meeting, value):
    item = AgendaItemFactory(meeting=draft_meeting, position=1)
    url = reverse("admin:meetings_agendaitem_change", args=[item.pk])
    form = admin_browser.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, [])}
    response = admin_browser.post(url, data | {"presenters": [value]})
    assert response.status_code == 200
    assert "presenters" in response.context["adminform"].form.errors


def test_an_editing_form_with_a_huge_id_in_a_multiple_choice(secretariat_browser, draft_meeting):
    url = reverse("meetings-edit:agenda-item-create", args=[draft_meeting.slug])
    response = secretariat_browser.post(url, {"title": "X", "kind": "discussion", "presenters": ["9" * 30]})
    assert response.status_code == 200
    assert "presenters" in response.context["form"].errors
