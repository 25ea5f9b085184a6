"""
The Secretariat's editing side in a real browser (issue 5, scenarios 1, 4 and 5).

1. A Secretariat user records the 6th Board meeting from its public events page, page by page
   (the meeting, participants, agenda, each decision with its effect), circulates and publishes
   it; an anonymous visitor then reads the facts, nothing marked DRAFT.
4. A form sent with bad input keeps what was typed and shows the error beside the field.
5. Two Secretariat sessions edit the same meeting: the second save is refused with what changed,
   and nothing is lost.

Fields are found by their labels and buttons by their names, as a person finds them: a field
without a label fails here. The main editing pages are screenshot at 1280 and 375 px and checked
with axe-core (0 serious or critical violations).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core.roles import SECRETARIAT_GROUP
from decisions.models import ActionItem, Decision, Document, DocumentKind
from meetings.models import AgendaItem, Meeting, Participation
from members.forms import PersonChoiceField
from members.models import Membership, Organisation, Person, Pillar, RoleHeld
from portal.demo import sixth_board_meeting as seed
from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD, MeetingFactory, UserFactory

SLUG = "6th-board-meeting-2022"
HISTORY_MODELS = [Pillar, Organisation, Person, Membership, RoleHeld, Meeting, Participation, AgendaItem]
HISTORY_MODELS += [Document, Decision, ActionItem]


# --- Helpers ------------------------------------------------------------------------------------


def field(scope, label: str):
    """The field labelled `label` (crispy marks a required field's label with an asterisk)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def when(scope, legend: str):
    """The date and the time inputs of a date-time field, grouped under its legend ("Start", "End")."""
    group = scope.get_by_role("group", name=re.compile(rf"^\s*{re.escape(legend)}\s*\*?\s*$"))
    return group.get_by_label(re.compile(r"^Date")), group.get_by_label(re.compile(r"^Time"))


def fill_when(scope, legend: str, day: str, time: str = "") -> None:
    date_input, time_input = when(scope, legend)
    date_input.fill(day)
    time_input.fill(time)


def choose(scope, label: str, *options: str) -> None:
    """Pick options of a select by the text a person reads."""
    select = field(scope, label)
    select.select_option(label=list(options) if len(options) != 1 else options[0])


def choice_label(choices, value) -> str:
    return str(dict(choices)[value])


def organisation(name: str) -> str:
    return str(Organisation.objects.get(name=name))


def person(name: str) -> str:
    """A person as the selects show them: "Mr Agron Sojati — Head of IISG Secretariat, IISG Secretariat"."""
    return PersonChoiceField(queryset=Person.objects.all()).label_from_instance(Person.objects.get(name=name))


def agenda_item(position: int) -> str:
    title = next(title for pos, title, *_rest in seed.AGENDA if pos == position)
    return f"{position}. {title}"


def submit(page, name: str) -> None:
    """Click a submit button and wait for the page that answers."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page, name: str) -> None:
    link = page.get_by_role("link", name=name, exact=True).first
    menu = page.locator("details.change-record:not([open]) summary")
    if not link.is_visible() and menu.count():
        # The record's panel keeps its less frequent actions behind one menu: open it, as a person would.
        menu.click()
    with page.expect_navigation():
        link.click()


def expect_success(page, text: str) -> None:
    expect(page.locator(".messages .alert-success")).to_contain_text(text)


def check_editing_page(page, name: str, problems: dict) -> None:
    """Screenshots at 1280 and 375 px, no horizontal scrolling on a phone, 0 serious axe violations."""
    assert page.get_by_role("heading", level=1).count() == 1, name
    screenshot(page, f"edit-{name}")
    found = axe_violations(page)
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        screenshot(page, f"edit-{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            found.append({"id": "horizontal-scroll", "impact": "serious", "help": f"{width}px wide at 375px"})
        found += axe_violations(page)
    finally:
        page.set_viewport_size(size)
    if found:
        problems[name] = found


# --- Scenario 1: the 6th Board meeting, recorded in the browser -----------------------------


@pytest.fixture
def registers():
    """What the registers held before the meeting: pillars, organisations, memberships, the Head of Secretariat."""
    for row in seed.PILLARS:
        Pillar.objects.create(code=row["code"], name=row["name"])
    created = {}
    for name, (acronym, kind, country, parent, footnote) in sorted(
        seed.ORGANISATIONS.items(), key=lambda item: item[1][3] is not None
    ):
        if name in seed.NEW_MEMBERS:
            continue
        created[name] = Organisation.objects.create(
            name=name,
            acronym=acronym,
            kind=kind,
            country=country,
            parent=created[parent] if parent else None,
            designation_footnote=footnote,
        )
    for name, category in seed.EXISTING_MEMBERSHIPS:
        Membership.objects.create(organisation=created[name], category=category)
    honorific, position, organisation_name = seed.PEOPLE["Agron Sojati"]
    Person.objects.create(
        honorific=honorific, name="Agron Sojati", position_title=position, organisation=created[organisation_name]
    )


def record_meeting(page, problems) -> None:
    follow(page, "Meetings")
    follow(page, "Record a new meeting")
    assert page.url.endswith("/edit/meetings/new/")
    check_editing_page(page, "meeting-form", problems)
    meeting = seed.MEETING
    choose(page, "Kind of meeting", choice_label(Meeting.Kind.choices, meeting["kind"]))
    field(page, "Number").fill(str(meeting["ordinal"]))
    field(page, "Title").fill(meeting["title"])
    fill_when(page, "Start", "2022-06-20", "00:00")
    fill_when(page, "End", "2022-06-20", "23:59")
    choose(page, "Time zone", meeting["time_zone"])
    field(page, "Times not announced").check()
    field(page, "City").fill(meeting["city"])
    field(page, "Country").fill(meeting["country"])
    choose(page, "Format", choice_label(Meeting.Format.choices, meeting["format"]))
    field(page, "Public summary").fill(meeting["public_summary"])
    # Preview first: the summary is rendered as the record will show it, and nothing is saved.
    submit(page, "Preview")
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("organised in hybrid mode on 20 June 2022 in Sarajevo")
    assert not Meeting.objects.exists()
    assert field(page, "Title").input_value() == meeting["title"]
    submit(page, "Save")
    assert page.url.endswith(f"/edit/meetings/{SLUG}/participants/")
    expect_success(page, "created as a draft")


def fill_participant(page, row: int, entry) -> None:
    name, organisation_name, role, level = entry
    group = page.get_by_role("group", name=f"Row {row} (new)", exact=True)
    if name and not Person.objects.filter(name=name).exists():
        honorific, position, person_organisation = seed.PEOPLE[name]
        # Created on the spot, in the participants form.
        group.get_by_text("Create a new person on the spot").click()
        choose(group, "Honorific", honorific)
        field(group, "Or a new person: their name").fill(name)
        field(group, "New person's position at this meeting").fill(position)
        choose(group, "New person's organisation", organisation(person_organisation))
    elif name:
        choose(group, "Person", person(name))
    else:
        choose(group, "Organisation represented", organisation(organisation_name))
    choose(group, "Role", choice_label(Participation.Role.choices, role))
    if level:
        choose(group, "Level", choice_label(Participation.Level.choices, level))


def record_participants(page, problems) -> None:
    rows = list(enumerate(seed.PARTICIPATIONS, start=1))
    # One blank row to start with. "Add rows" (which works without JavaScript) keeps what was typed
    # and adds five more; after those, "Add a row" adds each row in place.
    fill_participant(page, 1, rows[0][1])
    submit(page, "Add rows")
    assert field(page.get_by_role("group", name="Row 1 (new)"), "Or a new person: their name").input_value() == (
        "Maciej Popowski"
    )
    expect(page.get_by_role("group", name="Row 6 (new)", exact=True)).to_be_visible()
    for row, entry in rows[1:]:
        if row > 6:
            page.get_by_role("button", name="Add a row").click()
            expect(page.get_by_role("group", name=f"Row {row} (new)", exact=True)).to_be_visible()
        fill_participant(page, row, entry)
    assert page.locator("#id_form-TOTAL_FORMS").input_value() == str(len(rows))
    check_editing_page(page, "participants", problems)
    submit(page, "Save participants")
    expect_success(page, f"Participants saved: {len(rows)} added or changed, 0 removed.")


def record_agenda(page, problems) -> None:
    follow(page, "Back to the record")
    follow(page, "Agenda")
    expect(page.get_by_text("No agenda items yet.")).to_be_visible()
    for position, title, kind, presenters, organisations, notes in seed.AGENDA:
        follow(page, "Add an agenda item")
        if position == 1:
            check_editing_page(page, "agenda-item-form", problems)
        field(page, "Title").fill(title)
        choose(page, "Kind", choice_label(AgendaItem.Kind.choices, kind))
        if presenters:
            choose(page, "Presenters", *[person(name) for name in presenters])
        if organisations:
            choose(page, "Presenting organisations", *[organisation(name) for name in organisations])
        field(page, "Minutes notes").fill(notes)
        submit(page, "Save")
        expect_success(page, f"Agenda item “{title}” added.")
    rows = page.get_by_role("row")
    for position, title, *_rest in seed.AGENDA:
        expect(field(page, f"Position of “{title}”")).to_have_value(str(position))
    assert rows.count() == len(seed.AGENDA) + 1
    check_editing_page(page, "agenda", problems)
    follow(page, "Back to the record")


def fill_decision(page, sequence, agenda_position, verb, subject, wording) -> None:
    decision = page.get_by_role("group", name="The decision")
    choose(decision, "Agenda item", agenda_item(agenda_position))
    # The reference is proposed from the meeting and the next number.
    expect(field(decision, "Reference")).to_have_value(f"B6/2022/{sequence:02d}")
    choose(decision, "What the Board did", choice_label(Decision.Verb.choices, verb))
    field(decision, "What it decided on, in a few words").fill(subject)
    field(decision, "Wording as recorded").fill(wording)


def record_decisions(page, problems) -> None:
    for sequence, agenda_position, verb, subject, wording, documents, members, gives_role in seed.DECISIONS:
        head = (sequence, agenda_position, verb, subject, wording)
        reference = f"B6/2022/{sequence:02d}"
        if documents:
            follow(page, "Endorse / adopt / approve documents")
            if sequence == 1:
                check_editing_page(page, "outcome-documents", problems)
            fill_decision(page, *head)
            (title,) = documents
            kind, pillar_codes, period_start, period_end = seed.DOCUMENTS[title]
            effect = page.get_by_role("group", name="What it changes")
            field(effect, "New document: title").fill(title)
            choose(effect, "New document: kind", DocumentKind.objects.get(slug=kind).name)
            for code in pillar_codes:
                effect.get_by_label(code, exact=True).check()
            if period_start:
                field(effect, "New document: period from (year)").fill(str(period_start))
                field(effect, "New document: period to (year)").fill(str(period_end))
            submit(page, "Record the decision on the documents")
            expect_success(page, f"Decision {reference} recorded on {title}.")
        elif members:
            follow(page, "Admit members")
            fill_decision(page, *head)
            effect = page.get_by_role("group", name="What it changes")
            choose(
                effect,
                "Category they are admitted to",
                choice_label(Membership.Category.choices, seed.NEW_MEMBER_CATEGORY),
            )
            # Members from the day of the meeting: proposed already.
            expect(field(effect, "Member since")).to_have_value("2022-06-20")
            for index, name in enumerate(members, start=1):
                acronym, kind, country, _parent, footnote = seed.ORGANISATIONS[name]
                # A block for each new organisation, on request: the page comes back with one more.
                button = "Add a new organisation" if index == 1 else "Add another new organisation"
                with page.expect_navigation():
                    page.get_by_role("button", name=button).click()
                row = page.get_by_role("group", name=f"New organisation {index}", exact=True)
                field(row, "Name").fill(name)
                field(row, "Acronym").fill(acronym)
                choose(row, "Kind", choice_label(Organisation.Kind.choices, kind))
                field(row, "Country").fill(country)
                if footnote:
                    field(row, "Designation footnote").check()
            check_editing_page(page, "outcome-admit-members", problems)
            submit(page, "Admit the members")
            expect_success(page, f"Decision {reference}: Regional Anti-Corruption Initiative, Bulgaria, OSCE")
        elif gives_role:
            follow(page, "Appoint or name a post holder")
            fill_decision(page, *head)
            effect = page.get_by_role("group", name="The role it gives")
            choose(effect, "Post", "Head of the IISG Secretariat (a person)")
            choose(effect, "Held by (person)", person(seed.ROLE["person"]))
            choose(effect, "Organisation represented", organisation(seed.ROLE["represented"]))
            choose(effect, "Appointment or extension", choice_label(RoleHeld.Kind.choices, seed.ROLE["kind"]))
            field(effect, "Note").fill(seed.ROLE["note"])
            submit(page, "Record the role")
            expect_success(
                page, f"Decision {reference}: role recorded — Mr Agron Sojati — Head of the IISG Secretariat"
            )
        else:
            follow(page, "Agree an action")
            fill_decision(page, *head)
            field(page.get_by_role("group", name="What it changes"), "What is to be done").fill(
                seed.ACTION["description"]
            )
            check_editing_page(page, "outcome-action", problems)
            submit(page, "Record the action")
            expect_success(page, "Action recorded: Coordinate more and directly with donors")


def circulate_and_publish(page, problems, mailoutbox) -> None:
    follow(page, "Circulate to the Board…")
    check_editing_page(page, "circulate", problems)
    # The seed page records no minutes: the check warns, and the Secretariat says why it goes ahead.
    expect(page.get_by_role("region", name="Checks")).to_contain_text("There are no minutes")
    field(page, "Why the record may go ahead as it is").fill("The public page of the 6th meeting holds no minutes.")
    submit(page, "Circulate to the Board members")
    expect_success(page, "Circulated: Board members can read the record, marked DRAFT")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Circulated")
    follow(page, "Publish…")
    check_editing_page(page, "publish", problems)
    expect(page.get_by_role("region", name="What the public will see")).to_contain_text(seed.MEETING["title"])
    if page.get_by_label(re.compile("Why the record may go ahead")).count():
        field(page, "Why the record may go ahead as it is").fill("The public page of the 6th meeting holds no minutes.")
    submit(page, "Publish")
    expect_success(page, "Published: the public now reads the summary and the decisions.")
    assert [len(message.to) for message in mailoutbox] == [1, 1]
    assert "published" in mailoutbox[1].subject.lower()


# What the seed page says, as the public reads it on the record.
PUBLIC_FACTS = [
    seed.MEETING["title"],
    "Monday, 20 June 2022",
    "This event has passed.",
    "Sarajevo",
    "Bosnia and Herzegovina",
    "Hybrid",
    "Maciej Popowski",
    "Acting Director-General",
    "DG NEAR",
    "Olivier Onidi",
    "Deputy Director-General for Security",
    "Tanja Miscevic",
    "Deputy Secretary General",
    "Regional Cooperation Council",
    "ministerial",
    "Austria",
    "Slovenia",
    "Italy",
    "B6/2022/01",
    "B6/2022/09",
    "Endorsed and adopted",
    *seed.DOCUMENTS,
    "Regional Anti-Corruption Initiative",
    "Bulgaria",
    "OSCE Mission in Kosovo*",
    "Agron Sojati",
    "Head of IISG Secretariat",
    "coordination with donors and implementers",
    "This designation is without prejudice to positions on status",
]


def test_secretariat_records_the_sixth_board_meeting_and_the_public_reads_it(
    new_page, secretariat, board_member, registers, mailoutbox
):
    page = new_page()
    problems: dict = {}
    sign_in(page, secretariat.username, PASSWORD)
    record_meeting(page, problems)
    record_participants(page, problems)
    record_agenda(page, problems)
    assert page.url.endswith(f"/meetings/{SLUG}/")
    record_decisions(page, problems)
    circulate_and_publish(page, problems, mailoutbox)

    # The records are what the demo loader makes from the seed: it finds nothing to add or change.
    counts = {model: model.objects.count() for model in HISTORY_MODELS}
    history = {model: model.history.count() for model in HISTORY_MODELS}
    meeting = load_sixth_board_meeting()
    assert {model: model.objects.count() for model in HISTORY_MODELS} == counts
    changed = [
        (model.__name__, [record.diff_against(record.prev_record).changes for record in model.history.all()[:1]])
        for model in HISTORY_MODELS
        if model.history.count() != history[model]
    ]
    assert changed == []
    assert meeting.status == Meeting.Status.PUBLISHED
    assert [d.reference for d in meeting.decisions.order_by("sequence")] == [f"B6/2022/{n:02d}" for n in range(1, 10)]
    new_members = Membership.objects.filter(since=dt.date(2022, 6, 20), category=seed.NEW_MEMBER_CATEGORY)
    assert sorted(m.organisation.name for m in new_members) == sorted(seed.NEW_MEMBERS)

    # The public, in a fresh browser: the facts of the seed page, nothing marked DRAFT.
    public = new_page()
    public.goto("/")
    with public.expect_navigation():
        public.get_by_role("link", name=seed.MEETING["title"]).first.click()
    assert public.url.endswith(f"/meetings/{SLUG}/")
    text = public.locator("body").inner_text()
    assert [fact for fact in PUBLIC_FACTS if fact.lower() not in text.lower()] == []
    assert "DRAFT" not in text
    assert public.get_by_role("navigation", name="Edit this meeting").count() == 0
    screenshot(public, "edit-published-public")

    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())


# --- Scenario 4: bad input is kept, the error shown beside the field ----------------------------


def error_beside(page, label: str, control=None) -> str:
    """The error message of a field: marked invalid, described by the message, in the field's own block."""
    control = control or field(page, label)
    expect(control).to_have_attribute("aria-invalid", "true")
    block = control.locator("xpath=ancestor::*[contains(@class, 'mb-3')][1]")
    feedback = block.locator(".invalid-feedback")
    expect(feedback).to_be_visible()
    return feedback.inner_text()


def test_meeting_form_with_bad_input_keeps_it_and_shows_the_error_beside_the_field(page, secretariat):
    sign_in(page, secretariat.username, PASSWORD)
    page.goto("/edit/meetings/new/")
    field(page, "Title").fill("7th IISG Board meeting")
    field(page, "Number").fill("7")
    fill_when(page, "Start", "2023-06-20", "10:00")
    fill_when(page, "End", "2023-06-19", "10:00")  # before the start
    field(page, "City").fill("Skopje")
    field(page, "Public summary").fill("The Board met in **Skopje**.")
    submit(page, "Save")

    assert not Meeting.objects.exists()
    assert "end" in error_beside(page, "End", control=when(page, "End")[0]).lower()
    # Everything typed is still there.
    assert field(page, "Title").input_value() == "7th IISG Board meeting"
    assert field(page, "Number").input_value() == "7"
    assert [part.input_value() for part in when(page, "Start")] == ["2023-06-20", "10:00"]
    assert [part.input_value() for part in when(page, "End")] == ["2023-06-19", "10:00"]
    assert field(page, "City").input_value() == "Skopje"
    assert field(page, "Public summary").input_value() == "The Board met in **Skopje**."
    screenshot(page, "edit-meeting-form-errors")
    assert axe_violations(page) == []

    # Corrected, it saves.
    fill_when(page, "End", "2023-06-20", "16:00")
    submit(page, "Save")
    expect_success(page, "created as a draft")
    assert Meeting.objects.get().city == "Skopje"


def test_participants_with_bad_input_keep_it_and_show_the_error_beside_the_field(page, secretariat):
    meeting = MeetingFactory(status="draft")
    sign_in(page, secretariat.username, PASSWORD)
    page.goto(f"/edit/meetings/{meeting.slug}/participants/")
    row = page.get_by_role("group", name="Row 1 (new)", exact=True)
    row.get_by_text("Create a new person on the spot").click()
    field(row, "Or a new person: their name").fill("Ana Delegate")
    field(row, "New person's position at this meeting").fill("Minister of Interior")
    choose(row, "Role", "Delegate")
    submit(page, "Save participants")

    expect(page.locator(".messages .alert-danger")).to_contain_text("Nothing was saved")
    assert not Participation.objects.exists()
    row = page.get_by_role("group", name="Row 1 (new)", exact=True)
    assert "organisation" in error_beside(row, "Organisation represented").lower()
    # The row opens on the new person, with what was typed.
    assert field(row, "Or a new person: their name").input_value() == "Ana Delegate"
    assert field(row, "New person's position at this meeting").input_value() == "Minister of Interior"
    assert field(row, "Role").input_value() == "delegate"
    screenshot(page, "edit-participants-errors")
    assert axe_violations(page) == []


def test_outcome_with_a_taken_reference_keeps_the_input(page, secretariat):
    meeting = MeetingFactory(status="draft")
    taken = Decision.objects.create(meeting=meeting, sequence=1, reference="B9/2023/01", verb="approved", subject="X")
    sign_in(page, secretariat.username, PASSWORD)
    page.goto(f"/edit/meetings/{meeting.slug}/outcomes/action/")
    decision = page.get_by_role("group", name="The decision")
    field(decision, "Reference").fill(taken.reference)
    field(decision, "What it decided on, in a few words").fill("Coordination with donors")
    field(page, "What is to be done").fill("Coordinate with donors.")
    submit(page, "Record the action")

    assert "taken by another decision" in error_beside(page, "Reference")
    assert field(page, "What it decided on, in a few words").input_value() == "Coordination with donors"
    assert field(page, "What is to be done").input_value() == "Coordinate with donors."
    assert not ActionItem.objects.exists()
    assert axe_violations(page) == []


# --- Scenario 5: two editors, one meeting ------------------------------------------------------


def test_second_save_of_the_same_meeting_is_refused_with_what_changed_and_nothing_is_lost(new_page, secretariat):
    meeting = MeetingFactory(status="draft", title="Board meeting in Podgorica", city="Podgorica")
    other = UserFactory(username="second", first_name="Ana", last_name="Editor")
    other.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    first, second = new_page(), new_page()
    sign_in(first, secretariat.username, PASSWORD)
    sign_in(second, other.username, PASSWORD)
    for page in (first, second):
        page.goto(meeting.get_absolute_url())
        follow(page, "Edit meeting")

    # Ana saves first.
    field(second, "Title").fill("Board meeting in Tirana")
    field(second, "City").fill("Tirana")
    submit(second, "Save")
    expect_success(second, "Meeting “Board meeting in Tirana” saved.")

    # The first editor, on the form opened before her save, changes the title and the minutes.
    field(first, "Title").fill("Board meeting, first editor's title")
    field(first, "Minutes").fill("Minutes typed by the first editor.")
    submit(first, "Save")

    expect(first.locator(".messages .alert-danger")).to_contain_text("Not saved")
    conflict = first.get_by_role("alert").filter(has_text="Someone else saved this record")
    expect(conflict).to_contain_text(re.compile(r"Saved by Ana Editor on \d{1,2} \w+ \d{4}, \d\d:\d\d\. "))
    changes = conflict.get_by_role("table", name="What the other save changed")
    title_row = changes.get_by_role("row", name=re.compile("^Title"))
    expect(title_row).to_contain_text("Board meeting in Podgorica")
    expect(title_row).to_contain_text("Board meeting in Tirana")
    expect(title_row).to_contain_text("You changed it too: your input is kept")
    city_row = changes.get_by_role("row", name=re.compile("^City"))
    expect(city_row).to_contain_text("Podgorica")
    expect(city_row).to_contain_text("Tirana")
    expect(city_row).to_contain_text("Their value, taken into your form")
    screenshot(first, "edit-meeting-conflict")
    assert axe_violations(first) == []

    # Nothing is lost: Ana's save is kept, the first editor's input is still in the form.
    meeting.refresh_from_db()
    assert (meeting.title, meeting.city, meeting.minutes) == ("Board meeting in Tirana", "Tirana", "")
    assert field(first, "Title").input_value() == "Board meeting, first editor's title"
    assert field(first, "Minutes").input_value() == "Minutes typed by the first editor."
    assert field(first, "City").input_value() == "Tirana"

    # Having seen her changes, the first editor saves again on purpose: now it applies, hers kept.
    submit(first, "Save")
    expect_success(first, "saved.")
    meeting.refresh_from_db()
    assert (meeting.title, meeting.city, meeting.minutes) == (
        "Board meeting, first editor's title",
        "Tirana",
        "Minutes typed by the first editor.",
    )
