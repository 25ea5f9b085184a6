"""The decision register: filters, and CSV and JSON exports of the filtered set, parsed back."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from core import pagination
from members.models import KOSOVO_FOOTNOTE, Pillar
from tests.factories import DecisionFactory, DocumentFactory, MeetingFactory

REGISTER = reverse("decisions:decision-list")


def references(response) -> list[str]:
    return [decision.reference for decision in response.context["page_obj"]]


@pytest.fixture
def register(demo):
    """The demo meeting (2022) and a published Board meeting of 2023 with one adopted decision."""
    start = timezone.make_aware(dt.datetime(2023, 5, 10, 10, 0))
    later = MeetingFactory(ordinal=7, title="7th IISG Board Meeting", start=start, end=start + dt.timedelta(hours=6))
    decision = DecisionFactory(
        meeting=later, sequence=1, reference="B7/2023/01", verb="adopted", subject="Work plan 2023"
    )
    decision.documents.add(DocumentFactory(title="Work plan 2023"))
    return later


def test_filter_by_verb_and_year(client, register):
    response = client.get(REGISTER, {"verb": "approved", "year": "2022"})
    assert references(response) == [f"B6/2022/0{n}" for n in range(2, 9)]
    assert references(client.get(REGISTER, {"year": "2023"})) == ["B7/2023/01"]
    assert references(client.get(REGISTER, {"verb": "agreed"})) == ["B6/2022/09"]


def test_filter_by_meeting_and_text(client, register):
    assert references(client.get(REGISTER, {"meeting": register.slug})) == ["B7/2023/01"]
    assert references(client.get(REGISTER, {"q": "donors"})) == ["B6/2022/09"]
    assert references(client.get(REGISTER, {"q": "b6/2022/08"})) == ["B6/2022/08"]


def test_filter_by_pillar_and_organisation(client_for, register):
    # Pillars come from the documents acted on.
    assert references(client_for("anonymous").get(REGISTER, {"pillar": "WBBSi"})) == ["B6/2022/02"]
    assert Pillar.objects.filter(code="WBBSi").exists()
    assert references(client_for("anonymous").get(REGISTER, {"organisation": "bulgaria"})) == ["B6/2022/07"]
    assert references(client_for("anonymous").get(REGISTER, {"organisation": "iisg-secretariat"})) == ["B6/2022/08"]


def test_a_meeting_the_user_may_not_see_is_no_choice(client, register):
    register.status = "draft"
    register.save()
    response = client.get(REGISTER, {"meeting": register.slug})
    assert response.context["filter"].errors
    assert "7th IISG Board Meeting" not in response.content.decode()


def test_each_decision_with_reference_meeting_and_what_it_acted_on(client, demo):
    page = client.get(REGISTER, {"q": "new members"}).content.decode()
    assert "B6/2022/07" in page
    assert demo.title in page
    assert "Bulgaria" in page
    assert "Support Group member" in page


def test_csv_export_of_the_approved_decisions_of_2022(client, register):
    response = client.get(reverse("decisions:decision-export-csv"), {"verb": "approved", "year": "2022"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    # UTF-8 with a byte-order mark, for Excel.
    content = response.getvalue()
    assert content.startswith(b"\xef\xbb\xbfreference,")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row["reference"] for row in rows] == [f"B6/2022/0{n}" for n in range(2, 9)]
    # OSCE Mission in Kosovo* is printed in one row: that row carries the designation footnote.
    assert {row["reference"]: row["footnote"] for row in rows if row["footnote"]} == {
        "B6/2022/07": str(KOSOVO_FOOTNOTE)
    }
    assert "Kosovo*" in rows[5]["memberships"]
    assert {row["verb"] for row in rows} == {"approved"}
    assert {row["meeting_date"] for row in rows} == {"2022-06-20"}
    new_members = next(row for row in rows if row["reference"] == "B6/2022/07")
    assert "Bulgaria (Support Group member)" in new_members["memberships"]
    assert new_members["url"].endswith("/decisions/B6/2022/07/")
    # The public does not get the documents (part of the full record).
    assert {row["documents"] for row in rows} == {""}


def test_json_export_for_a_board_member_lists_documents(client_for, register):
    response = client_for("board_member").get(
        reverse("decisions:decision-export-json"), {"verb": "approved", "year": "2022"}
    )
    data = json.loads(response.getvalue())
    assert data["count"] == 7
    work_plan = next(d for d in data["decisions"] if d["reference"] == "B6/2022/06")
    assert [(d["title"], d["kind"]) for d in work_plan["documents"]] == [
        ("IISG Secretariat annual work plan 2022", "Work plan")
    ]
    mandate = next(d for d in data["decisions"] if d["reference"] == "B6/2022/08")
    (role,) = mandate["roles"]
    assert (role["holder_type"], role["holder"]["name"], role["post"]) == (
        "person",
        "Mr Agron Sojati",
        "Head of the IISG Secretariat",
    )
    assert role["kind"] == "Extension of mandate"
    assert role["holder"]["url"].endswith("/people/agron-sojati/")


def test_csv_cells_never_start_a_formula(client, register):
    DecisionFactory(meeting=register, sequence=2, reference="B7/2023/02", subject="=HYPERLINK(1)")
    response = client.get(reverse("decisions:decision-export-csv"))
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert next(row for row in rows if row["reference"] == "B7/2023/02")["subject"] == "'=HYPERLINK(1)"


def test_register_paginates_at_25(client, db):
    meeting = MeetingFactory()
    for sequence in range(1, 31):
        DecisionFactory(meeting=meeting, sequence=sequence)
    first = client.get(REGISTER)
    assert len(first.context["page_obj"]) == 25
    assert len(client.get(REGISTER, {"page": 2}).context["page_obj"]) == 5
    # The export is the whole filtered set, not a page.
    assert json.loads(client.get(reverse("decisions:decision-export-json")).getvalue())["count"] == 30


def test_meeting_and_organisation_filters_list_no_rows_but_suggest_recent_meetings(client, register, demo):
    page = client.get(REGISTER).content.decode()
    # No <select> of every meeting or organisation: text fields, the newest meetings suggested.
    assert 'name="meeting"' in page
    assert '<select name="meeting"' not in page
    assert '<select name="organisation"' not in page
    assert f'<option value="{register.slug}">{register.title}</option>' in page
    assert 'list="id_meeting-options"' in page
    assert 'id="id_meeting_helptext"' in page


def test_meeting_and_organisation_filters_take_part_of_a_title_or_name(client, register, demo):
    assert references(client.get(REGISTER, {"meeting": "7th IISG"})) == ["B7/2023/01"]
    assert references(client.get(REGISTER, {"organisation": "Bulgar"})) == ["B6/2022/07"]
    # Several matches: an error, and the matches suggested (as their slugs, labelled by name).
    response = client.get(REGISTER, {"meeting": "Board Meeting"})
    assert response.context["filter"].errors["meeting"]
    page = response.content.decode()
    assert f'<option value="{register.slug}">' in page
    assert f'<option value="{demo.slug}">' in page


def test_text_filter_finds_words_and_the_beginning_of_a_reference(client, register):
    assert references(client.get(REGISTER, {"q": "b7/2023"})) == ["B7/2023/01"]
    assert references(client.get(REGISTER, {"q": "work plan"})) == ["B7/2023/01", "B6/2022/06"]


def test_the_actions_owner_filter_is_a_text_field(client_for, demo):
    from decisions.models import ActionItem

    action = ActionItem.objects.filter(owner_organisation__isnull=False).select_related("owner_organisation").first()
    client = client_for("board_member")
    page = client.get(reverse("decisions:action-list")).content.decode()
    assert '<select name="owner"' not in page
    assert 'name="owner"' in page
    if action is not None:
        organisation = action.owner_organisation
        for value in (organisation.slug, organisation.name[:6]):
            response = client.get(reverse("decisions:action-list"), {"owner": value})
            assert not response.context["filter"].errors.get("owner") or value != organisation.slug


def test_pages_keep_the_newest_first_order_of_meetings_and_procedures(client, db):
    # The register's page is two steps (decisions.models.NewestFirstPages): the page's ids, then its rows.
    # Meetings (two on the same day) and written procedures closed in between, over three pages of 25.
    from django.contrib.auth.models import AnonymousUser

    from decisions.models import Decision, WrittenProcedure
    from tests.factories import WrittenProcedureFactory

    base = timezone.make_aware(dt.datetime(2023, 1, 10, 10, 0))
    for month in range(6):
        start = base + dt.timedelta(days=30 * month)
        for _twin in range(1 + (month == 2)):
            meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=6))
            for sequence in range(1, 10):
                DecisionFactory(meeting=meeting, sequence=sequence, reference=f"B{meeting.ordinal}/{sequence:02d}")
        procedure = WrittenProcedureFactory(
            stage=WrittenProcedure.Stage.CLOSED,
            status="published",
            closed_at=start + dt.timedelta(days=15),
            outcome="adopted",
        )
        DecisionFactory(meeting=None, procedure=procedure, sequence=1, reference=f"WP-D/{month}")
    unseen = WrittenProcedureFactory(stage=WrittenProcedure.Stage.CLOSED, closed_at=base)  # not published
    DecisionFactory(meeting=None, procedure=unseen, sequence=1, reference="WP-D/unseen")

    expected = list(Decision.objects.visible_to(AnonymousUser()).newest_first().values_list("reference", flat=True))
    assert len(expected) == 6 * 9 + 9 + 6
    assert "WP-D/unseen" not in expected
    pages = [references(client.get(REGISTER, {"page": page})) for page in (1, 2, 3)]
    assert pages[0] + pages[1] + pages[2] == expected
    assert [len(page) for page in pages] == [25, 25, 19]
    assert references(client.get(REGISTER, {"page": 2, "verb": "approved"})) == expected[25:50]


# --- The count: exact up to the cap, then "more than" (core.pagination) --------------------------


def test_a_register_longer_than_the_cap_says_more_than(client, db, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    meeting = MeetingFactory()
    DecisionFactory.create_batch(60, meeting=meeting)
    first = client.get(REGISTER)
    page = first.content.decode()
    assert "More than 30 decisions" in page
    assert "Page 1</span>" in page.replace("\n", "").replace("  ", "")
    assert " of " not in page[page.index('aria-current="page"') :].split("</li>")[0]
    assert 'rel="next"' in page
    assert len(first.context["page_obj"]) == 25
    # The page asked for is counted to: the second page counts up to 60, and all 60 are there.
    second = client.get(REGISTER, {"page": 2})
    assert "60 decisions" in second.content.decode()
    assert "Page 2 of 3" in " ".join(second.content.decode().split())
    assert len(second.context["page_obj"]) == 25
    third = client.get(REGISTER, {"page": 3})
    assert len(third.context["page_obj"]) == 10
    assert 'rel="next"' not in third.content.decode()


def test_a_register_within_the_cap_is_counted_exactly(client, db, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    DecisionFactory.create_batch(30, meeting=MeetingFactory())
    page = " ".join(client.get(REGISTER).content.decode().split())
    assert "30 decisions" in page
    assert "More than" not in page
    assert "Page 1 of 2" in page


def test_a_page_past_the_cap_is_reached_by_next(client, db, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    DecisionFactory.create_batch(80, meeting=MeetingFactory())
    # Page 2 ends at 50, past the cap: counted up to 60 (two steps of the cap), so more than 60.
    response = client.get(REGISTER, {"page": 2})
    page = " ".join(response.content.decode().split())
    assert "More than 60 decisions" in page
    assert response.context["page_obj"].has_next()
    assert len(response.context["page_obj"]) == 25


def test_capped_paginator_counts_no_further_than_asked():
    paginator = pagination.CappedPaginator(list(range(100)), 10, cap=20)
    page = paginator.get_page(1)
    assert (paginator.count_capped, paginator.count_shown, page.has_next()) == (True, 20, True)
    paginator = pagination.CappedPaginator(list(range(100)), 10, cap=20)
    page = paginator.get_page(2)
    assert page.has_next()
    paginator = pagination.CappedPaginator(list(range(100)), 10, cap=20)
    page = paginator.get_page(10)
    assert (paginator.count_capped, paginator.count, page.has_next(), list(page)) == (
        False,
        100,
        False,
        list(range(90, 100)),
    )
    paginator = pagination.CappedPaginator(list(range(5)), 10, cap=20)
    assert (paginator.get_page("x").number, paginator.count, paginator.count_capped) == (1, 5, False)


@pytest.mark.parametrize(
    "url",
    [
        reverse("decisions:decision-list"),
        reverse("decisions:document-list"),
        reverse("decisions:action-list"),
        reverse("portal:search") + "?q=Subject&kind=decisions",
    ],
)
@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "x", "1e9"])
def test_any_page_number_gives_a_page_never_a_500(client_for, db, url, page):
    DecisionFactory(subject="Subject of the register")
    separator = "&" if "?" in url else "?"
    response = client_for("board_member").get(f"{url}{separator}page={page}")
    assert response.status_code == 200


def test_a_huge_page_number_is_read_as_the_largest_page():
    assert pagination._page_number("99999999999999999999") == pagination.MAX_PAGE
    assert pagination._page_number("7") == 7
    assert pagination._page_number("-3") == pagination._page_number("x") == 1
