"""The Kosovo* designation footnote: printed once wherever the designated name is ({% load footnotes %})."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE

register = template.Library()

FOOTNOTE_PLACEHOLDER = "<!-- designation-footnote -->"


@register.tag
def footnoted(parser, token):
    """
    {% footnoted %}…{% footnotes_here %}…{% endfootnoted %}: wherever "Kosovo*" is printed inside,
    the designation footnote appears once, where {% footnotes_here %} stands; otherwise not at all.

    The rendered text decides, not the data: a name, a decision's wording or a summary may print it.
    """
    nodelist = parser.parse(("endfootnoted",))
    parser.delete_first_token()
    return FootnotedNode(nodelist)


class FootnotedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        footnote = ""
        if DESIGNATED_NAME in html.replace(FOOTNOTE_PLACEHOLDER, ""):
            footnote = format_html('<p class="footnote" id="designation-footnote">{}</p>', KOSOVO_FOOTNOTE)
        before, found, after = html.partition(FOOTNOTE_PLACEHOLDER)
        if not found:
            return mark_safe(html + footnote)
        return mark_safe(before + footnote + after.replace(FOOTNOTE_PLACEHOLDER, ""))


@register.simple_tag
def footnotes_here():
    return mark_safe(FOOTNOTE_PLACEHOLDER)
