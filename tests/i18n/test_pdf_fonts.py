"""
The PDFs print every script: the minutes PDF (WeasyPrint, DejaVu Sans) and the meeting pack's stamp
(core/pdf_fonts.py) made in Macedonian, Serbian Cyrillic, Croatian and Albanian; every character of their text is
covered by a font embedded in the file (each embedded TrueType font's own cmap, read with fontTools), and the
fixed texts are the reader's language's.
"""

import io
import re

import pikepdf
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.factories import AgendaItemFactory, MeetingFactory
from tests.pack.conftest import add_paper, paper_pdf

pytestmark = pytest.mark.django_db

# A title in both scripts, with every letter of the region the Latin alphabets add.
TITLE = "Седница Шарић Ђурић Ѓорѓиевски Ќ Љ Њ Џ — Čović Ćosić Đurić Džeko Šarić Živković Çela Ëngjëll"
LANGUAGES = ["mk", "sr", "hr", "sq"]


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap's codes and the text each stands for (bfchar and bfrange)."""
    text = cmap.decode("latin-1")
    found = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, chars in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(code, 16)] = bytes.fromhex(chars).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, first in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset in range(int(end, 16) - int(start, 16) + 1):
                found[int(start, 16) + offset] = chr(int(first, 16) + offset)
    return found


def embedded_characters(content: bytes) -> set[str]:
    """
    Every character an embedded TrueType font of the PDF draws with a real glyph: those its own cmap maps, and
    those its ToUnicode map says a glyph of the file stands for (a localised form, such as the Serbian and
    Macedonian be, is reached by a shaping feature, not the cmap), never the .notdef glyph (id 0) nor a missing one.
    """
    covered = set()
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for obj in pdf.objects:
            if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0"):
                continue
            [descendant] = obj.DescendantFonts
            descriptor = descendant.FontDescriptor
            assert "/FontFile2" in descriptor, f"{obj.BaseFont} is not embedded"
            assert descendant.get("/CIDToGIDMap") == "/Identity"
            font = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
            glyphs = font.getGlyphOrder()
            covered |= {chr(code) for code in font.getBestCmap()}
            for gid, chars in _to_unicode(obj.ToUnicode.read_bytes()).items():
                if 0 < gid < len(glyphs) and font["glyf"][glyphs[gid]].numberOfContours != 0:
                    covered |= set(chars)
    return covered


def uses_standard_fonts(content: bytes) -> bool:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return any(
            isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type1" and obj.get("/FontFile") is None
            for obj in pdf.objects
        )


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_covered(content: bytes):
    text = text_of(content)
    missing = {char for char in text if not char.isspace()} - embedded_characters(content)
    assert not missing, f"characters printed without a glyph: {sorted(missing)}"
    return text


def in_language(code: str, text: str) -> str:
    with translation.override(code):
        return translation.gettext(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_minutes_pdf_covers_every_character_in_each_script(client, language):
    meeting = MeetingFactory(title=TITLE, status="published")
    AgendaItemFactory(meeting=meeting, position=1, title="Otvaranje — Отварање")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = assert_covered(content)
    for name in ("Шарић", "Živković", "Ëngjëll"):
        assert name in text
    assert in_language(language, "Public record") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_packs_stamp_covers_every_character_in_each_script(client_for, language):
    meeting = MeetingFactory(title=TITLE, status="circulated", published_at=None)
    item = AgendaItemFactory(meeting=meeting, position=1, title="Opening")
    add_paper(meeting, "Paper", paper_pdf("FONTMARKER", 1), item=item, order=1)
    client = client_for("board_member")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("portal:meeting-pack", args=[meeting.slug]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = assert_covered(content)
    assert not uses_standard_fonts(content), "a standard font (Helvetica) prints only Latin-1"
    # The stamp: the title in its scripts, and "Page 1 of 3" in the reader's language.
    assert TITLE.split(" — ")[0] in text
    with translation.override(language):
        page = translation.gettext("Page %(number)s of %(total)s") % {"number": 1, "total": 3}
    assert page in text
