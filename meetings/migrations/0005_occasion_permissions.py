"""
The Secretariat edits occasions and Board members may view them (the groups of
decisions/migrations/0002_roles.py, which lists occasions too for a database made from scratch).
"""

from django.db import migrations

SECRETARIAT = "Secretariat"
BOARD_MEMBERS = "Board members"


def grant_occasion_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure those of occasions exist now.
    app_config = apps.get_app_config("meetings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    occasion = Permission.objects.filter(content_type__app_label="meetings", content_type__model="occasion")
    for name, actions in ((SECRETARIAT, ["view", "add", "change"]), (BOARD_MEMBERS, ["view"])):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*occasion.filter(codename__in=[f"{action}_occasion" for action in actions]))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0004_schedule_from_reschedules"),
    ]

    operations = [migrations.RunPython(grant_occasion_permissions, migrations.RunPython.noop)]
