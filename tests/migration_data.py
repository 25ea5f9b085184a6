"""
What the data migrations put in the database (posts, document kinds), and the role groups (synced from
portal/permissions.py after every migrate and flush), put back after a transactional test's flush
removed them (the browser tests, the migration tests).
"""

import importlib

from django.apps import apps as django_apps

from core.roles import sync_group_permissions
from portal.permissions import ROLE_PERMISSIONS


def restore_migration_data() -> None:
    for module, function in [
        ("members.migrations.0002_roles_held", "seed_posts"),
        ("decisions.migrations.0005_document_kinds", "seed_kinds"),
    ]:
        getattr(importlib.import_module(module), function)(django_apps, None)
    sync_group_permissions(ROLE_PERMISSIONS)
