"""
Two editors, one record, in the editing pages: agenda items, the participants list, organisations,
people, memberships and action items. The second save is refused with what changed, the first is
kept, the second editor's input stays in the form, and saving again on purpose applies it.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from decisions.models import ActionItem, ProgressNote
from meetings.models import AgendaItem, Participation
from members.models import Membership, Organisation, Person
from tests.editing.test_conflicts import form_data as meeting_form_data
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(make_client):
    """Two Secretariat editors, each in their own browser; the second is Ana Editor."""
    ana = UserFactory(username="ana", first_name="Ana", last_name="Editor")
    ana.groups.add(Group.objects.get(name="Secretariat"))
    second = make_client("anonymous")
    second.force_login(ana)
    return make_client("secretariat"), second


def form_data(response):
    """The form as the browser would post it back (dates as a date input sends them)."""
    data = meeting_form_data(response)
    form = response.context["form"]
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            data[name] = value.isoformat()
    return data


def changes(response):
    return [
        (change.label, change.before, change.after, change.taken)
        for change in response.context["form"].conflict.changes
    ]


# --- Agenda item --------------------------------------------------------------------------------


def test_agenda_item_second_save_is_refused_and_the_first_kept(editors, draft_meeting):
    first, second = editors
    item = AgendaItemFactory(meeting=draft_meeting, position=1, title="Opening", notes="")
    url = reverse("meetings-edit:agenda-item-edit", args=[draft_meeting.slug, item.pk])
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))

    assert second.post(url, second_data | {"title": "Opening by the Chair"}).status_code == 302
    response = first.post(url, first_data | {"notes": "The Chair opened the meeting."})

    assert response.status_code == 200
    assert changes(response) == [("Title", "Opening", "Opening by the Chair", True)]
    assert response.context["form"].conflict.changed_by == "Ana Editor"
    page = response.content.decode()
    assert "Not saved" in page
    assert "The Chair opened the meeting." in page  # the first editor's input is still in the form
    item.refresh_from_db()
    assert (item.title, item.notes) == ("Opening by the Chair", "")

    response = first.post(url, form_data(response))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.notes) == ("Opening by the Chair", "The Chair opened the meeting.")


def test_an_agenda_item_moved_since_the_form_was_opened_is_refused_too(editors, draft_meeting):
    first, _second = editors
    opening = AgendaItemFactory(meeting=draft_meeting, position=1, title="Opening")
    AgendaItemFactory(meeting=draft_meeting, position=2, title="Work plan")
    url = reverse("meetings-edit:agenda-item-edit", args=[draft_meeting.slug, opening.pk])
    data = form_data(first.get(url))
    order_url = reverse("meetings-edit:agenda", args=[draft_meeting.slug])
    second_order = {f"item_{item.pk}": str(3 - item.position) for item in draft_meeting.agenda_items.all()}
    second_order["agenda_as_opened"] = first.get(order_url).context["form"]["agenda_as_opened"].value()
    assert first.post(order_url, second_order).status_code == 302

    response = first.post(url, data | {"notes": "Changed"})

    assert response.status_code == 200
    assert changes(response) == [("Position", "1", "2", True)]
    assert AgendaItem.objects.get(pk=opening.pk).notes != "Changed"


def test_agenda_order_second_save_is_refused_with_what_moved(editors, draft_meeting):
    first, second = editors
    a, b, c = (AgendaItemFactory(meeting=draft_meeting, position=n, title=t) for n, t in ((1, "A"), (2, "B"), (3, "C")))
    url = reverse("meetings-edit:agenda", args=[draft_meeting.slug])
    first_opened = first.get(url).context["form"]["agenda_as_opened"].value()
    second_opened = second.get(url).context["form"]["agenda_as_opened"].value()
    # Ana puts C first; then adds an item.
    ana = {f"item_{a.pk}": "2", f"item_{b.pk}": "3", f"item_{c.pk}": "1", "agenda_as_opened": second_opened}
    assert second.post(url, ana).status_code == 302
    new_url = reverse("meetings-edit:agenda-item-create", args=[draft_meeting.slug])
    assert second.post(new_url, {"title": "D", "kind": "discussion", "position": ""}).status_code == 302

    # The first editor, on the agenda as it was, swaps A and B.
    mine = {f"item_{a.pk}": "2", f"item_{b.pk}": "1", f"item_{c.pk}": "3", "agenda_as_opened": first_opened}
    response = first.post(url, mine)

    assert response.status_code == 200
    error = " ".join(response.context["form"].non_field_errors())
    assert "“C” moved from 3 to 1" in error
    assert "“D” added" in error
    assert list(draft_meeting.agenda_items.order_by("position").values_list("title", flat=True)) == ["C", "A", "B", "D"]
    page = response.content.decode()
    assert f'name="item_{b.pk}" value="1"' in page  # the first editor's numbers are kept

    # Saving again applies them, on the agenda as it is now.
    data = {key: response.context["form"][key].value() for key in response.context["form"].fields}
    assert first.post(url, data).status_code == 302
    assert list(draft_meeting.agenda_items.order_by("position").values_list("title", flat=True))[:2] == ["B", "A"]


# --- The participants list, as a whole -----------------------------------------------------------


def formset_page_data(response):
    """The participants page as the browser would post it back: management form, rows, reason."""
    formset = response.context["formset"]
    management = formset.management_form
    data = {
        f"{formset.prefix}-{name}": management[name].value()
        for name in management.fields
        if management[name].value() is not None
    }
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value is not None:
                data[form.add_prefix(name)] = str(value)
    data["save"] = "1"
    return data


def row_of(data, participation_id):
    index = next(
        key.split("-")[1] for key, value in data.items() if key.endswith("-id") and value == str(participation_id)
    )
    return f"form-{index}-"


def test_participants_list_second_save_is_refused_with_what_changed_and_merged(editors, draft_meeting):
    first, second = editors
    minister = ParticipationFactory(meeting=draft_meeting, order=1, position="Minister")
    expert = ParticipationFactory(meeting=draft_meeting, order=2, attendance=Participation.Attendance.IN_PERSON)
    observer = OrganisationFactory(name="Observer organisation")
    late = OrganisationFactory(name="Late organisation")
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    first_data, second_data = formset_page_data(first.get(url)), formset_page_data(second.get(url))

    # Ana makes the minister chair, removes the expert and adds an observer.
    minister_row, expert_row = row_of(second_data, minister.pk), row_of(second_data, expert.pk)
    second_data |= {f"{minister_row}role": "chair", f"{expert_row}DELETE": "on"}
    second_data |= {"form-2-organisation": str(observer.pk), "form-2-role": "observer"}
    assert second.post(url, second_data).status_code == 302

    # The first editor, on the list as it was: changes the minister's position, marks the expert
    # remote, and adds a late organisation.
    minister_row, expert_row = row_of(first_data, minister.pk), row_of(first_data, expert.pk)
    first_data |= {f"{minister_row}position": "Minister of Security", f"{expert_row}attendance": "remote"}
    first_data |= {"form-2-organisation": str(late.pk), "form-2-role": "delegate"}
    response = first.post(url, first_data)

    assert response.status_code == 200
    formset = response.context["formset"]
    conflict = formset.conflict
    assert conflict.changed_by == "Ana Editor"
    described = {(change.label, change.before, change.after, change.taken) for change in conflict.changes}
    assert (f"{minister} — Role", "Delegate", "Chair", True) in described
    assert ("Added", "", f"{observer} (Observer)", True) in described
    assert ("Removed", str(expert), "", False) in described  # the first editor had changed it: kept as a new row
    page = response.content.decode()
    assert "Not saved" in page
    assert "Minister of Security" in page
    # Nothing of Ana's save is lost, nothing of the first editor's is saved.
    rows = list(draft_meeting.participations.order_by("order", "id"))
    assert [(p.role, p.position) for p in rows if p.pk == minister.pk] == [("chair", "Minister")]
    assert not Participation.objects.filter(pk=expert.pk).exists()
    assert Participation.objects.filter(meeting=draft_meeting, organisation=observer).exists()
    assert not Participation.objects.filter(meeting=draft_meeting, organisation=late).exists()

    # The form now shows the list as it is, with the first editor's input merged in.
    merged = formset_page_data(response)
    minister_row = row_of(merged, minister.pk)
    assert (merged[f"{minister_row}role"], merged[f"{minister_row}position"]) == ("chair", "Minister of Security")
    assert merged["form-INITIAL_FORMS"] == "2"  # the minister and Ana's observer
    new_rows = [merged.get(f"form-{index}-organisation") for index in range(2, int(merged["form-TOTAL_FORMS"]))]
    assert str(expert.organisation_id) in new_rows  # revived: the first editor had changed it
    assert str(late.pk) in new_rows

    # Saving again, on purpose, applies the first editor's input on top of Ana's.
    response = first.post(url, merged)
    assert response.status_code == 302
    minister.refresh_from_db()
    assert (minister.role, minister.position) == ("chair", "Minister of Security")
    organisations = set(draft_meeting.participations.values_list("organisation", flat=True))
    assert {observer.pk, late.pk, expert.organisation_id} <= organisations


def test_participants_list_a_row_removed_by_the_other_save_and_untouched_here_stays_removed(editors, draft_meeting):
    first, second = editors
    keep = ParticipationFactory(meeting=draft_meeting, order=1)
    gone = ParticipationFactory(meeting=draft_meeting, order=2)
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    first_data, second_data = formset_page_data(first.get(url)), formset_page_data(second.get(url))
    assert second.post(url, second_data | {f"{row_of(second_data, gone.pk)}DELETE": "on"}).status_code == 302

    response = first.post(url, first_data | {f"{row_of(first_data, keep.pk)}attendance": "excused"})

    assert response.status_code == 200
    assert [(c.label, c.taken) for c in response.context["formset"].conflict.changes] == [("Removed", True)]
    merged = formset_page_data(response)
    assert merged["form-INITIAL_FORMS"] == "1"
    people = [value for name, value in merged.items() if name.endswith("-person")]
    assert str(gone.person_id) not in people
    assert str(keep.person_id) in people
    assert first.post(url, merged).status_code == 302
    assert list(draft_meeting.participations.all()) == [keep]
    keep.refresh_from_db()
    assert keep.attendance == "excused"


def test_participants_list_changed_in_the_admin_refuses_the_page(editors, admin_client, draft_meeting):
    first, _second = editors
    row = ParticipationFactory(meeting=draft_meeting, order=1, position="Minister")
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    data = formset_page_data(first.get(url))
    admin_url = reverse("admin:meetings_participation_change", args=[row.pk])
    admin_data = {
        "meeting": draft_meeting.pk,
        "person": row.person_id,
        "organisation": row.organisation_id,
        "position": "Acting minister",
        "role": "delegate",
        "level": "ministerial",
        "attendance": "in_person",
        "order": "1",
        "version": row.version,
        "lock_snapshot": admin_client.get(admin_url).context["adminform"].form["lock_snapshot"].value(),
    }
    assert admin_client.post(admin_url, admin_data).status_code == 302

    response = first.post(url, data | {f"{row_of(data, row.pk)}attendance": "remote"})

    assert response.status_code == 200
    assert [(c.after, c.taken) for c in response.context["formset"].conflict.changes] == [("Acting minister", True)]
    row.refresh_from_db()
    assert (row.position, row.attendance) == ("Acting minister", "in_person")


def test_participants_list_refused_by_the_service_when_it_moved_on_after_the_check(editors, draft_meeting):
    """Between the form's check and the save (a second at most): refused all the same, the input kept."""
    from meetings import services

    first, _second = editors
    row = ParticipationFactory(meeting=draft_meeting, order=1)
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    data = formset_page_data(first.get(url))
    record = services.record_participants

    def someone_else_saves_first(command):
        Participation.objects.get(pk=row.pk).save()
        return record(command)

    services.record_participants = someone_else_saves_first
    try:
        response = first.post(url, data | {f"{row_of(data, row.pk)}attendance": "remote"})
    finally:
        services.record_participants = record
    assert response.status_code == 200
    assert "at the same moment" in " ".join(response.context["formset"].non_form_errors())
    assert "remote" in response.content.decode()
    assert Participation.objects.get(pk=row.pk).attendance == "in_person"


def test_participants_list_with_more_blank_rows_than_opened_still_locks(editors, draft_meeting):
    """Rows added in the browser (a script, or "More rows") change the number of rows, not the lock."""
    first, second = editors
    row = ParticipationFactory(meeting=draft_meeting, order=1)
    extra = OrganisationFactory()
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    first_data, second_data = formset_page_data(first.get(url)), formset_page_data(second.get(url))
    assert second.post(url, second_data | {f"{row_of(second_data, row.pk)}level": "expert"}).status_code == 302
    total = int(first_data["form-TOTAL_FORMS"])
    first_data |= {"form-TOTAL_FORMS": str(total + 3), f"form-{total + 2}-organisation": str(extra.pk)}
    first_data |= {f"form-{total + 2}-role": "delegate"}

    response = first.post(url, first_data)

    assert response.status_code == 200
    merged = formset_page_data(response)
    assert str(extra.pk) in [merged.get(f"form-{i}-organisation") for i in range(int(merged["form-TOTAL_FORMS"]))]
    assert first.post(url, merged).status_code == 302
    assert Participation.objects.get(pk=row.pk).level == "expert"
    assert draft_meeting.participations.filter(organisation=extra).exists()


# --- Organisation, person, membership --------------------------------------------------------------


def test_organisation_second_save_is_refused_and_the_first_kept(editors):
    first, second = editors
    organisation = OrganisationFactory(name="Ministry of Security", acronym="MS", country="")
    url = reverse("members-edit:organisation-edit", args=[organisation.slug])
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))

    assert second.post(url, second_data | {"acronym": "MoS"}).status_code == 302
    response = first.post(url, first_data | {"country": "Bosnia and Herzegovina"})

    assert response.status_code == 200
    assert changes(response) == [("Acronym", "MS", "MoS", True)]
    assert 'value="Bosnia and Herzegovina"' in response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.acronym, organisation.country) == ("MoS", "")
    assert first.post(url, form_data(response)).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.acronym, organisation.country) == ("MoS", "Bosnia and Herzegovina")


def test_person_second_save_is_refused_and_both_changes_of_one_field_shown(editors):
    first, second = editors
    person = PersonFactory(name="Nenad Nesic", position_title="Minister of Security")
    url = reverse("members-edit:person-edit", args=[person.pk])
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))

    assert second.post(url, second_data | {"position_title": "Former minister"}).status_code == 302
    response = first.post(url, first_data | {"position_title": "Minister of Security of BiH"})

    assert response.status_code == 200
    assert changes(response) == [("Position", "Minister of Security", "Former minister", False)]
    assert 'value="Minister of Security of BiH"' in response.content.decode()  # both changed it: input kept
    assert Person.objects.get(pk=person.pk).position_title == "Former minister"


def test_membership_end_second_save_is_refused_and_the_first_kept(editors):
    first, second = editors
    membership = MembershipFactory(since=dt.date(2020, 1, 1))
    url = reverse("members-edit:membership-end", args=[membership.pk])
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))

    assert second.post(url, second_data | {"until": "2023-06-30", "note": "Left in June"}).status_code == 302
    response = first.post(url, first_data | {"until": "2023-05-31", "note": ""})

    assert response.status_code == 200
    assert changes(response) == [
        ("Until", "", "2023-06-30", False),
        ("Note", "", "Left in June", True),
    ]
    assert 'value="2023-05-31"' in response.content.decode()
    membership.refresh_from_db()
    assert (membership.until, membership.note) == (dt.date(2023, 6, 30), "Left in June")
    assert first.post(url, form_data(response)).status_code == 302
    membership.refresh_from_db()
    assert (membership.until, membership.note) == (dt.date(2023, 5, 31), "Left in June")


def test_membership_changed_elsewhere_refuses_the_organisation_page_only_for_the_membership(editors):
    """Records are locked each on their own: a membership's save does not refuse its organisation's form."""
    first, second = editors
    membership = MembershipFactory()
    organisation = membership.organisation
    url = reverse("members-edit:organisation-edit", args=[organisation.slug])
    data = form_data(first.get(url))
    end_url = reverse("members-edit:membership-end", args=[membership.pk])
    assert second.post(end_url, form_data(second.get(end_url)) | {"until": "2024-01-31"}).status_code == 302
    assert first.post(url, data | {"country": "Albania"}).status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).country == "Albania"
    assert Membership.objects.get(pk=membership.pk).until == dt.date(2024, 1, 31)


# --- Action items ------------------------------------------------------------------------------


def test_action_item_second_save_is_refused_and_the_progress_note_kept_in_the_form(editors, circulated_meeting):
    first, second = editors
    action = ActionItemFactory(meeting=circulated_meeting)
    url = reverse("decisions-edit:action-edit", args=[action.pk])
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))

    assert second.post(url, second_data | {"status": "done", "note": "Delivered."}).status_code == 302
    # The first editor only writes a note: their form still says "open", which would undo Ana's "done".
    response = first.post(url, first_data | {"note": "Donors contacted."})

    assert response.status_code == 200
    assert changes(response) == [("Status", "Open", "Done", True)]
    assert "Donors contacted." in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE
    assert list(ProgressNote.objects.values_list("note", flat=True)) == ["Delivered."]

    assert first.post(url, form_data(response)).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE
    assert set(ProgressNote.objects.values_list("note", flat=True)) == {"Delivered.", "Donors contacted."}


def test_two_progress_notes_alone_are_both_kept(editors, circulated_meeting):
    """A note is added, never overwrites anything: two editors each adding one both succeed."""
    first, second = editors
    action = ActionItemFactory(meeting=circulated_meeting)
    url = reverse("decisions-edit:action-edit", args=[action.pk])
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))
    assert second.post(url, second_data | {"note": "Ana's note"}).status_code == 302
    assert first.post(url, first_data | {"note": "First note"}).status_code == 302
    assert set(ProgressNote.objects.values_list("note", flat=True)) == {"Ana's note", "First note"}


# --- The chair, on the meeting's form: a row of the participants list ------------------------------


def test_the_meeting_form_does_not_undo_a_chair_set_on_the_participants_page(editors, draft_meeting):
    first, second = editors
    row = ParticipationFactory(meeting=draft_meeting, order=1)
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    data = meeting_form_data(first.get(url))
    participants = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    second_data = formset_page_data(second.get(participants))
    assert second.post(participants, second_data | {f"{row_of(second_data, row.pk)}role": "chair"}).status_code == 302

    # The first editor changes the venue; the chair field still shows no chair, as when they opened it.
    assert first.post(url, data | {"venue": "Palace of the Federation"}).status_code == 302

    row.refresh_from_db()
    assert row.role == "chair"
    assert draft_meeting.__class__.objects.get(pk=draft_meeting.pk).venue == "Palace of the Federation"


def test_both_changing_the_chair_is_refused_beside_the_field(editors, draft_meeting):
    first, second = editors
    row = ParticipationFactory(meeting=draft_meeting, order=1)
    other = PersonFactory(name="Other Chair")
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    data = meeting_form_data(first.get(url))
    participants = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    second_data = formset_page_data(second.get(participants))
    assert second.post(participants, second_data | {f"{row_of(second_data, row.pk)}role": "chair"}).status_code == 302

    response = first.post(url, data | {"chair": str(other.pk)})

    assert response.status_code == 200
    assert "Someone else made" in " ".join(response.context["form"].errors["chair"])
    row.refresh_from_db()
    assert row.role == "chair"
    # Saving again, on purpose, applies the first editor's choice (with the chair's position typed).
    again = meeting_form_data(response) | {"chair_position": "Minister of Security"}
    assert first.post(url, again).status_code == 302
    assert draft_meeting.participations.get(role="chair").person == other


# --- What the browser gets: the hidden fields are on each page ------------------------------------


def test_every_locked_editing_page_sends_its_lock_to_the_browser(secretariat_client, draft_meeting, circulated_meeting):
    item = AgendaItemFactory(meeting=draft_meeting, position=1)
    ParticipationFactory(meeting=draft_meeting)
    person, membership = PersonFactory(), MembershipFactory()
    action = ActionItemFactory(meeting=circulated_meeting)
    pages = {
        reverse("meetings-edit:agenda-item-edit", args=[draft_meeting.slug, item.pk]): ["version", "lock_snapshot"],
        reverse("members-edit:organisation-edit", args=[membership.organisation.slug]): ["version", "lock_snapshot"],
        reverse("members-edit:person-edit", args=[person.pk]): ["version", "lock_snapshot"],
        reverse("members-edit:membership-end", args=[membership.pk]): ["version", "lock_snapshot"],
        reverse("decisions-edit:action-edit", args=[action.pk]): ["version", "lock_snapshot"],
        reverse("meetings-edit:participants", args=[draft_meeting.slug]): ["form-LOCK"],
        reverse("meetings-edit:agenda", args=[draft_meeting.slug]): ["agenda_as_opened"],
        reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug]): [
            "version",
            "lock_snapshot",
            "chair_as_opened",
        ],
    }
    for url, names in pages.items():
        page = secretariat_client.get(url).content.decode()
        for name in names:
            # A value, except the chair as opened of a meeting without a chair.
            value = "" if name == "chair_as_opened" else r' value="[^"]+"'
            assert re.search(rf'<input type="hidden" name="{name}"{value}', page), (url, name)
