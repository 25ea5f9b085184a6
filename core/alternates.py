"""
Other representations of a feed of a lower app, which a higher layer serves: the Atom feeds of the
decision register and of the meetings link to the open-data API's matching lists
(`<link rel="alternate" type="application/json" …>`), which the site layer (opendata/apps.py) registers
here in its AppConfig.ready(), so that no lower layer names its URLs. Core names no feed and no app.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed


@dataclass(frozen=True)
class Alternate:
    url_name: str  # reversed when the feed is written
    media_type: str  # "application/json"

    def url(self, query: str = "") -> str:
        return reverse(self.url_name) + (f"?{query}" if query else "")


# feed key ("decisions", "meetings") -> the alternates the layers above registered.
ALTERNATES: dict[str, list[Alternate]] = {}


def add(feed: str, alternate: Alternate) -> None:
    """Register an alternate of a feed (once, however often the apps are made ready)."""
    registered = ALTERNATES.setdefault(feed, [])
    if alternate not in registered:
        registered.append(alternate)


def links(feed: str, origin: str, query: str = "") -> list[dict]:
    """The feed's alternates as absolute links, with the feed's own filters (the same parameters)."""
    return [
        {"href": origin + alternate.url(query), "type": alternate.media_type} for alternate in ALTERNATES.get(feed, [])
    ]


class AtomWithAlternates(Atom1Feed):
    """Atom with a <link rel="alternate"> per other representation (feed_extra_kwargs: `alternates`)."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for link in self.feed.get("alternates") or []:
            handler.addQuickElement("link", "", {"rel": "alternate", "type": link["type"], "href": link["href"]})
