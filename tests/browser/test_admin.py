"""The Django admin works under the Content Security Policy, for the admins who manage members there."""

from django.urls import reverse
from playwright.sync_api import expect

from members.models import Organisation
from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD


def test_admin_works_under_the_content_security_policy(page, admin_user):
    meeting = load_sixth_board_meeting()
    sign_in(page, admin_user.username, PASSWORD)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(reverse("admin:meetings_meeting_changelist"))
    expect(page.get_by_role("link", name=meeting.title)).to_be_visible()
    # Participants, agenda and decisions inline on the meeting.
    response = page.goto(reverse("admin:meetings_meeting_change", args=[meeting.pk]), wait_until="domcontentloaded")
    assert response.status == 200
    html = page.content()
    assert "Maciej Popowski" in html
    assert "Opening of the meeting and opening remarks" in html
    assert "B6/2022/07" in html
    # Organisations with their memberships inline.
    bulgaria = Organisation.objects.get(name="Bulgaria")
    page.goto(reverse("admin:members_organisation_change", args=[bulgaria.pk]), wait_until="domcontentloaded")
    assert "Support Group member" in page.content()
    # The autocomplete widgets run their scripts from 'self'.
    page.goto(reverse("admin:members_person_add"), wait_until="domcontentloaded")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Regional")
    page.get_by_role("option", name="Regional Cooperation Council").click()
    assert page.console_watch.csp_violations == []
