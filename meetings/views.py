"""
The reading side of meetings: the meeting list and the iCalendar exports. (A meeting's record page
composes it with its decisions: it is in the site layer, portal/views.py.)

Every row comes through `Meeting.objects.listable_by(user)`: the meetings whose record the user may
see, and those announced to the public, read as their announcement.
"""

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
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


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.listable_by(request.user).for_listing(), slug=slug)
    content = ics.calendar([meeting], lambda m: request.build_absolute_uri(m.get_absolute_url()), meeting.title)
    return _ics_response(content, f"{meeting.slug}.ics")


def meetings_ics(request):
    # The window (upcoming and the last two years) or ?year=YYYY; conditional GETs answered with 304 (meetings.ics).
    year = ics.requested_year(request)
    meetings = ics.in_window(Meeting.objects.listable_by(request.user), year)
    etag, last_modified = ics.validators(request.user, meetings, year)
    response = get_conditional_response(
        request, etag=etag, last_modified=last_modified and int(last_modified.timestamp())
    )
    if response is None:
        # Built once per version of the feed (its ETag) and site address, then read from the cache.
        content = ics.cached_feed(
            etag,
            request.build_absolute_uri("/"),
            lambda: ics.calendar(
                meetings.for_listing().order_by("start"),
                lambda m: request.build_absolute_uri(m.get_absolute_url()),
                _("IISG Board Portal meetings"),
            ),
        )
        response = _ics_response(content, "iisg-meetings.ics")
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Validators differ per reader: a shared cache keys the feed on the session cookie too.
    patch_vary_headers(response, ["Cookie"])
    return response
