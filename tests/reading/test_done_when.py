"""The issue's "done when", end to end through the test client."""

import csv
import io

from django.urls import reverse
from icalendar import Calendar

from tests.reading.pagetext import text_of
from tests.signin import sign_in


def test_board_member_signs_in_reads_the_minutes_and_downloads_pdf_and_ics(client, demo, board_member):
    response = sign_in(client, board_member)
    assert response.status_code == 302
    page = client.get(demo.get_absolute_url()).content.decode()
    assert "Attendance" in page
    assert "Agenda" in page
    assert "Minutes (PDF)" in page
    pdf = client.get(reverse("portal:meeting-pdf", args=[demo.slug]))
    assert pdf.content.startswith(b"%PDF")
    ics = Calendar.from_ical(client.get(reverse("meetings:meeting-ics", args=[demo.slug])).content)
    assert [str(event["SUMMARY"]) for event in ics.walk("VEVENT")] == [demo.title]


def test_anonymous_visitor_sees_only_the_public_record(client, demo):
    page = client.get(demo.get_absolute_url()).content.decode()
    text = text_of(page)
    assert "Who took part" in text
    assert "Attendance" not in text
    assert "Opening of the meeting and opening remarks" not in text  # an agenda title
    assert "Public record (PDF)" in text


def test_register_filters_to_the_approved_decisions_of_2022_and_exports_them(client, demo):
    query = {"verb": "approved", "year": "2022"}
    page = client.get(reverse("decisions:decision-list"), query)
    assert page.context["page_obj"].paginator.count == 7
    export_link = reverse("decisions:decision-export-csv") + "?verb=approved&amp;year=2022"
    assert export_link in page.content.decode()
    export = client.get(reverse("decisions:decision-export-csv"), query)
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode("utf-8-sig"))))
    # OSCE Mission in Kosovo* is among them: its row carries the designation footnote (no note row).
    assert len(rows) == 7
    [designated] = [row for row in rows if "Kosovo*" in row["memberships"]]
    assert designated["footnote"].startswith("*This designation is without prejudice")
    assert {row["verb_label"] for row in rows} == {"Approved"}
