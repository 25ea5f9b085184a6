"""
The role groups get the permissions of the new records: the Secretariat records and changes roles
held, and reads posts and document kinds (which the admin manages); Board members read all three.
The permissions on appointments, which are gone (members 0004), are taken back.
"""

from django.db import migrations

SECRETARIAT = "Secretariat"
BOARD_MEMBERS = "Board members"

SECRETARIAT_PERMISSIONS = [
    ("members", "view_roleheld"),
    ("members", "add_roleheld"),
    ("members", "change_roleheld"),
    ("members", "view_post"),
    ("decisions", "view_documentkind"),
]
BOARD_PERMISSIONS = [
    ("members", "view_roleheld"),
    ("members", "view_post"),
    ("decisions", "view_documentkind"),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, wanted in [(SECRETARIAT, SECRETARIAT_PERMISSIONS), (BOARD_MEMBERS, BOARD_PERMISSIONS)]:
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, codename in wanted:
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="members", content_type__model="appointment")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("decisions", "0005_document_kinds"),
        ("members", "0004_remove_appointment"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
