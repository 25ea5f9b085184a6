"""
The reading side of meetings: the meeting list and the iCalendar exports. (A meeting's record page
composes it with its decisions: it is in the site layer, portal/views.py.)

Every row comes through `Meeting.objects.listable_by(user)`: the meetings whose record the user may
see, and those announced to the public, read as their announcement.
"""

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _

from meetings import ics
from meetings.filters import MeetingFilter
from meetings.models import Meeting

PAGE_SIZE = 25


def meeting_list(request):
    now = timezone.now()
    meetings = Meeting.objects.listable_by(request.user).alias(
        is_past=Case(
            When(Q(end__lt=now) & Q(new_date_pending=False), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    filterset = MeetingFilter(request.GET or None, queryset=meetings)
    # Upcoming meetings first, soonest first (those waiting for a new date last); then past ones, latest first.
    ordered = filterset.qs.order_by(
        "is_past", "new_date_pending", Case(When(is_past=0, then=F("start"))).asc(), F("start").desc()
    ).for_listing()
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {"filter": filterset, "page_obj": page, "now": now})


def _ics_response(request, version: ics.FeedVersion, build, filename: str) -> HttpResponse:
    """
    The calendar, or a 304 when the reader's copy is this version (ETag, or Last-Modified: both from
    the data, meetings.ics.feed_version).
    """
    last_modified = version.last_modified
    response = get_conditional_response(
        request, etag=version.etag, last_modified=last_modified and int(last_modified.timestamp())
    )
    if response is None:
        response = HttpResponse(build(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = version.etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Validators differ per reader: a shared cache keys the feed on the session cookie too.
    patch_vary_headers(response, ["Cookie"])
    return response


def meeting_ics(request, slug):
    rows = ics.feed_rows(Meeting.objects.listable_by(request.user).filter(slug=slug))
    if not rows:
        raise Http404
    [meeting] = rows
    version = ics.feed_version(request.user, rows)
    return _ics_response(
        request,
        version,
        lambda: ics.calendar(
            rows, lambda m: request.build_absolute_uri(m.get_absolute_url()), meeting.title, version.stamps
        ),
        f"{meeting.slug}.ics",
    )


def meetings_ics(request):
    # The window (upcoming and the last two years) or ?year=YYYY; conditional GETs answered with 304 (meetings.ics).
    year = ics.requested_year(request)
    listable = Meeting.objects.listable_by(request.user)
    rows = ics.feed_rows(ics.in_window(listable, year))
    version = ics.feed_version(request.user, rows, listable=listable, year=year)
    # Built once per version of the feed (its ETag) and site address, then read from the cache.
    return _ics_response(
        request,
        version,
        lambda: ics.cached_feed(
            version.etag,
            request.build_absolute_uri("/"),
            lambda: ics.calendar(
                rows,
                lambda m: request.build_absolute_uri(m.get_absolute_url()),
                _("IISG Board Portal meetings"),
                version.stamps,
            ),
        ),
        "iisg-meetings.ics",
    )
