"""
The interface's catalogues are complete and current (run alone: `pytest -m catalogues`):

- no entry untranslated or fuzzy, in any language;
- every string of the source is in every catalogue, and nothing else (the source extracted afresh by
  makemessages into a temporary folder; the committed locale/django.pot is that extraction too);
- every translation keeps its msgid's placeholders (ours, and msgfmt's --check-format);
- each compiled .mo says what its .po says (a fresh clone runs without gettext: the .mo files are committed).
"""

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

from iisg_portal.catalogues import BASE_DIR, DIRS, catalogue_path, problems, source_keys

pytestmark = pytest.mark.catalogues

LOCALE_DJANGO = BASE_DIR / "locale_django"
IGNORED = [
    ".venv",
    "node_modules",
    "tests",
    "bench",
    "static",
    "staticfiles",
    "media",
    "screenshots",
    "locale_django",
    ".demo-signing",
]


def needs_gettext():
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext (xgettext, msgfmt) is missing: CI installs it (.ci/run)")
        pytest.skip("gettext (xgettext, msgfmt) is not installed")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str, str]]:
    """
    The source's strings now, as `make messages` extracts them (makemessages, same ignore list), from a copy of
    the source in a temporary folder: makemessages writes beside the source's own locale/, never here.
    """
    needs_gettext()
    copy = tmp_path_factory.mktemp("source") / "portal"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(*IGNORED, "locale", ".git", "__pycache__"))
    (copy / "locale").mkdir()
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command(
                "makemessages", locale=["xx"], ignore_patterns=IGNORED, keep_pot=True, add_location="file", verbosity=0
            )
    finally:
        os.chdir(cwd)
    return source_keys(copy / "locale" / "django.pot")


@pytest.mark.parametrize("folder", DIRS)
def test_each_catalogue_is_complete_and_current(folder, extracted):
    found = problems(polib.pofile(str(catalogue_path(folder))), extracted)
    assert not found, f"{folder}: {len(found)} problems (make messages, then the translations):\n" + "\n".join(
        found[:60]
    )


def test_the_committed_template_is_the_source_now(extracted):
    assert source_keys(BASE_DIR / "locale" / "django.pot") == extracted, "locale/django.pot is stale: make messages"


@pytest.mark.parametrize("folder", DIRS)
def test_msgfmt_finds_no_format_error(folder):
    needs_gettext()
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", os.devnull, str(catalogue_path(folder))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _entries(catalogue) -> dict:
    found = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
            if any(forms):
                found[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = forms
        elif entry.msgstr:
            found[(entry.msgctxt, entry.msgid, "")] = entry.msgstr
    return found


def compiled_pairs() -> list[Path]:
    return [catalogue_path(folder) for folder in DIRS] + sorted(LOCALE_DJANGO.glob("*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po", compiled_pairs(), ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_each_compiled_catalogue_matches_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: make messages"
    assert _entries(polib.mofile(str(mo))) == _entries(polib.pofile(str(po))), f"{mo} is stale: make messages"


def test_djangos_strings_for_cnr_and_bs_are_built_from_djangos_catalogues_now():
    """locale_django/build.py run again gives the committed catalogues (rebuild after a Django upgrade)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("locale_django_build", LOCALE_DJANGO / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for target, sources in build.TARGETS.items():
        fresh = _entries(build.build(target, sources))
        committed = _entries(polib.pofile(str(LOCALE_DJANGO / target / "LC_MESSAGES" / "django.po")))
        assert fresh == committed, f"locale_django/{target} is stale: .venv/bin/python locale_django/build.py"
