"""
A written procedure in a real browser (issue 12): the Secretariat drafts and launches a silence
procedure, a Board member answers for their organisation, the Secretariat records the other
member's answer received by letter (the procedure closes early, adopted), publishes the outcome,
and an anonymous visitor reads the decision in the register. The portal's clock is set
(settings.CLOCK_NOW), so no test waits.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP
from decisions.models import WrittenProcedure
from members.models import Membership
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAUNCH = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def user_in(group: str, username: str, organisation=None):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    if organisation is not None:
        PersonFactory(organisation=organisation, user=user, name=f"{username.capitalize()} Delegate")
    return user


def test_a_silence_procedure_from_launch_to_the_public_register(new_page, settings):
    settings.CLOCK_NOW = LAUNCH
    alpha = OrganisationFactory(name="Alphaland Ministry", acronym="ALPHA")
    beta = OrganisationFactory(name="Betaland Ministry", acronym="BETA")
    for organisation in (alpha, beta):
        MembershipFactory(organisation=organisation, category=Membership.Category.BOARD)
    user_in(SECRETARIAT_GROUP, "sec")
    user_in(BOARD_MEMBERS_GROUP, "ana", alpha)

    # The Secretariat drafts the procedure and launches it.
    secretariat = new_page()
    sign_in(secretariat, "sec", PASSWORD)
    secretariat.goto("/procedures/")
    with secretariat.expect_navigation():
        secretariat.get_by_role("link", name="New written procedure").click()
    expect(field(secretariat, "Reference")).to_have_value("WP/2026/01")
    field(secretariat, "Kind").select_option(label="Silence procedure (adopted unless someone objects)")
    field(secretariat, "Title").fill("Adoption of the Work Plan 2026")
    field(secretariat, "Draft decision").fill("The Board adopts the Work Plan 2026.")
    deadline = secretariat.get_by_role("group", name=re.compile(r"^\s*Deadline\s*\*?\s*$"))
    deadline.get_by_label(re.compile(r"^Date")).fill("2026-03-10")
    deadline.get_by_label(re.compile(r"^Time")).fill("17:00")
    submit(secretariat, "Save")
    expect(secretariat.get_by_text("Draft procedure WP/2026/01 saved.")).to_be_visible()
    with secretariat.expect_navigation():
        secretariat.get_by_role("link", name="Launch the procedure", exact=True).click()
    submit(secretariat, "Launch the procedure")
    expect(
        secretariat.get_by_text(
            "Procedure WP/2026/01 launched, 2 members consulted. 1 e-mail sent: ana@example.org (Alphaland Ministry). "
            "Nobody could be e-mailed for: no delegate in force for Betaland Ministry."
        )
    ).to_be_visible()

    # A Board member answers for their organisation.
    member = new_page()
    sign_in(member, "ana", PASSWORD)
    with member.expect_navigation():
        member.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Procedures").click()
    with member.expect_navigation():
        member.get_by_role("link", name="WP/2026/01").click()
    expect(member.locator(".deadline")).to_have_text("10 March 2026, 17:00 CET")
    member.get_by_label("Agree").check()
    submit(member, "Send the answer")
    expect(member.get_by_text("Your answer for Alphaland Ministry is recorded: Agree.")).to_be_visible()
    assert axe_violations(member) == []

    # Betaland answered by letter: the Secretariat records it; every member answered, so it closes.
    settings.CLOCK_NOW = LAUNCH + dt.timedelta(days=1)
    secretariat.goto("/procedures/wp-2026-01/")
    with secretariat.expect_navigation():
        secretariat.get_by_role("link", name="Record an answer received by e-mail or letter").click()
    field(secretariat, "Member").select_option(label="Betaland Ministry")
    secretariat.get_by_label("Agree").check()
    field(secretariat, "Received").select_option(label="By letter")
    submit(secretariat, "Record the answer")
    expect(secretariat.locator(".outcome")).to_have_text("Adopted")
    with secretariat.expect_navigation():
        secretariat.get_by_role("link", name="Publish the outcome").click()
    submit(secretariat, "Publish the outcome")
    assert WrittenProcedure.objects.get().status == "published"

    # The public reads the decision in the register.
    visitor = new_page()
    visitor.goto("/decisions/")
    # Grouped as meetings are: the procedure heads its group, its decision is the row under it.
    group = visitor.locator("tbody").filter(has_text="WP/2026/01")
    expect(group.locator("tr.meeting-group")).to_contain_text(
        "Adopted by written procedure WP/2026/01, closed on 2 March 2026"
    )
    expect(group.get_by_role("link", name="WP/2026/01", exact=True).first).to_be_visible()
    visitor.goto("/procedures/")
    expect(visitor.get_by_text("Agree: 2 · Object: 0 · Abstain: 0 · No answer: 0")).to_be_visible()
