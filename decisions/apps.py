from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self):
        from decisions import readiness, visibility_rules

        visibility_rules.register()
        readiness.register()
