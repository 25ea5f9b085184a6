"""The same protection in the admin: a change form opened before someone else's save is refused."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, Document, DocumentKind
from meetings.models import Meeting
from tests.factories import DecisionFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_form_data(response):
    """The admin change form as the browser would post it back (main form and inline management forms)."""
    data = {}
    adminform = response.context["adminform"].form
    for name in adminform.fields:
        value = adminform[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dt.datetime):
            # The admin's split date and time inputs.
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for key in management.fields:
            data[f"{formset.prefix}-{key}"] = management[key].value()
        for index, form in enumerate(formset.forms):
            for name in form.fields:
                value = form[name].value()
                if value not in (None, False):
                    data[f"{formset.prefix}-{index}-{name}"] = str(value) if value is not True else "on"
    return data


@pytest.fixture
def admins():
    from django.test import Client

    clients = []
    for username in ("admin1", "admin2"):
        client = Client()
        client.force_login(UserFactory(username=username, is_staff=True, is_superuser=True))
        clients.append(client)
    return clients


def test_admin_change_form_carries_the_version(admin_client):
    document = DocumentFactory()
    response = admin_client.get(reverse("admin:decisions_document_change", args=[document.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="version"' in page
    assert 'name="lock_snapshot"' in page


def test_admin_second_save_of_a_document_is_refused(admins):
    first, second = admins
    document = DocumentFactory(title="Original")
    url = reverse("admin:decisions_document_change", args=[document.pk])
    first_data, second_data = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    response = second.post(url, second_data | {"title": "By the second admin"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = first.post(url, first_data | {"description": "By the first admin"})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Not saved" in errors
    assert "By the second admin" in errors
    document.refresh_from_db()
    assert (document.title, document.description, document.version) == ("By the second admin", "", 2)
    # The form now carries the other save's title and the new version: saving again applies.
    response = first.post(url, admin_form_data(response))
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.description, document.version) == ("By the second admin", "By the first admin", 3)


def test_admin_meeting_conflict(admins, draft_meeting):
    first, second = admins
    url = reverse("admin:meetings_meeting_change", args=[draft_meeting.pk])
    first_data, second_data = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    assert second.post(url, second_data | {"city": "Tirana"}).status_code == 302
    response = first.post(url, first_data | {"venue": "Palace"})
    assert response.status_code == 200
    assert "Tirana" in " ".join(response.context["adminform"].form.non_field_errors())
    meeting = Meeting.objects.get(pk=draft_meeting.pk)
    assert (meeting.city, meeting.venue) == ("Tirana", "")


def test_admin_decision_conflict_and_the_editing_page_sees_admin_saves(admins, secretariat_client, draft_meeting):
    first, _second = admins
    decision = DecisionFactory(meeting=draft_meeting, subject="Original")
    edit_url = reverse("decisions-edit:decision-edit", args=[decision.pk])
    page_form = secretariat_client.get(edit_url).context["form"]
    url = reverse("admin:decisions_decision_change", args=[decision.pk])
    assert first.post(url, admin_form_data(first.get(url)) | {"subject": "By the admin"}).status_code == 302
    data = {name: page_form[name].value() or "" for name in page_form.fields}
    response = secretariat_client.post(edit_url, data | {"wording": "By the page"})
    assert response.status_code == 200
    assert response.context["form"].conflict.changes[0].after == "By the admin"
    assert Decision.objects.get(pk=decision.pk).wording != "By the page"


def test_admin_add_form_still_works(admin_client):
    response = admin_client.post(
        reverse("admin:decisions_document_add"),
        {
            "title": "Added in the admin",
            "kind": DocumentKind.objects.get(slug="report").pk,
            "files-TOTAL_FORMS": "0",
            "files-INITIAL_FORMS": "0",
            "files-MIN_NUM_FORMS": "0",
            "files-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Document.objects.get().version == 1
