"""
Create the groups "Secretariat" and "Board members" with their permissions.

It lives in the top app because it grants permissions on the models of all three apps.
Running it again (or after new permissions appear) brings the groups back to this definition.
"""

from django.db import migrations

SECRETARIAT = "Secretariat"
BOARD_MEMBERS = "Board members"

DOMAIN_MODELS = {
    "members": ["organisation", "person", "pillar", "membership", "appointment"],
    "meetings": ["meeting", "participation", "agendaitem", "reschedule", "correction", "occasion"],
    "decisions": ["document", "documentfile", "decision", "actionitem", "progressnote"],
}
# What the Secretariat may delete: parts of a record that are edited as lists. Meetings, decisions,
# memberships and appointments are corrected or ended, never deleted.
SECRETARIAT_DELETABLE = {"participation", "agendaitem", "progressnote"}
BOARD_VIEWABLE = {
    "organisation",
    "person",
    "pillar",
    "membership",
    "appointment",
    "meeting",
    "participation",
    "agendaitem",
    "reschedule",
    "correction",
    "occasion",
    "document",
    "documentfile",
    "decision",
    "actionitem",
    "progressnote",
}


def permissions_for(apps, models, actions):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in models for action in actions]
    return list(Permission.objects.filter(codename__in=codenames))


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    all_models = [model for models in DOMAIN_MODELS.values() for model in models]

    secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT)
    secretariat_perms = permissions_for(apps, all_models, ["view", "add", "change"])
    secretariat_perms += permissions_for(apps, SECRETARIAT_DELETABLE, ["delete"])
    secretariat_perms += list(Permission.objects.filter(codename="publish_meeting", content_type__app_label="meetings"))
    secretariat.permissions.set(secretariat_perms)

    board, _ = Group.objects.get_or_create(name=BOARD_MEMBERS)
    board.permissions.set(permissions_for(apps, BOARD_VIEWABLE, ["view"]))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[SECRETARIAT, BOARD_MEMBERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0001_initial"),
        ("meetings", "0001_initial"),
        ("decisions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
