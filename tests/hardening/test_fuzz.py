"""
Property-based tests (hypothesis): no input gives a 500, or any unhandled exception.

Generated input goes to every editing form (every URL under /edit/, found in the URLconf, for each
record it edits, with the Secretariat signed in), to every add and change form of the admin (its
inlines and autocomplete fields included), to the admin's autocomplete view, to every GET
parameter of the public and member pages (found on the pages: their filter forms, search and
pagination), to the path parameters of every route of the URLconf (for every persona), and to the
request headers of a few pages (language, cookies, host, conditional and range requests, the
forwarded-for address). Each post starts from the form as the page offers it, with a few fields
replaced by generated values, so that the input reaches past the first validation error.

Bounded for CI: the "ci" profile runs a few examples per target, derandomized (the same examples
on every run, so CI does not flake) and on a fixed set of records (factory data seeded). For a
longer local run: HYPOTHESIS_PROFILE=long make test PYTEST_ARGS="tests/hardening/test_fuzz.py".
"""

from __future__ import annotations

import os
import re
import string
from urllib.parse import quote, urlencode

import factory.random
import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from decisions.models import ActionItem, Decision, Document, MeetingPaper, WrittenProcedure
from decisions.procedures.services import launch_procedure
from meetings.models import Meeting, Occasion
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld
from tests.built_once import for_one_test, rows_for_the_module
from tests.editing.test_admin_locking_records import admin_form_data
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    CorrectionFactory,
    DecisionFactory,
    DelegationFactory,
    DocumentFactory,
    DocumentFileFactory,
    MeetingFactory,
    MeetingPaperFactory,
    MembershipFactory,
    OccasionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    PillarFactory,
    ProcedureAnswerFactory,
    ProgressNoteFactory,
    RescheduleFactory,
    RoleHeldFactory,
    UserFactory,
    WrittenProcedureFactory,
)

pytestmark = pytest.mark.django_db

settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "3")),
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    # The records are made once per test and every example's changes are rolled back (in_savepoint).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    parent=settings.get_profile("ci"),
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "200")),
    derandomize=False,
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# --- What is generated ------------------------------------------------------------------------------

# Any text a browser can send (no lone surrogates), control characters included.
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
SPECIAL = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1",
        "999999",
        "9" * 30,
        "1e30",
        "NaN",
        "1.5",
        "abc",
        "on",
        "true",
        "2025-13-01T10:00",
        "2025-02-30",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "2030-03-31T02:30",
        "31/12/2030",
        "Europe/Nowhere",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        '=HYPERLINK("x")',
        "\x00",
        "a\nb",
        "a\r\nb",
        "\x1b[2J",
        "x" * 1000,
        "up:1",
        "down:abc",
        "sideways:1",
    ]
)
NUMBER = st.integers(min_value=-(2**70), max_value=2**70).map(str)
DATE = st.dates().map(lambda d: d.isoformat())
DATETIME = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
VALUE = st.one_of(SPECIAL, TEXT, NUMBER, DATE, DATETIME)
VALUES = st.one_of(VALUE, st.lists(VALUE, max_size=3))
# What an id field may be sent instead of an id.
NOT_AN_ID = st.one_of(st.sampled_from(["abc", "-1", "0", "9" * 30, "1e30", "1.5", " 1", "\x00", ""]), TEXT, NUMBER)


def changed(base: dict, names: list[str]):
    """The form as offered, with up to five of its fields replaced by generated values."""
    return st.dictionaries(st.sampled_from(sorted(names)), VALUES, max_size=5).map(lambda new: {**base, **new})


def in_savepoint(send):
    """One example's request, its changes rolled back: every example starts from the same records."""
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


def _client(user=None) -> Client:
    # Exceptions are raised into the test (raise_request_exception): an unhandled one fails it.
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- The records every form and page is tried on -----------------------------------------------------


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The records, made once for the module (tests/built_once.py): each test's writes are rolled back."""
    with rows_for_the_module(django_db_blocker, tmp_path_factory) as media_root:
        with django_db_blocker.unblock():
            meetings = make_world()
        yield meetings, media_root


@pytest.fixture
def world(request, settings, db, secretariat, board_member, _world_once):
    """A record of each kind, made the same way on every run, for each URL to point at."""
    meetings, media_root = _world_once
    return for_one_test(request, settings, media_root, meetings)


def make_world() -> dict:
    factory.random.reseed_random("iisg-fuzz")
    pillar = PillarFactory(code="WBCTi")
    organisation = OrganisationFactory(name="Ministry of Security", acronym="MoS")
    person = PersonFactory(organisation=organisation, user=UserFactory(username="minister"))
    membership = MembershipFactory(organisation=organisation)
    RoleHeldFactory(person=person, represented=organisation)
    OccasionFactory()
    document = DocumentFactory(title="Work plan")
    document.pillars.add(pillar)
    DocumentFileFactory(document=document, number=1)
    meetings = {}
    for status in (Meeting.Status.DRAFT, Meeting.Status.PUBLISHED):
        meeting = MeetingFactory(status=status, published_at=None, pillar=None)
        if status == Meeting.Status.PUBLISHED:
            Meeting.objects.filter(pk=meeting.pk).update(published_at=meeting.end, circulated_at=meeting.start)
        ParticipationFactory(meeting=meeting, person=person)
        ParticipationFactory(meeting=meeting, person=None, organisation=organisation, role="support_group")
        item = AgendaItemFactory(meeting=meeting, position=1)
        AgendaItemFactory(meeting=meeting, position=2)
        decision = DecisionFactory(meeting=meeting, agenda_item=item)
        decision.documents.add(document)
        decision.memberships.add(membership)
        action = ActionItemFactory(meeting=meeting, decision=decision, owner_organisation=organisation)
        ProgressNoteFactory(action_item=action)
        RescheduleFactory(meeting=meeting)
        CorrectionFactory(meeting=meeting)
        meetings[status] = meeting
    # An open written procedure, consulting the organisation (a Board member), for its pages.
    procedure = WrittenProcedureFactory(reference="WP/2026/01")
    launch_procedure(procedure=procedure)
    ProcedureAnswerFactory(procedure=procedure, organisation=organisation)
    DelegationFactory(person=person, organisation=organisation)
    return meetings


def _record(segment: str, meeting: Meeting):
    """The record a URL parameter names, by the path segment before it (…/agenda/<pk>/ → an agenda item)."""
    records = {
        "meetings": lambda: meeting,
        "agenda": lambda: meeting.agenda_items.order_by("position").first(),
        "decisions": lambda: Decision.objects.filter(meeting=meeting).first(),
        "actions": lambda: ActionItem.objects.filter(meeting=meeting).first(),
        "organisations": lambda: Organisation.objects.order_by("pk").first(),
        "members": lambda: Organisation.objects.order_by("pk").first(),
        "memberships": lambda: Membership.objects.order_by("pk").first(),
        "people": lambda: Person.objects.order_by("pk").first(),
        "documents": lambda: Document.objects.order_by("pk").first(),
        "occasions": lambda: Occasion.objects.order_by("pk").first(),
        "roles": lambda: RoleHeld.objects.order_by("pk").first(),
        "pillars": lambda: Pillar.objects.order_by("pk").first(),
        "procedures": lambda: WrittenProcedure.objects.order_by("pk").first(),
        # issue 21: api — the open-data API's objects (opendata/urls.py).
        "organizations": lambda: Organisation.objects.order_by("pk").first(),
        "persons": lambda: Person.objects.order_by("pk").first(),
        "events": lambda: meeting,
        "posts": lambda: Post.objects.order_by("pk").first(),
        "papers": lambda: (
            MeetingPaper.objects.filter(meeting=meeting).first()
            or MeetingPaperFactory(meeting=meeting, document=Document.objects.order_by("pk").first())
        ),
    }
    return records[segment]()


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns=None, prefix=""):
    """Every route of the URLconf: (route, name with namespace, default kwargs)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for route, name, kwargs in _routes(pattern.url_patterns, prefix + str(pattern.pattern)):
                yield route, (namespace + name) if name else None, kwargs
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, pattern.default_args


def _fill(route: str, meeting: Meeting) -> str | None:
    """The route with each parameter filled in from the records (None if one cannot be)."""
    path = route
    for match in _PARAMETER.finditer(route):
        before = route[: match.start()].rstrip("/").split("/")[-1]
        name = match.group("name")
        if name == "reference":
            value = Decision.objects.filter(meeting=meeting).first().reference
        elif name == "number":
            value = "1"
        else:
            record = _record(before, meeting)
            value = getattr(record, name) if name in ("slug", "code") else record.pk
        path = path.replace(match.group(0), str(value), 1)
    return "/" + path


EDIT_ROUTES = sorted({route for route, name, _kwargs in _routes() if route.startswith("edit/")})
# Reading pages: not the editing pages, the admin, sign-in or file downloads.
READING_ROUTES = sorted(
    route
    for route, name, _kwargs in _routes()
    # Not the PDF and iCalendar files either: they read no parameter (their content is tested elsewhere).
    if not route.startswith(("edit/", "admin/", "accounts/"))
    and "files/" not in route
    and not route.endswith((".pdf", ".ics"))
)


def test_the_urlconf_offers_the_pages_to_fuzz():
    assert len(EDIT_ROUTES) >= 30
    assert "edit/meetings/<slug:slug>/participants/" in EDIT_ROUTES
    assert {"search/", "decisions/", "meetings/", "members/"} <= set(READING_ROUTES)


def _states(route: str) -> list[str]:
    return ["draft", "published"] if "<" in route and route.startswith(("edit/meetings/<", "meetings/<")) else ["draft"]


# --- Editing pages -----------------------------------------------------------------------------------


def _page_data(response) -> dict:
    """The editing page's form (and formset) as the browser would post it back."""
    data = {}
    context = response.context
    if context is None:
        return data
    for key in ("form", "formset"):
        target = context.get(key) if hasattr(context, "get") else None
        if target is None:
            continue
        forms = [target] if key == "form" else [target.management_form, *target.forms]
        for form in forms:
            for name in form.fields:
                value = form[name].value()
                if value is None or value is False:
                    continue
                if value is True:
                    data[form.add_prefix(name)] = "on"
                elif isinstance(value, (list, tuple)):
                    data[form.add_prefix(name)] = [str(item) for item in value]
                elif hasattr(value, "strftime"):
                    fmt = "%Y-%m-%dT%H:%M" if hasattr(value, "hour") else "%Y-%m-%d"
                    data[form.add_prefix(name)] = value.strftime(fmt)
                else:
                    data[form.add_prefix(name)] = str(value)
    data["save"] = "1"
    return data


@pytest.mark.parametrize(
    ("route", "state"), [(route, state) for route in EDIT_ROUTES for state in _states(route)], ids=str
)
def test_no_editing_form_answers_a_500(world, secretariat, route, state):
    url = _fill(route, world[state])
    client = _client(secretariat)
    page = client.get(url)
    assert page.status_code < 500
    base = _page_data(page)
    names = [*base, "move", "preview", "add_rows", "save_and_add", "form-TOTAL_FORMS", "file"]

    @PROFILE
    @given(data=changed(base, names))
    def post_anything(data):
        response = in_savepoint(lambda: client.post(url, data))
        assert response.status_code < 500, (url, data)

    post_anything()


# --- The admin ----------------------------------------------------------------------------------------


def _admin_targets():
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        opts = model._meta
        yield f"admin:{opts.app_label}_{opts.model_name}_add", model, False
        yield f"admin:{opts.app_label}_{opts.model_name}_change", model, True


@pytest.mark.parametrize(("url_name", "model", "change"), list(_admin_targets()), ids=lambda v: str(v))
def test_no_admin_form_answers_a_500(world, admin_user, url_name, model, change):
    obj = model._default_manager.order_by("pk").first() if change else None
    if change and obj is None:
        pytest.skip(f"no {model._meta.verbose_name} in the records")
    url = reverse(url_name, args=[obj.pk] if change else [])
    client = _client(admin_user)
    page = client.get(url)
    if page.status_code == 403:
        pytest.skip("the admin offers no such form (a log, added only by the portal itself)")
    assert page.status_code == 200
    base = admin_form_data(page)
    names = _admin_field_names(page)

    @PROFILE
    @given(data=changed(base, names))
    def post_anything(data):
        response = in_savepoint(lambda: client.post(url, data))
        assert response.status_code < 500, (url, data)

    post_anything()


def _admin_field_names(page) -> list[str]:
    """Every field the admin page posts: the record's, and each inline's rows and management form."""
    names = set(page.context["adminform"].form.fields)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        # Not TOTAL_FORMS: Django caps it (at 2,000 rows), and a page of 2,000 rows only makes the run slow.
        names.add(f"{formset.prefix}-INITIAL_FORMS")
        for form in [*formset.forms, formset.empty_form]:
            names |= {form.add_prefix(name).replace("__prefix__", "0") for name in form.fields}
    return sorted(names)


def _autocomplete_targets():
    """Every autocomplete field of every admin form and inline: (the admin's URL name, model, the form field's name)."""
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        for field in model_admin.autocomplete_fields:
            yield f"admin:{opts.app_label}_{opts.model_name}_change", model, field, None
        for inline in model_admin.inlines:
            for field in inline.autocomplete_fields:
                yield f"admin:{opts.app_label}_{opts.model_name}_change", model, field, inline


@pytest.mark.parametrize(
    ("url_name", "model", "field", "inline"),
    list(_autocomplete_targets()),
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_admin_autocomplete_fields_answer_a_value_that_is_no_id_with_a_form_error(
    world, admin_user, url_name, model, field, inline
):
    obj = model._default_manager.order_by("pk").first()
    url = reverse(url_name, args=[obj.pk])
    client = _client(admin_user)
    page = client.get(url)
    base = admin_form_data(page)
    if inline is None:
        keys = [field]
    else:
        formset = next(f.formset for f in page.context["inline_admin_formsets"] if isinstance(f.opts, inline))
        keys = [form.add_prefix(field) for form in formset.forms] or [f"{formset.prefix}-0-{field}"]

    @PROFILE
    @given(value=st.one_of(NOT_AN_ID, st.lists(NOT_AN_ID, min_size=1, max_size=3)))
    def post_not_an_id(value):
        response = in_savepoint(lambda: client.post(url, {**base, **dict.fromkeys(keys, value)}))
        assert response.status_code < 500, (url, keys, value)

    post_not_an_id()


def test_the_admin_autocomplete_view_answers_anything(world, admin_user):
    client = _client(admin_user)
    params = ["term", "app_label", "model_name", "field_name", "page"]
    targets = st.sampled_from(
        [
            {"app_label": opts.app_label, "model_name": opts.model_name, "field_name": field}
            for model, model_admin in admin.site._registry.items()
            for opts in [model._meta]
            for field in model_admin.autocomplete_fields
        ]
    )

    @PROFILE
    @given(target=targets, junk=st.dictionaries(st.sampled_from(params), VALUE, max_size=3))
    def ask(target, junk):
        response = client.get("/admin/autocomplete/?" + urlencode({**target, "term": "a", **junk}, doseq=True))
        assert response.status_code < 500, junk

    ask()


# --- GET parameters of the public and member pages -------------------------------------------------

PAGINATION = ["page", "former_page", "roles_page", "former_roles_page", "meetings_page"]
_FORM_FIELD = re.compile(r"<(?:input|select|textarea)[^>]*\bname=\"([^\"]+)\"")
_GET_FORM = re.compile(r"<form\b(?:(?!>).)*method=\"get\"(?:(?!>).)*>(.*?)</form>", re.S | re.I)


def _get_parameters(response) -> list[str]:
    """The parameters a page reads: its filter form's, its search box's, its pagination's."""
    names = set(PAGINATION) | {"q"}
    context = response.context
    filterset = context.get("filter") if context is not None and hasattr(context, "get") else None
    if filterset is not None:
        names |= set(filterset.form.fields)
    if response.get("Content-Type", "").startswith("text/html"):
        for form in _GET_FORM.findall(response.content.decode()):
            names |= set(_FORM_FIELD.findall(form))
    return sorted(names)


def test_the_pages_say_which_parameters_they_read(world, client):
    response = client.get("/decisions/")
    assert {"q", "did", "from", "to", "verb", "pillar", "meeting", "organisation", "person", "page"} <= set(
        _get_parameters(response)
    )


@pytest.mark.parametrize(
    ("route", "persona"),
    [(route, persona) for route in READING_ROUTES for persona in ("anonymous", "board_member")],
    ids=str,
)
def test_no_get_parameter_of_a_page_answers_a_500(world, board_member, route, persona):
    url = _fill(route, world["published"])
    client = _client(board_member if persona == "board_member" else None)
    page = client.get(url)
    assert page.status_code < 500
    names = _get_parameters(page)
    # Parameter names the page does not read, with characters no form would send.
    other_names = st.text(alphabet=string.printable + "\x00\u2028é", min_size=1, max_size=8)

    @PROFILE
    @given(params=st.dictionaries(st.one_of(st.sampled_from(names), other_names), VALUES, max_size=5))
    def get_anything(params):
        response = client.get(url + "?" + urlencode(params, doseq=True))
        assert response.status_code < 500, (url, params)

    get_anything()


# --- Paths: every route of the URLconf, its parameters filled with generated text --------------------

# A route's parameters: a converter's (<slug:slug>) or a regular expression's group (the admin's routes).
_PATH_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\((?:\?P<(?P<group>\w+)>)?[^()]*\)")
PATH_ROUTES = sorted({route for route, _name, _kwargs in _routes() if _PATH_PARAMETER.search(route)})

# Text a path may carry. Sent percent-encoded as a browser sends it, except the "%": "%00" stands for
# a NUL, "%2500" for the text "%00", "%2F" for a slash the server decodes, "%zz" and "%" for themselves.
PATH_SPECIAL = st.sampled_from(
    [
        # First: Hypothesis tries the simplest example first, so the first sweep puts a NUL in every parameter.
        "%00",
        "",
        " ",
        "\x00",
        "a\x00b",
        "%01",
        "\x1f",
        "%7F",
        "%C2%85",
        "\u2028",
        "\ufeff",
        "%2500",
        "%2F",
        "%252F",
        "%",
        "%zz",
        "%C0%80",
        "%FF%FE",
        "%E2%80",
        "a/b",
        "../..",
        "..",
        ".",
        "//",
        "\\",
        "?a=1",
        "#top",
        ";x=1",
        "<script>alert(1)</script>",
        "'\"",
        "_00",
        "_5F",
        "😀",
        "é" * 1500,
        "x" * 4000,
        "9" * 19,
        "9" * 20,
        "9" * 4000,
        "9" * 5000,
        "-1",
        "0",
        "1",
        "1.5",
        "1e30",
        "WBCTi",
        "wbcti",
        "B6/2022/04",
        "WP/2026/01",
    ]
)
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=30)
SLUG = st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True)
ANY_SEGMENT = st.one_of(PATH_SPECIAL, TEXT)


def _path_value(converter: str | None, known: list[str]):
    """What a parameter is filled with: text its converter takes (so that the view runs) or not."""
    near = st.tuples(st.sampled_from(known), ANY_SEGMENT).map("".join)  # a real slug or id, then anything
    if converter == "int":
        return st.one_of(ANY_SEGMENT, DIGITS, st.sampled_from(known))
    if converter == "slug":
        return st.one_of(ANY_SEGMENT, SLUG, st.sampled_from(known), near)
    return st.one_of(ANY_SEGMENT, DIGITS, SLUG, st.sampled_from(known), near)


def _fill_path(route: str, draw, known: list[str]) -> str:
    """The route with each parameter drawn, as a browser sends it (the regular expressions' anchors left out)."""
    parts, last = [], 0
    for match in _PATH_PARAMETER.finditer(route):
        parts.append(route[last : match.start()].replace("^", "").replace("$", ""))
        value = draw(_path_value(match.group("converter"), known))
        parts.append(quote(value, safe="/%"))
        last = match.end()
    parts.append(route[last:].replace("^", "").replace("$", ""))
    return "/" + "".join(parts)


def _known_values(world) -> list[str]:
    """The records' own slugs, codes, references and ids, for parameters near a real one."""
    values = {"1", "2"}
    for meeting in world.values():
        values |= {meeting.slug, str(meeting.pk)}
    values |= {str(pk) for pk in Decision.objects.values_list("pk", flat=True)}
    values |= set(Decision.objects.values_list("reference", flat=True))
    values |= set(Document.objects.values_list("slug", flat=True))
    values |= set(Organisation.objects.values_list("slug", flat=True))
    values |= set(Person.objects.values_list("slug", flat=True))
    values |= set(Pillar.objects.values_list("code", flat=True))
    values |= set(WrittenProcedure.objects.values_list("slug", flat=True))
    return sorted(values)


def test_the_urlconf_offers_the_paths_to_fuzz():
    assert len(PATH_ROUTES) >= 150
    assert {"decisions/<path:reference>/", "pillars/<str:code>/"} <= set(PATH_ROUTES)
    assert "admin/meetings/meeting/<path:object_id>/history/" in PATH_ROUTES
    assert "admin/meetings/meeting/^([^/]+)/history/([^/]+)/$" in PATH_ROUTES
    path = _fill_path("admin/meetings/meeting/^([^/]+)/history/([^/]+)/$", lambda _s: "a b", [])
    assert path == "/admin/meetings/meeting/a%20b/history/a%20b/"


# Every route once per example, so few examples: in CI two sweeps per persona (a NUL everywhere, then
# drawn values), each a request to each of the 170 routes.
PATH_PROFILE = settings(PROFILE, max_examples=max(2, PROFILE.max_examples // 3))
# One request per example: more of them.
HEADER_PROFILE = settings(PROFILE, max_examples=PROFILE.max_examples * 10)


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat", "admin"])
def test_no_path_answers_a_500(world, personas, persona):
    client = _client(None if persona == "anonymous" else personas[persona])
    known = _known_values(world)

    @PATH_PROFILE
    @given(data=st.data())
    def every_route(data):
        for route in PATH_ROUTES:
            path = _fill_path(route, data.draw, known)
            response = in_savepoint(lambda: client.get(path))  # noqa: B023 (called at once)
            assert response.status_code < 500, (persona, route, path)

    every_route()


# --- Request headers of a few pages ------------------------------------------------------------------


def _wsgi(text: str) -> str:
    """A header value as the server hands it on (WSGI): its UTF-8 bytes read as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


HEADER_TEXT = st.one_of(TEXT, st.text(alphabet=string.printable, max_size=60)).map(_wsgi)
HEADERS = {
    "Accept-Language": st.one_of(
        st.sampled_from(
            [
                "",
                "*",
                "xx",
                "en;q=abc",
                "sr-Latn-RS,sr;q=0.9,en;q=0.8",
                "zh-Hant-TW",
                "de-DE-1996",
                "i-klingon",
                "en-" * 300,
                ",,,;;;",
                "en;q=1.5",
                "en;q=-1",
                "a" * 2000,
            ]
        ),
        HEADER_TEXT,
    ),
    "Cookie": st.one_of(
        st.sampled_from(
            [
                "sessionid=abcdefgh\x00ijkl",
                'sessionid="abcdefgh\\000ijkl"',
                "sessionid=" + "a" * 5000,
                "sessionid=../../etc/passwd",
                "sessionid=",
                "csrftoken=<script>",
                'csrftoken="\\000"',
                "messages=garbage",
                "messages=abc:def:ghi",
                "django_language=xx",
                'django_language="\\000"',
                "a=b; a=c",
                "=;=;=",
                ";;;",
                "\x00=\x00",
            ]
        ),
        HEADER_TEXT,
    ),
    "Host": st.one_of(
        st.sampled_from(
            [
                "",
                "evil.example",
                "testserver:abc",
                "testserver:99999999999999999999",
                "[::1",
                "testserver.",
                "TESTSERVER",
                "testserver\x00",
                "a" * 300,
                "localhost:8000",
                "127.0.0.1",
                "[::1]:80",
                "testserver:80:80",
            ]
        ),
        HEADER_TEXT,
    ),
    "If-None-Match": st.one_of(
        st.sampled_from(["*", '"abc"', 'W/"x"', '"', "x" * 5000, '"a", "b"', ", , ,", 'W/""']), HEADER_TEXT
    ),
    "If-Modified-Since": st.one_of(
        st.sampled_from(
            [
                "Sat, 29 Oct 1994 19:43:31 GMT",
                "Thu, 01 Jan 1970 00:00:00 GMT",
                "Fri, 31 Dec 9999 23:59:59 GMT",
                "Mon, 01 Jan 10000 00:00:00 GMT",
                "Sunday, 06-Nov-94 08:49:37 GMT",
                "Sun Nov  6 08:49:37 1994",
                "Sun, 31 Feb 2021 10:00:00 GMT",
                "99999999999999999999",
                "-1",
                "garbage",
            ]
        ),
        HEADER_TEXT,
    ),
    "Range": st.one_of(
        st.sampled_from(
            [
                "bytes=0-0",
                "bytes=-1",
                "bytes=99999999999999999999-",
                "bytes=5-1",
                "bytes=0-1,2-3",
                "items=0-1",
                "bytes=",
                "bytes=a-b",
                "bytes=-0",
            ]
        ),
        HEADER_TEXT,
    ),
    "X-Forwarded-For": st.one_of(
        st.sampled_from(
            [
                "",
                "203.0.113.7",
                "203.0.113.7, 198.51.100.2",
                "::1",
                "999.999.999.999",
                "203.0.113.7," * 500,
                "[::1]:80",
                "unknown",
                "\x00",
                "fe80::1%eth0",
            ]
        ),
        HEADER_TEXT,
    ),
}


def _header_pages(world) -> list[str]:
    meeting = world["published"]
    document = Document.objects.order_by("pk").first()
    return [
        "/",
        "/meetings/",
        reverse("portal:meeting-detail", args=[meeting.slug]),
        reverse("portal:meeting-pdf", args=[meeting.slug]),
        "/decisions/",
        "/decisions/export.csv",
        "/meetings.ics",
        reverse("meetings:meeting-ics", args=[meeting.slug]),
        reverse("decisions:document-download", args=[document.slug, 1]),
        "/accounts/login/",
    ]


@pytest.fixture
def headers_read(settings):
    """Where the headers are read: the page cache (Host, Accept-Language), sign-in throttling (X-Forwarded-For)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"}}
    settings.PAGE_CACHE_SECONDS = 60
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_no_request_header_answers_a_500(world, personas, headers_read, persona, monkeypatch):
    # The PDF is the same with any header: render its HTML only (WeasyPrint takes a second a page).
    monkeypatch.setattr("portal.views.render_pdf", lambda *args, **kwargs: b"%PDF-1.7")
    # …and no signature on it (core/signing.py reads the PDF it signs; this one is a stand-in).
    monkeypatch.setattr("portal.views.sign_if_official", lambda pdf, *args, **kwargs: pdf)
    client = _client(None if persona == "anonymous" else personas[persona])
    signed_in = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())

    pages = _header_pages(world)

    # Besides the generated ones, in every run: what once was a 500, and what each page reads.
    @HEADER_PROFILE
    @given(page=st.sampled_from(pages), headers=st.fixed_dictionaries({}, optional=HEADERS))
    @example(page="/", headers={"Cookie": 'sessionid="abcdefgh\\000ijkl"'})
    @example(page="/decisions/", headers={"Accept-Language": "en-" * 300, "Host": "testserver:99999999999999999999"})
    @example(page=pages[-2], headers={"Range": "bytes=99999999999999999999-", "If-None-Match": "*"})
    @example(
        page="/meetings.ics", headers={"If-Modified-Since": "Sat, 01 Jan 10000 00:00:00 GMT", "If-None-Match": "W/"}
    )
    @example(page="/accounts/login/", headers={"X-Forwarded-For": "203.0.113.7," * 500 + "\x00"})
    def send(page, headers):
        if signed_in and "Cookie" in headers:
            headers = {**headers, "Cookie": f"{signed_in}; {headers['Cookie']}"}
        response = in_savepoint(lambda: client.get(page, headers=headers, REMOTE_ADDR="127.0.0.1"))
        if response.streaming:
            # A download streams its file: read to the end, the test client closes it (as a server would).
            b"".join(response.streaming_content)
        assert response.status_code < 500, (persona, page, headers)

    send()
