"""The layout in a real browser: signing in and out, and the home page on desktop and phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD


def test_board_member_signs_in_and_out(page, board_member):
    sign_in(page, board_member.username, PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_wrong_password_keeps_the_username_and_says_why(page, board_member):
    sign_in(page, board_member.username, "not-the-password")
    expect(page.get_by_label("Username")).to_have_value(board_member.username)
    # Announced in the error summary (role alert), and beside the form as well.
    expect(page.get_by_role("alert").get_by_text("Please enter a correct username and password")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_home_page_layout_and_accessibility(new_page, width):
    page = new_page(width=width)
    page.goto("/")
    assert page.get_by_role("heading", level=1).count() == 1
    screenshot(page, "home")
    assert axe_violations(page) == []


def test_keyboard_reaches_the_main_content_first(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
