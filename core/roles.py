"""
Who a user is to the portal. Every access rule asks these functions, never the groups directly.

Roles, from least to most: the public (anonymous or no role), Board members, the Secretariat
(which includes admins: staff and superusers see and manage everything).
"""

from django.contrib.auth.models import AnonymousUser, User

SECRETARIAT_GROUP = "Secretariat"
BOARD_MEMBERS_GROUP = "Board members"


def _group_names(user) -> set[str]:
    # Cache on the user object: a page asks several times per request.
    cached = getattr(user, "_iisg_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._iisg_group_names = cached
    return cached


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff))


def is_secretariat(user: User | AnonymousUser) -> bool:
    """Secretariat users and admins: they see every record in every state."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_admin(user) or SECRETARIAT_GROUP in _group_names(user)


def is_board_member(user: User | AnonymousUser) -> bool:
    """Board members read full minutes and circulated drafts (the Secretariat can too)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_secretariat(user) or BOARD_MEMBERS_GROUP in _group_names(user)


def sync_group_permissions(table: dict[str, dict[str, list[str]]], *, using: str = "default", apps=None) -> None:
    """
    Each group of `table` (group name → app label → permission codenames) exists and holds exactly
    the table's permissions: those missing are added, any other is removed. Idempotent. A codename
    that names no permission is an error (a typo, or a model gone): the table must say what exists.
    `apps`: the app registry of a migration's state (post_migrate gives it), else the project's.
    """
    if apps is None:
        from django.apps import apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in permission_model.objects.using(using).select_related("content_type")
    }
    for name, by_app in table.items():
        wanted = [(app_label, codename) for app_label, codenames in by_app.items() for codename in codenames]
        missing = [
            f"{app_label}.{codename}" for app_label, codename in wanted if (app_label, codename) not in permissions
        ]
        if missing:
            raise LookupError(f"The permissions of group {name!r} name no permission: {', '.join(missing)}")
        group, _created = group_model.objects.using(using).get_or_create(name=name)
        group.permissions.set([permissions[key] for key in wanted])
