"""The folded filter form (templates/core/_filter_form.html): how many of its filters are set."""

from django import template

register = template.Library()


@register.filter
def active_filters(form) -> int:
    """How many fields of a bound filter form have a value in the URL ("Filter (2)"); 0 for an unbound form."""
    if form is None or not getattr(form, "is_bound", False):
        return 0
    return sum(1 for field in form if field.value() not in (None, "", []))
