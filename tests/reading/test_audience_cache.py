"""
Parts of signed-in pages kept per audience (core.pagecache.for_audience): a Board member's record of
a meeting, and its PDF, are rendered once per change of the site and served to every Board member;
the public's to the public; the Secretariat's never kept. Each test runs on LocMemCache and on Redis
(the `page_cache` fixture of test_page_cache).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from meetings.models import Meeting
from tests.factories import UserFactory
from tests.reading.conftest import FORBIDDEN, MEMBER_MARKER
from tests.reading.test_no_leaks import read, without_echo
from tests.reading.test_page_cache import CHANGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(records_built_once):
    """The records are built once for the module; each test's changes are rolled back (tests/built_once.py)."""
    return records_built_once


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get_counting(client, url):
    """The response and the tables its queries read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, " ".join(query["sql"] for query in queries.captured_queries)


def audience_keys(cache) -> int:
    """How many audience parts the cache holds under the current generation (LocMem and Redis)."""
    generation = pagecache.current_generation()
    if hasattr(cache, "_cache"):  # LocMemCache
        return sum(f"audience-part:{generation}:" in key for key in cache._cache)
    return len(list(cache.client.get_client().scan_iter(match=f"*audience-part:{generation}:*")))


def test_a_board_members_record_is_rendered_once_for_every_board_member(page_cache, records, board_member):
    url = records["published"].meeting.get_absolute_url()
    first, first_sql = get_counting(signed_in(board_member), url)
    colleague = UserFactory(username="colleague")
    colleague.groups.set(board_member.groups.all())
    second, second_sql = get_counting(signed_in(colleague), url)
    assert "decisions_decision" in first_sql
    # The colleague's page came without reading the record: no decision, participation or agenda query.
    for table in ("decisions_decision", "meetings_participation", "meetings_agendaitem"):
        assert table not in second_sql
    assert MEMBER_MARKER in first.content.decode()
    assert read(first).split("<main")[1].split("</main>")[0] == read(second).split("<main")[1].split("</main>")[0]
    assert "Sign out" in read(second)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_shows_to_board_members_on_the_next_request(page_cache, records, board_member, committed, change):
    member = signed_in(board_member)
    meeting_url = records["published"].meeting.get_absolute_url()
    before = read(member.get(meeting_url))
    with committed():
        url, shown = change(records)
    after = read(member.get(url))
    if shown is None:  # a deletion: the chair is no longer named
        assert "Chairperson Publicname" in before
        assert "Chairperson Publicname" not in read(member.get(meeting_url))
    else:
        assert shown in after


def test_audiences_never_share_a_record(page_cache, records, board_member, outsider):
    """A signed-in user without a role reads the public record; a Board member's never reaches them."""
    url = records["published"].meeting.get_absolute_url()
    member, public_reader = signed_in(board_member), signed_in(outsider)
    for _ in range(2):  # rendered and kept, then from the cache; in both orders
        assert MEMBER_MARKER in read(member.get(url))
        assert MEMBER_MARKER not in read(public_reader.get(url))
    assert audience_keys(page_cache) == 2


def test_nothing_of_the_secretariats_is_kept(page_cache, records, secretariat, board_member):
    url = records["circulated"].meeting.get_absolute_url()
    staff = signed_in(secretariat)
    staff.get(url)
    second, second_sql = get_counting(staff, url)
    assert "decisions_decision" in second_sql
    assert audience_keys(page_cache) == 0
    # The Secretariat's edit controls never reach a Board member, who reads the kept record.
    assert "Edit meeting" in read(second)
    assert "Edit meeting" not in read(signed_in(board_member).get(url))


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_the_kept_records_show_nobody_what_they_may_not_read(page_cache, client_for, records, persona):
    """Every persona in turn fills the cache; then each reads every meeting: no marker it may not see."""
    urls = [record.meeting.get_absolute_url() for record in records.values()]
    urls += [reverse("portal:meeting-pdf", args=[records["published"].meeting.slug])]
    for filler in ("board_member", "secretariat", "admin", "anonymous"):
        for url in urls:
            client_for(filler).get(url)
    reader = client_for(persona)
    leaks = []
    for url in urls:
        response = reader.get(url)
        if response["Content-Type"].startswith("text/html"):
            text = read(response)
            leaks += [(url, m) for m in FORBIDDEN[persona] if m.lower() in without_echo(text, m, url).lower()]
    assert leaks == []


def test_a_board_members_pdf_is_made_once_per_change(page_cache, records, board_member, committed, pdf_renders):
    renders = pdf_renders
    url = reverse("portal:meeting-pdf", args=[records["published"].meeting.slug])
    member = signed_in(board_member)
    first = member.get(url)
    assert first["Content-Disposition"].endswith('-minutes.pdf"')
    second = member.get(url)
    assert (second.content, len(renders)) == (first.content, 1)
    assert MEMBER_MARKER in renders[0]
    with committed():
        meeting = Meeting.objects.get(pk=records["published"].meeting.pk)
        meeting.title = "The 203rd meeting, as corrected"
        meeting.save()
    member.get(url)
    assert len(renders) == 2
    assert "The 203rd meeting, as corrected" in renders[1]


def test_without_a_cache_every_request_renders(settings, records, board_member):
    settings.PAGE_CACHE_SECONDS = 0
    url = records["published"].meeting.get_absolute_url()
    member = signed_in(board_member)
    member.get(url)
    _, sql = get_counting(member, url)
    assert "decisions_decision" in sql
