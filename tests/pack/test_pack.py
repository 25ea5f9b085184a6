"""The meeting pack (portal/pack.py), read back with pypdf: pages, order, bookmarks, stamps, audiences, cache."""

from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from decisions.models import MeetingPaper
from portal import pack
from tests.factories import DocumentFileFactory
from tests.pack.conftest import paper_pdf, read_pack


def url(meeting):
    return reverse("portal:meeting-pack", args=[meeting.slug])


def texts(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def outline(reader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    rows = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                rows.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return rows


def test_board_member_gets_the_pack_in_order_with_bookmarks(client_for, pack_meeting):
    response = client_for("board_member").get(url(pack_meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = read_pack(response)
    pages = texts(reader)
    # Cover (1), item 1 (1) + 3 pages, item 2 (1) + 2 pages, the meeting's own papers (1) + 1 page.
    assert len(pages) == 10
    assert "Pack test meeting" in pages[0]
    assert "Agenda" in pages[0]
    assert "Opening of the meeting" in pages[1]
    assert [p for p in range(10) if "ALPHAMARKER" in pages[p]] == [2, 3, 4]
    assert "ALPHAMARKER page 1" in pages[2]
    assert "ALPHAMARKER page 3" in pages[4]
    assert "Work plan 2027" in pages[5]
    assert [p for p in range(10) if "BRAVOMARKER" in pages[p]] == [6, 7]
    assert "Papers for the meeting as a whole" in pages[8]
    assert "CHARLIEMARKER" in pages[9]
    assert outline(reader) == [
        (0, "Cover and agenda", 1),
        (0, "1. Opening of the meeting", 2),
        (1, "Chair's note", 3),
        (1, "Budget table (not included)", 2),
        (0, "2. Work plan 2027", 6),
        (1, "Work plan draft", 7),
        (1, "Broken upload (not included)", 6),
        (1, "Locked upload (not included)", 6),
        (0, "Papers for the meeting as a whole", 9),
        (1, "Background paper", 10),
    ]


def test_every_page_says_its_number_and_the_records_version(client_for, pack_meeting):
    reader = read_pack(client_for("board_member").get(url(pack_meeting)))
    pack_meeting.refresh_from_db()
    for number, text in enumerate(texts(reader), start=1):
        assert f"Page {number} of 10" in text
        assert f"Version {pack_meeting.version} of" in text


def test_the_cover_gives_the_page_where_each_item_starts(client_for, pack_meeting):
    reader = read_pack(client_for("board_member").get(url(pack_meeting)))
    cover = reader.pages[0].extract_text()
    agenda = cover[cover.index("Item Page") : cover.index("DRAFT — not published")].splitlines()
    # Each row: the item and its papers, then the page where each starts (a dash: listed, not included).
    assert agenda == [
        "Item Page",
        "1. Opening of the meeting",
        "— Chair's note",
        "— Budget table (not included)",
        "2",
        "3",
        "–",
        "2. Work plan 2027",
        "— Work plan draft",
        "— Broken upload (not included)",
        "— Locked upload (not included)",
        "6",
        "7",
        "–",
        "–",
        "Papers for the meeting as a whole",
        "— Background paper",
        "9",
        "10",
    ]
    # The same pages as the bookmarks'.
    assert {title: page for _depth, title, page in outline(reader)}["2. Work plan 2027"] == 6


def test_damaged_encrypted_and_other_files_are_listed_not_merged(client_for, pack_meeting):
    response = client_for("board_member").get(url(pack_meeting))
    pages = texts(read_pack(response))
    item_two = pages[5]
    assert "Broken upload" in item_two
    assert "cannot be read as PDF" in item_two
    assert "Locked upload" in item_two
    assert "encrypted" in item_two
    assert not any("SECRETMARKER" in text for text in pages)
    item_one = pages[1]
    assert "Budget table" in item_one
    assert "not a PDF file" in item_one
    assert "/documents/" in item_one  # the link to its download page


def test_a_paper_whose_file_is_missing_is_listed(client_for, pack_meeting):
    paper = MeetingPaper.objects.get(meeting=pack_meeting, document__title="Background paper")
    default_storage.delete(paper.document.files.get().file.name)
    response = client_for("board_member").get(url(pack_meeting))
    assert response.status_code == 200
    pages = texts(read_pack(response))
    assert not any("CHARLIEMARKER" in text for text in pages)
    assert "its file is missing" in pages[-1]


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_a_draft_meeting_not_announced_is_a_404(client_for, pack_meeting, persona):
    pack_meeting.status = "draft"
    pack_meeting.save()
    assert client_for(persona).get(url(pack_meeting)).status_code == 404


def test_the_public_gets_no_pack_before_publication(client_for, pack_meeting):
    assert client_for("anonymous").get(url(pack_meeting)).status_code == 404


def test_the_public_pack_holds_no_members_only_paper(client_for, pack_meeting):
    pack_meeting.status = "published"
    pack_meeting.save()
    response = client_for("anonymous").get(url(pack_meeting))
    assert response.status_code == 200
    reader = read_pack(response)
    body = "\n".join(texts(reader))
    assert "Pack test meeting" in body
    for marker in ("ALPHAMARKER", "BRAVOMARKER", "CHARLIEMARKER", "Chair's note", "Budget table", "Opening of the"):
        assert marker not in body
    assert [title for _depth, title, _page in outline(reader)] == ["Cover and agenda"]


def test_board_member_prepares_the_next_meeting_from_its_pack(client_for, upcoming_announced):
    response = client_for("board_member").get(url(upcoming_announced))
    assert response.status_code == 200
    body = "\n".join(texts(read_pack(response)))
    assert "Upcoming item" in body
    assert "UPCOMINGMARKER" in body
    # The minutes notes of a draft are not preparation material.
    assert "DRAFTNOTESMARKER" not in body
    # The record itself stays closed to them until it is circulated.
    page = client_for("board_member").get(upcoming_announced.get_absolute_url())
    assert page.status_code == 200
    assert "DRAFTNOTESMARKER" not in page.content.decode()


def test_the_public_gets_no_pack_of_an_announced_meeting(client_for, upcoming_announced):
    assert client_for("anonymous").get(url(upcoming_announced)).status_code == 404


def test_a_pack_is_built_once_per_audience(client_for, pack_meeting):
    with mock.patch("portal.pack.build_pack", wraps=pack.build_pack) as build:
        first = read_pack(client_for("board_member").get(url(pack_meeting)))
        again = read_pack(client_for("board_member").get(url(pack_meeting)))
        assert build.call_count == 1
        secretariat = client_for("secretariat").get(url(pack_meeting))
        assert secretariat.status_code == 200
        read_pack(secretariat)
        assert build.call_count == 2
    assert len(first.pages) == len(again.pages) == 10
    files = default_storage.listdir(f"packs/{pack_meeting.pk}")[1]
    assert sorted(name.split("-")[0] for name in files) == ["members", "secretariat"]


def test_a_change_of_an_agenda_item_rebuilds_the_pack(client_for, pack_meeting):
    client = client_for("board_member")
    read_pack(client.get(url(pack_meeting)))
    item = pack_meeting.agenda_items.get(position=2)
    item.title = "Work plan 2028"
    item.save()
    with mock.patch("portal.pack.build_pack", wraps=pack.build_pack) as build:
        pages = texts(read_pack(client.get(url(pack_meeting))))
    assert build.call_count == 1
    assert "2. Work plan 2028" in pages[5]
    # The stale pack of that audience is gone: one file left.
    assert len(default_storage.listdir(f"packs/{pack_meeting.pk}")[1]) == 1


def test_a_new_file_of_a_paper_rebuilds_the_pack(client_for, pack_meeting):
    client = client_for("board_member")
    read_pack(client.get(url(pack_meeting)))
    document = MeetingPaper.objects.get(meeting=pack_meeting, document__title="Background paper").document
    from django.core.files.base import ContentFile

    DocumentFileFactory(document=document, number=2, file=ContentFile(paper_pdf("DELTAMARKER", 2), name="v2.pdf"))
    pages = texts(read_pack(client.get(url(pack_meeting))))
    assert len(pages) == 11
    assert "DELTAMARKER" in pages[-1]
    assert not any("CHARLIEMARKER" in text for text in pages)


def test_a_cached_pack_costs_a_fixed_number_of_queries(client_for, pack_meeting, django_assert_num_queries):
    client = client_for("board_member")
    read_pack(client.get(url(pack_meeting)))
    # The signed-in request's own: session, user, its two second-factor devices, groups (the session is
    # not saved again: renewed at most once a minute, core/sessions.py); then the meeting, and its
    # agenda, papers and participants (the change key). No file is read, nothing is built.
    with django_assert_num_queries(9):
        response = client.get(url(pack_meeting))
        read_pack(response)
    assert response.status_code == 200


def test_the_pack_link_shows_only_to_who_may_get_the_pack(rf, board_member, anonymous, pack_meeting):
    from django.template.loader import render_to_string

    def link(user):
        return render_to_string("portal/_pack_link.html", {"meeting": pack_meeting, "user": user}).strip()

    assert link(board_member).startswith("<li>")
    assert url(pack_meeting) in link(board_member)
    assert "Meeting pack (PDF)" in link(board_member)
    assert link(anonymous) == ""


def test_the_cover_names_expected_participants_with_the_kosovo_footnote(client_for, upcoming_announced):
    from members.models import DESIGNATED_NAME
    from tests.factories import OrganisationFactory, ParticipationFactory

    upcoming_announced.status = "circulated"
    upcoming_announced.save()
    kosovo = OrganisationFactory(name=f"Ministry of Internal Affairs, {DESIGNATED_NAME}")
    ParticipationFactory(meeting=upcoming_announced, person=None, organisation=kosovo)
    cover = read_pack(client_for("board_member").get(url(upcoming_announced))).pages[0].extract_text()
    assert "Expected participants" in cover
    assert DESIGNATED_NAME in cover
    assert "UNSCR 1244/1999" in cover
    # In the meeting's own time zone, as its other pages give it.
    assert upcoming_announced.time_zone in cover


def test_no_kosovo_footnote_where_kosovo_is_not_named(client_for, pack_meeting):
    pages = texts(read_pack(client_for("board_member").get(url(pack_meeting))))
    assert not any("UNSCR 1244/1999" in text for text in pages)


def test_the_pack_link_reads_the_user_from_the_request(rf, board_member, pack_meeting):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = board_member
    html = render_to_string("portal/_pack_link.html", {"meeting": pack_meeting}, request=request)
    assert html.count("<li>") == 1
    assert url(pack_meeting) in html


def test_kept_packs_are_no_orphans_for_check_files(client_for, pack_meeting):
    from core.files import check_files

    read_pack(client_for("board_member").get(url(pack_meeting)))
    assert default_storage.listdir(f"packs/{pack_meeting.pk}")[1]
    assert check_files().orphan_names == []
