"""{% load pack %}: whether a user may get a meeting's pack (the one rule: portal.pack.may_get_pack)."""

from django import template

from portal.pack import may_get_pack

register = template.Library()


@register.filter
def pack_available(meeting, user) -> bool:
    """{% if meeting|pack_available:user %}: the pack's link is shown to who may download it, to nobody else."""
    if meeting is None or user is None:
        return False
    return may_get_pack(user, meeting)
