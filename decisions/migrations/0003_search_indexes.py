"""
GIN indexes on the search vectors of decisions and documents, on PostgreSQL only.

Expression indexes, so that `to_tsvector(...) @@ query` in core.search is answered from the index.
They are not in the models' Meta (SQLite has no GIN indexes): this migration creates them only
when the database is PostgreSQL, and does nothing elsewhere. The expressions must stay those of
the field groups in the models (tests/reading/test_search.py checks that PostgreSQL uses them).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = [
    ("decision", "decision_search_idx", ("reference", "subject", "wording")),
    ("document", "document_search_idx", ("title", "description")),
]


def _indexes(apps):
    for model_name, name, fields in INDEXES:
        yield apps.get_model("decisions", model_name), GinIndex(SearchVector(*fields, config="english"), name=name)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
