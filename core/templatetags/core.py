"""Template tags of the whole portal ({% load core %}): readable dates, Markdown, pagination links, stored links."""

import datetime as dt

from django import forms, template
from django.contrib import messages
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.dates import weekday_format
from core.links import web_url
from core.markdown import render_markdown

register = template.Library()


@register.filter
def long_date(value) -> str:
    """
    A date people read: "Monday, 20 June 2022". An instant as stored (UTC) is shown in the portal's
    time zone; a datetime already in a meeting's own time zone is shown as it is.
    """
    if not value:
        return ""
    if getattr(value, "tzinfo", None) is dt.UTC:
        value = timezone.localtime(value)
    return formats.date_format(value, weekday_format())


@register.filter
def machine_datetime(value) -> str:
    """
    An instant for a `<time datetime>` attribute: ISO 8601 to the second, with its offset, in the
    portal's time zone ("2022-06-20T10:00:00+02:00"). Django's "c" format writes microseconds, and
    HTML allows at most three digits of a second's fraction.
    """
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.filter(name="markdown")
def markdown_filter(text):
    """Markdown rendered and sanitised (core.markdown)."""
    return render_markdown(text or "")


@register.filter(name="web_url")
def web_url_filter(value) -> str:
    """A stored address to print as a link: itself if http or https, else "" (core.links.web_url)."""
    return web_url(value)


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page") -> str:
    """The current URL's query string with page `param` set to `number`, other filters kept."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()


def _bound_errors(form) -> bool:
    return form is not None and getattr(form, "is_bound", False) and bool(form.errors)


def _formset_errors(formset) -> bool:
    return formset is not None and getattr(formset, "is_bound", False) and bool(formset.total_error_count())


@register.simple_tag(takes_context=True)
def outcome_prefix(context) -> str:
    """
    What just happened, first in the page title, so that it is the first thing a screen reader says:
    "Error — …" for a refused form or an error message, "Saved — …" after a success message.
    """
    levels = {message.level for message in context.get("messages") or ()}
    if messages.ERROR in levels or _bound_errors(context.get("form")) or _formset_errors(context.get("formset")):
        return _("Error") + " — "
    if messages.WARNING in levels:
        return _("Warning") + " — "
    if messages.SUCCESS in levels:
        return _("Saved") + " — "
    return ""


@register.simple_tag
def error_list(form=None, formset=None, more_forms=None) -> list[dict]:
    """
    Every error of a bound form (and formset), in page order, each with the id of its field so that
    the error summary can link to it: [{"field_id", "label", "message"}].
    """
    errors: list[dict] = []
    if _bound_errors(form):
        errors += _form_errors(form)
    if _formset_errors(formset):
        errors += [{"field_id": "", "label": "", "message": message} for message in formset.non_form_errors()]
        item_label = getattr(formset, "item_label", "") or _("Row")
        for number, subform in enumerate(formset.forms, start=1):
            errors += _form_errors(subform, prefix=f"{item_label} {number}")
    # Forms posted with the form and drawn below it (a written procedure's effect: its fields are its own).
    for other in more_forms or ():
        if _bound_errors(other):
            errors += _form_errors(other)
    return errors


def _first_option_id(field) -> str:
    """A list of radio buttons or checkboxes is reached by its first option (it has no element of the field's id)."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect) and field.auto_id:
        return widget.id_for_label(field.auto_id, 0)
    return ""


def _form_errors(form, prefix: str = "") -> list[dict]:
    errors = [{"field_id": "", "label": prefix, "message": message} for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            label = f"{prefix} — {field.label}" if prefix else field.label
            # A hidden field has nothing to go to; a multi-part widget is reached by its first part.
            field_id = "" if field.is_hidden else field.id_for_label or _first_option_id(field) or field.auto_id
            errors.append({"field_id": field_id, "label": label, "message": message})
    return errors
