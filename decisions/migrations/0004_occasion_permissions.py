"""The groups' permissions again (0002_roles), now that meetings has occasions: the Secretariat edits them."""

import importlib

from django.db import migrations

roles = importlib.import_module("decisions.migrations.0002_roles")


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0003_search_indexes"),
        ("meetings", "0004_schedule_from_reschedules"),
    ]

    operations = [migrations.RunPython(roles.create_groups, migrations.RunPython.noop)]
