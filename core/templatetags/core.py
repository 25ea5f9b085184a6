"""Template tags of the whole portal ({% load core %}): readable dates, Markdown, pagination links."""

import datetime as dt

from django import template
from django.utils import formats, timezone

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
    return formats.date_format(value, "l, j F Y")


@register.filter(name="markdown")
def markdown_filter(text):
    """Markdown rendered and sanitised (core.markdown)."""
    return render_markdown(text or "")


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page") -> str:
    """The current URL's query string with page `param` set to `number`, other filters kept."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
