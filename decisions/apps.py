from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self):
        from core import notifications
        from decisions import readiness, visibility_rules

        visibility_rules.register()
        readiness.register()
        # The optional e-mails of decisions/procedures/services.py (core/notifications.py: each user chooses).
        notifications.register(
            notifications.Kind(
                key="procedures.launched",
                label=_("Written procedures launched"),
                help=_("A written procedure asks for your organisation's answer."),
            )
        )
        notifications.register(
            notifications.Kind(
                key="procedures.reminder",
                label=_("Reminders of written procedures"),
                help=_("Your organisation has not answered a written procedure whose deadline is near."),
                # Of use only before the deadline: never held for a weekly digest.
                digest=False,
            )
        )
        notifications.register(
            notifications.Kind(
                key="procedures.closed",
                label=_("Written procedures closed"),
                help=_("A written procedure your organisation was consulted on closed, with its outcome."),
            )
        )
