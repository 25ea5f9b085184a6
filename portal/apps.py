from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The site layer: the pages and admin screens that compose the domain apps. No models of its own."""

    name = "portal"
    verbose_name = _("Portal")
