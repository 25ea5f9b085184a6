"""{% load pack %}: whether a user may get a meeting's pack (the one rule: portal.pack.may_get_pack)."""

from django import template

from portal.pack import may_get_pack

register = template.Library()


@register.simple_tag(takes_context=True)
def pack_available(context, meeting) -> bool:
    """
    {% pack_available meeting as available %}: may the reader of the page (`user` in the context, else
    `request.user`) download the pack of `meeting`? No query: the rule read on the row.
    """
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = context["request"].user
    if meeting is None or user is None:
        return False
    return may_get_pack(user, meeting)
