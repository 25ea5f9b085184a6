"""
What the data migrations put in the database (groups, posts, document kinds), put back after a
transactional test's flush removed it (the browser tests, the migration tests).
"""

import importlib

from django.apps import apps as django_apps


def restore_migration_data() -> None:
    for module, function in [
        ("decisions.migrations.0002_roles", "create_groups"),
        ("members.migrations.0002_roles_held", "seed_posts"),
        ("decisions.migrations.0005_document_kinds", "seed_kinds"),
        ("decisions.migrations.0006_roles_for_new_records", "grant"),
        ("decisions.migrations.0009_written_procedures", "grant"),
    ]:
        getattr(importlib.import_module(module), function)(django_apps, None)
