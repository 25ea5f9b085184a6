"""
The register's exports read in chunks (decisions.exports): the same bytes whatever the chunk size,
one query per chunk for the links and each linked record read once per export, what a draft made
hidden in every chunk, URLs and CSV rows as Django and csv.writer would give them.
"""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from core.text import multi_line, one_line
from decisions import exports
from decisions.models import Document, WrittenProcedure
from meetings.models import Meeting
from members.models import Organisation, Person, Pillar, RoleHeld
from tests.built_once import for_one_test, rows_for_the_module
from tests.factories import DecisionFactory, PersonFactory, WrittenProcedureFactory
from tests.reading.conftest import CIRCULATED_MARKER, DRAFT_MARKER, MEMBER_MARKER, every_state_of_a_record

EXPORTS = [reverse("decisions:decision-export-csv"), reverse("decisions:decision-export-json")]


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture(scope="module")
def _linked_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The records and their links, built once for the module (tests/built_once.py): the tests only read."""
    with rows_for_the_module(django_db_blocker, tmp_path_factory) as media_root:
        with django_db_blocker.unblock():
            records = link(every_state_of_a_record())
        yield records, media_root


@pytest.fixture
def linked(request, settings, db, _linked_once):
    records, media_root = _linked_once
    return for_one_test(request, settings, media_root, records)


def link(records):
    """
    Published decisions that link again to what the published record's decision links to, and to the
    memberships and roles the draft and circulated records' decisions made (hidden until those records
    reach the reader); and a decision of a published written procedure.
    """
    published = records["published"].decision
    meeting = records["published"].meeting
    hidden = [records[status].decision for status in ("draft", "circulated")]
    proposer = PersonFactory(name="Proposing person")
    for sequence in range(2, 6):
        decision = DecisionFactory(
            meeting=meeting,
            sequence=sequence,
            reference=f"B203/{sequence:02d}",
            subject=f'Subject {sequence}, with "quotes" and a comma',
            wording=f"=Wording {sequence}\nover two lines.",
            proposed_by_person=proposer,
        )
        decision.documents.add(*published.documents.all())
        decision.memberships.add(*published.memberships.all(), *(d.memberships.get() for d in hidden))
        decision.roles.add(*published.roles.all(), *(role for d in hidden for role in d.roles.all()))
        decision.concerns_organisations.add(*published.concerns_organisations.all())
        decision.concerns_people.add(*published.concerns_people.all(), proposer)
    procedure = WrittenProcedureFactory(
        stage=WrittenProcedure.Stage.CLOSED,
        status="published",
        closed_at=timezone.now() - dt.timedelta(days=5),
        outcome="adopted",
    )
    decision = DecisionFactory(meeting=None, procedure=procedure, sequence=1, reference="WP/2026/99")
    decision.documents.add(*published.documents.all())
    decision.concerns_organisations.add(*published.concerns_organisations.all())
    return records


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat"])
def test_the_same_export_whatever_the_chunk_size(client_for, linked, monkeypatch, persona):
    client = client_for(persona)
    whole = [body(client.get(url)) for url in EXPORTS]
    monkeypatch.setattr(exports, "CHUNK", 2)
    assert [body(client.get(url)) for url in EXPORTS] == whole
    monkeypatch.setattr(exports, "CHUNK", 1)
    assert [body(client.get(url)) for url in EXPORTS] == whole
    data = json.loads(whole[1])
    assert (
        data["count"] == len(data["decisions"]) == len(list(csv.DictReader(io.StringIO(whole[0].decode("utf-8-sig")))))
    )


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_what_a_draft_made_stays_hidden_in_every_chunk(client_for, linked, monkeypatch, persona):
    monkeypatch.setattr(exports, "CHUNK", 1)
    client = client_for(persona)
    hidden = [DRAFT_MARKER] + ([CIRCULATED_MARKER] if persona == "anonymous" else [])
    for url in EXPORTS:
        text = body(client.get(url)).decode()
        assert not [marker for marker in hidden if marker in text], url
    rows = json.loads(body(client.get(EXPORTS[1])))["decisions"]
    memberships = {m["organisation"]["name"] for row in rows for m in row["memberships"]}
    documents = {document["title"] for row in rows for document in row["documents"]}
    # Documents are for Board members, and the circulated record's output once they read the record.
    if persona == "anonymous":
        assert memberships == {"Newmember 203"}
        assert documents == set()
    else:
        assert memberships == {"Newmember 203", f"Newmember 202 {CIRCULATED_MARKER}"}
        assert documents == {f"Output on {MEMBER_MARKER}", f"Output on {CIRCULATED_MARKER}"}


def test_the_links_are_read_per_chunk_with_the_records_once(linked, monkeypatch, django_assert_num_queries):
    from decisions.models import Decision

    monkeypatch.setattr(exports, "CHUNK", 1)
    user = AnonymousUser()
    decisions = Decision.objects.visible_to(user).filter(reference__startswith="B203/0").newest_first()
    rows = exports.Exporter(lambda path: "http://testserver" + path).rows(decisions, user)
    chunks = rows.chunks()
    # The first decision: the rows, its links, the rules read once as ids (memberships, roles held;
    # no documents for the public), the records (meeting, organisations, people, memberships, roles).
    with django_assert_num_queries(9):
        next(chunks)
    # Each decision after it links to the same records: one query, its links.
    for _decision in range(3):
        with django_assert_num_queries(1):
            next(chunks)


@pytest.mark.parametrize("model", [Meeting, WrittenProcedure, Organisation, Person, Document, RoleHeld, Pillar])
def test_record_urls_are_their_pages(linked, model):
    exporter = exports.Exporter(lambda path: "https://portal.example" + path)
    records = list(model.objects.all()[:5])
    assert records
    for record in records:
        assert exporter.record_url(record) == "https://portal.example" + record.get_absolute_url()
    # Slugs fill one reversed URL; a model whose URL is not its slug's page is asked each time.
    assert (exporter.slug_urls[model] is None) == (model in (RoleHeld, Pillar))


def test_a_decision_url_is_its_page(db):
    exporter = exports.Exporter(lambda path: "https://portal.example" + path)
    for reference in ["B6/2022/04", "WP/2026/01", "B7/2023/01 bis", "Ä/ö?#%", "x y+z"]:
        assert exporter.url(reference) == "https://portal.example" + reverse(
            "decisions:decision-detail", args=[reference]
        )


CSV_ROWS = [
    ["plain", "", "a,b", 'say "hi"', "two\nlines", "cr\ronly", "crlf\r\nend", " spaced ", "tab\there", "é ü 中"],
    [""],
    ["", ""],
    ['"'],
    [",", "\n"],
    ["'=SUM(A1)", "Kosovo*"],
]


@pytest.mark.parametrize("cells", CSV_ROWS)
def test_csv_line_is_what_csv_writer_writes(cells):
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    assert exports.csv_line(cells) == out.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  plain  ",
        "a\tb",
        "line\nbreak",
        "cr\r\nlf",
        "nul\x00",
        "esc\x1b[0m",
        "nel\x85",
        "ls\u2028ps\u2029",
        "\xa0nbsp\xa0",
    ],
)
def test_texts_are_cleaned_as_before(text):
    # one_line() and multi_line() return a text with nothing to clean at once: the same as cleaning it.
    import re

    lines = re.sub(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", text).replace("\t", " ")
    assert one_line(text) == re.sub(r"[\x00-\x1f\x7f]", "", lines).strip()
    kept = text.replace("\r\n", "\n").replace("\r", "\n")
    assert multi_line(text) == re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", kept)
