"""
End-to-end tests: Playwright for Python driving Debian's Chromium against a live server.

The browser is /usr/bin/chromium (never a downloaded one). In CI (CI=true) a missing browser is a
failure; on a developer machine without it the browser tests are skipped with the reason.
Every page load collects console errors; a Content Security Policy violation fails the test.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.migration_data import restore_migration_data

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests themselves
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}: .ci/run installs Debian's chromium package.")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _groups(transactional_db):
    """The live server needs a transactional database, whose flush removes migration data: restore it."""
    restore_migration_data()


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    settings.AXES_ENABLED = True  # people sign in through the real form


class ConsoleWatch:
    """Console errors of a browser context; CSP violations are never acceptable."""

    def __init__(self):
        self.errors: list[str] = []

    def __call__(self, message):
        if message.type == "error":
            self.errors.append(message.text)

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e or "Content-Security-Policy" in e]


@pytest.fixture
def new_page(browser, live_server):
    """new_page(width=1280) -> a page in a fresh context (own cookies), watched for console errors."""
    contexts = []

    def _new_page(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        watch = ConsoleWatch()
        page.on("console", watch)
        page.console_watch = watch
        contexts.append((context, watch))
        return page

    yield _new_page
    violations = [v for _, watch in contexts for v in watch.csp_violations]
    for context, _ in contexts:
        context.close()
    assert violations == [], "Content Security Policy violations in the browser console"


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Wait for the answer to the form's POST, not the login page that is already loaded.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").last.click()


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under screenshots/ (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core in the page (through DevTools, so the page's CSP does not apply)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
