"""
Issue 20, "a meeting page you can navigate": in Chromium at 320x568 (a small phone) and 1280x800, for the
public and a Board member on the 6th meeting (the demo's seed).

- The header is one line on a phone (brand and a Menu button, at most 64 px); the button is a real button
  (aria-expanded, aria-controls) that opens the menu, whose links the keyboard reaches; the skip link stays.
  On a wide screen the menu is shown as before, without the button.
- The page's contents link only to the sections this reader gets; the Minutes link takes a Board member
  to the Minutes heading; the contents (with Minutes) and the downloads are within the first screen.
- axe-core finds no serious or critical violation on the changed pages, the menu open or closed.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIXTH = "/meetings/6th-board-meeting-2022/"
PHONE = {"width": 320, "height": 568}
WIDE = {"width": 1280, "height": 800}

# The contents, in the page's order, as each reader gets them on the seed meeting (no papers; its minutes
# are the agenda's notes, for Board members only).
CONTENTS = {
    "anonymous": ["Summary", "Who took part", "Decisions", "Downloads"],
    "board_member": ["Summary", "Minutes", "Decisions", "Attendance", "Documents", "Downloads"],
}

# Where an element is in the viewport (after any scrolling), rounded.
BOX = "(el) => { const r = el.getBoundingClientRect(); return {top: Math.round(r.top), bottom: Math.round(r.bottom)}; }"


@pytest.fixture
def sixth_meeting():
    return load_sixth_board_meeting()


def open_as(new_page, personas, persona, viewport):
    page = new_page(width=viewport["width"], height=viewport["height"])
    if persona != "anonymous":
        sign_in(page, personas[persona].username, PASSWORD)
    return page


def header_height(page) -> float:
    return page.evaluate("document.querySelector('header').getBoundingClientRect().height")


def focused(page) -> dict:
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return {tag: el.tagName.toLowerCase(), text: (el.innerText || '').trim(), id: el.id}; }"
    )


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_the_phone_header_is_one_line_and_its_menu_opens_from_the_keyboard(new_page, personas, sixth_meeting, persona):
    page = open_as(new_page, personas, persona, PHONE)
    assert page.goto(SIXTH).status == 200
    # Measured: 53 px (223 px before, the whole menu open).
    assert header_height(page) <= 64
    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "main-nav")
    menu = page.locator("#main-nav")
    expect(menu).to_be_hidden()

    # From the top of the page: the skip link first, then the brand, then the button.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_visible()
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "IISG Board Portal"
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "button"
    assert focused(page)["text"] == "Menu"
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("searchbox")).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out" if persona != "anonymous" else "Search")).to_be_visible()
    # The next stop is the menu's first link, and Enter follows it.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Meetings"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/meetings/")
    # The menu closes again with its button (once it has finished opening: Bootstrap ignores a click meanwhile).
    button = page.get_by_role("button", name="Menu")
    button.click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#main-nav")).to_be_hidden()


def test_on_a_wide_screen_the_menu_is_shown_as_before(new_page, personas, sixth_meeting):
    page = open_as(new_page, personas, "anonymous", WIDE)
    page.goto(SIXTH)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main navigation")
    for name in ("Meetings", "Decisions", "Procedures", "Members", "Sign in"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("searchbox")).to_be_visible()
    # One row, as before: brand, links, search and sign-in side by side.
    assert header_height(page) <= 64


def test_without_scripts_the_phone_menu_stays_open(browser, live_server, sixth_meeting):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(SIXTH)
        expect(page.locator(".navbar-toggler")).to_be_hidden()
        expect(page.locator("#main-nav").get_by_role("link", name="Meetings", exact=True)).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_the_contents_link_to_the_sections_present_and_fit_the_first_screen(new_page, personas, sixth_meeting, persona):
    page = open_as(new_page, personas, persona, PHONE)
    for viewport in (PHONE, WIDE):
        page.set_viewport_size(viewport)
        page.goto(SIXTH)
        contents = page.get_by_role("navigation", name="Contents")
        links = contents.get_by_role("link")
        expect(links).to_have_text(CONTENTS[persona])
        # Each link leads to something on the page: a heading of the record, or the downloads.
        for href in links.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))"):
            assert page.locator(href).count() == 1, href
        if persona == "anonymous":
            assert page.locator("#minutes-heading").count() == 0
            assert page.locator("#attendance-heading").count() == 0

        # The first screen: the contents (with the Minutes link for a Board member) and every download.
        downloads = page.locator("#downloads").get_by_role("link")
        expect(downloads.first).to_have_text("Minutes (PDF)" if persona != "anonymous" else "Public record (PDF)")
        expect(downloads.nth(1)).to_have_text("Add to calendar (iCalendar)")
        for link in [*downloads.all(), *links.all()]:
            box = link.evaluate(BOX)
            assert box["top"] >= 0, (viewport, link.inner_text(), box)
            assert box["bottom"] <= viewport["height"], (viewport, link.inner_text(), box)
        if viewport == PHONE:
            # One or two lines: the links' rows.
            rows = {box["top"] for box in (link.evaluate(BOX) for link in links.all())}
            assert len(rows) <= 2, rows


def test_a_circulated_draft_keeps_the_contents_and_downloads_in_the_phones_first_screen(
    new_page, personas, sixth_meeting
):
    sixth_meeting.status = Meeting.Status.CIRCULATED
    sixth_meeting.published_at = None
    sixth_meeting.save()
    page = open_as(new_page, personas, "board_member", PHONE)
    page.goto(SIXTH)
    expect(page.locator(".draft-banner")).to_be_visible()
    minutes = page.get_by_role("navigation", name="Contents").get_by_role("link", name="Minutes")
    for link in (minutes, page.locator("#downloads").get_by_role("link", name="Minutes (PDF)")):
        assert link.evaluate(BOX)["bottom"] <= PHONE["height"]


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["320", "1280"])
def test_the_minutes_link_takes_a_board_member_to_the_minutes(new_page, personas, sixth_meeting, viewport):
    page = open_as(new_page, personas, "board_member", viewport)
    page.goto(SIXTH)
    heading = page.get_by_role("heading", name="Minutes", level=2)
    page.get_by_role("navigation", name="Contents").get_by_role("link", name="Minutes").click()
    page.wait_for_url(f"**{SIXTH}#minutes-heading")
    # Bootstrap scrolls smoothly: wait for the heading to arrive at the top of the window.
    page.wait_for_function(
        "() => Math.abs(document.getElementById('minutes-heading').getBoundingClientRect().top) < 100"
    )
    box = heading.evaluate(BOX)
    assert 0 <= box["top"] < 100, box
    # The minutes come right after the summary: its agenda with the items' notes in it.
    order = page.evaluate("[...document.querySelectorAll('main h2')].map((h) => h.textContent.trim())")
    assert order.index("Minutes") == order.index("Summary") + 1, order
    minutes = page.locator("#minutes")
    expect(minutes.get_by_role("heading", name="Agenda", level=3)).to_be_visible()
    expect(minutes.get_by_text("completed for the first time for all three pillars").first).to_be_visible()


def test_the_announcement_has_contents_and_downloads(new_page, personas):
    announced = MeetingFactory(
        title="Next IISG Board Meeting",
        status="draft",
        start=timezone.now() + dt.timedelta(days=40),
        announced_at=timezone.now(),
        public_summary="",
    )
    page = open_as(new_page, personas, "anonymous", PHONE)
    assert page.goto(announced.get_absolute_url()).status == 200
    assert header_height(page) <= 64
    links = page.get_by_role("navigation", name="Contents").get_by_role("link")
    expect(links).to_have_text(["When and where", "Downloads"])
    downloads = page.locator("#downloads").get_by_role("link")
    expect(downloads).to_have_text(["Add to calendar (iCalendar)"])
    assert downloads.first.evaluate(BOX)["bottom"] <= PHONE["height"]
    assert axe_violations(page) == []


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_the_meeting_page_has_no_serious_axe_violations_with_the_menu_open_or_closed(
    new_page, personas, sixth_meeting, persona
):
    page = open_as(new_page, personas, persona, PHONE)
    page.goto(SIXTH)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#main-nav")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size(WIDE)
    page.goto(SIXTH)
    assert axe_violations(page) == []
