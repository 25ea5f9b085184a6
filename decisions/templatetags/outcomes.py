"""
The outcomes of decisions, as pages print them: the links to a meeting's outcome pages, one per kind of
effect (decisions.effect_forms); what a written procedure's decision changes (its effect in full, with
its records and dates: decisions.effects); and where a procedure stands (one badge, one sentence:
decisions.procedures.panel).
"""

from django import template
from django.urls import reverse

from decisions import effects
from decisions.effect_forms import EFFECT_FORMS
from decisions.procedures.panel import status_of

register = template.Library()


@register.simple_tag
def outcome_links(meeting) -> list[tuple[str, str]]:
    """(address, label) of each outcome page of `meeting`, in the order the effects are defined."""
    return [
        (reverse(f"decisions-edit:{form.url_name}", args=[meeting.slug]), form.link_label or form.title)
        for form in EFFECT_FORMS.values()
    ]


@register.simple_tag
def procedure_effect(procedure, in_full=True) -> str:
    """
    What `procedure`'s decision changes when adopted: in full (the records, the category, the dates and,
    for documents, the verb) or, `in_full` False (the public: it names no record), only its kind.
    """
    if not in_full:
        return effects.label(procedure.effect)
    return effects.describe(procedure.effect, verb=str(procedure.get_verb_display()).lower())


@register.simple_tag
def procedure_status(procedure):
    """The badge and the sentence of where `procedure` stands (decisions.procedures.panel.Status)."""
    return status_of(procedure)
