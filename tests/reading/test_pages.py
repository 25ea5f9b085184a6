"""Meeting list filters and pagination, rescheduled and corrected records, Markdown, search, layout."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.markdown import render_markdown
from meetings.models import Meeting
from tests.factories import CorrectionFactory, DecisionFactory, MeetingFactory, PillarFactory, RescheduleFactory

MEETINGS = reverse("meetings:meeting-list")


def titles(response) -> list[str]:
    return [meeting.title for meeting in response.context["page_obj"]]


def test_meeting_list_filters_by_kind_and_year(client, db):
    pillar = PillarFactory(code="WBCTi")
    start = timezone.make_aware(dt.datetime(2021, 11, 3, 10))
    MeetingFactory(title="Board 2021", start=start, end=start + dt.timedelta(hours=5))
    MeetingFactory(title="Pillar 2021", kind=Meeting.Kind.PILLAR, pillar=pillar, start=start, end=start)
    MeetingFactory(title="Board now")
    assert titles(client.get(MEETINGS, {"kind": "pillar"})) == ["Pillar 2021"]
    assert sorted(titles(client.get(MEETINGS, {"year": "2021"}))) == ["Board 2021", "Pillar 2021"]
    assert titles(client.get(MEETINGS, {"kind": "board", "year": "2021"})) == ["Board 2021"]


def test_year_choices_come_only_from_visible_meetings(client, db):
    start = timezone.make_aware(dt.datetime(2031, 1, 10, 10))
    MeetingFactory(status=Meeting.Status.DRAFT, start=start, end=start)
    response = client.get(MEETINGS)
    assert "2031" not in response.content.decode()


def test_meeting_list_paginates_at_25(client, db):
    for _ in range(27):
        MeetingFactory()
    assert len(client.get(MEETINGS).context["page_obj"]) == 25
    assert len(client.get(MEETINGS, {"page": 2}).context["page_obj"]) == 2


def test_rescheduled_meeting_shows_the_dates_announced_before(client, db):
    start = timezone.make_aware(dt.datetime(2030, 5, 20, 9))
    meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=8))
    RescheduleFactory(
        meeting=meeting,
        previous_start=timezone.make_aware(dt.datetime(2030, 4, 8, 9)),
        previous_end=timezone.make_aware(dt.datetime(2030, 4, 8, 17)),
        reason="Postponed at the host's request.",
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Dates announced before" in page
    assert "Monday, 8 April 2030" in page
    assert "Postponed at the host&#x27;s request." in page
    assert "Monday, 20 May 2030, 09:00–17:00 (Europe/Sarajevo)" in page


def test_corrected_record_says_when_and_why(client, db):
    meeting = MeetingFactory()
    CorrectionFactory(meeting=meeting, reason="A delegate's title was corrected.")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Corrected on" in page
    assert "title was corrected" in page
    # The record's own publication, never read as the meeting's date.
    assert "Record published on" in page


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<p onclick="alert(1)" style="color:red">hi</p>',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_markdown_is_sanitised(payload):
    html = str(render_markdown(f"Notes\n\n{payload}"))
    for forbidden in ["<script", "onerror", "onclick", "javascript:", "<iframe", "style=", "alert('x')"]:
        assert forbidden not in html


def test_markdown_keeps_what_minutes_need():
    text = "## Item\n\n* **Agreed**: [report](https://example.org/r)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    html = str(render_markdown(text))
    assert "<h2>Item</h2>" in html
    assert "<strong>Agreed</strong>" in html
    assert 'href="https://example.org/r"' in html
    assert "<table>" in html


def test_script_in_minutes_never_reaches_the_page(client_for, db):
    meeting = MeetingFactory(
        minutes="Fine.\n\n<script>alert('pwned')</script>", public_summary="<script>x()</script>Ok"
    )
    page = client_for("board_member").get(meeting.get_absolute_url()).content.decode()
    main = page[page.index("<main") :]
    assert "<script" not in main.split("</main>")[0]
    assert "pwned" not in page


def _found(response) -> list:
    """The results on the search page of all kinds (the best of each kind)."""
    return [result for group in response.context["overview"] for result in group.results]


def test_search_finds_what_the_user_may_read(client_for, demo):
    client = client_for("anonymous")
    response = client.get(reverse("portal:search"), {"q": "donors"})
    kinds = {str(result.kind) for result in _found(response)}
    assert "Decision" in kinds
    assert "Agenda item" not in kinds  # agenda notes are for Board members
    board = client_for("board_member").get(reverse("portal:search"), {"q": "donors"})
    assert "Agenda item" in {str(result.kind) for result in _found(board)}


def test_search_finds_documents_for_board_members_only(client_for, demo):
    query = {"q": "work plan"}
    public = client_for("anonymous").get(reverse("portal:search"), query)
    assert "Document" not in {str(r.kind) for r in _found(public)}
    board = client_for("board_member").get(reverse("portal:search"), query)
    assert "Document" in {str(r.kind) for r in _found(board)}


def test_empty_search_shows_the_form(client, db):
    response = client.get(reverse("portal:search"))
    assert response.status_code == 200
    assert response.context["result_count"] == 0


def test_layout_has_one_h1_navigation_sign_in_and_no_cdn(client, demo):
    for url in [reverse("home"), MEETINGS, demo.get_absolute_url(), reverse("decisions:decision-list")]:
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1, url
        assert 'aria-label="Main navigation"' in page
        assert "Sign in" in page
        assert "cdn" not in page.lower()
        assert "/static/vendor/bootstrap/bootstrap.min.css" in page


def test_home_shows_next_meeting_latest_meetings_and_decisions(client, demo):
    soon = timezone.now() + dt.timedelta(days=20)
    MeetingFactory(title="The next Board meeting", start=soon, end=soon + dt.timedelta(hours=4))
    page = client.get(reverse("home")).content.decode()
    assert page.index("Next meeting") < page.index("The next Board meeting") < page.index("Latest meetings")
    assert demo.title in page
    assert "B6/2022/09" in page


def test_sign_in_page_uses_our_template(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'for="id_auth-username"' in page
    assert "IISG Board Portal" in page


def test_dates_are_those_of_the_place_of_the_meeting(client, db):
    import zoneinfo

    start = dt.datetime(2030, 3, 5, 1, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))  # 4 March in Sarajevo
    meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=3), time_zone="Asia/Tokyo")
    DecisionFactory(meeting=meeting, sequence=1, reference="M/2030/01")
    assert "Tuesday, 5 March 2030, 01:00–04:00 (Asia/Tokyo)" in client.get(meeting.get_absolute_url()).content.decode()
    register = client.get(reverse("decisions:decision-list")).content.decode()
    assert "5 March 2030" in register
    assert "4 March 2030" not in register


def test_not_found_page_offers_to_sign_in(client, db):
    response = client.get("/meetings/no-such-meeting/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "/accounts/login/?next=/meetings/no-such-meeting/" in page


def test_server_error_page_renders_without_context():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Something went wrong" in page
