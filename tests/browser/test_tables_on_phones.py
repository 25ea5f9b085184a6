"""
Every table the public and Board members read fits a phone (issue 17): at 375 and 320 px in Chromium
the page never scrolls sideways and no cell reaches past the screen's edge: the decision register, a
meeting's attendance list, a document's file versions and a written procedure's answers (published with
the individual answers, one recorded by the Secretariat on a member's behalf, with a long reason).
"""

import datetime as dt

import pytest
from django.utils import timezone

from decisions.models import Decision, ProcedureAnswer, WrittenProcedure
from portal.demo.loader import load_sixth_board_meeting
from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_accessibility import OVERFLOW, WIDEST
from tests.factories import (
    PASSWORD,
    DocumentFactory,
    DocumentFileFactory,
    OrganisationFactory,
    PersonFactory,
    ProcedureAnswerFactory,
    WrittenProcedureFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIXTH = "/meetings/6th-board-meeting-2022/"
LONG_REASON = (
    "The Ministry of Interior objects to paragraph 4 of the draft decision until the budgetary implications "
    "for 2027-2028 are set out; see the letter of 12 March (reference MUP-01-2026/4411-IISG-WP)."
)


@pytest.fixture
def tables(board_member):
    """The demo meeting, a document with a file, and a published procedure with its answers public."""
    load_sixth_board_meeting()
    document = DocumentFactory(title="IISG needs mapping 2021-2022 for the three pillars WBCTi, WBCSCi and WBBSi")
    DocumentFileFactory(
        document=document, number=1, original_name="IISG-needs-mapping-2021-2022-final-version-for-the-Board.pdf"
    )
    # Board members see a document once a decision they may see acted on it.
    Decision.objects.get(reference="B6/2022/02").documents.add(document)
    closed = timezone.now() - dt.timedelta(days=3)
    procedure = WrittenProcedureFactory(
        reference="WP/2026/07",
        kind=WrittenProcedure.Kind.WRITTEN,
        stage=WrittenProcedure.Stage.CLOSED,
        status="published",
        outcome=WrittenProcedure.Outcome.NOT_ADOPTED,
        answers_published=True,
        launched_at=closed - dt.timedelta(days=10),
        closed_at=closed,
        published_at=closed,
        deadline=closed,
    )
    ministry = OrganisationFactory(name="Ministry of Interior of the Republic of North Macedonia", acronym="MoI MK")
    PersonFactory(organisation=ministry, user=board_member, name="Board Member")
    ProcedureAnswerFactory(
        procedure=procedure,
        organisation=ministry,
        answer=ProcedureAnswer.Answer.OBJECT,
        reason=LONG_REASON,
        answered_at=closed - dt.timedelta(days=2),
    )
    ProcedureAnswerFactory(
        procedure=procedure,
        organisation=OrganisationFactory(name="Ministry of Security of Bosnia and Herzegovina", acronym="MoS BiH"),
        answer=ProcedureAnswer.Answer.AGREE,
        on_behalf=True,
        channel=ProcedureAnswer.Channel.LETTER,
        answered_at=closed - dt.timedelta(days=1),
    )
    Decision.objects.filter(procedure=procedure).delete()  # not adopted: no decision
    return {"document": document.get_absolute_url(), "procedure": procedure.get_absolute_url()}


def table_pages(tables, persona: str) -> list[str]:
    pages = ["/decisions/", tables["procedure"]]
    if persona == "board_member":
        pages += [SIXTH, tables["document"]]
    return pages


@pytest.mark.parametrize("width", [375, 320])
@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_every_table_fits_a_phone(new_page, board_member, tables, persona, width):
    page = new_page(width=width, height=740)
    if persona == "board_member":
        sign_in(page, board_member.username, PASSWORD)
    problems = {}
    for url in table_pages(tables, persona):
        assert page.goto(url).status == 200, url
        measured = page.evaluate(OVERFLOW)
        assert measured["tables"] >= 1, url
        assert measured["cells"] > 0, url
        if measured["scrollWidth"] > measured["width"] or measured["wide"]:
            problems[url] = {**measured, "sticks out": page.evaluate(WIDEST)}
    assert problems == {}


def test_the_answers_table_says_each_columns_name_on_a_phone(new_page, tables):
    page = new_page(width=375)
    page.goto(tables["procedure"])
    cell = page.locator("table.answers td[data-label='Reason']").first
    assert cell.evaluate("(el) => getComputedStyle(el, '::before').content") == '"Reason"'
    assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    assert cell.evaluate("(el) => getComputedStyle(el).display") == "table-cell"
