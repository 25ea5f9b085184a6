"""The groups and their permissions come from one table (portal/permissions.py, synced after migrate), not hand work."""

import pytest
from django.contrib.auth.models import Group

from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP, is_admin, is_board_member, is_secretariat

pytestmark = pytest.mark.django_db


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_secretariat_may_record_and_publish_meetings():
    perms = codenames(SECRETARIAT_GROUP)
    assert {
        "meetings.add_meeting",
        "meetings.change_meeting",
        "meetings.publish_meeting",
        "meetings.delete_agendaitem",
        "meetings.delete_participation",
        "decisions.add_decision",
        "decisions.change_decision",
        "decisions.add_documentfile",
        "members.add_membership",
        "members.change_membership",
        "members.add_roleheld",
        "members.change_roleheld",
    } <= perms
    # Posts and document kinds are managed in the admin; appointments are gone (roles held).
    assert "members.add_post" not in perms
    assert "decisions.add_documentkind" not in perms
    assert not any("appointment" in codename for codename in perms)


def test_records_are_corrected_never_deleted_by_the_secretariat():
    perms = codenames(SECRETARIAT_GROUP)
    for codename in ["meetings.delete_meeting", "decisions.delete_decision", "members.delete_membership"]:
        assert codename not in perms


def test_board_members_only_read():
    perms = codenames(BOARD_MEMBERS_GROUP)
    assert "meetings.view_meeting" in perms
    assert "decisions.view_actionitem" in perms
    assert all(p.split(".")[1].startswith("view_") for p in perms)


def test_users_get_their_permissions_through_the_groups(board_member, secretariat):
    assert secretariat.has_perm("meetings.publish_meeting")
    assert not board_member.has_perm("meetings.publish_meeting")
    assert board_member.has_perm("meetings.view_meeting")
    assert not board_member.has_perm("meetings.change_meeting")


def test_role_helpers(anonymous, outsider, board_member, secretariat, admin_user):
    assert [is_board_member(u) for u in (anonymous, outsider, board_member, secretariat, admin_user)] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert [is_secretariat(u) for u in (anonymous, outsider, board_member, secretariat, admin_user)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert [is_admin(u) for u in (anonymous, board_member, secretariat, admin_user)] == [False, False, False, True]


def test_inactive_user_has_no_role(secretariat):
    secretariat.is_active = False
    assert not is_secretariat(secretariat)
