"""The links to a meeting's outcome pages, one per kind of effect (decisions.effect_forms)."""

from django import template
from django.urls import reverse

from decisions.effect_forms import EFFECT_FORMS

register = template.Library()


@register.simple_tag
def outcome_links(meeting) -> list[tuple[str, str]]:
    """(address, label) of each outcome page of `meeting`, in the order the effects are defined."""
    return [
        (reverse(f"decisions-edit:{form.url_name}", args=[meeting.slug]), form.link_label or form.title)
        for form in EFFECT_FORMS.values()
    ]
