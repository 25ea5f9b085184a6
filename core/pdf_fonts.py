"""
A TrueType font embedded in a PDF written without a layout engine (the meeting pack's stamp, portal/pack.py), so
that any script prints: Cyrillic, and the Latin letters of the region (č ć đ š ž ë ç). PDF's standard Helvetica
has WinAnsi's 218 characters only; what it lacks printed as "?".

`EmbeddedFont(pdf, text)` subsets DejaVu Sans (fonts-dejavu-core, which WeasyPrint's PDFs use too) to the
characters of `text` (fontTools, already WeasyPrint's) and embeds it as a composite font (Type0 / CIDFontType2,
Identity-H, glyph ids as codes) with its widths and a ToUnicode map, so that text extraction, search and screen
readers get the characters back. `encode(text)` gives the PDF string to show with `Tj`.
"""

import io
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pikepdf
from django.conf import settings
from fontTools import subset
from fontTools.ttLib import TTFont

# Where Debian and Ubuntu (fonts-dejavu-core), Fedora, Arch and Homebrew put it; else fontconfig is asked.
KNOWN_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/opt/homebrew/share/fonts/DejaVuSans.ttf",
)


@lru_cache(maxsize=1)
def font_path() -> Path | None:
    """The TTF of DejaVu Sans (PDF_FONT_PATH if set), or None when the machine has none."""
    configured = getattr(settings, "PDF_FONT_PATH", "")
    candidates = [configured] if configured else list(KNOWN_PATHS)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    if not configured and shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "DejaVu Sans:style=Book"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.lower().endswith(".ttf") and Path(found).is_file():
            return Path(found)
    return None


def _to_unicode(pairs: list[tuple[int, str]]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for gid, char in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


class EmbeddedFont:
    """DejaVu Sans, subset to `text`'s characters, embedded in `pdf` as one composite font object (`.font`)."""

    def __init__(self, pdf: pikepdf.Pdf, text: str, path: Path | None = None):
        path = path or font_path()
        if path is None:
            raise FileNotFoundError("DejaVu Sans is not installed (apt-get install fonts-dejavu-core)")
        characters = sorted(set(text) - {"\n"})
        font = TTFont(str(path))
        options = subset.Options()
        options.layout_features = []  # one glyph per character: no shaping here
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools cannot subset them and warns each time
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(characters))
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        order = font.getGlyphOrder()
        gids = {name: index for index, name in enumerate(order)}
        cmap = font.getBestCmap()
        self._gid = {char: gids[cmap[ord(char)]] for char in characters if ord(char) in cmap}
        self.missing = {char for char in characters if char not in self._gid}
        scale = 1000 / font["head"].unitsPerEm
        hmtx = font["hmtx"]
        widths = pikepdf.Array()
        for name in order:
            widths.append(gids[name])
            widths.append(pikepdf.Array([round(hmtx[name][0] * scale)]))
        head, hhea = font["head"], font["hhea"]
        name = pikepdf.Name("/IISGPK+DejaVuSans")  # a subset: six capitals and "+" (PDF 32000, 9.6.4)
        file_stream = pikepdf.Stream(pdf, buffer.getvalue())
        file_stream.Length1 = len(buffer.getvalue())
        descriptor = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.FontDescriptor,
                FontName=name,
                Flags=32,
                FontBBox=[round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
                ItalicAngle=0,
                Ascent=round(hhea.ascent * scale),
                Descent=round(hhea.descent * scale),
                CapHeight=round(getattr(font["OS/2"], "sCapHeight", hhea.ascent) * scale),
                StemV=80,
                FontFile2=pdf.make_indirect(file_stream),
            )
        )
        descendant = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.CIDFontType2,
                BaseFont=name,
                CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                FontDescriptor=descriptor,
                W=widths,
                DW=1000,
                CIDToGIDMap=pikepdf.Name.Identity,
            )
        )
        unicode_map = pdf.make_indirect(
            pikepdf.Stream(pdf, _to_unicode(sorted((gid, char) for char, gid in self._gid.items())))
        )
        self.font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type0,
                BaseFont=name,
                Encoding=pikepdf.Name("/Identity-H"),
                DescendantFonts=[descendant],
                ToUnicode=unicode_map,
            )
        )

    def encode(self, text: str) -> bytes:
        """`text` as a PDF hex string of glyph ids (a character the font lacks: its blank glyph)."""
        return b"<" + "".join(f"{self._gid.get(char, 0):04X}" for char in text).encode("ascii") + b">"
