"""
E-mail as the reader chooses it, in a browser at 320 px: a Board member turns a kind off and chooses the
weekly digest; then, signed out, opens an e-mail's unsubscribe link and turns another kind off in one click.
"""

from playwright.sync_api import expect

from core import notifications
from core.models import EmailPreferences
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD

WIDE = "document.documentElement.scrollWidth"


def test_a_board_member_chooses_their_email_and_unsubscribes_in_one_click(new_page, board_member):
    page = new_page(width=320, height=700)
    sign_in(page, board_member.username, PASSWORD)
    page.goto("/accounts/email-preferences/")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail preferences")
    circulated = page.get_by_label("Records circulated")
    expect(circulated).to_be_checked()
    circulated.uncheck()
    page.get_by_label("A weekly digest instead of single messages").check()
    assert page.evaluate(WIDE) <= 320
    assert axe_violations(page) == []
    screenshot(page, "email-preferences")
    page.get_by_role("button", name="Save my e-mail preferences").click()
    expect(page.locator(".messages .alert-success")).to_contain_text("Your e-mail preferences are saved.")
    expect(page.get_by_label("Records circulated")).not_to_be_checked()
    expect(page.get_by_label("A weekly digest instead of single messages")).to_be_checked()
    preferences = EmailPreferences.objects.get(user=board_member)
    assert preferences.delivery == "digest"
    assert notifications.wants(preferences, "meetings.circulated") is False

    # The link of an e-mail, opened in another browser, nobody signed in.
    link = notifications.unsubscribe_url(board_member, "procedures.launched")
    other = new_page(width=320, height=700)
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    expect(other.get_by_text("Turn off Written procedures launched")).to_be_visible()
    assert axe_violations(other) == []
    other.get_by_role("button", name="Turn these e-mails off").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Unsubscribed")
    expect(other.locator(".messages")).to_contain_text("Done: you will no longer receive Written procedures launched.")
    assert other.evaluate(WIDE) <= 320
    preferences.refresh_from_db()
    assert notifications.wants(preferences, "procedures.launched") is False
    # The choices made on the page are kept.
    assert notifications.wants(preferences, "meetings.circulated") is False
    assert preferences.delivery == "digest"
