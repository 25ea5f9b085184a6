"""
Stored search vectors (core.search.vector_field): generated columns that PostgreSQL computes on
every insert and update, so adding them fills the existing rows (no data migration to run by hand,
and no save path or bulk insert can leave one stale). On SQLite they are NULL (search there is a
containment match).

On PostgreSQL only: the GIN expression indexes of decisions and documents (0003_search_indexes) are replaced by GIN indexes on the
stored columns (not in the models' Meta: SQLite has no GIN indexes), and ANALYZE gives the planner
the words' frequencies, so that a rare word goes through the index and a common one does not.
"""

import core.search
import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models


# (model, old expression index, its fields, new index on the stored column, the column)
INDEXES = [
    ("decision", "decision_search_idx", ("reference", "subject", "wording"), "decision_vector_idx", "search_vector"),
    ("document", "document_search_idx", ("title", "description"), "document_vector_idx", "search_vector"),
]


def _old_index(model, name, fields):
    return GinIndex(SearchVector(*fields, config="english"), name=name)


def to_stored(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, old, fields, new, column in INDEXES:
        model = apps.get_model("decisions", model_name)
        schema_editor.remove_index(model, _old_index(model, old, fields))
        schema_editor.add_index(model, GinIndex(fields=[column], name=new))
    for model_name in sorted({row[0] for row in INDEXES}):
        table = apps.get_model("decisions", model_name)._meta.db_table
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


def to_expressions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, old, fields, new, column in INDEXES:
        model = apps.get_model("decisions", model_name)
        schema_editor.remove_index(model, GinIndex(fields=[column], name=new))
        schema_editor.add_index(model, _old_index(model, old, fields))


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0007_optimistic_locking'),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=core.search.StoredSearchVector('reference', 'subject', 'wording', config='english'), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
        ),
        migrations.AddField(
            model_name='document',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=core.search.StoredSearchVector('title', 'description', config='english'), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
        ),
        migrations.RunPython(to_stored, to_expressions, elidable=False),
    ]
