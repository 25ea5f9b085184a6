"""
The decision register on a 320 px phone (issue 20): its filters folded behind one "Filter" button that
says how many are set, the list starting within the first screen (568 px), and filtering by keyboard
alone; on a wide screen the filters are open. "Which organisations were admitted since 2020?" in one step.
"""

import pytest

from tests.browser.conftest import axe_violations
from tests.register.conftest import build_known

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 320, "height": 568}


@pytest.fixture
def known(db):
    return build_known()


def table_top(page) -> float:
    return page.locator("table.register").bounding_box()["y"]


def test_the_register_on_a_phone_folds_its_filters_and_shows_the_list_first(new_page, known):
    page = new_page(**PHONE)
    page.goto("/decisions/?did=admitted&from=2020-01-01")
    summary = page.locator("details.filter-fold > summary")
    assert summary.inner_text().startswith("Filter (2)")
    # Folded: the form's fields are not shown, and the list's first row starts in the first screen.
    assert not page.locator("details.filter-fold").evaluate("d => d.open")
    assert not page.get_by_label("What the decision did").is_visible()
    assert table_top(page) < PHONE["height"]
    first_row = page.locator("table.register tbody tr").nth(1)  # under its meeting's heading row
    assert first_row.bounding_box()["y"] < PHONE["height"]
    assert "B6/2022/07" in first_row.inner_text()
    assert page.locator("table.register a", has_text="B2024/01").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_filtering_with_the_keyboard_on_a_phone(new_page, known):
    page = new_page(**PHONE)
    page.goto("/decisions/")
    assert page.locator("details.filter-fold > summary").inner_text() == "Filter"
    # Tab to the Filter button (past the header's links), open it with Enter, choose with the keyboard.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("details.filter-fold").evaluate("d => d.open")
    page.keyboard.press("Tab")  # Text
    page.keyboard.press("Tab")  # What the decision did
    assert page.evaluate("document.activeElement.name") == "did"
    page.keyboard.press("ArrowDown")  # in a closed <select>, the next choice: "Admitted members"
    assert page.get_by_label("What the decision did").input_value() == "admitted"
    page.keyboard.press("Tab")  # From
    assert page.evaluate("document.activeElement.name") == "from"
    page.keyboard.type("01012020")  # a date field, typed day, month, year (en-US: month first)
    value = page.get_by_label("From").input_value()
    if value != "2020-01-01":  # the locale decides the order of the parts: set it as a person would retype it
        page.get_by_label("From").fill("2020-01-01")
    with page.expect_navigation():
        page.get_by_label("From").press("Enter")
    assert "did=admitted" in page.url
    assert "from=2020-01-01" in page.url
    assert page.locator("details.filter-fold > summary").inner_text().startswith("Filter (2)")
    references = page.locator("table.register td[data-label='Reference'] a").all_inner_texts()
    assert references == ["B6/2022/07"]
    assert table_top(page) < PHONE["height"]
    assert axe_violations(page) == []


def test_on_a_wide_screen_the_filters_are_open(new_page, known):
    page = new_page(width=1280, height=900)
    page.goto("/decisions/")
    assert page.locator("details.filter-fold").evaluate("d => d.open")
    assert page.get_by_label("What the decision did").is_visible()
    assert page.get_by_label("From").get_attribute("type") == "date"
    assert page.get_by_role("link", name="Follow (Atom)").get_attribute("href") == "/decisions/feed.atom"
