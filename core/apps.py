from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The toolkit below the domain apps: no domain models (only its bookkeeping), imports none of them."""

    name = "core"
    verbose_name = _("Portal toolkit")

    def ready(self):
        from core import pagecache

        # Every write to any model changes the public page cache's generation (core/pagecache.py).
        pagecache.connect_signals()
        from core import lookups  # noqa: F401 (registers the integer `in` lookup that never overflows)
        from core.autocomplete import make_autocomplete_safe
        from core.history import make_history_admin_safe
        from core.inlines import limit_inline_rows
        from core.text import attach_text_validators

        # Once every model is loaded: the text fields of all the portal's apps, those added later included.
        attach_text_validators()
        make_autocomplete_safe()
        limit_inline_rows()
        make_history_admin_safe()
