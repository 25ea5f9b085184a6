"""
The public page cache (core/pagecache.py): the public's pages come from the cache, any change makes
the next request render afresh, and nothing anyone else sees ever reaches the public.

Each test runs twice: on an in-process cache (LocMemCache) and on Redis (django-redis), as in
production. The tests run inside a transaction that never commits, as every test of the suite; a
write's commit is played with `committed()` (Django runs the on-commit callbacks it holds).
"""

import datetime as dt
import time

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core import pagecache
from decisions import services as decision_services
from meetings import services as meeting_services
from meetings.models import Meeting, Participation
from members import services as member_services
from members.models import Membership
from tests.factories import MeetingFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.reading.conftest import FORBIDDEN, MEMBER_MARKER
from tests.reading.test_no_leaks import every_url, read, without_echo
from tests.signin import sign_in

HIT, MISS = "hit", "miss"


def cache_status(response) -> str | None:
    return response.headers.get(pagecache.STATUS_HEADER)


def stored(url: str, **headers) -> bool:
    """Whether the anonymous page of `url` is in the cache under the current generation."""
    request = RequestFactory().get(url, **headers)
    return caches["default"].get(pagecache.page_key(request, pagecache.current_generation())) is not None


@pytest.fixture
def records(records_built_once):
    """The records are built once for the module (tests/built_once.py); each test's writes are rolled back."""
    return records_built_once


@pytest.fixture
def published(records):
    return records["published"]


# --- Served from the cache -----------------------------------------------------------------------


def test_the_public_gets_a_stored_page_with_one_read_of_the_generation(
    page_cache, client, published, django_assert_num_queries
):
    url = published.meeting.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    assert cache_status(first) == MISS
    # The only query: the site's generation, kept in the database so that no cache fault can lose a change.
    with django_assert_num_queries(1) as queries:
        second = client.get(url)
    assert "core_sitegeneration" in queries.captured_queries[0]["sql"]
    assert cache_status(second) == HIT
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The security headers are on the stored answer too.
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert second[header] == first[header]


def test_every_public_list_and_export_is_served_from_the_cache(page_cache, client, published):
    urls = [
        reverse("home"),
        reverse("meetings:meeting-list"),
        reverse("meetings:meetings-ics"),
        reverse("decisions:decision-list"),
        reverse("decisions:decision-list") + "?verb=approved",
        reverse("portal:member-list"),
        reverse("portal:search") + "?q=board",
        published.decision.get_absolute_url(),
        published.organisation.get_absolute_url(),
    ]
    for url in urls:
        first = client.get(url)
        assert (first.status_code, cache_status(first)) == (200, MISS), url
        second = client.get(url)
        assert (cache_status(second), second.content) == (HIT, first.content), url


def test_the_exports_stream_and_are_never_stored(page_cache, client, published):
    # Streamed in constant memory (decisions.exports), so never buffered into the cache: never stale either.
    for url in (reverse("decisions:decision-export-csv"), reverse("decisions:decision-export-json")):
        first = client.get(url)
        assert first.streaming, url
        body = first.getvalue()
        second = client.get(url)
        assert cache_status(second) != HIT, url
        assert second.getvalue() == body, url
        assert not stored(url), url


def test_each_address_and_query_is_its_own_page(page_cache, client, published):
    register = reverse("decisions:decision-list")
    client.get(register)
    assert cache_status(client.get(register + "?verb=approved")) == MISS
    assert cache_status(client.get(register + "?verb=rejected")) == MISS
    assert cache_status(client.get(register + "?verb=approved")) == HIT


def test_a_head_request_is_cached_apart_from_the_get(page_cache, client, published):
    url = published.meeting.get_absolute_url()
    client.get(url)
    assert cache_status(client.head(url)) == MISS
    assert cache_status(client.head(url)) == HIT


def test_the_pdf_is_rendered_once_per_version_of_the_record(page_cache, client, published, committed, pdf_renders):
    renders = pdf_renders
    url = reverse("portal:meeting-pdf", args=[published.meeting.slug])
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf"
    second = client.get(url)
    assert (cache_status(second), second.content, len(renders)) == (HIT, first.content, 1)
    with committed():
        meeting = Meeting.objects.get(pk=published.meeting.pk)
        meeting.title = "The 203rd meeting, as corrected"
        meeting.save()
    third = client.get(url)
    assert cache_status(third) == MISS
    assert len(renders) == 2
    assert "The 203rd meeting, as corrected" in renders[1]


# --- Any change: the next request renders afresh ------------------------------------------------------


def _rename_meeting(records):
    meeting = records["published"].meeting
    meeting.title = "Renamed meeting"
    meeting.save()
    return meeting.get_absolute_url(), "Renamed meeting"


def _publish(records):
    meeting = records["circulated"].meeting
    meeting_services.publish_meeting(meeting_services.WorkflowStep(meeting=meeting))
    return reverse("meetings:meeting-list"), meeting.title


def _correct_a_decision(records):
    decision = records["published"].decision
    decision.wording = "The output was approved as amended."
    decision_services.update_decision(
        decision=decision, expected_version=decision.version, correction_reason="Wording as recorded."
    )
    return records["published"].meeting.get_absolute_url(), "The output was approved as amended."


def _admit_a_member(records):
    organisation = OrganisationFactory(name="Freshly Admitted Agency")
    member_services.add_membership(organisation=organisation, category=Membership.Category.OBSERVER, since=None)
    return reverse("portal:member-list"), "Freshly Admitted Agency"


def _end_a_membership(records):
    membership = Membership.objects.get(organisation=records["published"].organisation)
    member_services.end_membership(membership=membership, until=dt.date.today() - dt.timedelta(days=1))
    return reverse("portal:member-list"), "Former members"


def _rename_an_organisation(records):
    organisation = records["published"].organisation
    organisation.name = "Renamed Organisation"
    organisation.save()
    return reverse("portal:member-list"), "Renamed Organisation"


def _add_a_new_member_to_a_decision(records):
    # Many-to-many: the decision now acts on a second membership.
    organisation = OrganisationFactory(name="Admitted By Decision")
    membership = Membership.objects.create(
        organisation=organisation, category=Membership.Category.OBSERVER, since=dt.date(2020, 1, 1)
    )
    records["published"].decision.memberships.add(membership)
    return records["published"].decision.get_absolute_url(), "Admitted By Decision"


def _name_a_new_speaker(records):
    meeting = records["published"].meeting
    Participation.objects.create(
        meeting=meeting,
        person=PersonFactory(name="Newly Named Speaker"),
        role=Participation.Role.SPEAKER,
        level=Participation.Level.MINISTERIAL,
    )
    return meeting.get_absolute_url(), "Newly Named Speaker"


def _delete_the_chair(records):
    Participation.objects.filter(meeting=records["published"].meeting, role=Participation.Role.CHAIR).delete()
    return records["published"].meeting.get_absolute_url(), None


CHANGES = {
    "a meeting saved": _rename_meeting,
    "a meeting published": _publish,
    "a decision corrected": _correct_a_decision,
    "a member admitted": _admit_a_member,
    "a membership ended": _end_a_membership,
    "an organisation renamed": _rename_an_organisation,
    "a many-to-many link added": _add_a_new_member_to_a_decision,
    "a participation added": _name_a_new_speaker,
    "a participation deleted": _delete_the_chair,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_shows_on_the_next_request(page_cache, client, records, committed, change):
    pages = [reverse("home"), reverse("meetings:meeting-list"), reverse("portal:member-list")]
    pages += [records["published"].meeting.get_absolute_url(), records["published"].decision.get_absolute_url()]
    before = {url: client.get(url).content.decode() for url in pages}
    assert all(cache_status(client.get(url)) == HIT for url in pages)
    with committed():
        url, shown = change(records)
    # Every stored page is stale at once, not only the one the test looks at.
    assert not any(stored(page) for page in pages)
    after = client.get(url)
    assert cache_status(after) == MISS
    text = after.content.decode()
    if shown is None:  # a deletion: the chair is no longer named
        assert "Chairperson Publicname" in before[records["published"].meeting.get_absolute_url()]
        assert "Chairperson Publicname" not in text
    else:
        assert shown in text


def test_a_change_through_the_secretariats_page_shows_at_once(page_cache, client, secretariat, published, committed):
    from django.test import Client

    url = reverse("portal:member-list")
    client.get(url)
    editor = Client()
    editor.force_login(secretariat)
    edit_url = reverse("members-edit:organisation-edit", args=[published.organisation.slug])
    form = editor.get(edit_url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = "Edited In The Browser"
    with committed():
        response = editor.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Edited In The Browser" in client.get(url).content.decode()


def test_the_services_bulk_updates_change_the_generation(page_cache, records, committed):
    """The apps' writes without signals (see test_every_write_without_a_signal_is_accounted_for)."""
    meeting = records["published"].meeting
    from tests.factories import AgendaItemFactory

    AgendaItemFactory(meeting=meeting, position=2, title="Second item")
    items = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    before = pagecache.current_generation()
    with committed():
        meeting_services.reorder_agenda(
            meeting_services.ReorderAgenda(
                meeting=meeting, item_ids=tuple(items[::-1]), correction_reason="Order as held."
            )
        )
    assert pagecache.current_generation() != before


def _save_then_fail(meeting_pk):
    with transaction.atomic():
        Meeting.objects.get(pk=meeting_pk).save()
        raise RuntimeError("something later in the same transaction failed")


def test_a_write_that_rolls_back_leaves_the_stored_pages(page_cache, client, published, committed):
    url = published.meeting.get_absolute_url()
    client.get(url)
    generation = pagecache.current_generation()
    with committed(), pytest.raises(RuntimeError):
        _save_then_fail(published.meeting.pk)
    assert pagecache.current_generation() == generation
    assert cache_status(client.get(url)) == HIT


def test_the_generation_changes_once_at_commit_not_before(
    page_cache, client, published, django_capture_on_commit_callbacks, monkeypatch
):
    """A page rendered between a write and its commit must not be stored as current: the change waits for the commit."""
    url = published.meeting.get_absolute_url()
    client.get(url)
    generation = pagecache.current_generation()
    bumps = []
    real_bump = pagecache.bump_generation
    monkeypatch.setattr(pagecache, "bump_generation", lambda **kwargs: bumps.append(1) or real_bump(**kwargs))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting = Meeting.objects.get(pk=published.meeting.pk)
        meeting.title = "Not yet committed"
        meeting.save()
        meeting.public_summary = "Saved twice in one transaction."
        meeting.save()
        assert pagecache.current_generation() == generation
        assert cache_status(client.get(url)) == HIT
    assert len(callbacks) >= 2  # each save (and its history row) asked for the change
    for callback in callbacks:
        callback()
    assert pagecache.current_generation() != generation
    assert len(bumps) == 1  # however many writes the transaction held
    assert "Not yet committed" in client.get(url).content.decode()


def test_a_page_rendered_while_a_change_commits_is_not_served_afterwards(page_cache, client, published, monkeypatch):
    """The generation is read before rendering: a page rendered across a commit is stored under the old one."""
    url = published.meeting.get_absolute_url()
    from django.template import loader

    real_render = loader.render_to_string
    bumped = []

    def render_then_commit_elsewhere(*args, **kwargs):
        html = real_render(*args, **kwargs)
        if not bumped:  # another process commits a change while this page is being rendered
            bumped.append(True)
            pagecache.bump_generation()
        return html

    monkeypatch.setattr("django.shortcuts.loader.render_to_string", render_then_commit_elsewhere)
    assert cache_status(client.get(url)) == MISS
    assert cache_status(client.get(url)) == MISS  # rendered again, under the new generation
    assert cache_status(client.get(url)) == HIT


def test_sessions_and_sign_in_bookkeeping_change_no_page(page_cache, client, board_member, settings, published):
    """Writes that no page shows (sessions, throttling, last sign-in) keep the public's pages."""
    settings.AXES_ENABLED = True
    client.get(published.meeting.get_absolute_url())
    generation = pagecache.current_generation()
    from django.test import Client

    signed_in = Client()
    assert sign_in(signed_in, board_member, password="wrong password").status_code == 200  # django-axes counts it
    assert sign_in(signed_in, board_member).status_code == 302  # a session, last_login
    assert signed_in.get(reverse("home")).wsgi_request.user == board_member  # the session saved again
    assert pagecache.current_generation() == generation


# --- Time ------------------------------------------------------------------------------------------


def test_a_stored_page_lives_at_most_page_cache_seconds(page_cache, client, published, settings):
    settings.PAGE_CACHE_SECONDS = 1
    url = published.meeting.get_absolute_url()
    client.get(url)
    assert cache_status(client.get(url)) == HIT
    time.sleep(1.2)
    assert cache_status(client.get(url)) == MISS


def test_a_meeting_that_ends_shows_as_passed_within_page_cache_seconds(page_cache, client, db, settings):
    settings.PAGE_CACHE_SECONDS = 1
    now = dt.datetime.now(dt.UTC)
    meeting = MeetingFactory(start=now - dt.timedelta(hours=1), end=now + dt.timedelta(seconds=1))
    url = meeting.get_absolute_url()
    assert "This event has passed" not in client.get(url).content.decode()
    time.sleep(1.2)
    assert "This event has passed" in client.get(url).content.decode()


# --- Nothing leaks -----------------------------------------------------------------------------------


# Admins read what the Secretariat reads: the two roles that see more than the public. Whether a page is
# stored depends on the request, not on the cache's backend: both roles on one backend, and the Board
# member's (the audience whose parts are kept) on Redis too. The roles of one backend walk one after the
# other, each checked for stored pages, then the public walks once after both (a walk renders ~200 pages:
# one public walk per backend, not per role).
@pytest.mark.parametrize(
    ("page_cache", "signed_in_personas"),
    [("locmem", ("board_member", "secretariat")), ("redis", ("board_member",))],
    indirect=["page_cache"],
    ids=["locmem-board_member-secretariat", "redis-board_member"],
)
def test_what_a_signed_in_user_sees_never_reaches_the_public(page_cache, client_for, records, signed_in_personas):
    urls = every_url(records)
    for persona in signed_in_personas:
        signed_in = client_for(persona)
        for url in urls:
            read(signed_in.get(url))
        assert not [url for url in urls if stored(url)], f"a page of the {persona}'s was stored"
        signed_in.logout()
    anonymous = client_for("anonymous")
    leaks = []
    for _ in range(2):  # rendered and stored, then from the cache
        for url in urls:
            text = read(anonymous.get(url))
            leaks += [(url, m) for m in FORBIDDEN["anonymous"] if m.lower() in without_echo(text, m, url).lower()]
    assert leaks == []


@pytest.mark.parametrize("persona", ["board_member", "secretariat"])
def test_a_signed_in_user_never_gets_the_public_page(page_cache, client, records, personas, persona):
    from django.test import Client

    url = records["published"].meeting.get_absolute_url()
    public = client.get(url)
    assert cache_status(client.get(url)) == HIT
    member = Client()
    member.force_login(personas[persona])
    response = member.get(url)
    assert cache_status(response) is None
    assert MEMBER_MARKER in response.content.decode()
    assert MEMBER_MARKER not in public.content.decode()
    assert "Sign out" in response.content.decode()


def test_a_page_with_a_csrf_token_is_not_stored(page_cache, client, db):
    url = reverse("login")
    response = client.get(url)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert cache_status(response) is None
    assert not stored(url)


def test_an_anonymous_visitor_with_a_session_is_never_served_from_the_cache(
    page_cache, client, board_member, published
):
    url = published.meeting.get_absolute_url()
    client.get(url)
    sign_in(client, board_member, password="wrong password")  # the sign-in wizard keeps its state in a session
    assert "sessionid" in client.cookies
    response = client.get(url)
    assert cache_status(response) is None
    assert "Cookie" in response.get("Vary", "")


def test_a_message_is_neither_served_nor_stored(page_cache, client, published):
    url = published.meeting.get_absolute_url()
    client.get(url)
    request = RequestFactory().get(url)
    storage = CookieStorage(request)
    storage.add(messages.INFO, "A message for this visitor only")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    with_message = client.get(url)
    assert "A message for this visitor only" in with_message.content.decode()
    assert cache_status(with_message) is None
    del client.cookies[CookieStorage.cookie_name]
    assert "A message for this visitor only" not in client.get(url).content.decode()


def test_errors_redirects_and_posts_are_not_stored(page_cache, client, db):
    # A 404, a redirect to the sign-in (an editing page), a redirect to the address with a slash.
    for url, status in [("/meetings/no-such-meeting/", 404), (reverse("meetings-edit:meeting-create"), 302)]:
        response = client.get(url)
        assert (response.status_code, cache_status(response)) == (status, None)
        assert not stored(url)
    redirect = client.get("/meetings")
    assert (redirect.status_code, cache_status(redirect)) == (301, None)
    assert cache_status(client.post(reverse("home"))) is None


# --- The rules, one by one (the middleware over a view of the test's making) ---------------------------


def _middleware_answer(view, request=None):
    request = request or RequestFactory().get("/anything/")
    middleware = pagecache.PageCacheMiddleware(view)
    return middleware(request), request


def _plain(request):
    return HttpResponse("plain page")


def _sets_cookie(request):
    response = HttpResponse("page")
    response.set_cookie("anything", "1")
    return response


def _uses_csrf(request):
    from django.middleware.csrf import get_token

    return HttpResponse(f"token {get_token(request)}")


def _private(request):
    response = HttpResponse("page")
    response["Cache-Control"] = "private"
    return response


def _no_store(request):
    response = HttpResponse("page")
    response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
    return response


def _varies_on_agent(request):
    response = HttpResponse("page")
    response["Vary"] = "User-Agent"
    return response


def _streaming(request):
    return StreamingHttpResponse(iter([b"a", b"b"]))


def _not_found(request):
    return HttpResponse("missing", status=404)


def _huge(request):
    return HttpResponse(b"x" * (pagecache.MAX_BODY_BYTES + 1))


def _signed_in(request):
    request.user = UserFactory.build()
    return HttpResponse("page")


@pytest.mark.parametrize(
    "view",
    [_sets_cookie, _uses_csrf, _private, _no_store, _varies_on_agent, _streaming, _not_found, _huge, _signed_in],
)
def test_responses_that_must_not_be_stored(db, page_cache, view):
    response, request = _middleware_answer(view)
    assert cache_status(response) is None
    assert page_cache.get(pagecache.page_key(request, pagecache.current_generation())) is None


def test_a_plain_public_response_is_stored(db, page_cache):
    response, request = _middleware_answer(_plain)
    assert cache_status(response) == MISS
    assert page_cache.get(pagecache.page_key(request, pagecache.current_generation())) is not None


def test_a_stored_page_with_an_etag_answers_a_conditional_get(db, page_cache):
    def tagged(request):
        response = HttpResponse("tagged page")
        response["ETag"] = '"v1"'
        return response

    _middleware_answer(tagged)
    response, _ = _middleware_answer(tagged, RequestFactory().get("/anything/", HTTP_IF_NONE_MATCH='"v1"'))
    assert response.status_code == 304


def test_the_cache_is_off_without_page_cache_seconds(settings, client, published):
    settings.PAGE_CACHE_SECONDS = 0
    url = published.meeting.get_absolute_url()
    assert cache_status(client.get(url)) is None
    assert cache_status(client.get(url)) is None
