from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import PortalAdmin, PortalStackedInline, PortalTabularInline
from core.links import WebAddressAdminWidget
from core.locking import OptimisticLockAdminMixin, OptimisticLockInlineMixin
from meetings.models import MAX_PARTICIPANTS, AgendaItem, Correction, Meeting, Occasion, Participation, Reschedule

# Each inline takes at most max_num rows (core/inlines.py, core.admin): far more than a meeting has,
# far fewer than a forged post asks for.


class ParticipationInline(OptimisticLockInlineMixin, PortalTabularInline):
    model = Participation
    extra = 0
    max_num = MAX_PARTICIPANTS
    fields = ["order", "person", "organisation", "position", "role", "level", "attendance"]
    autocomplete_fields = ["person", "organisation"]


class AgendaItemInline(OptimisticLockInlineMixin, PortalStackedInline):
    model = AgendaItem
    extra = 0
    max_num = 100  # a Board meeting's agenda has about ten items
    fields = [("position", "kind"), "title", ("presenters", "presenting_organisations"), "notes"]
    autocomplete_fields = ["presenters", "presenting_organisations"]
    show_change_link = True


class RescheduleInline(PortalTabularInline):
    model = Reschedule
    extra = 0
    max_num = 20  # postponements of one meeting
    fields = [
        "previous_start",
        "previous_end",
        "previous_precision",
        "new_date_pending",
        "reason",
        "created_at",
        "created_by",
    ]
    readonly_fields = ["created_at", "created_by"]


class CorrectionInline(PortalTabularInline):
    model = Correction
    extra = 0
    max_num = 100  # corrections of one record over its life
    fields = ["kind", "reason", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]


# Registered by the site layer (portal/admin.py), which adds the decisions inline: this app never names decisions.
class MeetingAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = [
        "title",
        "kind",
        "ordinal",
        "start",
        "date_precision",
        "city",
        "format",
        "status",
        "announced_at",
        "schedule_status",
        "published_at",
    ]
    list_filter = ["status", "schedule_status", "kind", "format", "pillar", "date_precision"]
    search_fields = ["title", "city", "country", "venue", "public_summary", "occasion__name"]
    date_hierarchy = "start"
    # The status changes only through the workflow's services (circulate, publish, unpublish), which keep
    # the version chain (core/chain.py): never by editing the field here.
    readonly_fields = [
        "slug",
        "status",
        "circulated_at",
        "published_at",
        "announced_at",
        "cancelled_at",
        "schedule_sequence",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["pillar", "occasion"]
    list_select_related = ["pillar"]
    inlines = [ParticipationInline, AgendaItemInline, RescheduleInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": [("kind", "pillar", "ordinal"), "title", "slug"]}),
        (
            _("When and where"),
            {
                "fields": [
                    ("start", "end"),
                    ("date_precision", "time_zone", "all_day"),
                    ("city", "country"),
                    "venue",
                    "format",
                ]
            },
        ),
        (_("The wider occasion"), {"fields": [("occasion_relation", "occasion")]}),
        (_("How many took part"), {"fields": [("participants_in_person", "participants_online")]}),
        (_("Record"), {"fields": ["public_summary", "minutes"]}),
        (
            _("Schedule"),
            {
                "description": _(
                    "Announce, postpone and cancel on the meeting's page: those steps keep the dates announced "
                    "before and tell the calendars."
                ),
                "fields": [
                    ("announced_at", "schedule_sequence"),
                    ("schedule_status", "new_date_pending"),
                    ("cancelled_at", "cancellation_reason"),
                ],
            },
        ),
        (
            _("Workflow"),
            {
                "fields": [
                    "status",
                    ("circulated_at", "published_at"),
                    "first_published_on",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # The record's dates follow its status, as the workflow would set them.
        if obj.status == Meeting.Status.PUBLISHED and not obj.published_at:
            obj.published_at = timezone.now()
        if obj.status in (Meeting.Status.CIRCULATED, Meeting.Status.PUBLISHED) and not obj.circulated_at:
            obj.circulated_at = timezone.now()
        # A change of the dates or the schedule is a new version of the calendar event.
        if change and {"start", "end", "time_zone", "all_day", "date_precision", "schedule_status"} & set(
            form.changed_data
        ):
            obj.schedule_sequence += 1
        if obj.schedule_status == Meeting.ScheduleStatus.CANCELLED and not obj.cancelled_at:
            obj.cancelled_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Occasion)
class OccasionAdmin(OptimisticLockAdminMixin, PortalAdmin):
    """An occasion several meetings share (a conference, a process): a correction reaches them all."""

    list_display = ["name", "place", "start_date", "end_date", "url"]
    search_fields = ["name", "place"]
    date_hierarchy = "start_date"
    fields = ["name", "place", "url", ("start_date", "end_date")]
    # Its "Currently:" link only for an http or https address (core.links).
    formfield_overrides = {models.URLField: {"widget": WebAddressAdminWidget}}


@admin.register(Participation)
class ParticipationAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["__str__", "meeting", "organisation", "position", "role", "level", "attendance"]
    list_filter = ["role", "level", "attendance"]
    search_fields = ["person__name", "organisation__name", "meeting__title", "position"]
    autocomplete_fields = ["meeting", "person", "organisation"]
    list_select_related = ["meeting", "person", "organisation"]


@admin.register(AgendaItem)
class AgendaItemAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["__str__", "meeting", "kind"]
    list_filter = ["kind"]
    search_fields = ["title", "notes", "meeting__title"]
    autocomplete_fields = ["meeting", "presenters", "presenting_organisations"]
    list_select_related = ["meeting"]


@admin.register(Reschedule)
class RescheduleAdmin(PortalAdmin):
    list_display = ["meeting", "previous_start", "previous_end", "previous_precision", "created_at", "created_by"]
    search_fields = ["meeting__title", "reason"]
    autocomplete_fields = ["meeting"]
    list_select_related = ["meeting", "created_by"]


@admin.register(Correction)
class CorrectionAdmin(PortalAdmin):
    list_display = ["meeting", "kind", "created_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["meeting__title", "reason"]
    autocomplete_fields = ["meeting"]
    list_select_related = ["meeting", "created_by"]
