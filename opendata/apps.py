from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The Atom feeds of the layers below point at the matching API list, which they may not name
        # (core.alternates: a registry this site layer fills).
        from core import alternates

        alternates.add("decisions", alternates.Alternate("opendata:api-decision-list", "application/json"))
        alternates.add("meetings", alternates.Alternate("opendata:api-event-list", "application/json"))
