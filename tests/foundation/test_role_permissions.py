"""
The role groups' permissions come from one table (portal/permissions.py), synced after every migrate:
the groups hold exactly the table, a permission granted by hand that the table does not list is
taken back by the next sync, and syncing again changes nothing.
"""

import copy

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP, sync_group_permissions
from portal.permissions import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def held(name: str) -> dict[str, set[str]]:
    by_app: dict[str, set[str]] = {}
    for permission in Group.objects.get(name=name).permissions.select_related("content_type"):
        by_app.setdefault(permission.content_type.app_label, set()).add(permission.codename)
    return by_app


def table(name: str, source=ROLE_PERMISSIONS) -> dict[str, set[str]]:
    return {app: set(codenames) for app, codenames in source[name].items()}


def test_the_table_names_the_roles_groups():
    assert set(ROLE_PERMISSIONS) == {SECRETARIAT_GROUP, BOARD_MEMBERS_GROUP}


def test_after_migrate_the_groups_hold_exactly_the_table():
    for name in ROLE_PERMISSIONS:
        assert held(name) == table(name), name


def test_a_permission_granted_by_hand_is_taken_back_by_the_next_migrate():
    board = Group.objects.get(name=BOARD_MEMBERS_GROUP)
    by_hand = Permission.objects.get(content_type__app_label="meetings", codename="change_meeting")
    board.permissions.add(by_hand)
    assert "change_meeting" in held(BOARD_MEMBERS_GROUP)["meetings"]
    call_command("migrate", verbosity=0)
    assert held(BOARD_MEMBERS_GROUP) == table(BOARD_MEMBERS_GROUP)


def test_a_permission_taken_out_of_the_table_is_taken_from_the_group():
    smaller = copy.deepcopy(ROLE_PERMISSIONS)
    smaller[SECRETARIAT_GROUP]["meetings"].remove("publish_meeting")
    sync_group_permissions(smaller)
    assert "publish_meeting" not in held(SECRETARIAT_GROUP)["meetings"]
    assert held(SECRETARIAT_GROUP) == table(SECRETARIAT_GROUP, smaller)
    sync_group_permissions(ROLE_PERMISSIONS)
    assert held(SECRETARIAT_GROUP) == table(SECRETARIAT_GROUP)


def test_a_group_missing_is_made_again():
    Group.objects.filter(name=SECRETARIAT_GROUP).delete()
    sync_group_permissions(ROLE_PERMISSIONS)
    assert held(SECRETARIAT_GROUP) == table(SECRETARIAT_GROUP)


def test_syncing_again_changes_nothing(django_assert_num_queries):
    sync_group_permissions(ROLE_PERMISSIONS)
    before = {name: held(name) for name in ROLE_PERMISSIONS}
    groups = Group.objects.count()
    # Reads the permissions, then per group: the group, and what it holds (set() writes nothing).
    with django_assert_num_queries(1 + 2 * len(ROLE_PERMISSIONS)):
        sync_group_permissions(ROLE_PERMISSIONS)
    assert {name: held(name) for name in ROLE_PERMISSIONS} == before
    assert Group.objects.count() == groups


def test_a_codename_that_names_no_permission_is_an_error():
    wrong = copy.deepcopy(ROLE_PERMISSIONS)
    wrong[BOARD_MEMBERS_GROUP]["meetings"].append("view_meetnig")
    with pytest.raises(LookupError, match=r"meetings\.view_meetnig"):
        sync_group_permissions(wrong)


def test_the_admins_group_page_says_the_role_groups_permissions_come_from_the_table(admin_client):
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    page = admin_client.get(f"/admin/auth/group/{group.pk}/change/")
    assert page.status_code == 200
    help_text = str(page.context["adminform"].form.fields["permissions"].help_text)
    assert "set from the portal's permissions table at every update" in help_text
    assert "permissions table at every update of the portal (migrate)" in page.content.decode()
