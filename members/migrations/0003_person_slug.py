"""
People get a web address (/people/<slug>/): a unique slug made from each existing person's name
("agron-sojati", then "agron-sojati-2" for a namesake), before the column becomes unique.
"""

from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    taken = set(Person.objects.exclude(slug="").values_list("slug", flat=True))
    for person in Person.objects.filter(slug="").order_by("pk"):
        base = slug = slugify(person.name)[:200] or "person"
        n = 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
        person.slug = slug
        person.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_roles_held"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="slug",
            field=models.SlugField(blank=True, default="", max_length=220, db_index=False, verbose_name="slug"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The person's web address; made from the name.",
                max_length=220,
                verbose_name="slug",
            ),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The person's web address; made from the name.",
                max_length=220,
                unique=True,
                verbose_name="slug",
            ),
        ),
    ]
