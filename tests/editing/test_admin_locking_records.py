"""
The same protection in the admin, for every record two people can edit, and for the rows of the
admin's inlines: a row someone else saved since the page was opened (in the admin or an editing
page) is refused if this save would change or delete it, with what they changed; nothing of the
first save is lost, and the form keeps the editor's input.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.locking import OptimisticLockAdminMixin, OptimisticLockInlineMixin, is_versioned
from decisions.models import ActionItem, Decision, ProgressNote
from meetings.models import AgendaItem, Participation
from members.models import Membership, Organisation, Person
from tests.editing.test_conflicts import form_data
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProgressNoteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _post_value(value):
    if isinstance(value, dt.datetime):
        return None  # split into date and time by the caller
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _add_field(data, key, value, field=None):
    if value is None or value is False:
        return
    if isinstance(value, (list, tuple)) and field is not None and isinstance(field.widget, MultiWidget):
        # A bound split date and time, as posted.
        for index, part in enumerate(value):
            data[f"{key}_{index}"] = part
        return
    if value is True:
        data[key] = "on"
    elif isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        data[f"{key}_0"], data[f"{key}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
    elif isinstance(value, (list, tuple)):
        data[key] = [str(item) for item in value]
    else:
        data[key] = _post_value(value)


def admin_form_data(response):
    """An admin change form as the browser would post it back: the record, and every inline's rows."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _add_field(data, name, form[name].value(), form.fields[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for key in management.fields:
            data[f"{formset.prefix}-{key}"] = management[key].value()
        for row in formset.forms:
            for name in row.fields:
                _add_field(data, row.add_prefix(name), row[name].value(), row.fields[name])
    return data


def errors_of(response) -> str:
    """Every error of the admin page: the record's, and each inline's (its rows and the inline itself)."""
    texts = [str(error) for error in response.context["adminform"].form.non_field_errors()]
    for inline in response.context["inline_admin_formsets"]:
        texts += [str(error) for error in inline.formset.non_form_errors()]
        for row in inline.formset.forms:
            texts += [str(error) for error in row.non_field_errors()]
    return " ".join(texts)


def row_prefix(data, prefix, pk):
    index = next(
        key.split("-")[-2]
        for key, value in data.items()
        if key.startswith(prefix) and key.endswith("-id") and value == str(pk)
    )
    return f"{prefix}-{index}-"


@pytest.fixture
def admins():
    clients = []
    for username, first_name in (("admin1", "Ada"), ("admin2", "Bo")):
        client = Client()
        client.force_login(
            UserFactory(username=username, first_name=first_name, last_name="Admin", is_staff=True, is_superuser=True)
        )
        clients.append(client)
    return clients


def open_twice(admins, url):
    first, second = admins
    return admin_form_data(first.get(url)), admin_form_data(second.get(url))


# --- Records on their own change forms -------------------------------------------------------------


def test_admin_agenda_item_conflict(admins, draft_meeting):
    first, second = admins
    item = AgendaItemFactory(meeting=draft_meeting, position=1, title="Opening", notes="")
    url = reverse("admin:meetings_agendaitem_change", args=[item.pk])
    first_data, second_data = open_twice(admins, url)
    assert second.post(url, second_data | {"title": "Opening by Bo"}).status_code == 302
    response = first.post(url, first_data | {"notes": "By Ada"})
    assert response.status_code == 200
    errors = errors_of(response)
    assert "Not saved" in errors
    assert "Opening by Bo" in errors
    item.refresh_from_db()
    assert (item.title, item.notes) == ("Opening by Bo", "")
    assert first.post(url, admin_form_data(response)).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.notes) == ("Opening by Bo", "By Ada")


def test_admin_person_conflict_with_the_editing_page(admins, secretariat_client):
    first, _second = admins
    person = PersonFactory(name="Nenad Nesic", position_title="Minister")
    url = reverse("admin:members_person_change", args=[person.pk])
    data = admin_form_data(first.get(url))
    page_url = reverse("members-edit:person-edit", args=[person.pk])
    page_form = secretariat_client.get(page_url).context["form"]
    page_data = {name: page_form[name].value() or "" for name in page_form.fields}
    assert secretariat_client.post(page_url, page_data | {"position_title": "Former minister"}).status_code == 302
    response = first.post(url, data | {"name": "Nenad Nešić"})
    assert response.status_code == 200
    assert "Former minister" in errors_of(response)
    person.refresh_from_db()
    assert (person.name, person.position_title) == ("Nenad Nesic", "Former minister")


def test_admin_membership_conflict(admins):
    first, second = admins
    membership = MembershipFactory(note="")
    url = reverse("admin:members_membership_change", args=[membership.pk])
    first_data, second_data = open_twice(admins, url)
    assert second.post(url, second_data | {"until": "2024-12-31"}).status_code == 302
    response = first.post(url, first_data | {"note": "By Ada"})
    assert response.status_code == 200
    assert "2024-12-31" in errors_of(response)
    membership.refresh_from_db()
    assert (membership.until, membership.note) == (dt.date(2024, 12, 31), "")


def test_admin_participation_conflict(admins, draft_meeting):
    first, second = admins
    participation = ParticipationFactory(meeting=draft_meeting, position="Minister")
    url = reverse("admin:meetings_participation_change", args=[participation.pk])
    first_data, second_data = open_twice(admins, url)
    assert second.post(url, second_data | {"role": "chair"}).status_code == 302
    response = first.post(url, first_data | {"position": "Acting minister"})
    assert response.status_code == 200
    assert "Chair" in errors_of(response)
    participation.refresh_from_db()
    assert (participation.role, participation.position) == ("chair", "Minister")


# --- An organisation with its inlines ------------------------------------------------------------


def test_admin_organisation_conflict(admins):
    first, second = admins
    organisation = OrganisationFactory(acronym="MS", country="")
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    first_data, second_data = open_twice(admins, url)
    assert second.post(url, second_data | {"acronym": "MoS"}).status_code == 302
    response = first.post(url, first_data | {"country": "Kosovo"})
    assert response.status_code == 200
    assert "MoS" in errors_of(response)
    organisation.refresh_from_db()
    assert (organisation.acronym, organisation.country) == ("MoS", "")
    assert first.post(url, admin_form_data(response)).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.acronym, organisation.country) == ("MoS", "Kosovo")


def test_admin_organisation_inline_person_changed_elsewhere_is_not_overwritten(admins, secretariat_client):
    first, _second = admins
    person = PersonFactory(name="Old name", position_title="Minister")
    organisation = person.organisation
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = admin_form_data(first.get(url))
    # Meanwhile, on the person's editing page:
    page_url = reverse("members-edit:person-edit", args=[person.pk])
    page_form = secretariat_client.get(page_url).context["form"]
    page_data = {name: page_form[name].value() or "" for name in page_form.fields}
    assert secretariat_client.post(page_url, page_data | {"position_title": "Former minister"}).status_code == 302

    # The admin changes the organisation's country; the person's row still says "Minister".
    response = first.post(url, data | {"country": "Serbia"})

    assert response.status_code == 200
    assert "Former minister" in errors_of(response)
    person.refresh_from_db()
    assert person.position_title == "Former minister"
    assert Organisation.objects.get(pk=organisation.pk).country != "Serbia"
    # The row took the other save's value; saving again keeps both.
    assert first.post(url, admin_form_data(response)).status_code == 302
    person.refresh_from_db()
    assert person.position_title == "Former minister"
    assert Organisation.objects.get(pk=organisation.pk).country == "Serbia"


def test_admin_organisation_inline_membership_changed_elsewhere_is_not_overwritten(admins):
    first, second = admins
    membership = MembershipFactory(note="")
    organisation = membership.organisation
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = admin_form_data(first.get(url))
    membership_url = reverse("admin:members_membership_change", args=[membership.pk])
    membership_data = admin_form_data(second.get(membership_url))
    assert second.post(membership_url, membership_data | {"until": "2024-06-30"}).status_code == 302

    prefix = row_prefix(data, "memberships", membership.pk)
    response = first.post(url, data | {f"{prefix}note": "By Ada"})

    assert response.status_code == 200
    assert "2024-06-30" in errors_of(response)
    membership.refresh_from_db()
    assert (membership.until, membership.note) == (dt.date(2024, 6, 30), "")


def test_admin_organisation_inline_row_deleted_elsewhere_is_refused(admins):
    first, second = admins
    person = PersonFactory(name="To be removed")
    organisation = person.organisation
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = admin_form_data(first.get(url))
    assert second.post(reverse("admin:members_person_delete", args=[person.pk]), {"post": "yes"}).status_code == 302

    prefix = row_prefix(data, "people", person.pk)
    response = first.post(url, data | {f"{prefix}position_title": "Changed"})

    assert response.status_code == 200
    assert "deleted by someone else" in errors_of(response)
    assert not Person.objects.filter(name="To be removed").exists()


def test_admin_inline_delete_of_a_row_changed_elsewhere_is_refused(admins):
    first, second = admins
    membership = MembershipFactory(note="")
    organisation = membership.organisation
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = admin_form_data(first.get(url))
    membership_url = reverse("admin:members_membership_change", args=[membership.pk])
    assert (
        second.post(membership_url, admin_form_data(second.get(membership_url)) | {"note": "Kept"}).status_code == 302
    )

    prefix = row_prefix(data, "memberships", membership.pk)
    response = first.post(url, data | {f"{prefix}DELETE": "on"})

    assert response.status_code == 200
    assert "Kept" in errors_of(response)
    assert Membership.objects.get(pk=membership.pk).note == "Kept"


# --- A meeting's inlines ---------------------------------------------------------------------------


def test_admin_meeting_participants_inline_changed_on_the_page_is_not_overwritten(
    admins, secretariat_client, draft_meeting
):
    from tests.editing.test_conflicts_records import formset_page_data, row_of

    first, _second = admins
    row = ParticipationFactory(meeting=draft_meeting, order=1, position="Minister")
    url = reverse("admin:meetings_meeting_change", args=[draft_meeting.pk])
    data = admin_form_data(first.get(url))
    page_url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    page_data = formset_page_data(secretariat_client.get(page_url))
    assert (
        secretariat_client.post(page_url, page_data | {f"{row_of(page_data, row.pk)}role": "chair"}).status_code == 302
    )

    prefix = row_prefix(data, "participations", row.pk)
    response = first.post(url, data | {f"{prefix}position": "Acting minister"})

    assert response.status_code == 200
    assert "Chair" in errors_of(response)
    row.refresh_from_db()
    assert (row.role, row.position) == ("chair", "Minister")


def test_admin_meeting_agenda_inline_conflict(admins, secretariat_client, draft_meeting):
    first, _second = admins
    item = AgendaItemFactory(meeting=draft_meeting, position=1, title="Opening", notes="")
    url = reverse("admin:meetings_meeting_change", args=[draft_meeting.pk])
    data = admin_form_data(first.get(url))
    page_url = reverse("meetings-edit:agenda-item-edit", args=[draft_meeting.slug, item.pk])
    page_data = form_data(secretariat_client.get(page_url))
    assert secretariat_client.post(page_url, page_data | {"title": "Opening by the Chair"}).status_code == 302

    prefix = row_prefix(data, "agenda_items", item.pk)
    response = first.post(url, data | {f"{prefix}notes": "By Ada"})

    assert response.status_code == 200
    assert "Opening by the Chair" in errors_of(response)
    item.refresh_from_db()
    assert (item.title, item.notes) == ("Opening by the Chair", "")


def test_admin_meeting_decision_inline_is_locked(admins, secretariat_client, draft_meeting):
    """DecisionInline used to save a decision without its lock: a change on the page was silently undone."""
    first, _second = admins
    decision = DecisionFactory(meeting=draft_meeting, subject="Original")
    url = reverse("admin:meetings_meeting_change", args=[draft_meeting.pk])
    data = admin_form_data(first.get(url))
    page_url = reverse("decisions-edit:decision-edit", args=[decision.pk])
    page_form = secretariat_client.get(page_url).context["form"]
    page_data = {name: page_form[name].value() or "" for name in page_form.fields}
    assert secretariat_client.post(page_url, page_data | {"subject": "By the page"}).status_code == 302

    prefix = row_prefix(data, "decisions", decision.pk)
    response = first.post(url, data | {f"{prefix}wording": "By Ada"})

    assert response.status_code == 200
    assert "By the page" in errors_of(response)
    decision.refresh_from_db()
    assert (decision.subject, decision.wording) == ("By the page", DecisionFactory._meta.declarations["wording"])
    # The decision's version counted up with the page's save, and again with the admin's inline save.
    assert first.post(url, admin_form_data(response)).status_code == 302
    decision.refresh_from_db()
    assert (decision.subject, decision.wording, decision.version) == ("By the page", "By Ada", 3)


def test_admin_meeting_second_save_with_inline_changes_is_refused(admins, draft_meeting):
    first, second = admins
    item = AgendaItemFactory(meeting=draft_meeting, position=1, title="Opening")
    url = reverse("admin:meetings_meeting_change", args=[draft_meeting.pk])
    first_data, second_data = open_twice(admins, url)
    prefix = row_prefix(second_data, "agenda_items", item.pk)
    assert second.post(url, second_data | {f"{prefix}title": "By Bo"}).status_code == 302
    response = first.post(url, first_data | {f"{prefix}title": "By Ada"})
    assert response.status_code == 200
    assert "Not saved" in errors_of(response)
    assert AgendaItem.objects.get(pk=item.pk).title == "By Bo"


# --- Action items and progress notes ---------------------------------------------------------------


def test_admin_action_item_conflict_with_the_editing_page(admins, secretariat_client, circulated_meeting):
    first, _second = admins
    action = ActionItemFactory(meeting=circulated_meeting)
    url = reverse("admin:decisions_actionitem_change", args=[action.pk])
    data = admin_form_data(first.get(url))
    page_url = reverse("decisions-edit:action-edit", args=[action.pk])
    page_data = {"status": "done", "due_date": "2030-01-31", "note": "", "version": action.version}
    assert secretariat_client.post(page_url, page_data).status_code == 302
    response = first.post(url, data | {"description": "Changed by Ada"})
    assert response.status_code == 200
    assert "Done" in errors_of(response)
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE
    assert action.description != "Changed by Ada"


def test_admin_progress_note_inline_changed_elsewhere_is_not_overwritten(admins, circulated_meeting):
    first, second = admins
    note = ProgressNoteFactory(action_item=ActionItemFactory(meeting=circulated_meeting), note="First draft")
    url = reverse("admin:decisions_actionitem_change", args=[note.action_item.pk])
    data = admin_form_data(first.get(url))
    note_url = reverse("admin:decisions_progressnote_change", args=[note.pk])
    assert second.post(note_url, admin_form_data(second.get(note_url)) | {"note": "Corrected by Bo"}).status_code == 302

    prefix = row_prefix(data, "progress_notes", note.pk)
    response = first.post(url, data | {f"{prefix}note": "Corrected by Ada"})

    assert response.status_code == 200
    assert "Corrected by Bo" in errors_of(response)
    assert ProgressNote.objects.get(pk=note.pk).note == "Corrected by Bo"


def test_admin_decision_action_inline_changed_on_the_page_is_not_overwritten(admins, secretariat_client, draft_meeting):
    first, _second = admins
    decision = DecisionFactory(meeting=draft_meeting)
    action = ActionItemFactory(meeting=draft_meeting, decision=decision)
    url = reverse("admin:decisions_decision_change", args=[decision.pk])
    data = admin_form_data(first.get(url))
    page_url = reverse("decisions-edit:action-edit", args=[action.pk])
    page_data = {"status": "in_progress", "due_date": "2030-01-31", "note": "", "version": action.version}
    assert secretariat_client.post(page_url, page_data).status_code == 302

    prefix = row_prefix(data, "action_items", action.pk)
    response = first.post(url, data | {f"{prefix}due_date": "2031-01-31"})

    assert response.status_code == 200
    assert "In progress" in errors_of(response)
    action.refresh_from_db()
    assert (action.status, action.due_date) == ("in_progress", dt.date(2030, 1, 31))


# --- Every versioned record is locked wherever the admin edits it -------------------------------------


def _admins_and_inlines():
    for model in admin.site._registry:
        model_admin = admin.site.get_model_admin(model)
        yield model, model_admin
        for inline in model_admin.inlines:
            yield inline.model, inline


def test_every_versioned_record_is_locked_in_the_admin_and_its_inlines():
    """A new admin (or inline) of a versioned model without the lock would save without it: refused here."""
    unlocked = [
        f"{owner.__module__}.{getattr(owner, '__name__', type(owner).__name__)}"
        for model, owner in _admins_and_inlines()
        if is_versioned(model)
        and not isinstance(owner, OptimisticLockAdminMixin)
        and not (isinstance(owner, type) and issubclass(owner, OptimisticLockInlineMixin))
    ]
    assert unlocked == []


def test_every_versioned_model_keeps_its_version_out_of_its_history():
    from django.apps import apps

    versioned = [model for model in apps.get_models() if is_versioned(model)]
    assert {Organisation, Person, Membership, Participation, AgendaItem, Decision, ActionItem, ProgressNote} <= set(
        versioned
    )
    for model in versioned:
        history = model.history.model
        assert "version" not in {field.name for field in history._meta.get_fields()}, model


def test_admin_inline_rows_send_their_lock_to_the_browser(admin_client, draft_meeting):
    membership = MembershipFactory()
    PersonFactory(organisation=membership.organisation)
    page = admin_client.get(reverse("admin:members_organisation_change", args=[membership.organisation.pk]))
    html = page.content.decode()
    for name in (
        "version",
        "lock_snapshot",
        "memberships-0-version",
        "memberships-0-lock_snapshot",
        "people-0-version",
    ):
        assert f'name="{name}"' in html, name
    DecisionFactory(meeting=draft_meeting)
    AgendaItemFactory(meeting=draft_meeting, position=1)
    html = admin_client.get(reverse("admin:meetings_meeting_change", args=[draft_meeting.pk])).content.decode()
    for name in ("decisions-0-version", "agenda_items-0-lock_snapshot"):
        assert f'name="{name}"' in html, name
