"""
Once gave the Secretariat the right to edit occasions and Board members to view them.

The role groups' permissions are declared in portal/permissions.py and synced after every migrate
(portal.apps): this migration, which once granted them, does nothing now (kept for the databases' history).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0004_schedule_from_reschedules"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
