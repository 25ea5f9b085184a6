"""
A stored web address is printed only if it is an http or https one: in the pages (a link), the PDF
(the address as text), the iCalendar feeds (in the description, which calendars turn into a link),
the data attached to the PDF, and the admin's "Currently:" link. Anything else prints the text alone.
The forms refuse `javascript:`, but a row saved before that rule, by a script or an import may hold it.
"""

import pytest
import weasyprint
from django.db import models
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

import core.pdf
from core.links import web_url
from core.text import portal_app_configs
from meetings.models import Meeting, Occasion
from tests.factories import MeetingFactory, OccasionFactory

pytestmark = pytest.mark.django_db

GOOD = "https://www.salzburgforum.org/conference?year=2022&lang=en"
BAD = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "vbscript:msgbox(1)",
    "ftp://files.example.org/agenda.pdf",
    "//evil.example/page",
    "https:evil.example",
    "http://[::1",
]


@pytest.mark.parametrize("value", BAD)
def test_only_http_and_https_addresses_are_web_addresses(value):
    assert web_url(value) == ""


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (GOOD, GOOD),
        ("HTTP://EXAMPLE.ORG/", "HTTP://EXAMPLE.ORG/"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("https://example.org/ä?q=é", "https://example.org/ä?q=é"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_web_address_is_printed_as_stored(value, printed):
    assert web_url(value) == printed


def _meeting_at(url: str) -> Meeting:
    """A published meeting held within an occasion whose link was stored without the form's check."""
    occasion = OccasionFactory(name="the Salzburg Forum Ministerial Conference")
    # As an older row or a script would have left it: no validation on this path.
    Occasion.objects.filter(pk=occasion.pk).update(url=url)
    return MeetingFactory(occasion=occasion, occasion_relation=Meeting.OccasionRelation.BACK_TO_BACK)


@pytest.fixture
def board_browser(board_member):
    client = Client()
    client.force_login(board_member)
    return client


def _pages(client, meeting):
    for url in (reverse("portal:meeting-detail", args=[meeting.slug]), reverse("meetings:meeting-list")):
        response = client.get(url)
        assert response.status_code == 200
        yield response.content.decode()


@pytest.mark.parametrize("url", BAD)
@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_a_stored_link_that_is_no_web_address_is_no_link_in_the_pages(client, board_browser, url, persona):
    meeting = _meeting_at(url)
    for page in _pages(board_browser if persona == "board_member" else client, meeting):
        assert "the Salzburg Forum Ministerial Conference" in page  # the text alone
        assert 'rel="external noopener"' not in page
        for scheme in ("javascript:", "JaVaScRiPt:", "data:", "vbscript:", "ftp:", "//evil"):
            assert scheme not in page


def test_a_good_link_is_a_link_in_the_pages(client):
    meeting = _meeting_at(GOOD)
    for page in _pages(client, meeting):
        assert (
            '<a href="https://www.salzburgforum.org/conference?year=2022&amp;lang=en" rel="external noopener">'
            "the Salzburg Forum Ministerial Conference</a>" in page
        )


@pytest.mark.parametrize(("url", "printed"), [("javascript:alert(1)", None), ("data:text/html,x", None), (GOOD, GOOD)])
def test_the_pdf_and_its_data_print_only_a_web_address(client, url, printed, monkeypatch):
    meeting = _meeting_at(url)
    sources, attached = [], []
    real_html, real_render = weasyprint.HTML, core.pdf.render_pdf

    def html_spy(*args, string=None, **kwargs):
        sources.append(string)
        return real_html(*args, string=string, **kwargs)

    def render_spy(*args, data=None, **kwargs):
        attached.append(data)
        return real_render(*args, data=data, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", html_spy)
    monkeypatch.setattr("portal.views.render_pdf", render_spy)
    response = client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    assert response.content.startswith(b"%PDF")
    [source] = sources
    [data] = attached
    assert data["meeting"]["occasion"]["url"] == printed
    assert "the Salzburg Forum Ministerial Conference" in source
    if printed:
        assert '<span class="small">https://www.salzburgforum.org/conference?year=2022&amp;lang=en</span>' in source
    else:
        assert url.split(":")[0] + ":" not in source


@pytest.mark.parametrize(("url", "printed"), [("javascript:alert(1)", False), (" JaVaScRiPt:x", False), (GOOD, True)])
def test_the_calendar_prints_only_a_web_address(client, url, printed):
    meeting = _meeting_at(url)
    for feed in (reverse("meetings:meeting-ics", args=[meeting.slug]), reverse("meetings:meetings-ics")):
        [event] = Calendar.from_ical(client.get(feed).content).walk("VEVENT")
        description = str(event["DESCRIPTION"])
        assert "Held back-to-back with the Salzburg Forum Ministerial Conference" in description
        assert (GOOD in description) is printed
        assert "javascript" not in description.lower()


@pytest.mark.parametrize(
    ("url", "linked"), [("ftp://files.example.org/a", False), ("javascript:x", False), (GOOD, True)]
)
def test_the_admin_links_only_a_web_address(admin_client, url, linked):
    occasion = _meeting_at(url).occasion
    page = admin_client.get(reverse("admin:meetings_occasion_change", args=[occasion.pk])).content.decode()
    assert ("Currently:" in page) is linked
    assert 'href="ftp:' not in page
    assert 'href="javascript:' not in page


def test_every_stored_address_of_the_portal_is_known_here():
    """A new URL field is printed through core.links.web_url (`|web_url`) everywhere, then listed here."""
    fields = {
        f"{model._meta.label}.{field.name}"
        for config in portal_app_configs()
        for model in config.get_models()
        # Their history (simple_history's Historical… copies) is shown as text, or in the same admin form.
        if not model._meta.object_name.startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.URLField)
    }
    assert fields == {"meetings.Occasion.url"}
