from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The toolkit below the domain apps: no domain models (only its bookkeeping), imports none of them."""

    name = "core"
    verbose_name = _("Portal toolkit")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.db.backends.signals import connection_created

        from core import collation, languages, pagecache, sessions, signing
        from core.choices import install_choice_labels
        from core.text import attach_text_validators

        # Every write to any model changes the public page cache's generation (core/pagecache.py).
        pagecache.connect_signals()
        # Once every model is loaded: the text fields of all the portal's apps, those added later included.
        attach_text_validators()
        # The portal's models read a choice's label from a table made once per field (core/choices.py).
        install_choice_labels()
        # manage.py check --deploy: PDFs served unsigned, a signing certificate expired or not the key's.
        checks.register(signing.check_signing_configuration, checks.Tags.security, deploy=True)
        # Signing in writes the session anyway: stamped then, the first page after it writes nothing more.
        user_logged_in.connect(sessions.stamp_at_sign_in, dispatch_uid="core.sessions.stamp_at_sign_in")
        # SQLite has no collation of the region's languages: the portal's own, on every connection (core/collation.py).
        connection_created.connect(collation.register_sqlite_collations, dispatch_uid="core.collation.sqlite")
        # Signing in on any browser brings the language the user chose (core/languages.py).
        user_logged_in.connect(languages.remember_at_sign_in, dispatch_uid="core.languages.remember_at_sign_in")
        # No class of Django or of a package is changed here: what the admin adds to them is in the
        # portal's own admin classes (core.admin), the "= ANY(array)" an explicit expression (core.lookups).


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, its site the portal's (core.admin_site: the sign-in is the portal's)."""

    default = False  # core's own config is CoreConfig; settings name this one
    default_site = "core.admin_site.PortalAdminSite"
