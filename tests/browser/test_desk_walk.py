"""
A new Secretariat officer records, circulates and publishes a small meeting from the desk (issue 19):
3 participants, 2 agenda items, 2 decisions (one admitting a member), 1 paper uploaded. The walk follows
only the path's "Save and continue" buttons and next-step links, counts the page loads (at most 14),
and meets no refused save. Run twice: with the mouse, and with the keyboard alone (focus moves with Tab
and the keys a person presses; no click).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from decisions.models import Decision, MeetingPaper
from meetings.models import Meeting
from members.forms import PersonChoiceField
from members.models import Membership, Organisation, Person
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

PEOPLE = [
    ("Ana Kovač", "Minister of Security", "Bosnia and Herzegovina Ministry of Security"),
    ("Besnik Hoxha", "Deputy Minister of Interior", "Albania Ministry of Interior"),
    ("Jelena Petrović", "State Secretary", "Montenegro Ministry of Interior"),
]
NEWCOMER = "Regional Cooperation Council"
MAX_PAGE_LOADS = 14


@pytest.fixture
def registers(board_member):
    for name, position, organisation_name in PEOPLE:
        organisation = Organisation.objects.create(name=organisation_name, kind="wb_partner", country="")
        Membership.objects.create(organisation=organisation, category=Membership.Category.BOARD)
        Person.objects.create(name=name, position_title=position, organisation=organisation)
    Organisation.objects.create(name=NEWCOMER, acronym="RCC", kind="regional_initiative")
    board_member.email = "board@example.org"
    board_member.save()


@pytest.fixture
def officer(secretariat):
    return secretariat


class Walker:
    """Acts on the page with the mouse, or with the keyboard alone; counts the documents loaded."""

    def __init__(self, page, keyboard: bool):
        self.page, self.keyboard, self.loads, self.refused = page, keyboard, 0, []
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1
        if self.page.locator(".messages .alert-danger, .error-summary").count():
            self.refused.append(self.page.url)

    def _reach(self, locator) -> None:
        """With the keyboard: Tab (or Shift+Tab) until the element has the focus."""
        handle = locator.element_handle()
        for _ in range(200):
            if self.page.evaluate("(el) => document.activeElement === el", handle):
                return
            self.page.keyboard.press("Tab")
        for _ in range(200):
            if self.page.evaluate("(el) => document.activeElement === el", handle):
                return
            self.page.keyboard.press("Shift+Tab")
        raise AssertionError(f"Tab never reached {locator}")

    def activate(self, locator) -> None:
        """Follow a link or press a button, and wait for the page it opens."""
        with self.page.expect_navigation():
            if self.keyboard:
                self._reach(locator)
                self.page.keyboard.press("Enter")
            else:
                locator.click()

    def fill(self, locator, text: str) -> None:
        if self.keyboard:
            self._reach(locator)
            if locator.get_attribute("type") == "date":
                # A date input takes its parts as typed in the browser's order (en-US: month, day, year).
                year, month, day = text.split("-")
                self.page.keyboard.type(f"{month}{day}{year}")
            else:
                self.page.keyboard.press("Control+A")
                self.page.keyboard.type(text)
            expect(locator).to_have_value(text)
        else:
            locator.fill(text)

    def check(self, locator) -> None:
        if self.keyboard:
            self._reach(locator)
            if not locator.is_checked():
                self.page.keyboard.press("Space")
        else:
            locator.check()
        expect(locator).to_be_checked()

    def choose(self, select, label: str) -> None:
        """Pick an option by its text: with the keyboard, arrow keys until it is the selected one."""
        if not self.keyboard:
            select.select_option(label=label)
            return
        self._reach(select)
        options = select.locator("option").all_inner_texts()
        target = next(i for i, text in enumerate(options) if text.strip() == label)
        current = select.evaluate("(el) => el.selectedIndex")
        key = "ArrowDown" if target > current else "ArrowUp"
        for _ in range(abs(target - current)):
            self.page.keyboard.press(key)
        expect(select).to_have_value(select.locator("option").nth(target).get_attribute("value"))

    def upload(self, locator, name: str, content: bytes) -> None:
        # Choosing a file opens the system's dialog, which no page can drive: the file is set on the input.
        locator.set_input_files(files=[{"name": name, "mimeType": "application/pdf", "buffer": content}])


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def label(scope, text: str):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$"))


def walk(page, walker: Walker) -> Meeting:
    page.goto("/")
    walker.loads = 1  # the desk
    expect(page.get_by_role("heading", level=1)).to_contain_text("desk")

    walker.activate(page.get_by_role("link", name="New meeting", exact=True))
    walker.fill(label(page, "Number"), "27")
    walker.fill(label(page, "Title"), "27th IISG Board Meeting")
    start = page.get_by_role("group", name=re.compile(r"^\s*Start"))
    walker.fill(start.get_by_label(re.compile(r"^Date")), "2026-11-20")
    walker.check(label(page, "Times not announced"))
    walker.fill(label(page, "City"), "Skopje")
    walker.fill(label(page, "Country"), "North Macedonia")
    walker.fill(label(page, "Public summary"), "The Board met in Skopje and admitted the Regional Cooperation Council.")
    walker.fill(label(page, "Minutes"), "The Board discussed the work plan and the new member's request.")
    walker.activate(button(page, "Save"))
    assert "/participants/" in page.url

    add_row = button(page, "Add a row")
    for number, (name, _position, _organisation) in enumerate(PEOPLE, start=1):
        if number > 1:
            if walker.keyboard:
                walker._reach(add_row)
                page.keyboard.press("Enter")
            else:
                add_row.click()
        row = page.get_by_role("group", name=f"Row {number} (new)", exact=True)
        person = Person.objects.get(name=name)
        walker.choose(
            label(row, "Person"), PersonChoiceField(queryset=Person.objects.all()).label_from_instance(person)
        )
    walker.activate(button(page, "Save and continue: Agenda"))
    assert "/agenda/new/" in page.url

    walker.fill(label(page, "Title"), "Opening")
    walker.activate(button(page, "Save and add another item"))
    walker.fill(label(page, "Title"), "Work plan 2027")
    walker.activate(button(page, "Save and continue: Decisions"))
    assert page.url.endswith("/decisions/")

    walker.activate(page.get_by_role("link", name="Another decision (no effect on the registers)"))
    decision = page.locator("main form")
    walker.choose(label(decision, "What the Board did"), "Took note")
    walker.fill(label(decision, "What it decided on, in a few words"), "The work plan 2027")
    walker.fill(label(decision, "Wording as recorded"), "The Board took note of the work plan 2027.")
    walker.activate(button(page, "Save and record another decision"))
    walker.activate(page.get_by_role("link", name="Admit members"))
    decision = page.get_by_role("group", name="The decision")
    walker.fill(label(decision, "What it decided on, in a few words"), "A new member")
    walker.fill(label(decision, "Wording as recorded"), "The Board admitted the Regional Cooperation Council.")
    walker.choose(label(decision, "What the Board did"), "Approved")
    changes = page.get_by_role("group", name="What it changes")
    walker.check(changes.get_by_role("checkbox", name=NEWCOMER, exact=True))
    walker.activate(button(page, "Save and continue: Papers"))
    assert page.url.endswith("/papers/")

    walker.upload(label(page, "File"), "work-plan-2027.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    walker.fill(label(page, "Title of a new document"), "Work plan 2027")
    walker.activate(button(page, "Save and continue: Circulate"))
    expect(page.get_by_text("Nothing is missing: every check passed.")).to_be_visible()

    walker.activate(button(page, "Circulate to the Board members"))
    expect(page.locator(".messages")).to_contain_text("1 Board member was e-mailed: board@example.org.")
    walker.activate(page.get_by_role("link", name="Publish…"))
    expect(page.get_by_role("heading", name="What the public will see")).to_be_visible()
    walker.activate(button(page, "Publish"))
    expect(page.locator(".messages")).to_contain_text("Published")
    return Meeting.objects.get(title="27th IISG Board Meeting")


@pytest.mark.parametrize("keyboard", [False, True], ids=["mouse", "keyboard"])
def test_a_small_meeting_from_the_desk_to_publication(page, registers, officer, keyboard):
    sign_in(page, officer.username, PASSWORD)
    walker = Walker(page, keyboard)
    meeting = walk(page, walker)

    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.participations.count() == len(PEOPLE)
    # Each participant's position at the time was taken from the person's record: no refused save.
    assert sorted(meeting.participations.values_list("position", flat=True)) == sorted(p for _, p, _ in PEOPLE)
    assert list(meeting.agenda_items.order_by("position").values_list("title", flat=True)) == [
        "Opening",
        "Work plan 2027",
    ]
    assert Decision.objects.filter(meeting=meeting).count() == 2
    assert Membership.objects.filter(organisation__name=NEWCOMER, decisions__meeting=meeting).exists()
    assert MeetingPaper.objects.filter(meeting=meeting, document__title="Work plan 2027").exists()
    assert walker.refused == []
    assert walker.loads <= MAX_PAGE_LOADS, walker.loads


def test_the_board_member_reads_the_paper_with_the_record(new_page, registers, officer, board_member):
    page = new_page()
    sign_in(page, officer.username, PASSWORD)
    walk(page, Walker(page, keyboard=False))
    reader = new_page()
    sign_in(reader, board_member.username, PASSWORD)
    meeting = Meeting.objects.get(title="27th IISG Board Meeting")
    reader.goto(meeting.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_contain_text("27th IISG Board Meeting")
    papers = reader.get_by_role("region", name="Papers")
    expect(papers.get_by_role("link", name="Work plan 2027")).to_be_visible()
    # The public reads the record without the papers.
    public = new_page()
    public.goto(meeting.get_absolute_url())
    expect(public.get_by_role("heading", level=1)).to_contain_text("27th IISG Board Meeting")
    expect(public.get_by_role("region", name="Papers")).to_have_count(0)
