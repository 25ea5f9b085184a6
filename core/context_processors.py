from core.roles import is_admin, is_board_member, is_secretariat


def roles(request):
    """Expose the user's role to templates, for navigation and edit buttons only (never for access)."""
    user = request.user
    return {
        "user_is_board_member": is_board_member(user),
        "user_is_secretariat": is_secretariat(user),
        "user_is_admin": is_admin(user),
    }
