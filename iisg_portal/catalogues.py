"""
The interface's catalogues (locale/<dir>/LC_MESSAGES/django.po): their headers after `makemessages`, and what
makes one incomplete. `make messages` runs `python -m iisg_portal.catalogues headers`; the completeness test
(tests/i18n/test_catalogues.py, `pytest -m catalogues`) asks `problems()`.
"""

import re
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
# Each interface language but English, by its catalogue's folder (Django's to_locale()).
DIRS = ("sq", "mk", "sr", "sr_Latn", "bs", "hr", "cnr")
# The plural rule of each language, as Django's own catalogues of the region write it (Montenegrin: as Serbian).
_SLAVIC_THREE = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
PLURAL_FORMS = {
    "sq": "nplurals=2; plural=(n != 1);",
    "mk": "nplurals=2; plural=(n % 10 == 1 && n % 100 != 11) ? 0 : 1;",
    "sr": _SLAVIC_THREE,
    "sr_Latn": _SLAVIC_THREE,
    "bs": _SLAVIC_THREE,
    "hr": _SLAVIC_THREE,
    "cnr": _SLAVIC_THREE,
}
LANGUAGE_NAMES = {
    "sq": "Albanian",
    "mk": "Macedonian",
    "sr": "Serbian (Cyrillic)",
    "sr_Latn": "Serbian (Latin)",
    "bs": "Bosnian",
    "hr": "Croatian",
    "cnr": "Montenegrin",
}
# Python's %-placeholders (named or not) and the brace fields of str.format().
PLACEHOLDER = re.compile(r"%\([A-Za-z0-9_]+\)[sdifr]|%[sdifr]|\{[A-Za-z0-9_]*\}")


def catalogue_path(folder: str) -> Path:
    return LOCALE_DIR / folder / "LC_MESSAGES" / "django.po"


def fix_headers() -> None:
    """What makemessages leaves as a template's placeholders: the language, its plural rule, no fuzzy header."""
    for folder in DIRS:
        path = catalogue_path(folder)
        catalogue = polib.pofile(str(path), wrapwidth=79)
        catalogue.header = f"The IISG Board Portal's interface in {LANGUAGE_NAMES[folder]} (README: Languages)."
        catalogue.metadata.update(
            {
                "Project-Id-Version": "IISG Board Portal",
                "Language": folder,
                "Language-Team": LANGUAGE_NAMES[folder],
                "Plural-Forms": PLURAL_FORMS[folder],
                "Content-Type": "text/plain; charset=UTF-8",
            }
        )
        for key in ("PO-Revision-Date", "Last-Translator", "Report-Msgid-Bugs-To"):
            catalogue.metadata.pop(key, None)
        catalogue.metadata_is_fuzzy = False
        catalogue.save(str(path))


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(catalogue: polib.POFile, source_keys: set[tuple[str, str]] | None = None) -> list[str]:
    """Each thing that makes `catalogue` incomplete or wrong, said in a line (empty: complete)."""
    found = []
    keys = set()
    for entry in catalogue:
        if entry.obsolete:
            continue
        keys.add(_key(entry))
        name = f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid[:70]!r}"
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {name}")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(index, "") for index in range(max(len(entry.msgstr_plural), 1))]
            if not all(forms):
                found.append(f"untranslated: {name}")
                continue
            wanted = set(placeholders(entry.msgid_plural)) | set(placeholders(entry.msgid))
            for index, form in enumerate(forms):
                got = set(placeholders(form))
                # A form may leave out the count (Slavic "one" forms say the word alone), never add one.
                if not got <= wanted or (index > 0 and got != set(placeholders(entry.msgid_plural))):
                    found.append(f"placeholders of form {index} {sorted(got)} != {sorted(wanted)}: {name}")
        else:
            if not entry.msgstr:
                found.append(f"untranslated: {name}")
                continue
            if placeholders(entry.msgstr) != placeholders(entry.msgid):
                found.append(f"placeholders {placeholders(entry.msgstr)} != {placeholders(entry.msgid)}: {name}")
    if source_keys is not None:
        for context, msgid in sorted(source_keys - keys):
            found.append(f"missing from the catalogue: {context + ' | ' if context else ''}{msgid[:70]!r}")
        for context, msgid in sorted(keys - source_keys):
            found.append(f"no longer in the source: {context + ' | ' if context else ''}{msgid[:70]!r}")
    return found


def source_keys(pot: Path) -> set[tuple[str, str]]:
    return {_key(entry) for entry in polib.pofile(str(pot)) if not entry.obsolete}


if __name__ == "__main__":
    if sys.argv[1:] == ["headers"]:
        fix_headers()
    else:
        sys.exit("usage: python -m iisg_portal.catalogues headers")
