"""
The facts of a meeting in a real browser (issue 10): the Secretariat records a pillar Support Group
meeting announced for a month, alongside a ministerial conference, with its counts; adds two
participants in place (the page's script); announces it; postpones it with the new date to be
announced; reads the history on a phone. A visitor on a phone then reads the announcement.

Fields are found by their labels and buttons by their names; pages are screenshot and checked
with axe-core, and at 375 px nothing scrolls sideways.
"""

import re

from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, Reschedule
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.browser.test_editing import choose, expect_success, field, fill_when, follow, submit
from tests.factories import PASSWORD, OrganisationFactory, PillarFactory


def no_sideways_scrolling(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_secretariat_announces_and_postpones_a_pillar_meeting_the_public_reads_the_announcement(new_page, secretariat):
    PillarFactory(code="WBCTi", name="Western Balkans Counter-Terrorism initiative")
    austria = OrganisationFactory(name="Austria", acronym="AT")
    slovenia = OrganisationFactory(name="Slovenia", acronym="SI")
    year = timezone.now().year + 1
    title = "3rd WBCTi Support Group meeting"

    page = new_page()
    sign_in(page, secretariat.username, PASSWORD)
    page.goto("/edit/meetings/new/")
    choose(page, "Kind of meeting", "Support Group meeting")
    choose(page, "Pillar", "WBCTi")
    field(page, "Number").fill("3")
    field(page, "Title").fill(title)
    choose(page, "How precisely the dates are known", "Month")
    fill_when(page, "Start", f"{year}-07-01", "00:00")
    field(page, "City").fill("Ljubljana")
    choose(page, "Format", "Hybrid")
    choose(page, "How the meeting relates to the occasion", "held alongside")
    field(page, "Or a new occasion: its name").fill("the Salzburg Forum Ministerial Conference")
    field(page, "New occasion's place").fill("Ljubljana")
    field(page, "New occasion's link").fill("https://www.salzburgforum.example/")
    field(page, "Number who took part in person").fill("18")
    field(page, "Number who took part online").fill("40")
    screenshot(page, "facts-meeting-form")
    assert axe_violations(page) == []
    submit(page, "Save")
    expect_success(page, "created as a draft")
    meeting = Meeting.objects.get(title=title)
    assert (meeting.date_precision, meeting.participants_online) == ("month", 40)

    # Participants: one blank row; a second added in place by the page's script.
    assert page.url.endswith("/participants/")
    expect(page.get_by_role("group", name="Row 2 (new)", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Add a row").click()
    second = page.get_by_role("group", name="Row 2 (new)", exact=True)
    expect(second).to_be_visible()
    expect(field(second, "Person")).to_be_focused()
    assert page.locator("#id_form-TOTAL_FORMS").input_value() == "2"
    choose(page.get_by_role("group", name="Row 1 (new)", exact=True), "Organisation represented", str(austria))
    choose(page.get_by_role("group", name="Row 1 (new)", exact=True), "Role", "Support Group")
    choose(second, "Organisation represented", str(slovenia))
    choose(second, "Role", "Support Group")
    submit(page, "Save participants")
    expect_success(page, "Participants saved: 2 added or changed, 0 removed.")

    # Announce, then postpone without a new date.
    follow(page, "Back to the record")
    follow(page, "Announce to the public…")
    submit(page, "Announce to the public")
    expect_success(page, "Announced")
    follow(page, "Postpone or reschedule…")
    field(page, "The new date is not known yet: “new date to be announced”").check()
    field(page, "Reason").fill("The conference moved to the autumn.")
    submit(page, "Reschedule")
    expect_success(page, "rescheduled")
    reschedule = Reschedule.objects.get(meeting=meeting)
    assert (reschedule.previous_precision, reschedule.new_date_pending) == ("month", True)
    expect(page.locator("#schedule")).to_contain_text("Postponed — new date to be announced")

    # The history, on a phone: local times, the reschedule named by its month, nothing sideways.
    follow(page, "History")
    page.set_viewport_size({"width": 375, "height": 800})
    expect(page.get_by_text(re.compile(rf"Reschedule: {title}: July {year}"))).to_be_visible()
    screenshot(page, "facts-history")
    assert no_sideways_scrolling(page) <= 375
    assert axe_violations(page) == []

    # A visitor on a phone: the announcement and nothing of the record.
    public = new_page(width=375)
    public.goto("/meetings/?pillar=WBCTi")
    card = public.locator("article", has_text=title)
    expect(card).to_contain_text("Postponed")
    expect(card).to_contain_text(f"July {year} → New date to be announced")
    expect(card).to_contain_text("Held alongside the Salzburg Forum Ministerial Conference, Ljubljana.")
    assert no_sideways_scrolling(public) <= 375
    with public.expect_navigation():
        card.get_by_role("link", name=title).click()
    main = public.locator("main")
    expect(main).to_contain_text("Postponed — new date to be announced. Reason: The conference moved to the autumn.")
    expect(main).to_contain_text(f"Dates announced before July {year}")
    text = main.inner_text()
    for absent in ("18 in person", "40 online", "Austria", "Slovenia", "DRAFT", "Record published"):
        assert absent not in text
    screenshot(public, "facts-announcement")
    assert no_sideways_scrolling(public) <= 375
    assert axe_violations(public) == []
