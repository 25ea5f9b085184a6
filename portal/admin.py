"""Admin screens that combine apps: the meeting, with its decisions inline."""

from django.contrib import admin

from decisions.admin import DecisionInline
from meetings.admin import MeetingAdmin
from meetings.models import Meeting


@admin.register(Meeting)
class MeetingWithDecisionsAdmin(MeetingAdmin):
    """The meeting admin of `meetings`, with the decisions of `decisions` inline."""

    inlines = [*MeetingAdmin.inlines, DecisionInline]
