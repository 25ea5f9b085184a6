"""
The register as an Atom feed (RFC 4287, Django's syndication framework): the newest published decisions,
filtered like the register with the same filter set (`?did=admitted&pillar=WBCTi`), so a reader follows
exactly what the page shows.

A feed reader has no session: the feed is always what the public may read (an anonymous user's
`visible_to`), whoever asks for it — a signed-in Secretariat user gets no draft in it either. Being a
public page, it is kept by the public page cache (core.pagecache) like the others.
"""

import copy

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from core import alternates
from decisions.filters import DecisionFilter
from decisions.models import Decision, NewestFirstPages
from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE

# Entries in a feed: the newest, as feed readers keep what they read before.
FEED_ENTRIES = 50


def as_the_public(request):
    """The request as an anonymous reader makes it: what a feed shows never depends on who asks."""
    public = copy.copy(request)
    public.user = AnonymousUser()
    return public


def absolute_links(html: str, origin: str) -> str:
    """The page's links made absolute: an entry is read away from the site."""
    return html.replace('href="/', f'href="{origin}/')


def with_footnote(html: str, *texts: str) -> str:
    """The Kosovo* designation footnote after an entry that prints the designated name, as the pages do."""
    if any(DESIGNATED_NAME in text for text in (html, *texts)):
        return f'{html}<p class="footnote">{KOSOVO_FOOTNOTE}</p>'
    return html


class DecisionFeed(Feed):
    # Atom, with a link to the same list in the open-data API where the site registered one (core.alternates).
    feed_type = alternates.AtomWithAlternates
    author_name = "IISG Secretariat"

    def get_object(self, request, *args, **kwargs):
        public = as_the_public(request)
        filterset = DecisionFilter(
            request.GET or None, queryset=Decision.objects.visible_to(public.user), request=public
        )
        return {"request": request, "filter": filterset, "origin": request.build_absolute_uri("/")[:-1]}

    def feed_extra_kwargs(self, obj):
        return {"alternates": alternates.links("decisions", obj["origin"], obj["request"].GET.urlencode())}

    def title(self, obj):
        return _("IISG Board decisions")

    def subtitle(self, obj):
        return _("Published decisions of the IISG Board, newest first, as the decision register filters them.")

    def link(self, obj):
        query = obj["request"].GET.urlencode()
        return reverse("decisions:decision-list") + (f"?{query}" if query else "")

    def feed_url(self, obj):
        return obj["request"].get_full_path()

    def items(self, obj):
        # The register's two steps: the ids by an index-ordered query, then these rows with what they show.
        user = AnonymousUser()
        if obj["filter"].is_bound and not obj["filter"].is_valid():
            return []
        rows = NewestFirstPages(obj["filter"].qs, lambda decisions: decisions.with_acted_on(user))
        items = rows[0:FEED_ENTRIES]
        for decision in items:
            decision.feed_origin = obj["origin"]
        return items

    def item_title(self, item):
        return f"{item.reference} — {item.get_verb_display()}: {item.subject}"

    def item_description(self, item):
        html = render_to_string("decisions/feed_entry.html", {"decision": item})
        return with_footnote(absolute_links(html, item.feed_origin), self.item_title(item))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.meeting.start if item.meeting_id else item.procedure.closed_at

    def item_updateddate(self, item):
        return max(item.updated_at, self.item_pubdate(item))

    def item_categories(self, item):
        return [item.get_verb_display()]
