"""
Minutes, notes and summaries: Markdown rendered to HTML, then sanitised with nh3.

A text's HTML depends on the text alone, so the last few hundred texts' HTML is kept in the process
(an LRU of the pure function, never stale: an edited text is another key), and each thread keeps one
Markdown converter, reset between texts as the library asks, instead of building one per text: a new
converter with "extra" cost about 15 ms, so a list of 25 summaries or a record with 20 agenda notes
spent 0.3 s in it (issue 23, bench/README.md).
"""

import functools
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
# No javascript:, data: or other schemes that run code when followed.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# Texts whose HTML is kept (a record's summary, minutes and notes, a list's summaries, their edits' previews).
KEPT_TEXTS = 512

_converters = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return converter


def render_markdown(text: str) -> SafeString:
    """Markdown to safe HTML: no script, no event handlers, no javascript: links, no inline styles."""
    if not text:
        return mark_safe("")
    return mark_safe(_safe_html(str(text)))


@functools.lru_cache(maxsize=KEPT_TEXTS)
def _safe_html(text: str) -> str:
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
