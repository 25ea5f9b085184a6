"""
Document kinds are data (DocumentKind), managed in the admin: seeded with the kinds of IISG outputs,
and every document's kind (a text value until now) becomes a row, in its history too. A value no
seeded kind has becomes a kind of its own.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# slug: (name, order); the slugs the old text values become ("needs_mapping" → "needs-mapping").
KINDS = {
    "needs-mapping": ("Needs mapping", 10),
    "response-mapping": ("Response mapping", 20),
    "methodology": ("Methodology", 30),
    "work-plan": ("Work plan", 40),
    "report": ("Report", 50),
    "terms-of-reference": ("Terms of reference", 60),
    "rules-of-procedure": ("Rules of procedure", 70),
    "strategy": ("Strategy", 80),
    "other": ("Other", 100),
}


def seed_kinds(apps, schema_editor):
    DocumentKind = apps.get_model("decisions", "DocumentKind")
    for slug, (name, order) in KINDS.items():
        DocumentKind.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


def kind_for(DocumentKind, value: str, cache: dict):
    slug = (value or "other").strip().lower().replace("_", "-") or "other"
    if slug not in cache:
        name = slug.replace("-", " ").capitalize()
        cache[slug], _created = DocumentKind.objects.get_or_create(slug=slug[:100], defaults={"name": name[:100], "order": 90})
    return cache[slug]


def kinds_to_rows(apps, schema_editor):
    DocumentKind = apps.get_model("decisions", "DocumentKind")
    cache: dict = {}
    for model_name in ("Document", "HistoricalDocument"):
        model = apps.get_model("decisions", model_name)
        for value in model.objects.order_by().values_list("kind", flat=True).distinct():
            model.objects.filter(kind=value).update(kind_row=kind_for(DocumentKind, value, cache))


def rows_to_kinds(apps, schema_editor):
    for model_name in ("Document", "HistoricalDocument"):
        model = apps.get_model("decisions", model_name)
        for row in model.objects.exclude(kind_row=None).select_related("kind_row"):
            model.objects.filter(pk=row.pk).update(kind=row.kind_row.slug.replace("-", "_")[:20])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0004_decision_facts_and_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentKind',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('slug', models.SlugField(help_text="In the documents filter's address.", max_length=100, unique=True, verbose_name='slug')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first in lists.', verbose_name='order')),
            ],
            options={
                'verbose_name': 'document kind',
                'verbose_name_plural': 'document kinds',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalDocumentKind',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=100, verbose_name='name')),
                ('slug', models.SlugField(help_text="In the documents filter's address.", max_length=100, verbose_name='slug')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first in lists.', verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical document kind',
                'verbose_name_plural': 'historical document kinds',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='historicaldocumentkind',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(seed_kinds, migrations.RunPython.noop),
        migrations.AddField(
            model_name="document",
            name="kind_row",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="decisions.documentkind"
            ),
        ),
        migrations.AddField(
            model_name="historicaldocument",
            name="kind_row",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="decisions.documentkind",
            ),
        ),
        migrations.RunPython(kinds_to_rows, rows_to_kinds),
        migrations.RemoveField(model_name="document", name="kind"),
        migrations.RemoveField(model_name="historicaldocument", name="kind"),
        migrations.RenameField(model_name="document", old_name="kind_row", new_name="kind"),
        migrations.RenameField(model_name="historicaldocument", old_name="kind_row", new_name="kind"),
        migrations.AlterField(
            model_name="document",
            name="kind",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="decisions.documentkind",
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="kind",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="decisions.documentkind",
                verbose_name="kind",
            ),
        ),
    ]
