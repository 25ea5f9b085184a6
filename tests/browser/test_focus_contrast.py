"""
Focus rings at least 3:1 against what they are drawn on (WCAG 2.2, 1.4.11 non-text contrast), computed
in Chromium from the styles the page really has (issue 17): the skip link's ring on the navy bar, and the
ring of every control the keyboard reaches on the navy bar, on white and on the light footer.
"""

import re

import pytest

from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# The focused element's outline colour and width, and the colour of what lies just outside the ring:
# the elements under a point left of the ring (or above it, for an element at the screen's left edge),
# less the focused element and what it holds, their backgrounds laid over each other down to an opaque one.
RING = """
() => {
  const el = document.activeElement;
  // In the middle of the screen, at once (Bootstrap scrolls smoothly): a ring off screen has nothing under it.
  el.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const width = parseFloat(style.outlineWidth), offset = parseFloat(style.outlineOffset);
  const reach = offset + width + 1;
  const parse = (color) => {
    const parts = color.match(/[\\d.]+/g).map(Number);
    return {rgb: parts.slice(0, 3), alpha: parts.length > 3 ? parts[3] : 1};
  };
  const backdrop = (x, y) => {
    const layers = [];
    for (const under of document.elementsFromPoint(x, y)) {
      if (el === under || el.contains(under)) continue;
      const background = parse(getComputedStyle(under).backgroundColor);
      if (background.alpha > 0) layers.push(background);
      if (background.alpha >= 1) break;
    }
    let color = [255, 255, 255];  // the canvas
    for (const layer of layers.reverse()) {
      color = color.map((c, i) => layer.rgb[i] * layer.alpha + c * (1 - layer.alpha));
    }
    const under = document.elementFromPoint(x, y);
    return {
      color: color, onNavbar: !!(under && under.closest('nav.navbar')), onFooter: !!(under && under.closest('footer')),
    };
  };
  const [midX, midY] = [rect.left + rect.width / 2, rect.top + rect.height / 2];
  return {
    element: `${el.tagName.toLowerCase()} ${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}`,
    outline: parse(style.outlineColor).rgb, outlineStyle: style.outlineStyle, width: width,
    // Just outside the ring, at the middle of each side: left, right, top, bottom.
    sides: [
      [rect.left - reach, midY], [rect.right + reach, midY], [midX, rect.top - reach], [midX, rect.bottom + reach],
    ].map(([x, y]) => backdrop(x, y)),
  };
}
"""


def luminance(rgb) -> float:
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_next(page) -> dict:
    page.keyboard.press("Tab")
    return page.evaluate(RING)


def weakest_side(ring) -> float:
    """The ring's contrast against what lies outside it, on its weakest side."""
    return min(contrast(ring["outline"], side["color"]) for side in ring["sides"])


def test_the_skip_links_ring_stands_out_on_the_navy_bar(page):
    page.goto("/")
    ring = focus_next(page)
    assert ring["element"] == "a Skip to main content"
    navy = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    navy = [int(c) for c in re.findall(r"\d+", navy)[:3]]
    # Drawn on the bar all round (the link shows over it).
    assert all(side["onNavbar"] for side in ring["sides"]), ring
    assert [[round(c) for c in side["color"]] for side in ring["sides"]] == [navy] * 4
    assert (ring["outlineStyle"], ring["width"]) == ("solid", 3)
    assert weakest_side(ring) >= 3, ring


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
@pytest.mark.parametrize(
    ("url", "width"),
    [
        ("/", 1280),
        ("/", 375),  # the menu in rows
        ("/decisions/", 1280),
        ("/meetings/6th-board-meeting-2022/", 1280),
        ("/procedures/", 1280),
    ],
)
def test_every_focus_ring_the_keyboard_reaches_is_at_least_3_to_1(new_page, board_member, persona, url, width):
    load_sixth_board_meeting()
    page = new_page(width=width)
    if persona == "board_member":
        sign_in(page, board_member.username, PASSWORD)
    page.goto(url)
    rings = [focus_next(page)]
    assert rings[0]["element"] == "a Skip to main content"
    # Once round the page: from the skip link to the last control.
    while len(rings) < 200:
        ring = focus_next(page)
        if ring["element"].startswith(("a Skip", "body")):
            break
        rings.append(ring)
    where = [side for ring in rings for side in ring["sides"]]
    assert any(side["onNavbar"] for side in where)
    assert any(side["onFooter"] for side in where)
    assert any(not side["onNavbar"] and not side["onFooter"] for side in where)
    weak = [
        (ring["element"], round(weakest_side(ring), 2), [side["color"] for side in ring["sides"]])
        for ring in rings
        if ring["outlineStyle"] == "none" or ring["width"] < 2 or weakest_side(ring) < 3
    ]
    assert weak == []
