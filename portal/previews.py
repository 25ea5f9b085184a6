"""
The public record of a meeting as it will read once published, for the Secretariat's "Publish?" page.

Rendered from the database as the public would read it: inside a transaction the meeting is marked
published, the public record (the page's own template and query, as an anonymous reader) is rendered,
and the transaction is rolled back — nothing is kept, no history, no cache renewal (core.pagecache
renews on commit only). What the preview shows is what the visibility rules will let through, not a
second description of them.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.workflow import RecordStatus
from meetings.models import Meeting
from portal.views import record_context


class _Discard(Exception):
    """Raised to roll the preview's transaction back."""


def public_record_preview(request, meeting: Meeting) -> str:
    html = ""
    try:
        with transaction.atomic():
            shown = Meeting.objects.select_related("pillar", "occasion").get(pk=meeting.pk)
            shown.status = RecordStatus.PUBLISHED
            shown.published_at = shown.published_at or timezone.now()
            shown.save(update_fields=["status", "published_at"])
            html = render_to_string(
                "portal/_meeting_record.html", record_context(shown, AnonymousUser()), request=request
            )
            raise _Discard
    except _Discard:
        pass
    # Our own template's HTML.
    return mark_safe(html)
