from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from core import notifications
        from meetings import visibility_rules

        visibility_rules.register()
        # The optional e-mails of meetings/services.py (core/notifications.py: each user chooses).
        notifications.register(
            notifications.Kind(
                key="meetings.circulated",
                label=_("Records circulated"),
                help=_("A meeting's draft record is circulated to the Board members."),
            )
        )
        notifications.register(
            notifications.Kind(
                key="meetings.published",
                label=_("Records published"),
                help=_("A meeting's record is published."),
            )
        )
