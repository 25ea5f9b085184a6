"""
My portal on a phone (issue 20): at 320 px the Board member's first screen shows the written procedure
waiting for their organisation's answer, with its Answer button; nothing sticks out sideways.
"""

import datetime as dt

from django.utils import timezone

from core.workflow import RecordStatus
from decisions.models import WrittenProcedure
from meetings.models import Meeting
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import PASSWORD, MeetingFactory, OrganisationFactory, PersonFactory, WrittenProcedureFactory

FIRST_SCREEN = 640  # a small phone's viewport height, in CSS pixels


def test_the_waiting_procedure_is_on_the_first_screen_at_320_px(new_page, board_member):
    organisation = OrganisationFactory(name="Ministry of Security of Ruritania")
    PersonFactory(user=board_member, organisation=organisation)
    now = timezone.now()
    procedure = WrittenProcedureFactory(
        title="Adopt the work plan 2027",
        stage=WrittenProcedure.Stage.OPEN,
        status=RecordStatus.CIRCULATED,
        launched_at=now - dt.timedelta(days=1),
        consulted=[organisation],
    )
    for n in range(3):
        MeetingFactory(title=f"Circulated record {n}", status=Meeting.Status.CIRCULATED, circulated_at=now)

    page = new_page(width=320, height=FIRST_SCREEN)
    sign_in(page, board_member.username, PASSWORD)
    assert page.goto("/").status == 200
    screenshot(page, "my-home")

    title = page.get_by_role("link", name=f"{procedure.reference} — Adopt the work plan 2027")
    answer = page.get_by_role("link", name=f"Answer {procedure.reference}")
    for locator in (title, answer):
        box = locator.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= FIRST_SCREEN, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
    with page.expect_navigation():
        answer.click()
    assert page.url.endswith(f"/procedures/{procedure.slug}/answer/")
