"""
Names sorted by the rules of the reader's language: č after c, đ after d, dž, lj and nj as letters of their own in
the Slavic Latin alphabets, the Cyrillic alphabets' own order (ђ after д, ѓ after д in Macedonian), and Albanian's
ç after c, ë after e and its digraphs (dh, gj, ll, nj, rr, sh, th, xh, zh) as letters.

`by_name("name")` is an ordering expression for the active language: on PostgreSQL the database's own ICU
collation of the language (`"hr-x-icu"`, …; PostgreSQL 15 ships them), on SQLite, which has none, a collation of
the portal's own registered on each connection (`register_sqlite_collations`, on `connection_created`) whose key
is the language's alphabet below. English keeps the database's ordering as before.
"""

import functools
import logging
import unicodedata

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate
from django.utils import translation

logger = logging.getLogger(__name__)

# The ICU collation of each interface language on PostgreSQL (Montenegrin: ICU's Serbian Latin of Montenegro).
ICU = {
    "sq": "sq-x-icu",
    "mk": "mk-x-icu",
    "sr": "sr-Cyrl-x-icu",
    "sr-latn": "sr-Latn-x-icu",
    "bs": "bs-Latn-x-icu",
    "hr": "hr-x-icu",
    "cnr": "sr-Latn-ME-x-icu",
}


def _alphabet(letters: str) -> list[str]:
    return letters.split(" ")


_SLAVIC_LATIN = _alphabet("a b c č ć d dž đ e f g h i j k l lj m n nj o p r s š t u v z ž")
# Montenegrin's two letters more: ś after s, ź after z.
_MONTENEGRIN = _alphabet("a b c č ć d dž đ e f g h i j k l lj m n nj o p r s ś š t u v z ź ž")
ALPHABETS = {
    "sq": _alphabet("a b c ç d dh e ë f g gj h i j k l ll m n nj o p q r rr s sh t th u v x xh y z zh"),
    "mk": _alphabet("а б в г д ѓ е ж з ѕ и ј к л љ м н њ о п р с т ќ у ф х ц ч џ ш"),
    "sr": _alphabet("а б в г д ђ е ж з и ј к л љ м н њ о п р с т ћ у ф х ц ч џ ш"),
    "sr-latn": _SLAVIC_LATIN,
    "bs": _SLAVIC_LATIN,
    "hr": _SLAVIC_LATIN,
    "cnr": _MONTENEGRIN,
}


def sqlite_name(language: str) -> str:
    return "iisg_" + language.replace("-", "_")


@functools.cache
def _letters(language: str) -> tuple[dict[str, int], int]:
    alphabet = ALPHABETS[language]
    return {letter: rank for rank, letter in enumerate(alphabet)}, max(len(letter) for letter in alphabet)


def sort_key(language: str, text: str) -> tuple:
    """
    The order of `text` in `language`: its letters (digraphs taken as one) by their rank in the alphabet; a letter
    the alphabet lacks by its base letter's rank just after it (an accent), else after every letter of the alphabet
    (the other script); spaces and punctuation before any letter. Ties: case, then the text itself.
    """
    ranks, longest = _letters(language)
    folded = text.casefold()
    key = []
    index = 0
    while index < len(folded):
        for size in range(longest, 0, -1):
            piece = folded[index : index + size]
            if len(piece) == size and piece in ranks:
                key.append((1, ranks[piece], 0))
                index += size
                break
        else:
            char = folded[index]
            base = unicodedata.normalize("NFKD", char)[0]
            if not char.isalnum():
                key.append((0, 0, 0))
            elif char.isdigit():
                key.append((0, 1, ord(char)))
            elif base in ranks:
                key.append((1, ranks[base], ord(char)))
            else:
                key.append((2, ord(base), ord(char)))
            index += 1
    return (tuple(key), text.swapcase(), text)


def _compare(language: str):
    def compare(left: str, right: str) -> int:
        a, b = sort_key(language, left), sort_key(language, right)
        return (a > b) - (a < b)

    return compare


def register_sqlite_collations(sender, connection, **kwargs):
    """
    `connection_created`: the languages' collations on a new SQLite connection; on PostgreSQL, which of the ICU
    collations the server has (a server built without ICU, or with an ICU lacking a locale, has not all of them:
    a missing one is left out and names are ordered by the database's own order, not a 500). One query per new
    connection, before any request's.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT collname FROM pg_collation WHERE collname = ANY(%s)", [sorted(set(ICU.values()))])
            connection.icu_collations = frozenset(name for (name,) in cursor.fetchall())
        missing = sorted(set(ICU.values()) - connection.icu_collations)
        if missing:
            logger.warning(
                "PostgreSQL lacks the ICU collations %s: their languages sort names as the database does", missing
            )
        return
    if connection.vendor != "sqlite":
        return
    for language in ALPHABETS:
        connection.connection.create_collation(sqlite_name(language), _compare(language))


def collation(language: str | None = None, vendor: str | None = None) -> str | None:
    """The collation that orders names in `language` (the active one) on this database; None: the database's own."""
    language = language or translation.get_language() or "en"
    vendor = vendor or connection.vendor
    if language not in ALPHABETS:
        return None
    if vendor == "postgresql":
        available = getattr(connection, "icu_collations", None)
        return ICU[language] if available is None or ICU[language] in available else None
    if vendor == "sqlite":
        return sqlite_name(language)
    return None


def by_name(field: str = "name"):
    """An ordering by `field` as the active language sorts names (`.order_by(by_name("name"))`)."""
    name = collation()
    return F(field).asc() if name is None else Collate(field, name).asc()


def sorted_by_name(items, key=str):
    """A Python list sorted as the active language sorts names (for rows already fetched)."""
    language = translation.get_language() or "en"
    if language not in ALPHABETS:
        return sorted(items, key=lambda item: key(item).casefold())
    return sorted(items, key=lambda item: sort_key(language, key(item)))
