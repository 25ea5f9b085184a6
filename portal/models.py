"""
The site layer's own rows: when a Board member last came to their home page (`HomeVisit`) and last
opened a meeting's page (`MeetingVisit`), for "since your last visit" on their home (portal/mine.py).

Bookkeeping, not the record: no page the public cache stores shows them, so they are written without
model signals (portal/mine.py; tests/foundation/test_writes_without_signals.py says why). This module
also makes `migrate` send its post_migrate signal for this app, last of the portal's apps, when every
permission exists: portal.apps syncs the role groups with the permissions table then (portal/permissions.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HomeVisit(models.Model):
    """
    A user's visits to their home page: `current_at` the visit going on (moved at most once per
    portal.mine.VISIT_GAP), `previous_at` the one before it, what "since your last visit" counts from.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="home_visit"
    )
    previous_at = models.DateTimeField(_("previous visit"), null=True, blank=True)
    current_at = models.DateTimeField(_("current visit"))

    class Meta:
        verbose_name = _("home page visit")
        verbose_name_plural = _("home page visits")

    def __str__(self):
        return f"{self.user} {self.current_at:%Y-%m-%d %H:%M}"


class MeetingVisit(models.Model):
    """When a Board member last opened a meeting's page (moved at most once per portal.mine.VISIT_GAP)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="meeting_visits"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("meeting page visit")
        verbose_name_plural = _("meeting page visits")
        constraints = [models.UniqueConstraint(fields=["user", "meeting"], name="meeting_visit_once")]

    def __str__(self):
        return f"{self.user} {self.meeting_id} {self.seen_at:%Y-%m-%d %H:%M}"
