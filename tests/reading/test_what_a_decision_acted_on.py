"""
What a decision acted on, as each reader may know it (issue 17): a decision that acted on documents the
reader may not see says how many ("1 document for Board members only"), never "No document …", on every
page and export that lists what it acted on; what is hidden only because a draft acted on it too is never
counted (the count would tell of the draft). Planted with the leak markers of test_no_leaks.
"""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, WrittenProcedure
from members.models import Membership, Post, RoleHeld
from tests.factories import (
    DecisionFactory,
    DocumentFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    WrittenProcedureFactory,
)
from tests.reading.conftest import DRAFT_MARKER, MEMBER_MARKER
from tests.reading.pagetext import text_of

NO_DOCUMENT = "No document, membership or role held is linked to this decision."
ONE = "1 document for Board members only"
TWO = "2 documents for Board members only"
# Anyone who is not a Board member reads the public record: the public, and a signed-in user of no group.
NOT_MEMBERS = ["anonymous", "outsider"]


@pytest.fixture
def reader(client, board_member, secretariat, outsider):
    """reader("anonymous" | "outsider" | "board_member" | "secretariat") -> a client signed in as that reader."""
    users = {"board_member": board_member, "secretariat": secretariat, "outsider": outsider}

    def _reader(name):
        client.logout()
        if name != "anonymous":
            client.force_login(users[name])
        return client

    return _reader


def main_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    markup = response.content.decode()
    return text_of(markup[markup.index("<main") : markup.index("</main>")])


def export_rows(client, reference_filter: str = "") -> tuple[dict, dict]:
    """The JSON export's and the CSV export's rows, by reference."""
    query = {"q": reference_filter} if reference_filter else {}
    data = json.loads(client.get(reverse("decisions:decision-export-json"), query).getvalue())
    text = b"".join(client.get(reverse("decisions:decision-export-csv"), query).streaming_content).decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row.get("url")]
    return {row["reference"]: row for row in data["decisions"]}, {row["reference"]: row for row in rows}


@pytest.fixture
def adopted(db):
    """A published Board meeting whose decision adopted two documents and nothing else."""
    start = timezone.now() - dt.timedelta(days=60)
    meeting = MeetingFactory(
        ordinal=31, title="31st IISG Board Meeting", start=start, end=start + dt.timedelta(hours=6)
    )
    decision = DecisionFactory(
        meeting=meeting, sequence=1, reference="B31/2026/01", verb="adopted", subject="The work plan and its annex"
    )
    decision.documents.add(
        DocumentFactory(title=f"Work plan {MEMBER_MARKER}"), DocumentFactory(title=f"Annex {MEMBER_MARKER}")
    )
    return decision


@pytest.mark.parametrize("name", NOT_MEMBERS)
def test_a_decision_that_adopted_members_only_documents_says_how_many(reader, adopted, name, pdf_renders):
    client = reader(name)
    decision_page = main_text(client, adopted.get_absolute_url())
    assert f"What it acted on {TWO}" in decision_page
    assert "No document" not in decision_page
    register = main_text(client, reverse("decisions:decision-list"))
    assert f"Adopted: The work plan and its annex {TWO}" in register
    record = main_text(client, adopted.meeting.get_absolute_url())
    assert f"was approved by the IISG Board. Acted on: {TWO}" in record
    # The PDF is made from the same record, and its attached data says the same.
    assert client.get(reverse("portal:meeting-pdf", args=[adopted.meeting.slug])).status_code == 200
    assert TWO in text_of(pdf_renders[-1])
    json_rows, csv_rows = export_rows(client)
    assert (json_rows["B31/2026/01"]["documents"], json_rows["B31/2026/01"]["documents_for_members_only"]) == ([], 2)
    assert (csv_rows["B31/2026/01"]["documents"], csv_rows["B31/2026/01"]["documents_for_members_only"]) == ("", "2")
    # Counted, never named.
    for text in (decision_page, register, record, pdf_renders[-1], json.dumps(json_rows), json.dumps(csv_rows)):
        assert MEMBER_MARKER not in text


@pytest.mark.parametrize("name", ["board_member", "secretariat"])
def test_board_members_read_the_documents_themselves(reader, adopted, name, pdf_renders):
    client = reader(name)
    decision_page = main_text(client, adopted.get_absolute_url())
    assert f"Document: Annex {MEMBER_MARKER}" in decision_page
    assert f"Document: Work plan {MEMBER_MARKER}" in decision_page
    register = main_text(client, reverse("decisions:decision-list"))
    record = main_text(client, adopted.meeting.get_absolute_url())
    client.get(reverse("portal:meeting-pdf", args=[adopted.meeting.slug]))
    json_rows, csv_rows = export_rows(client)
    assert json_rows["B31/2026/01"]["documents_for_members_only"] == 0
    assert csv_rows["B31/2026/01"]["documents_for_members_only"] == "0"
    for text in (decision_page, register, record, text_of(pdf_renders[-1])):
        assert "for Board members only" not in text


def test_the_secretariat_alone_is_told_that_nothing_is_linked(reader, db):
    """To anyone else "No document …" could be untrue (see the draft test below): the section is left out."""
    decision = DecisionFactory(reference="B40/2026/01", subject="Took note of the report")
    assert NO_DOCUMENT in main_text(reader("secretariat"), decision.get_absolute_url())
    for name in [*NOT_MEMBERS, "board_member"]:
        text = main_text(reader(name), decision.get_absolute_url())
        assert "What it acted on" not in text
        assert "No document" not in text


@pytest.fixture
def acted_on_by_a_draft_too(db):
    """
    A published decision that admitted a member, gave a post and adopted one document; then a draft
    meeting's decision (DRAFT_MARKER) ended that membership, ended that post, and adopted that document
    and another one. The membership and the role are hidden from those who may not read the draft (its
    end date would tell of it); the published decision's own document is not hidden by the draft.
    Also: a published decision whose only link is a membership a draft ended.
    """
    start = timezone.now() - dt.timedelta(days=90)
    published = MeetingFactory(
        ordinal=41, title="41st IISG Board Meeting", start=start, end=start + dt.timedelta(hours=6)
    )
    organisation = OrganisationFactory(name="Ruritania Ministry", acronym="RUR")
    membership = Membership.objects.create(organisation=organisation, category="board", since=start.date())
    role = RoleHeld.objects.create(
        person=PersonFactory(name="Rudolf Rassendyll", organisation=organisation),
        post=Post.objects.get(name="Head of the IISG Secretariat"),
    )
    own_document = DocumentFactory(title=f"Accession report {MEMBER_MARKER}")
    decision = DecisionFactory(meeting=published, sequence=1, reference="B41/2026/01", subject="Ruritania admitted")
    decision.memberships.add(membership)
    decision.roles.add(role)
    decision.documents.add(own_document)
    other_membership = Membership.objects.create(
        organisation=OrganisationFactory(name="Elbonia Ministry"), category="observer", since=start.date()
    )
    only_membership = DecisionFactory(
        meeting=published, sequence=2, reference="B41/2026/02", subject="Elbonia admitted as an observer"
    )
    only_membership.memberships.add(other_membership)
    nothing = DecisionFactory(meeting=published, sequence=3, reference="B41/2026/03", subject="Took note")

    later = MeetingFactory(
        ordinal=42, title=f"42nd IISG Board Meeting {DRAFT_MARKER}", status="draft", start=start + dt.timedelta(days=60)
    )
    draft = DecisionFactory(meeting=later, sequence=1, reference="B42/2026/01", subject=f"Ended {DRAFT_MARKER}")
    Membership.objects.filter(pk__in=[membership.pk, other_membership.pk]).update(until=later.start.date())
    draft.memberships.add(membership, other_membership)
    draft.roles.add(role)
    draft.documents.add(own_document, DocumentFactory(title=f"Draft-only paper {DRAFT_MARKER}"))
    return {"decision": decision, "only_membership": only_membership, "nothing": nothing}


@pytest.mark.parametrize("name", [*NOT_MEMBERS, "board_member"])
def test_what_a_draft_acted_on_too_is_never_counted(reader, acted_on_by_a_draft_too, name):
    client = reader(name)
    records = acted_on_by_a_draft_too
    decision_page = main_text(client, records["decision"].get_absolute_url())
    # Its own document only (for the public, counted); no count of the membership or the post the draft hides.
    if name == "board_member":
        assert decision_page.endswith(f"What it acted on Document: Accession report {MEMBER_MARKER} (Report)")
        assert "for Board members only" not in decision_page
    else:
        assert decision_page.endswith(f"What it acted on {ONE}")
    for word in (
        "membership",
        "Membership",
        "role held",
        "Head of the IISG Secretariat",
        "Ruritania Ministry",
        "2 documents",
    ):
        assert word not in decision_page.split("What it acted on", 1)[1]
    # A decision whose only link a draft hides reads exactly as one that acted on nothing.
    assert main_text(client, records["only_membership"].get_absolute_url()).replace("B41/2026/02", "REF").replace(
        "Elbonia admitted as an observer", "SUBJECT"
    ) == main_text(client, records["nothing"].get_absolute_url()).replace("B41/2026/03", "REF").replace(
        "Took note", "SUBJECT"
    )
    json_rows, csv_rows = export_rows(client)
    expected = 0 if name == "board_member" else 1
    assert json_rows["B41/2026/01"]["documents_for_members_only"] == expected
    assert csv_rows["B41/2026/01"]["documents_for_members_only"] == str(expected)
    assert json_rows["B41/2026/02"]["documents_for_members_only"] == 0
    assert json_rows["B41/2026/02"]["memberships"] == []
    for text in (decision_page, json.dumps(json_rows), json.dumps(csv_rows)):
        assert DRAFT_MARKER not in text


@pytest.fixture
def adopted_by_procedure(db):
    """A published written procedure whose decision adopted the document it consulted on, and one more."""
    closed = timezone.now() - dt.timedelta(days=5)
    procedure = WrittenProcedureFactory(
        reference="WP/2026/31",
        stage=WrittenProcedure.Stage.CLOSED,
        status="published",
        outcome=WrittenProcedure.Outcome.ADOPTED,
        closed_at=closed,
        published_at=closed,
        deadline=closed,
    )
    consulted = DocumentFactory(title=f"Consulted plan {MEMBER_MARKER}")
    procedure.documents.add(consulted)
    decision = Decision.objects.create(
        procedure=procedure, reference="WP/2026/31", verb="adopted", subject="The plan adopted", sequence=1
    )
    decision.documents.add(consulted, DocumentFactory(title=f"Added later {MEMBER_MARKER}"))
    return decision


@pytest.mark.parametrize("name", NOT_MEMBERS)
def test_a_procedures_decision_says_how_many_documents_to_the_public(reader, adopted_by_procedure, name):
    client = reader(name)
    for url in (adopted_by_procedure.get_absolute_url(), adopted_by_procedure.procedure.get_absolute_url()):
        text = main_text(client, url)
        assert f"What it acted on {TWO}" in text
        assert "No document" not in text
        assert MEMBER_MARKER not in text


def test_board_members_see_every_document_a_procedures_decision_adopted(reader, adopted_by_procedure):
    """Not only those the procedure consulted on: every document of a decision they may see (Document.visible_to)."""
    text = main_text(reader("board_member"), adopted_by_procedure.get_absolute_url())
    assert f"Document: Added later {MEMBER_MARKER}" in text
    assert f"Document: Consulted plan {MEMBER_MARKER}" in text
    assert "for Board members only" not in text
