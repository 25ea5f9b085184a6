"""Read pages as text: strip the tags, keep the words."""

import html
import re

# Inline elements run on with the text around them ("<a>Mr Agron Sojati</a>, Head" reads "Mr Agron Sojati, Head").
INLINE = r"</?(?:a|abbr|b|code|del|em|i|ins|q|small|span|strong|sub|sup)\b[^>]*>"


def text_of(markup: str) -> str:
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(INLINE, "", markup)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def section(markup: str, section_id: str) -> str:
    """The text of <section id="…"> (sections of the record do not nest)."""
    start = markup.index(f'id="{section_id}"')
    return text_of(markup[start : markup.index("</section>", start)].split(">", 1)[1])
