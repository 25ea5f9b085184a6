"""
Issue 22: every reading page of the URLconf (the access matrix's: tests/reading/test_access_matrix.py), for every
role, in every language, shows no interface string left in English: a text node (or a label, a title, a
placeholder) outside the elements marked `lang="en"` (the record's own text, as the Secretariat wrote it) that is an
English msgid of the catalogues whose translation differs is a missed `{% translate %}` or a stale catalogue.
"""

from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

from decisions.models import DocumentKind
from iisg_portal.catalogues import PLACEHOLDER, catalogue_path
from members.models import Post
from tests.conftest import PERSONAS
from tests.reading.test_access_matrix import LIST_URLS, object_urls

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Attributes people read (or hear) as text.
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture
def records(records_built_once):
    return records_built_once


def english_strings(language: str) -> set[str]:
    """The catalogue's msgids shown as they are (no placeholder, one line) whose translation differs."""
    found = set()
    for entry in polib.pofile(str(catalogue_path(to_locale(language)))):
        if entry.obsolete or entry.msgid_plural or "\n" in entry.msgid or PLACEHOLDER.search(entry.msgid):
            continue
        if entry.msgstr and entry.msgstr != entry.msgid:
            found.add(" ".join(entry.msgid.split()))
    return found


class InterfaceText(HTMLParser):
    """The page's text nodes and read attributes outside any element marked `lang="en"`, scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[str] = []

    def english(self) -> bool:
        return any(marked for _tag, marked in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        marked = (attributes.get("lang") or "").lower() == "en" or tag in ("script", "style")
        if not self.english() and not marked:
            self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag not in VOID:
            self.stack.append((tag, marked))

    def handle_startendtag(self, tag, attrs):
        if not self.english():
            self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.english() and data.strip():
            self.found.append(data)


def untranslated(html: str, strings: set[str]) -> set[str]:
    parser = InterfaceText()
    parser.feed(html)
    return {" ".join(text.split()) for text in parser.found} & strings


# The public in every language; the signed-in roles (whose pages add the editing controls, the minutes, the desk)
# in one language of each script and family (CI time: each combination reads every page).
MATRIX = [("anonymous", language) for language in LANGUAGES] + [
    (persona, language) for persona in PERSONAS if persona != "anonymous" for language in ("sq", "mk", "sr-latn")
]


@pytest.mark.parametrize(("persona", "language"), MATRIX)
def test_no_interface_string_is_left_in_english(client_for, records, persona, language):
    # Rows the admin manages as data (document kinds, posts) stay as entered, like the record: "Other" as a kind is
    # no interface string even where a msgid reads the same.
    data = {*DocumentKind.objects.values_list("name", flat=True), *Post.objects.values_list("name", flat=True)}
    strings = english_strings(language) - data
    client = client_for(persona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    urls = [build() for build in LIST_URLS.values()] + list(object_urls(records["published"]).values())
    problems, seen = {}, 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            # A download (PDF, pack) is not read as a page, but read to its end: the test client then closes its
            # file with the database connection kept (calling close() itself would close the connection, as a
            # server does after a request: on PostgreSQL, the test's transaction with it).
            if response.streaming:
                b"".join(response.streaming_content)
            continue
        seen += 1
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, url
        left = untranslated(html, strings)
        if left:
            problems[url] = sorted(left)
    assert seen >= 10
    assert problems == {}, "\n".join(f"{url}: {left}" for url, left in problems.items())
