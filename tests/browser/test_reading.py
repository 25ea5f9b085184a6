"""
Reading in a real browser: a board member reads the minutes and downloads them; an anonymous
visitor reads the public page. (Every main page, for every role, at desktop and phone width, with
0 axe-core violations of any impact: test_accessibility.py.)
"""

import pytest
from playwright.sync_api import expect

from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, MeetingFactory

SIXTH = "/meetings/6th-board-meeting-2022/"


@pytest.fixture
def sixth_meeting():
    return load_sixth_board_meeting()


def test_board_member_reads_the_minutes_and_downloads_the_pdf(page, board_member, sixth_meeting):
    sign_in(page, board_member.username, PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=sixth_meeting.title).first.click()
    page.wait_for_url(f"**{SIXTH}")
    main = page.locator("main")
    # The full minutes: attendance and the agenda with its notes.
    expect(main.get_by_role("heading", name="Agenda")).to_be_visible()
    expect(main.get_by_text("State of play of the IISG: presentation of the IISG products").first).to_be_visible()
    expect(main.get_by_text("completed for the first time for all three pillars").first).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Minutes (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as calendar_info:
        page.get_by_role("link", name="Add to calendar (iCalendar)").click()
    assert calendar_info.value.suggested_filename.endswith(".ics")


SEED_FACTS = [
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
    "DG HOME",
    "Tanja Miscevic",
    "Deputy Secretary General",
    "Regional Cooperation Council",
    "ministerial",
    "Albania",
    "Kosovo*",
    "Montenegro",
    "North Macedonia",
    "Serbia",
    "Austria",
    "Slovenia",
    "Italy",
    "IISG Secretariat",
    "Presentation of IISG outputs",
    "Endorsed and adopted",
    "IISG needs mapping 2021–2022 for the three pillars WBCTi, WBCSCi and WBBSi",
    "Updated methodology for the development of the IISG biennial needs mapping report",
    "Methodology for the development of the IISG annual response mapping report",
    "Methodology for mapping support to the IISG needs (IISG Database)",
    "IISG Secretariat annual work plan 2022",
    "Regional Anti-Corruption Initiative",
    "Bulgaria",
    "OSCE Mission in Kosovo*",
    "Agron Sojati",
    "Head of IISG Secretariat",
    "coordination with donors and implementers",
    "This designation is without prejudice to positions on status",
]


def test_anonymous_visitor_reads_every_fact_of_the_public_page(page, sixth_meeting):
    page.goto("/")
    page.get_by_role("link", name=sixth_meeting.title).first.click()
    page.wait_for_url(f"**{SIXTH}")
    text = page.locator("body").inner_text()
    missing = [fact for fact in SEED_FACTS if fact.lower() not in text.lower()]
    assert missing == []
    assert "DRAFT" not in text
    assert text.count("This designation is without prejudice") == 1
    # The minutes themselves are for Board members.
    assert page.get_by_role("link", name="Minutes (PDF)").count() == 0


def test_draft_is_not_found_for_the_public(page):
    draft = MeetingFactory(status="draft", title="Unreleased draft meeting")
    response = page.goto(draft.get_absolute_url())
    assert response.status == 404
    assert "Unreleased draft meeting" not in page.content()


def test_circulated_draft_is_marked_for_board_members(page, board_member):
    circulated = MeetingFactory(status="circulated", title="Circulated meeting")
    sign_in(page, board_member.username, PASSWORD)
    page.goto(circulated.get_absolute_url())
    assert "DRAFT" in page.locator("main").inner_text()


# Every main page for every role, at 320 and 1280 px, with axe-core: tests/browser/test_accessibility.py (any impact,
# one heading 1, nothing wider than the screen, a screenshot of each).
