"""
Two app processes (gunicorn, as `make serve APP_PORTS="8000 8001"` starts them) sharing the test's
PostgreSQL database and Redis: a visitor may go from one to the other at every request, as behind
nginx. A session begun on one is honoured on the other, a form served by one is accepted by the
other, a two-factor sign-in may cross between them, django-axes counts failures across them, and a
page cached by one is renewed when a record is changed through the other.

Needs PostgreSQL (the processes cannot share SQLite's in-memory test database) and Redis: skipped
with the reason otherwise, and on PostgreSQL in CI (CI=true) a missing Redis fails.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.hashers import ScryptPasswordHasher, make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.pagecache import STATUS_HEADER
from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP, sync_group_permissions
from members.models import Membership
from portal.permissions import ROLE_PERMISSIONS
from tests.factories import PASSWORD, MeetingFactory, OrganisationFactory, UserFactory
from tests.reading.conftest import MEMBER_MARKER
from tests.shared_cache import delete_prefix, require_redis, unique_prefix
from tests.signin import current_token

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


# --- The processes -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class App:
    port: int
    process: subprocess.Popen
    log: Path


def _wait_until_serving(app: App, deadline: float) -> None:
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"The app process on port {app.port} stopped:\n{app.log.read_text()[-3000:]}")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
            probe.request("GET", "/static/favicon.svg")
            status = probe.getresponse().status
            probe.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"The app process on port {app.port} did not answer in time:\n{app.log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def cache_prefix():
    return unique_prefix()


@pytest.fixture(scope="module")
def apps(django_db_setup, tmp_path_factory, cache_prefix):
    """Two gunicorn processes on free ports, with the environment of production but DEBUG (static files)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Two app processes need PostgreSQL (DATABASE_URL=postgres://…): SQLite's test database is in memory."
        )
    redis_url = require_redis()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        # DEBUG only so that static files need no collectstatic; everything else as in production.
        DEBUG="1",
        SECRET_KEY="two-processes-test-key-shared-by-both",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=_database_url(),
        CONN_MAX_AGE="60",
        CONN_HEALTH_CHECKS="1",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=cache_prefix,
        PAGE_CACHE_SECONDS="300",
        TWO_FACTOR_REQUIRED="1",
        AXES_FAILURE_LIMIT="2",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
    )
    started = []
    logs = tmp_path_factory.mktemp("two-processes")
    try:
        for _ in range(2):
            port = _free_port()
            log = logs / f"gunicorn-{port}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--config",
                        "gunicorn.conf.py",
                        "--no-control-socket",  # as make serve APP_PORTS=…: one path per user, not per process
                        "iisg_portal.wsgi",
                    ],
                    cwd=ROOT,
                    env={**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            started.append(App(port, process, log))
        deadline = time.monotonic() + 60
        for app in started:
            _wait_until_serving(app, deadline)
        yield started
    finally:
        for app in started:
            app.process.terminate()
        for app in started:
            try:
                app.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.process.kill()
                app.process.wait()
        delete_prefix(cache_prefix)


@pytest.fixture(autouse=True)
def _fresh_cache(cache_prefix):
    """Each test starts with an empty cache (the database is emptied after each test without a signal)."""
    yield
    delete_prefix(cache_prefix)


@pytest.fixture
def groups():
    """A transactional test's database was emptied by the one before: the role groups come back."""
    sync_group_permissions(ROLE_PERMISSIONS)


# --- A visitor going from one process to the other ------------------------------------------------------


def user(username: str, group: str, **fields):
    """A user whose password the app processes can check: the suite's MD5 hasher is not in their settings."""
    person = UserFactory(username=username, **fields)
    person.password = make_password(PASSWORD, hasher=ScryptPasswordHasher())
    person.save()
    person.groups.add(Group.objects.get(name=group))
    return person


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


class FormFields(HTMLParser):
    """The fields a browser would post with the form (inputs, selected options, text areas)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "checkbox", "radio", "file"}:
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") in {"checkbox", "radio"} and "checked" in attrs:
            self.fields[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and ("selected" in attrs):
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class Visitor:
    """A browser's cookie jar over plain HTTP (the apps run with DEBUG; no Secure cookies)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, app: App, method: str, path: str, data: dict | None = None) -> Answer:
        client = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        text = response.read().decode()
        client.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, text)

    def get(self, app: App, path: str) -> Answer:
        return self.request(app, "GET", path)

    def post(self, app: App, path: str, data: dict) -> Answer:
        return self.request(app, "POST", path, data)

    def form(self, app: App, path: str, field: str) -> dict[str, str]:
        """The fields of the page's form that has `field` (the menu's sign-out form comes first on every page)."""
        answer = self.get(app, path)
        assert answer.status == 200, main(answer.text)
        for form in re.finditer(r"<form\b.*?</form>", answer.text, re.S):
            if f'name="{field}"' in form.group(0):
                parser = FormFields()
                parser.feed(form.group(0))
                return parser.fields
        raise AssertionError(f"no form with {field} on {path}")


def main(text: str) -> str:
    """The page's main content, for a failure's message."""
    match = re.search(r"<main.*?</main>", text, re.S)
    return match.group(0) if match else text[:3000]


def sign_in_fields(username: str, password: str) -> dict:
    return {"login_view-current_step": "auth", "auth-username": username, "auth-password": password}


# --- The tests -----------------------------------------------------------------------------------


def test_a_session_begun_on_one_process_is_honoured_on_the_other(apps, groups):
    one, other = apps
    member = user("member-two-apps", BOARD_MEMBERS_GROUP, first_name="Bojana", last_name="Two-Apps")
    meeting = MeetingFactory(minutes=f"Minutes for {MEMBER_MARKER}.")
    visitor = Visitor()

    login = reverse("login")
    token = visitor.form(one, login, "auth-username")["csrfmiddlewaretoken"]
    signed_in = visitor.post(other, login, {"csrfmiddlewaretoken": token, **sign_in_fields(member.username, PASSWORD)})
    assert signed_in.status == 302, main(signed_in.text)
    assert "sessionid" in visitor.cookies

    # The session, written by one process, is read by the other: the full minutes, the user's name.
    for app in (one, other):
        page = visitor.get(app, meeting.get_absolute_url())
        assert page.status == 200
        assert "Bojana Two-Apps" in page.text
        assert MEMBER_MARKER in page.text
        assert page.headers.get(STATUS_HEADER) is None  # never from (or into) the public cache

    # A CSRF-protected POST with the form one process served, sent to the other: signing out.
    fields = visitor.form(one, reverse("home"), "csrfmiddlewaretoken")
    assert visitor.post(other, reverse("logout"), {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]}).status == 302
    for app in (one, other):
        page = visitor.get(app, meeting.get_absolute_url())
        assert "Bojana Two-Apps" not in page.text
        assert MEMBER_MARKER not in page.text


def test_two_factor_sign_in_and_an_edit_cross_processes_and_the_public_sees_the_change_on_both(apps, groups):
    one, other = apps
    officer = user("officer-two-apps", SECRETARIAT_GROUP)
    device = TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    organisation = OrganisationFactory(name="Agency Before The Edit", acronym="ABTE")
    Membership.objects.create(organisation=organisation, category=Membership.Category.BOARD, since="2020-01-01")

    # The public reads the member list on both processes; the second read of each is from the cache.
    public = Visitor()
    members = reverse("portal:member-list")
    for app in (one, other):
        public.get(app, members)
    for app in (one, other):
        page = public.get(app, members)
        assert page.headers.get(STATUS_HEADER) == "hit"
        assert "Agency Before The Edit" in page.text
    assert public.cookies == {}

    # Password on one process, the authenticator's code on the other: the wizard's state is in the session.
    officer_browser = Visitor()
    login = reverse("login")
    token = officer_browser.form(one, login, "auth-username")["csrfmiddlewaretoken"]
    step = officer_browser.post(
        one, login, {"csrfmiddlewaretoken": token, **sign_in_fields(officer.username, PASSWORD)}
    )
    assert step.status == 200
    assert "token-otp_token" in step.text, main(step.text)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', step.text).group(1)
    done = officer_browser.post(
        other,
        login,
        {"csrfmiddlewaretoken": token, "login_view-current_step": "token", "token-otp_token": current_token(device)},
    )
    assert done.status == 302, main(done.text)

    # The edit form from one process, posted to the other.
    edit = reverse("members-edit:organisation-edit", args=[organisation.slug])
    fields = officer_browser.form(other, edit, "name")
    fields["name"] = "Agency After The Edit"
    saved = officer_browser.post(one, edit, fields)
    assert saved.status == 302, main(saved.text)

    for app in (other, one):
        page = public.get(app, members)
        assert page.headers.get(STATUS_HEADER) == "miss", app.port
        assert "Agency After The Edit" in page.text
        assert "Agency Before The Edit" not in page.text


def test_sign_in_throttling_counts_failures_on_both_processes(apps, groups):
    one, other = apps
    member = user("throttled-two-apps", BOARD_MEMBERS_GROUP)
    login = reverse("login")
    for app in (one, other):  # AXES_FAILURE_LIMIT=2: one failure on each process
        visitor = Visitor()
        token = visitor.form(app, login, "auth-username")["csrfmiddlewaretoken"]
        visitor.post(app, login, {"csrfmiddlewaretoken": token, **sign_in_fields(member.username, "wrong")})
    visitor = Visitor()
    token = visitor.form(one, login, "auth-username")["csrfmiddlewaretoken"]
    locked = visitor.post(one, login, {"csrfmiddlewaretoken": token, **sign_in_fields(member.username, PASSWORD)})
    assert locked.status == 429
    assert "Sign-in temporarily locked" in locked.text
