from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_role_permissions(sender, using="default", apps=None, **kwargs):
    """After every migrate (and flush): the role groups hold exactly the table's permissions (portal/permissions.py)."""
    from core.roles import sync_group_permissions
    from portal.permissions import ROLE_PERMISSIONS

    sync_group_permissions(ROLE_PERMISSIONS, using=using, apps=apps)


class PortalConfig(AppConfig):
    """The site layer: the pages and admin screens that compose the domain apps. No models of its own."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Sent for this app after the apps before it in INSTALLED_APPS: their permissions exist by then.
        post_migrate.connect(sync_role_permissions, sender=self, dispatch_uid="portal.sync_role_permissions")

        from core.files import register_derived_folder
        from meetings import readiness
        from portal.pack import STORAGE_DIR
        from portal.previews import public_record_preview

        # The meeting packs are rebuilt from the record (portal/pack.py): no orphans for check_files.
        register_derived_folder(STORAGE_DIR)

        if public_record_preview not in readiness.PREVIEWS:
            readiness.PREVIEWS.append(public_record_preview)

        # The decision register points to the members page, which it may not name (a lower layer).
        from decisions import related

        related.add(related.RelatedRegister(_("Who is a member now?"), _("Members"), "portal:member-list"))
        related.add(related.RelatedRegister(_("Who holds which post?"), _("Roles held"), "portal:member-list", "roles"))

        # A meeting's record is chained (core.chain): each publication and correction a version.
        from portal import versions

        versions.register()
