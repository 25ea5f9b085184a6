"""Persona fixtures: anonymous, board member, secretariat, admin. Tests run with DEBUG off."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from pytest_django.plugin import blocking_manager_key

from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP
from tests.factories import UserFactory
from tests.migration_data import restore_migration_data
from tests.signing_key import signing_settings

PERSONAS = ["anonymous", "board_member", "secretariat", "admin"]


def _flushes_the_database(item) -> bool:
    """A transactional test (its own commits, a live server) ends by emptying every table."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


# The modules whose tests take longest (`make test PYTEST_ARGS=--durations=150`), run first: with the suite in
# parallel, the workers then end on short tests, and none is left running a long one while the other has nothing
# more to do. Whole modules, in their own order, so that data built once per module is built once. The longest
# single tests first (the Nu checker's walk, `migrate` in a subprocess, the browser's 6th meeting): with
# `--dist worksteal` the first worker keeps the head of the list, the other steals from its tail.
SLOW_FIRST = (
    "tests/reading/test_html_conformance.py",
    "tests/reading/test_page_cache.py",
    "tests/reading/test_queries.py",
    "tests/reading/test_no_leaks.py",
    "tests/operations/test_migrate_with_the_page_cache.py",
    "tests/browser/test_editing.py",
    "tests/foundation/test_migrations.py",
    "tests/browser/test_accessibility.py",
    "tests/bench/test_volume.py",
    "tests/hardening/test_only_web_links_are_printed.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {module: number for number, module in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """
    Put back what the data migrations made (groups, posts, document kinds) once a transactional test's
    flush has removed it: with the suite in parallel (pytest-xdist), any test may run next in that worker.
    Not after the worker's last test: its teardown has already dropped the test database and pointed the
    connection back at the configured one (which may not exist).
    """
    yield
    if nextitem is not None and _flushes_the_database(item):
        with item.config.stash[blocking_manager_key].unblock():
            restore_migration_data()


@pytest.fixture(scope="session", autouse=True)
def _nobody_left_on_the_test_database(django_db_setup, django_db_blocker):
    """
    pytest-django drops the test database at the end, which PostgreSQL refuses while another session is
    connected: a live server's or a thread's connection not yet gone, a child process still ending. End them
    first (set up after the database, so torn down before it is dropped).
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def settings_for_tests(settings) -> dict:
    """
    Production settings, less what needs a real deployment (HTTPS, collected static files): what each
    test runs with, and what rows built once for a module are built with (tests/built_once.py).
    """
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "SECURE_SSL_REDIRECT": False,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Personas sign in with force_login (or client.login, which django-axes refuses: it has no
        # request); the sign-in tests in tests/hardening switch both back on.
        "TWO_FACTOR_REQUIRED": False,
        "AXES_ENABLED": False,
        # A test's writes roll back, never commit, and the page cache learns of a change at commit: it would
        # serve one test's pages in the next. It is on only where it is tested (tests/reading/test_page_cache.py);
        # with REDIS_URL set, the rest of the suite still runs with the cache and sessions in Redis.
        "PAGE_CACHE_SECONDS": 0,
        # A throwaway signing key, as production has a real one: the PDFs of published records are signed
        # (core/signing.py; tests/signing_key.py). tests/signing turns it off where unsigned is tested.
        **signing_settings(),
    }


@pytest.fixture(autouse=True)
def _test_settings(settings):
    for name, value in settings_for_tests(settings).items():
        setattr(settings, name, value)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def board_member(db):
    user = UserFactory(username="board")
    user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    return user


@pytest.fixture
def secretariat(db):
    user = UserFactory(username="secretariat")
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Signed in, but in no group: sees what the public sees."""
    return UserFactory(username="outsider")


@pytest.fixture
def personas(anonymous, board_member, secretariat, admin_user):
    return {"anonymous": anonymous, "board_member": board_member, "secretariat": secretariat, "admin": admin_user}


@pytest.fixture
def client_for(client, personas):
    """client_for("board_member") -> a test client signed in as that persona (or anonymous)."""

    def _client(persona):
        client.logout()
        if persona != "anonymous":
            client.force_login(personas[persona])
        return client

    return _client
