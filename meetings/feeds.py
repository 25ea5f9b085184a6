"""
The meetings as an Atom feed (RFC 4287, Django's syndication framework): the meetings the public may
list — published records and the meetings the Secretariat announced — newest first, filtered like
/meetings/ (kind, pillar, year: the same filter set).

A feed reader has no session: the feed is always what the public may read (an anonymous user's
`listable_by`), whoever asks — a signed-in Secretariat user gets no draft in it either. It is a public
page, kept by the public page cache (core.pagecache) like the others.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Case, DateTimeField, F, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from core import alternates
from meetings.filters import MeetingFilter
from meetings.models import Meeting
from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE

FEED_ENTRIES = 50


class MeetingFeed(Feed):
    # Atom, with a link to the same list in the open-data API where the site registered one (core.alternates).
    feed_type = alternates.AtomWithAlternates
    author_name = "IISG Secretariat"

    def get_object(self, request, *args, **kwargs):
        public = AnonymousUser()
        listable = (
            Meeting.objects.listable_by(public)
            # When the public learnt of it: the record's publication, else its announcement (both public facts).
            .annotate(
                news_at=Case(
                    When(record_visible=True, then=F("published_at")),
                    default=F("announced_at"),
                    output_field=DateTimeField(),
                )
            )
        )
        filterset = MeetingFilter(request.GET or None, queryset=listable)
        return {"request": request, "filter": filterset, "origin": request.build_absolute_uri("/")[:-1]}

    def feed_extra_kwargs(self, obj):
        return {"alternates": alternates.links("meetings", obj["origin"], obj["request"].GET.urlencode())}

    def title(self, obj):
        return _("IISG meetings")

    def subtitle(self, obj):
        return _("Meetings of the IISG: announced meetings and published records, as the public reads them.")

    def link(self, obj):
        query = obj["request"].GET.urlencode()
        return reverse("meetings:meeting-list") + (f"?{query}" if query else "")

    def feed_url(self, obj):
        return obj["request"].get_full_path()

    def items(self, obj):
        if obj["filter"].is_bound and not obj["filter"].is_valid():
            return []
        meetings = list(obj["filter"].qs.for_listing().order_by("-start", "pk")[:FEED_ENTRIES])
        for meeting in meetings:
            meeting.feed_origin = obj["origin"]
        return meetings

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        html = render_to_string("meetings/feed_entry.html", {"meeting": item})
        html = html.replace('href="/', f'href="{item.feed_origin}/')
        if DESIGNATED_NAME in html or DESIGNATED_NAME in item.title:
            html += f'<p class="footnote">{KOSOVO_FOOTNOTE}</p>'
        return html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.news_at or item.start

    def item_updateddate(self, item):
        return item.news_at or item.start

    def item_categories(self, item):
        return [item.get_kind_display()]
