"""
The day a record says it was published (issue 17): for a record entered after the fact (a 2017 meeting
recorded now), the day the Secretariat says it was first made public, or no day at all, never the day
it was entered; a record published here soon after its meeting gives that day. Read by the public and
by Board members, on the page, in the PDF and in the PDF's attached data.
"""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ENTERED_AFTER_THE_FACT
from tests.factories import MeetingFactory
from tests.reading.pagetext import text_of
from tests.reading.test_archival_pdf import attached_json

SARAJEVO = zoneinfo.ZoneInfo("Europe/Sarajevo")
READERS = ["anonymous", "board_member"]


def main_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    markup = response.content.decode()
    return text_of(markup[markup.index("<main") : markup.index("</main>")])


def read_everywhere(client, meeting, pdf_renders) -> tuple[str, str, dict]:
    """The page's text, the text the PDF was made from, and the PDF's attached data."""
    page = main_text(client, meeting.get_absolute_url())
    pdf = client.get(reverse("portal:meeting-pdf", args=[meeting.slug])).content
    return page, text_of(pdf_renders[-1]), attached_json(pdf)["meeting"]


@pytest.fixture
def entered_now(db):
    """The 2nd Board meeting (20 November 2017), recorded and published in the portal today."""
    start = dt.datetime(2017, 11, 20, 9, 0, tzinfo=SARAJEVO)
    return MeetingFactory(
        ordinal=2,
        title="2nd IISG Board Meeting",
        start=start,
        end=start + dt.timedelta(hours=8),
        time_zone="Europe/Sarajevo",
        published_at=timezone.now(),
    )


def today() -> str:
    return timezone.localtime().strftime("%A, %-d %B %Y")


@pytest.mark.parametrize("persona", READERS)
def test_a_record_entered_after_the_fact_gives_no_publication_date(client_for, entered_now, persona, pdf_renders):
    page, pdf_text, data = read_everywhere(client_for(persona), entered_now, pdf_renders)
    for text in (page, pdf_text):
        assert "Record published on" not in text
        assert today() not in text
    assert data["published_on"] is None
    assert "published_at" not in data


@pytest.mark.parametrize("persona", READERS)
def test_the_day_it_was_first_made_public_is_the_one_given(client_for, entered_now, persona, pdf_renders):
    entered_now.first_published_on = dt.date(2017, 12, 4)
    entered_now.save()
    page, pdf_text, data = read_everywhere(client_for(persona), entered_now, pdf_renders)
    for text in (page, pdf_text):
        assert "Record published on Monday, 4 December 2017" in text
        assert today() not in text
    assert data["published_on"] == "2017-12-04"


@pytest.mark.parametrize("persona", READERS)
def test_a_record_published_soon_after_its_meeting_gives_that_day(client_for, persona, pdf_renders, db):
    start = timezone.now() - dt.timedelta(days=100)
    published = start + ENTERED_AFTER_THE_FACT - dt.timedelta(days=1)
    meeting = MeetingFactory(start=start, end=start + dt.timedelta(hours=6), published_at=published)
    day = timezone.localtime(published).strftime("%A, %-d %B %Y")
    page, pdf_text, data = read_everywhere(client_for(persona), meeting, pdf_renders)
    for text in (page, pdf_text):
        assert f"Record published on {day}" in text
    assert data["published_on"] == timezone.localdate(published).isoformat()


def test_the_rule_counts_from_the_end_of_the_meeting(db):
    start = timezone.now() - dt.timedelta(days=400)
    end = start + dt.timedelta(days=2)
    meeting = MeetingFactory(start=start, end=end, published_at=end + ENTERED_AFTER_THE_FACT)
    assert meeting.published_on == timezone.localdate(end + ENTERED_AFTER_THE_FACT)
    meeting.published_at = end + ENTERED_AFTER_THE_FACT + dt.timedelta(minutes=1)
    assert meeting.published_on is None
    # A day given always wins; no day while the record is not published (unpublished, or not yet).
    meeting.first_published_on = start.date()
    assert meeting.published_on == start.date()
    meeting.status = "circulated"
    assert meeting.published_on is None


def test_a_record_not_published_gives_no_day_it_was_first_made_public(client_for, entered_now, pdf_renders):
    """Unpublished (back to circulated), the record reads as a draft: no publication day, even a given one."""
    entered_now.first_published_on = dt.date(2017, 12, 4)
    entered_now.status = "circulated"
    entered_now.published_at = None
    entered_now.save()
    page, pdf_text, data = read_everywhere(client_for("board_member"), entered_now, pdf_renders)
    assert "Record published on" not in page
    assert "Record published on" not in pdf_text
    assert data["published_on"] is None
    assert client_for("anonymous").get(entered_now.get_absolute_url()).status_code == 404
