"""Participants many at once (with people created on the spot) and the agenda (add, edit, delete, reorder, preview)."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Correction
from members.models import Person
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def formset_data(rows, initial=0, prefix="form"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


def list_as_opened(client, url):
    """The participants list as the page was opened (the lock's hidden field of the management form)."""
    return client.get(url).context["formset"].management_form["LOCK"].value()


def blank_row(**values):
    row = dict.fromkeys(["person", "organisation", "position", "level", "attendance", "order"], "")
    row |= {"role": "delegate", "new_person_honorific": "", "new_person_name": "", "new_person_position": ""}
    row["new_person_organisation"] = ""
    return row | values


def test_add_many_participants_at_once(secretariat_client, draft_meeting):
    minister = PersonFactory(position_title="Prime Minister")
    # The post the minister held then is the one recorded at their latest earlier meeting, not today's.
    earlier = draft_meeting.start - dt.timedelta(days=200)
    ParticipationFactory(
        person=minister, meeting=MeetingFactory(start=earlier, end=earlier), position="Minister of Interior"
    )
    austria = OrganisationFactory(name="Austria")
    rcc = OrganisationFactory(name="Regional Cooperation Council")
    rows = [
        blank_row(person=minister.pk, level="ministerial", attendance="in_person"),
        blank_row(
            new_person_honorific="Ms",
            new_person_name="Tanja Miscevic",
            new_person_position="Deputy Secretary General",
            new_person_organisation=rcc.pk,
            role="opening_remarks",
        ),
        blank_row(organisation=austria.pk, role="support_group", attendance="remote"),
        blank_row(),  # an empty row is ignored
    ]
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    response = secretariat_client.post(url, formset_data(rows))
    assert response.status_code == 302
    participations = list(draft_meeting.participations.select_related("person", "organisation"))
    assert len(participations) == 3
    first, second, third = participations
    # The position at the time (from the earlier meeting) and the organisation are filled in.
    assert (first.position, first.organisation) == ("Minister of Interior", minister.organisation)
    tanja = Person.objects.get(name="Tanja Miscevic")
    assert (tanja.position_title, tanja.organisation) == ("Deputy Secretary General", rcc)
    assert (second.person, second.organisation, second.position) == (tanja, rcc, "Deputy Secretary General")
    assert (third.person, third.organisation, third.attendance) == (None, austria, "remote")
    assert [p.order for p in participations] == [1, 2, 3]


def test_change_and_remove_participants(secretariat_client, draft_meeting):
    keep = ParticipationFactory(meeting=draft_meeting, order=1, position="Minister")
    drop = ParticipationFactory(meeting=draft_meeting, order=2)
    rows = [
        blank_row(id=keep.pk, person=keep.person_id, organisation=keep.organisation_id, position="Former minister",
                  role="delegate", level="ministerial", attendance="excused", order=1),
        blank_row(id=drop.pk, person=drop.person_id, organisation=drop.organisation_id, position=drop.position,
                  role="delegate", level="ministerial", attendance="in_person", order=2, DELETE="on"),
    ]  # fmt: skip
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    data = formset_data(rows, initial=2) | {"form-LOCK": list_as_opened(secretariat_client, url)}
    assert secretariat_client.post(url, data).status_code == 302
    assert list(draft_meeting.participations.all()) == [keep]
    keep.refresh_from_db()
    assert (keep.position, keep.attendance) == ("Former minister", "excused")


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (blank_row(role="chair"), "person", "Name a person, an organisation, or both."),
        (blank_row(new_person_name="New Person"), "organisation", "Choose the organisation represented"),
        (blank_row(new_person_position="Minister"), "new_person_name", "Give the new person's name."),
        (blank_row(role="emperor", organisation="999999"), "role", "Select a valid choice"),
    ],
)
def test_an_invalid_row_keeps_every_row_and_saves_nothing(secretariat_client, draft_meeting, row, field, message):
    organisation = OrganisationFactory(name="Kept Organisation")
    rows = [blank_row(organisation=organisation.pk, position="Kept position"), row]
    response = secretariat_client.post(
        reverse("meetings-edit:participants", args=[draft_meeting.slug]), formset_data(rows)
    )
    assert response.status_code == 200
    assert not draft_meeting.participations.exists()
    errors = response.context["formset"].errors[1]
    assert message in " ".join(errors[field])
    assert 'value="Kept position"' in response.content.decode()


def test_pick_a_person_or_create_one_not_both(secretariat_client, draft_meeting):
    person = PersonFactory()
    rows = [blank_row(person=person.pk, new_person_name="Someone Else")]
    response = secretariat_client.post(
        reverse("meetings-edit:participants", args=[draft_meeting.slug]), formset_data(rows)
    )
    assert "not both" in response.context["formset"].errors[0]["new_person_name"][0]


def test_more_rows_keeps_the_input(secretariat_client, draft_meeting):
    organisation = OrganisationFactory()
    data = formset_data([blank_row(organisation=organisation.pk, position="Typed already")]) | {"add_rows": "1"}
    response = secretariat_client.post(reverse("meetings-edit:participants", args=[draft_meeting.slug]), data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 6
    assert 'value="Typed already"' in response.content.decode()
    assert not draft_meeting.participations.exists()


def test_participants_of_a_published_meeting_need_a_correction_reason(secretariat_client, published_meeting):
    organisation = OrganisationFactory()
    url = reverse("meetings-edit:participants", args=[published_meeting.slug])
    data = formset_data([blank_row(organisation=organisation.pk)])
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "correction_reason" in response.context["form"].errors
    assert secretariat_client.post(url, data | {"correction_reason": "Italy was missing."}).status_code == 302
    assert Correction.objects.get(meeting=published_meeting).reason == "Italy was missing."


# --- Agenda -------------------------------------------------------------------------------------


def item_data(**values):
    return {"position": "", "title": "Item", "kind": "discussion", "notes": ""} | values


def agenda_as_opened(client, url):
    """The agenda as the page was opened (its hidden field): the numbers mean something only for it."""
    return {"agenda_as_opened": client.get(url).context["form"]["agenda_as_opened"].value()}


def positions(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", "position"))


def test_add_agenda_items_in_order_and_in_between(secretariat_client, draft_meeting):
    url = reverse("meetings-edit:agenda-item-create", args=[draft_meeting.slug])
    presenter = PersonFactory()
    organisation = OrganisationFactory()
    response = secretariat_client.post(
        url,
        item_data(
            title="Opening", kind="opening", presenters=[presenter.pk], presenting_organisations=[organisation.pk]
        ),
    )
    assert response.status_code == 302
    secretariat_client.post(url, item_data(title="Closing"))
    secretariat_client.post(url, item_data(title="Middle", position="2"))
    assert positions(draft_meeting) == [("Opening", 1), ("Middle", 2), ("Closing", 3)]
    opening = draft_meeting.agenda_items.get(title="Opening")
    assert list(opening.presenters.all()) == [presenter]
    assert list(opening.presenting_organisations.all()) == [organisation]


def test_edit_an_agenda_item(secretariat_client, draft_meeting):
    item = AgendaItemFactory(meeting=draft_meeting, position=1, title="Old")
    url = reverse("meetings-edit:agenda-item-edit", args=[draft_meeting.slug, item.pk])
    data = item_data(title="New", notes="- one\n- two", version=item.version)
    assert secretariat_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.position, item.notes) == ("New", 1, "- one\n- two")


def test_invalid_agenda_item_keeps_the_input(secretariat_client, draft_meeting):
    url = reverse("meetings-edit:agenda-item-create", args=[draft_meeting.slug])
    response = secretariat_client.post(url, item_data(title="", notes="Notes kept", kind="nonsense"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors
    assert "kind" in errors
    assert "Notes kept" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_notes_preview_is_sanitised_and_saves_nothing(secretariat_client, draft_meeting):
    url = reverse("meetings-edit:agenda-item-create", args=[draft_meeting.slug])
    notes = "*Agreed* [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = secretariat_client.post(url, item_data(title="Item", notes=notes, preview="1"))
    assert response.status_code == 200
    preview = str(response.context["preview"])
    assert "<em>Agreed</em>" in preview
    assert "javascript:" not in preview
    assert "onerror" not in preview
    assert not AgendaItem.objects.exists()


def test_delete_an_agenda_item_closes_the_gap(secretariat_client, draft_meeting):
    items = [AgendaItemFactory(meeting=draft_meeting, position=n, title=f"Item {n}") for n in (1, 2, 3)]
    url = reverse("meetings-edit:agenda-item-delete", args=[draft_meeting.slug, items[0].pk])
    assert secretariat_client.get(url).status_code == 200
    assert AgendaItem.objects.count() == 3
    assert secretariat_client.post(url, {"confirm": "1"}).status_code == 302
    assert positions(draft_meeting) == [("Item 2", 1), ("Item 3", 2)]


def test_reorder_by_numbers_without_tripping_the_unique_position(secretariat_client, draft_meeting):
    a, b, c = (AgendaItemFactory(meeting=draft_meeting, position=n, title=t) for n, t in ((1, "A"), (2, "B"), (3, "C")))
    url = reverse("meetings-edit:agenda", args=[draft_meeting.slug])
    data = {f"item_{a.pk}": "3", f"item_{b.pk}": "1", f"item_{c.pk}": "2"} | agenda_as_opened(secretariat_client, url)
    response = secretariat_client.post(url, data)
    assert response.status_code == 302
    assert positions(draft_meeting) == [("B", 1), ("C", 2), ("A", 3)]


def test_move_an_item_up(secretariat_client, draft_meeting):
    a, b = (AgendaItemFactory(meeting=draft_meeting, position=n, title=t) for n, t in ((1, "A"), (2, "B")))
    url = reverse("meetings-edit:agenda", args=[draft_meeting.slug])
    data = {f"item_{a.pk}": "1", f"item_{b.pk}": "2", "move": f"up:{b.pk}"}
    assert secretariat_client.post(url, data).status_code == 302
    assert positions(draft_meeting) == [("B", 1), ("A", 2)]


def test_invalid_order_keeps_the_numbers(secretariat_client, draft_meeting):
    a, b = (AgendaItemFactory(meeting=draft_meeting, position=n, title=t) for n, t in ((1, "A"), (2, "B")))
    url = reverse("meetings-edit:agenda", args=[draft_meeting.slug])
    response = secretariat_client.post(url, {f"item_{a.pk}": "first", f"item_{b.pk}": "7"})
    assert response.status_code == 200
    assert f"item_{a.pk}" in response.context["form"].errors
    assert 'value="7"' in response.content.decode()
    assert positions(draft_meeting) == [("A", 1), ("B", 2)]


def test_an_agenda_item_of_another_meeting_is_not_found(secretariat_client, draft_meeting, published_meeting):
    item = AgendaItemFactory(meeting=published_meeting, position=1)
    url = reverse("meetings-edit:agenda-item-edit", args=[draft_meeting.slug, item.pk])
    assert secretariat_client.get(url).status_code == 404


def test_history_of_a_meeting_shows_who_changed_what(secretariat_client, secretariat, draft_meeting):
    item = AgendaItemFactory(meeting=draft_meeting, position=1, title="Old title")
    url = reverse("meetings-edit:agenda-item-edit", args=[draft_meeting.slug, item.pk])
    secretariat_client.post(url, item_data(title="New title", version=item.version))
    response = secretariat_client.get(reverse("meetings-edit:meeting-history", args=[draft_meeting.slug]))
    entries = response.context["entries"]
    change = next(entry for entry in entries if entry["user"] == secretariat.get_full_name())
    title = next(c for c in change["changes"] if c["field"] == "Title")
    assert (title["old"], title["new"]) == ("Old title", "New title")
    page = response.content.decode()
    assert "<del>Old title</del>" in page
    assert "<ins>New title</ins>" in page
