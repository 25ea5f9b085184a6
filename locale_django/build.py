"""
Django's own strings (month and day names, form errors, the admin's labels, pagination…) and those of the
packages the portal installs, for the languages whose catalogues Django lacks or leaves half done:

- Montenegrin (cnr): Django and the packages have none; built from their Serbian Latin (sr_Latn) catalogues.
- Bosnian (bs): Django's own covers about 60 % of its strings (201 of 334 in django/conf, 106 of 167 in the
  admin); the gaps are filled from the Serbian Latin catalogues.

One catalogue per language, `locale_django/<dir>/LC_MESSAGES/django.po` and its `.mo`, after the portal's own
in LOCALE_PATHS (the portal's translators' wording wins). Rebuild after a Django or package upgrade:

    .venv/bin/python locale_django/build.py

(`make messages` runs it too). It reads every installed app's `locale/` folder and Django's `conf/locale/`;
needs polib (requirements-dev.txt), no gettext tools. The result is reviewed like the portal's catalogues
(README: Languages): a filled entry is marked with a translator comment naming the catalogue it came from.
"""

import os
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
# target language directory -> the catalogues it is made from, first found first taken.
TARGETS = {
    "cnr": ("sr_Latn",),
    "bs": ("bs", "sr_Latn"),
}
HEADER = {
    "cnr": {"Language": "cnr", "Language-Team": "Montenegrin (built from Django's Serbian Latin)"},
    "bs": {"Language": "bs", "Language-Team": "Bosnian (Django's, gaps filled from its Serbian Latin)"},
}
# Serbian Latin's plural rule (three forms): the same as Bosnian's and Montenegrin's.
PLURAL_FORMS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);"


def source_folders() -> list[Path]:
    """Django's conf/locale, then each installed app's locale/ (Django's contrib apps and the packages')."""
    import django
    from django.apps import apps

    folders = [Path(django.__file__).parent / "conf" / "locale"]
    for config in apps.get_app_configs():
        folder = Path(config.path) / "locale"
        # The portal's own apps have no locale/ of their own (their strings are in locale/).
        if folder.is_dir():
            folders.append(folder)
    return folders


def translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def build(target: str, sources: tuple[str, ...]) -> polib.POFile:
    out = polib.POFile(wrapwidth=0)
    out.metadata = {
        "Project-Id-Version": "IISG Board Portal: Django's strings",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS,
        **HEADER[target],
    }
    seen = set()
    # Each source in turn over every folder: a string the target language's own catalogue has (in Django or in any
    # package) is never taken from a fallback catalogue that happens to be read first.
    for source in sources:
        for folder in source_folders():
            path = folder / source / "LC_MESSAGES" / "django.po"
            if not path.exists():
                continue
            catalogue = polib.pofile(str(path))
            for entry in catalogue:
                key = (entry.msgctxt, entry.msgid)
                if key in seen or not entry.msgid or not translated(entry):
                    continue
                seen.add(key)
                copy = polib.POEntry(
                    msgid=entry.msgid,
                    msgctxt=entry.msgctxt,
                    msgid_plural=entry.msgid_plural,
                    msgstr=entry.msgstr,
                    msgstr_plural=dict(entry.msgstr_plural),
                    flags=[flag for flag in entry.flags if flag != "fuzzy"],
                    tcomment=f"from {folder.parent.name}'s {source}" if source != target else "",
                )
                out.append(copy)
    return out


def main() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iisg_portal.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    for target, sources in TARGETS.items():
        folder = BASE_DIR / "locale_django" / target / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        catalogue = build(target, sources)
        catalogue.save(str(folder / "django.po"))
        catalogue.save_as_mofile(str(folder / "django.mo"))
        print(f"{target}: {len(catalogue)} entries from {', '.join(sources)}")


if __name__ == "__main__":
    main()
