"""
Every page kind of the portal is valid HTML for the W3C Nu checker: 0 errors.

The pages are every route of the URLconf (tests/pages.py; the admin is Django's own and left out), each filled in with
the records of every state (draft, circulated, published, a draft announced to the public, and the
6th Board meeting of the demo) and opened by every role (tests.conftest.PERSONAS; editing pages by
the Secretariat in every state, by the other roles once: see _openings), plus what the URLconf alone
does not reach: the access matrix's list pages with their queries
(tests/reading/test_access_matrix.py), every editing form posted empty (re-rendered with its errors),
the steps of the two-factor sign-in and set-up, search results, and the 403, 404, 500 and locked-out
pages. They are written to a temporary folder and checked in one run of the checker (one JVM); each
error is printed with its page and line.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP
from core.two_factor import issue_enrolment_link
from decisions.models import ActionItem, Decision, Document, WrittenProcedure
from decisions.procedures.services import answer_procedure, close_procedure, launch_procedure
from meetings.models import Meeting, Occasion
from members.models import Delegation, Membership, Organisation, Pillar
from portal.demo.loader import load_demo_procedure
from portal.desk import GROUP_KEYS
from tests.conftest import PERSONAS
from tests.factories import (
    DelegationFactory,
    MeetingPaperFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgressNoteFactory,
    UserFactory,
    WrittenProcedureFactory,
)
from tests.nu_checker import nu_errors, require_nu_checker
from tests.pages import fill, routes
from tests.reading.test_access_matrix import LIST_URLS
from tests.signin import current_token, give_code, sign_in

pytestmark = pytest.mark.django_db

# Routes that answer no HTML page: files, feeds and exports (checked by their own tests), the QR code
# (an SVG image) and sign-out (a POST that redirects).
NOT_HTML = {
    "portal:meeting-pdf",
    # issue 20: pack
    "portal:meeting-pack",
    "meetings:meetings-ics",
    "meetings:meeting-ics",
    "decisions:decision-export-csv",
    "decisions:decision-export-json",
    "decisions:document-download",
    "decisions:procedures-ics",
    # issue 20: register — the Atom feeds (tests/register/test_feeds.py reads them back as Atom).
    "decisions:decision-feed",
    "meetings:meeting-feed",
    "two_factor:qr",
    "logout",
    # issue 22: the language switcher's form posts here and is sent back to the page (a 303, no page of its own).
    "choose-language",
    # issue 21: api — JSON (tests/opendata validates it against its OpenAPI description); /api/ is HTML.
    "opendata:api-index",
    "opendata:api-openapi",
    "opendata:api-organization-list",
    "opendata:api-organization-detail",
    "opendata:api-person-list",
    "opendata:api-person-detail",
    "opendata:api-membership-list",
    "opendata:api-membership-detail",
    "opendata:api-post-list",
    "opendata:api-post-detail",
    "opendata:api-event-list",
    "opendata:api-event-detail",
    "opendata:api-decision-list",
    "opendata:api-decision-detail",
}
# Routes opened only with what a test makes for them (below), not filled from the records.
OPENED_APART = {"enrolment-link", "invitation", "email-unsubscribe"}


@dataclass
class Context:
    """The records one filling of the routes points at, by the path segment before each parameter."""

    name: str
    records: dict


def _records(meeting: Meeting, decision: Decision, procedure: WrittenProcedure, **more) -> dict:
    organisation = more.pop("organisation", None) or decision.memberships.first().organisation
    records = {
        "meetings": meeting,
        "agenda": meeting.agenda_items.order_by("position").first(),
        "decisions": decision,
        "actions": ActionItem.objects.filter(meeting=meeting).first() or ActionItem.objects.first(),
        "members": organisation,
        "organisations": organisation,
        "memberships": decision.memberships.first() or Membership.objects.first(),
        "people": decision.roles.exclude(person=None).first().person,
        "documents": decision.documents.first() or Document.objects.first(),
        "occasions": meeting.occasion or Occasion.objects.first(),
        "roles": decision.roles.first(),
        "pillars": Pillar.objects.get(code="WBCTi"),
        "procedures": procedure,
        "papers": meeting.papers.first() or MeetingPaperFactory(meeting=meeting, document=Document.objects.first()),
    }
    # The person is a delegate of the organisation: the access pages for them (members.access) open.
    if not Delegation.objects.filter(person=records["people"], organisation=organisation).exists():
        DelegationFactory(person=records["people"], organisation=organisation)
    return {**records, **more}


@pytest.fixture
def contexts(records, demo, board_member):
    """
    Each state of a meeting record with the records hanging from it, paired with a written procedure in
    a like state (draft; open; published; closed, not yet published), and the demo's 6th Board meeting.
    Every record has a history of more than its creation, for the history pages.
    """
    # The board_member persona answers for a Board member organisation that procedures consult.
    member = OrganisationFactory(name="Ministry of the Interior of Conformia", acronym="MIC")
    MembershipFactory(organisation=member, category=Membership.Category.BOARD, since=dt.date(2020, 1, 1))
    PersonFactory(organisation=member, user=board_member, name="Dana Delegate")
    procedures = {
        "draft": WrittenProcedureFactory(reference="WP/2026/11", title="Draft procedure"),
        "circulated": WrittenProcedureFactory(reference="WP/2026/12", title="Open procedure"),
        "published": load_demo_procedure(),
        "announced": WrittenProcedureFactory(reference="WP/2026/13", title="Closed procedure", kind="written"),
    }
    for state in ("circulated", "announced"):
        launch_procedure(procedure=procedures[state])
        answer_procedure(
            procedure=procedures[state], organisation=member, answer="object", reason="Not yet.", user=board_member
        )
    close_procedure(procedures["announced"])
    for procedure in procedures.values():
        procedure.refresh_from_db()
        procedure.text += "\n\nAmended."
        procedure.save()
    result = {}
    for state, record in records.items():
        _change_everything(record.meeting, record.decision, record.document)
        result[state] = Context(
            state, _records(record.meeting, record.decision, procedures[state], organisation=record.organisation)
        )
    decision = demo.decisions.exclude(roles=None).first()
    kosovo = Organisation.objects.filter(designation_footnote=True).first()
    result["demo"] = Context("demo", _records(demo, decision, procedures["published"], organisation=kosovo))
    return result


def _change_everything(meeting: Meeting, decision: Decision, document: Document) -> None:
    """A second version of each record, so that its history page shows a change."""
    meeting.refresh_from_db()
    meeting.public_summary += " Amended."
    meeting.save()
    decision.refresh_from_db()
    decision.wording += " Amended."
    decision.save()
    document.refresh_from_db()
    document.description = (document.description or "") + " Amended."
    document.save()


class Pages:
    """The HTML pages collected, each once (by its text without the CSRF token), with every label it had."""

    def __init__(self):
        self.pages: dict[str, tuple[list[str], str]] = {}
        self.html_routes: set[str] = set()

    def add(self, label: str, response, route_name: str = "") -> bool:
        if response.status_code >= 300 and response.status_code < 400:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        html = response.content.decode()
        if route_name and response.status_code == 200:
            self.html_routes.add(route_name)
        self.add_html(f"{label} → {response.status_code}", html)
        return True

    def add_html(self, label: str, html: str) -> None:
        key = hashlib.sha256(re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", html).encode()).hexdigest()
        labels, _html = self.pages.setdefault(key, ([], html))
        labels.append(label)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# The workflow states an editing form is posted empty in (the others add no form of their own).
POSTED_IN = ("draft", "circulated", "published")


def _openings(route: str, contexts: dict) -> list[tuple[object, tuple[str, ...]]]:
    """
    In which contexts which roles open a route. Reading pages: every role in every context. Editing
    pages: the Secretariat in every context; the other roles in the published one only, enough for
    each role to open every route once: the admin's forms are the Secretariat's (the same views), and
    the others are refused (a 403, or a 404 for what they may not read), pages they meet everywhere.
    """
    if "<" not in route:
        return [(None, tuple(PERSONAS))]
    if not route.startswith("edit/"):
        return [(context, tuple(PERSONAS)) for context in contexts.values()]
    others = tuple(persona for persona in PERSONAS if persona != "secretariat")
    return [(context, ("secretariat", *(others if name == "published" else ()))) for name, context in contexts.items()]


def _posts_to_itself(response) -> bool:
    """The page has a form that posts back to it (no action: not the sign-out form of the menu)."""
    forms = re.findall(r"<form\b[^>]*>", response.content.decode()) if response.status_code == 200 else []
    return any('method="post"' in form and "action=" not in form for form in forms)


def _collect(pages: Pages, contexts: dict, personas: dict) -> None:
    clients = {persona: _client(None if persona == "anonymous" else personas[persona]) for persona in PERSONAS}
    posted = []
    for route, name in ((page.route, page.name) for page in routes()):
        if name in NOT_HTML or name in OPENED_APART:
            continue
        for context, roles in _openings(route, contexts):
            url = fill(route, context.records) if context else "/" + route
            state = f" ({context.name})" if context else ""
            for persona in roles:
                response = clients[persona].get(url)
                pages.add(f"{persona}{state} GET {url}", response, name)
                in_state = context is None or context.name in POSTED_IN
                if persona == "secretariat" and in_state and _posts_to_itself(response):
                    posted.append(url)
    # The access matrix's list pages with their queries (search results among them).
    for url in sorted(url() for url in LIST_URLS.values()):
        if "?" in url:
            for persona, client in clients.items():
                pages.add(f"{persona} GET {url}", client.get(url))
    for query in ("?q=Sarajevo", "?q=nothing-matches-this", "?q=board&page=2"):
        pages.add(f"board_member GET search{query}", clients["board_member"].get(reverse("portal:search") + query))
    # The desk's full lists, one per group (chosen by the query: without one the page is not found).
    for key in GROUP_KEYS:
        url = f"{reverse('portal:desk-group')}?group={key}"
        pages.add(f"secretariat GET {url}", clients["secretariat"].get(url), "portal:desk-group")
    # Every form the Secretariat is offered, posted empty: re-rendered with its errors (a post that
    # passes is rolled back).
    for url in posted:
        with transaction.atomic():
            pages.add(f"secretariat POST (empty) {url}", clients["secretariat"].post(url))
            transaction.set_rollback(True)
    # The pages no route names alone.
    for persona, client in clients.items():
        pages.add(f"{persona} GET /no-such-page/", client.get("/no-such-page/"))
    pages.add_html("500 page", server_error(RequestFactory().get("/")).content.decode())


def _two_factor_pages(pages: Pages, settings) -> None:
    """Sign-in with a wrong password, the code and backup-code steps, set-up with a wrong code, the profile."""
    client = Client()
    user = UserFactory(username="twofactor")
    user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    pages.add("anonymous POST sign-in, wrong password", sign_in(client, user, password="wrong"))
    pages.add("board member (no second factor) GET setup", _client(user).get(reverse("two_factor:setup")))
    setup = _client(user)
    setup.get(reverse("two_factor:setup"))
    wrong = {"setup_view-current_step": "generator", "generator-token": "1"}
    pages.add("board member POST setup, wrong code", setup.post(reverse("two_factor:setup"), wrong))
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    pages.add("anonymous POST sign-in, code step", sign_in(client, user))
    pages.add("anonymous POST sign-in, wrong code", give_code(client, "000000"))
    backup = client.post(reverse("login"), {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    pages.add("anonymous POST sign-in, backup-code step", backup)
    device.throttle_reset()
    client = Client()
    sign_in(client, user)
    assert give_code(client, current_token(device)).status_code == 302
    pages.add("verified GET two-factor profile", client.get(reverse("two_factor:profile")), "two_factor:profile")
    client.post(reverse("two_factor:backup_tokens"))
    pages.add("verified GET backup codes", client.get(reverse("two_factor:backup_tokens")), "two_factor:backup_tokens")
    pages.add("verified GET remove", client.get(reverse("two_factor:disable")), "two_factor:disable")
    pages.add("verified POST remove, unconfirmed", client.post(reverse("two_factor:disable"), {}))
    # Sign-in throttling: the locked-out page.
    settings.AXES_ENABLED = True
    locked = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in(locked, user, password="wrong")
    pages.add("anonymous POST sign-in, locked out", response)


def _enrolment_pages(pages: Pages, settings) -> None:
    """A Secretariat user without a second factor: refused with the password alone; the link's own pages."""
    settings.TWO_FACTOR_REQUIRED = True
    officer = UserFactory(username="officer")
    officer.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    pages.add("anonymous POST sign-in, privileged without a second factor", sign_in(Client(), officer))
    older = issue_enrolment_link(user=officer)
    issue_enrolment_link(user=officer)
    for label, path, status in (
        ("unknown enrolment link", reverse("enrolment-link", args=["no-such-link"]), 404),
        ("replaced enrolment link", older.path, 410),
    ):
        response = Client().get(path)
        assert response.status_code == status, label
        assert pages.add(f"anonymous GET {label}", response)
    pages.html_routes.add("enrolment-link")


def _invitation_pages(pages: Pages) -> None:
    """A delegate invited by the Secretariat: the page that sets the first password, and a link that is no more."""
    from core.invitations import issue_invitation_link

    delegate = UserFactory(username="invited-delegate")
    delegate.set_unusable_password()
    delegate.save()
    issued = issue_invitation_link(user=delegate)
    for label, path, status in (
        ("invitation link", issued.path, 200),
        ("unknown invitation link", reverse("invitation", args=["no-such-link"]), 404),
    ):
        response = Client().get(path)
        assert response.status_code == status, label
        assert pages.add(f"anonymous GET {label}", response)
    pages.html_routes.add("invitation")


def _unsubscribe_pages(pages: Pages) -> None:
    """An e-mail's unsubscribe link (core/notifications.py): what it turns off, done, and a changed token."""
    from core.notifications import unsubscribe_token

    reader = UserFactory(username="unsubscribing-reader")
    path = reverse("email-unsubscribe", args=[unsubscribe_token(reader, "meetings.published")])
    for label, response, status in (
        ("unsubscribe link", Client().get(path), 200),
        ("unsubscribe link, turned off", Client().post(path), 200),
        ("changed unsubscribe link", Client().get(path[:-4] + "xyz/"), 400),
    ):
        assert response.status_code == status, label
        assert pages.add(f"anonymous {label}", response)
    pages.html_routes.add("email-unsubscribe")


@pytest.fixture
def nu_checker():
    """Skipped (failed in CI) before any record is made when the checker cannot run."""
    return require_nu_checker()


def test_every_page_kind_is_valid_html_for_every_role(nu_checker, contexts, personas, settings, tmp_path):
    pages = Pages()
    _collect(pages, contexts, personas)
    _two_factor_pages(pages, settings)
    _enrolment_pages(pages, settings)
    _invitation_pages(pages)
    _unsubscribe_pages(pages)  # issue 20: mail
    every_route = {page.name for page in routes()}
    unchecked = every_route - NOT_HTML - pages.html_routes
    assert not unchecked, f"Routes no role opened as an HTML page in any state: {sorted(unchecked)}"

    files = {}
    for number, (labels, html) in enumerate(pages.pages.values()):
        path = tmp_path / f"page-{number:04d}.html"
        path.write_text(html)
        files[path.name] = (labels, html.splitlines())
    errors = nu_errors(sorted(tmp_path.glob("page-*.html")))
    report = []
    for error in errors:
        labels, lines = files.get(error.get("url", "").rsplit("/", 1)[-1], ([error.get("url", "?")], []))
        line = error.get("lastLine", 0)
        text = lines[line - 1].strip()[:200] if 0 < line <= len(lines) else ""
        more = f" (and {len(labels) - 1} more)" if len(labels) > 1 else ""
        report.append(f"{labels[0]}{more}, line {line}: {error['message']}\n    {text}")
    checked = sum(len(labels) for labels, _lines in files.values())
    print(f"Nu checker: {len(files)} distinct pages of {checked} checked, {len(errors)} errors")
    print("\n".join(report))
    assert not errors, f"{len(errors)} validator errors:\n" + "\n".join(report)


# --- What the checker found, held by tests that need no Java ---------------------------------------------

# A valid global date and time string, to the second, as the portal writes it.
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


def test_history_and_progress_note_times_have_no_microseconds(client, secretariat, records):
    # Django's "c" date format wrote six digits of a second's fraction; HTML allows three.
    client.force_login(secretariat)
    record = records["published"]
    _change_everything(record.meeting, record.decision, record.document)
    ProgressNoteFactory(action_item=record.action, note="Called the donors.")
    for url in (
        reverse("meetings-edit:meeting-history", args=[record.meeting.slug]),
        reverse("decisions-edit:decision-history", args=[record.decision.pk]),
        reverse("decisions-edit:document-history", args=[record.document.slug]),
        reverse("decisions-edit:action-edit", args=[record.action.pk]),
    ):
        values = re.findall(r'<time datetime="([^"]*)"', client.get(url).content.decode())
        assert values, url
        assert all(HTML_DATETIME.fullmatch(value) for value in values), (url, values)


def test_the_set_up_code_is_a_text_input_for_digits(client, board_member):
    # autocomplete="one-time-code" is not allowed on a number input.
    client.force_login(board_member)
    page = client.get(reverse("two_factor:setup")).content.decode()
    [field] = re.findall(r'<input [^>]*name="generator-token"[^>]*>', page)
    assert 'type="text"' in field
    assert 'autocomplete="one-time-code"' in field
    assert 'inputmode="numeric"' in field


def test_the_sign_in_code_step_names_each_id_once(client, board_member):
    TOTPDevice.objects.create(user=board_member, name="default", confirmed=True)
    page = sign_in(client, board_member).content.decode()
    assert "Six-digit code from your authenticator app" in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # The second form (use a backup code, start again) still says which step it answers.
    assert page.count('name="login_view-current_step" value="token"') == 2
