"""
The register's CSV opens right: UTF-8 with a byte-order mark (Excel reads the region's letters and
the en dash), the Kosovo* footnote a field of the rows that print the name (no note row a program
would read as a record), and no cell a spreadsheet would run as a formula, whatever comes before
its sign (whitespace, a line break) and in whichever width.
"""

import csv
import io
import json

import pytest
from django.urls import reverse

from decisions import exports
from members.models import KOSOVO_FOOTNOTE
from tests.factories import DecisionFactory, MeetingFactory, OrganisationFactory

CSV = reverse("decisions:decision-export-csv")
JSON = reverse("decisions:decision-export-json")
REGION = "Priština – Podgorica: čćđšž ëç Скопје Београд"


def body(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def rows(client) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(client, CSV).decode("utf-8-sig"), newline="")))


@pytest.fixture
def meeting(db):
    return MeetingFactory(title=f"Meeting in {REGION}")


def test_the_csv_is_utf8_with_a_byte_order_mark(client, meeting):
    DecisionFactory(meeting=meeting, sequence=1, reference="B9/2024/01", subject=f"On {REGION}")
    content = body(client, CSV)
    # The mark once, at the very start; then the header.
    assert content.startswith("\ufeffreference,meeting,".encode())
    assert content.count(b"\xef\xbb\xbf") == 1
    header, row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert header == exports.COLUMNS
    assert (row[1], row[9]) == (f"Meeting in {REGION}", f"On {REGION}")


def test_the_footnote_is_a_field_of_the_rows_that_print_kosovo(client, meeting):
    kosovo = OrganisationFactory(name="OSCE Mission in Kosovo", designation_footnote=True)
    concerned = DecisionFactory(meeting=meeting, sequence=1, reference="B9/2024/01")
    concerned.concerns_organisations.add(kosovo)
    DecisionFactory(meeting=meeting, sequence=2, reference="B9/2024/02", subject="Nothing designated")
    header, *data = rows(client)
    assert header[-1] == "footnote"
    # Every line is a record of every column: none is a note.
    assert [len(row) for row in data] == [len(exports.COLUMNS)] * 2
    by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    assert set(by_reference) == {"B9/2024/01", "B9/2024/02"}
    assert by_reference["B9/2024/01"]["concerns"] == "OSCE Mission in Kosovo*"
    assert by_reference["B9/2024/01"]["footnote"] == str(KOSOVO_FOOTNOTE)
    assert by_reference["B9/2024/02"]["footnote"] == ""
    # As the JSON gives it beside the name.
    decisions = {d["reference"]: d for d in json.loads(body(client, JSON))["decisions"]}
    assert decisions["B9/2024/01"]["concerns_organisations"][0]["footnote"] == str(KOSOVO_FOOTNOTE)


FORMULAS = [
    "=1+1",
    " =1+1",
    "  +cmd|' /C calc'!A0",
    "\n=HYPERLINK(1)",
    "\r\n-2+3",
    "\t=1",
    "\u3000=1",
    "\xa0@SUM(A1)",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    " ＝1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_no_cell_starts_a_formula(client, meeting, text):
    DecisionFactory(meeting=meeting, sequence=1, reference="B9/2024/01", subject=text.strip() or "x", wording=text)
    header, row = rows(client)
    cells = dict(zip(header, row, strict=True))
    for column in ("subject", "wording"):
        assert cells[column].startswith("'"), (column, cells[column])
    # The JSON keeps the text as it is (it is no spreadsheet).
    [decision] = json.loads(body(client, JSON))["decisions"]
    assert decision["wording"] == text.replace("\r\n", "\n")


@pytest.mark.parametrize("text", ["a=1", "Kosovo*", "", "'=kept", "spaced =1", "B6/2022/04", "2022-06-20", "* note"])
def test_the_guard_leaves_other_texts_as_they_are(text):
    assert exports.guard(text) == text


@pytest.mark.parametrize("text", FORMULAS)
def test_the_guard_keeps_formulas_text(text):
    assert exports.guard(text) == "'" + text


def test_whitespace_is_every_whitespace():
    # What str.isspace() and re's \s take for whitespace: a cell starting with any of them is looked at.
    assert set(exports.WHITESPACE) == {chr(code) for code in range(0x110000) if chr(code).isspace()}


def test_the_csv_is_what_csv_writer_writes(client, meeting):
    kosovo = OrganisationFactory(name="OSCE Mission in Kosovo", designation_footnote=True)
    for sequence, subject in enumerate(['With "quotes", a comma', "Two\nlines", "=formula", f"On {REGION}"], 1):
        decision = DecisionFactory(
            meeting=meeting, sequence=sequence, reference=f"B9/2024/0{sequence}", subject=subject, wording=subject
        )
        if sequence % 2:
            decision.concerns_organisations.add(kosovo)
    content = body(client, CSV).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(content, newline="")))
    out = io.StringIO()
    csv.writer(out).writerows(parsed)
    assert out.getvalue() == content
    assert len(parsed) == 5
    assert all(len(row) == len(exports.COLUMNS) for row in parsed)
