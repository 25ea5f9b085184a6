"""
Issue 22 in Chromium: the switcher keeps the page, and the main pages in Albanian, Macedonian and Serbian have the
right `lang` and 0 serious or critical axe-core violations (the record's own text marked `lang="en"`).
"""

import pytest

from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/meetings/", "/meetings/6th-board-meeting-2022/", "/decisions/", "/members/", "/accounts/login/"]


def test_the_switcher_keeps_the_page_and_the_main_pages_pass_axe_in_sq_mk_and_sr(new_page):
    load_sixth_board_meeting()
    page = new_page()
    page.goto("/decisions/?verb=adopted")
    problems = {}
    for code in ("sq", "mk", "sr"):
        page.select_option("#language-choice", code)
        with page.expect_navigation():
            page.locator("form.language-switcher button[type=submit]").click()
        assert page.url.endswith("/decisions/?verb=adopted"), page.url
        assert page.get_attribute("html", "lang") == code
        for url in PAGES:
            assert page.goto(url).status == 200, url
            assert page.get_attribute("html", "lang") == code
            # The record's title as the Secretariat wrote it, marked English.
            if url.startswith("/meetings/6th"):
                assert page.locator("h1 [lang=en]").count() == 1
            violations = axe_violations(page)
            if violations:
                problems[f"{code} {url}"] = violations
        page.goto("/decisions/?verb=adopted")
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())
