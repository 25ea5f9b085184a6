"""
An Atom feed read back and checked against RFC 4287's rules: well-formed (feedparser's bozo flag, and
ElementTree), the Atom namespace, and each element the RFC requires — once on the feed (id, title,
updated; an author, unless every entry has one), once in each entry (id, title, updated; a link with
rel="alternate" or a content) — with dates in RFC 3339 form and ids that are absolute IRIs.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass
class Entry:
    id: str
    title: str
    link: str
    summary: str
    updated: str


def _one(parent, name: str, where: str):
    found = parent.findall(ATOM + name)
    assert len(found) == 1, f"{where}: {len(found)} <{name}> (RFC 4287 wants exactly one)"
    return found[0]


def _check_date(element, where: str) -> str:
    assert RFC3339.match(element.text or ""), f"{where}: {element.text!r} is no RFC 3339 date"
    return element.text


def read_atom(content: bytes) -> tuple[ET.Element, list[Entry]]:
    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(content)
    assert root.tag == ATOM + "feed"
    assert re.match(r"^https?://", _one(root, "id", "feed").text)
    _one(root, "title", "feed")
    _check_date(_one(root, "updated", "feed"), "feed")
    assert [link for link in root.findall(ATOM + "link") if link.get("rel") == "self"], "no rel=self link"
    entries = []
    for element in root.findall(ATOM + "entry"):
        title = _one(element, "title", "entry").text or ""
        where = f"entry {title!r}"
        entry_id = _one(element, "id", where).text
        assert re.match(r"^https?://", entry_id), f"{where}: id {entry_id!r} is no absolute IRI"
        updated = _check_date(_one(element, "updated", where), where)
        links = [link for link in element.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        assert links or element.findall(ATOM + "content"), f"{where}: no alternate link nor content"
        summary = element.find(ATOM + "summary")
        entries.append(
            Entry(
                id=entry_id,
                title=title,
                link=links[0].get("href") if links else "",
                summary=summary.text if summary is not None else "",
                updated=updated,
            )
        )
    if not root.findall(ATOM + "author"):
        assert all(element.findall(ATOM + "author") for element in root.findall(ATOM + "entry")), "no author"
    return root, entries
