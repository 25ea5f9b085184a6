"""The layout in a real browser: signing in and out, and the home page on desktop and phone."""

import pytest

from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD


def test_board_member_signs_in_and_out(page, board_member):
    sign_in(page, board_member.username, PASSWORD)
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in").is_visible()


def test_wrong_password_keeps_the_username_and_says_why(page, board_member):
    sign_in(page, board_member.username, "not-the-password")
    assert page.get_by_label("Username").input_value() == board_member.username
    assert page.get_by_text("Please enter a correct username and password").is_visible()


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
