"""
Once created the groups "Secretariat" and "Board members" with their permissions.

The role groups' permissions are declared in portal/permissions.py and synced after every migrate
(portal.apps): this migration, which once granted them, does nothing now (kept for the databases' history).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0001_initial"),
        ("meetings", "0001_initial"),
        ("decisions", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
