"""
Keyboard and screen-reader basics in Chromium: a focus ring that can be seen on every kind of
control (WCAG 1.4.11: 3:1 against what surrounds it), on white and on the navy bar; and after a
save or a refused form, focus and the page title say what happened.
"""

import re

import pytest
from playwright.sync_api import expect

from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sixth_meeting():
    return load_sixth_board_meeting()


# For a focused element: its outline colour and the colour behind it (the nearest ancestor with a
# background), both as [r, g, b].
RING = """
(element) => {
  const style = getComputedStyle(element);
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  let node = element.parentElement, behind = [255, 255, 255];
  while (node) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) { behind = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {
    outline: rgb(style.outlineColor).slice(0, 3),
    width: parseFloat(style.outlineWidth),
    styleName: style.outlineStyle,
    behind: behind,
    focused: element === document.activeElement,
  };
}
"""


def luminance(rgb) -> float:
    def channel(value):
        value = value / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def focus_by_keyboard(page, locator) -> dict:
    """Tab until `locator` has focus (so :focus-visible applies as for a keyboard user)."""
    target = locator.element_handle()
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => el === document.activeElement", target):
            return page.evaluate(RING, target)
    raise AssertionError(f"Tab never reached {locator}")


def assert_visible_ring(ring, what):
    assert ring["focused"], what
    assert ring["styleName"] == "solid", what
    assert ring["width"] >= 2, what
    ratio = contrast(ring["outline"], ring["behind"])
    assert ratio >= 3, f"{what}: focus ring {ring['outline']} on {ring['behind']} is {ratio:.2f}:1"


def test_focus_ring_is_seen_on_every_kind_of_control_on_white_and_on_navy(page, secretariat, sixth_meeting):
    sign_in(page, secretariat.username, PASSWORD)
    page.goto("/decisions/")
    controls = {
        "navbar link (navy)": page.locator("nav.navbar a.nav-link").first,
        "navbar brand (navy)": page.locator("nav.navbar .navbar-brand"),
        "navbar search field (navy)": page.locator("#nav-search"),
        "navbar button (navy)": page.locator("nav.navbar button[type=submit]").first,
        "text field (white)": page.locator("main input[type=search], main input[type=text]").first,
        "select (white)": page.locator("main select").first,
        "button (white)": page.locator("main button[type=submit]").first,
        "link (white)": page.locator("main table a").first,
        "footer link (light grey)": page.locator("footer a").first,
    }
    for what, locator in controls.items():
        assert_visible_ring(focus_by_keyboard(page, locator), what)
    page.goto(f"/edit/meetings/{sixth_meeting.slug}/")
    checkbox = page.locator("main input[type=checkbox]").first
    assert_visible_ring(focus_by_keyboard(page, checkbox), "checkbox (white)")


def test_a_refused_save_is_announced_and_focus_goes_to_the_error_summary(page, secretariat, sixth_meeting):
    sign_in(page, secretariat.username, PASSWORD)
    page.goto(f"/edit/meetings/{sixth_meeting.slug}/")
    page.get_by_label("Title").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").first.click()
    expect(page).to_have_title(re.compile(r"^Error — "))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Title")
    # The summary's link takes the keyboard to the field.
    summary.get_by_role("link", name=re.compile("Title")).click()
    expect(page.get_by_label("Title")).to_be_focused()


def test_a_save_is_announced_and_focus_goes_to_the_message(page, secretariat):
    draft = MeetingFactory(title="Pillar meeting on border data", status="draft")
    sign_in(page, secretariat.username, PASSWORD)
    page.goto(f"/edit/meetings/{draft.slug}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").first.click()
    expect(page).to_have_title(re.compile(r"^Saved — "))
    expect(page.locator(".messages")).to_be_focused()
    expect(page.locator(".messages [role=status]")).to_contain_text("saved")
