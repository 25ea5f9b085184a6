"""Read pages as text: strip the tags, keep the words."""

import html
import re


def text_of(markup: str) -> str:
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def section(markup: str, section_id: str) -> str:
    """The text of <section id="…"> (sections of the record do not nest)."""
    start = markup.index(f'id="{section_id}"')
    return text_of(markup[start : markup.index("</section>", start)].split(">", 1)[1])
