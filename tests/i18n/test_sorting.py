"""Names sorted by the reader's language: the database's ICU collation (PostgreSQL) or the portal's own (SQLite)."""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from core.collation import by_name, sort_key, sorted_by_name
from members.models import Person
from tests.factories import OrganisationFactory, PersonFactory


def words(text: str) -> list[str]:
    return text.split(" ")


SLAVIC = [
    "Živković",
    "Šarić",
    "Njegoš",
    "Nikolić",
    "Ljubić",
    "Lukić",
    "Đurić",
    "Džeko",
    "Dabić",
    "Ćosić",
    "Čović",
    "Cvijić",
]
# Croatian, Bosnian, Serbian and Montenegrin Latin: c č ć d dž đ … l lj … n nj … s š … z ž.
SLAVIC_ORDER = [
    "Cvijić",
    "Čović",
    "Ćosić",
    "Dabić",
    "Džeko",
    "Đurić",
    "Lukić",
    "Ljubić",
    "Nikolić",
    "Njegoš",
    "Šarić",
    "Živković",
]
ALBANIAN = words("Zhuka Zeqiri Shehu Sala Ëngjëll Elezi Dhimitri Duka Çela Cani Llaka Lika")
ALBANIAN_ORDER = [
    "Cani",
    "Çela",
    "Duka",
    "Dhimitri",
    "Elezi",
    "Ëngjëll",
    "Lika",
    "Llaka",
    "Sala",
    "Shehu",
    "Zeqiri",
    "Zhuka",
]
SERBIAN_CYRILLIC = words("Шарић Џаковић Ћосић Чолић Њего Нинић Љубић Лукић Ђурић Дабић Бабић")
SERBIAN_CYRILLIC_ORDER = [
    "Бабић",
    "Дабић",
    "Ђурић",
    "Лукић",
    "Љубић",
    "Нинић",
    "Њего",
    "Ћосић",
    "Чолић",
    "Џаковић",
    "Шарић",
]
MACEDONIAN = words("Шапков Џафероски Ќосев Ѓорѓиевски Гоцев Димов Ѕвезданов Зиков Јованов")
MACEDONIAN_ORDER = words("Гоцев Димов Ѓорѓиевски Зиков Ѕвезданов Јованов Ќосев Џафероски Шапков")

CASES = [
    ("hr", SLAVIC, SLAVIC_ORDER),
    ("bs", SLAVIC, SLAVIC_ORDER),
    ("sr-latn", SLAVIC, SLAVIC_ORDER),
    ("cnr", SLAVIC, SLAVIC_ORDER),
    ("sq", ALBANIAN, ALBANIAN_ORDER),
    ("sr", SERBIAN_CYRILLIC, SERBIAN_CYRILLIC_ORDER),
    ("mk", MACEDONIAN, MACEDONIAN_ORDER),
]


@pytest.mark.parametrize(("language", "names", "order"), CASES)
def test_the_python_key_sorts_by_the_languages_alphabet(language, names, order):
    assert sorted(names, key=lambda name: sort_key(language, name)) == order
    with translation.override(language):
        assert sorted_by_name(names) == order


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "names", "order"), CASES)
def test_the_database_sorts_names_by_the_active_language(language, names, order):
    organisation = OrganisationFactory()
    for name in names:
        PersonFactory(name=name, organisation=organisation)
    with translation.override(language):
        got = list(
            Person.objects.filter(organisation=organisation).order_by(by_name("name")).values_list("name", flat=True)
        )
    assert got == order, connection.vendor


@pytest.mark.django_db
def test_an_organisations_people_are_listed_in_the_readers_order(client):
    organisation = OrganisationFactory()
    for name in SLAVIC:
        PersonFactory(name=name, organisation=organisation)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hr"
    page = client.get(reverse("portal:organisation-detail", args=[organisation.slug])).content.decode()
    shown = [name for name in sorted(SLAVIC, key=page.find) if name in page]
    if len(shown) == len(SLAVIC):  # the page lists the people it may show (they hold no role: it may show none)
        assert shown == SLAVIC_ORDER


def test_a_postgresql_without_the_languages_icu_collation_orders_as_the_database_does(monkeypatch):
    """A server built without ICU (or lacking a locale): names in the database's own order, never a 500."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from core import collation

    connection = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(connection, "icu_collations", frozenset({"sq-x-icu"}), raising=False)
    assert collation.collation("hr", vendor="postgresql") is None
    assert collation.collation("sq", vendor="postgresql") == "sq-x-icu"
    monkeypatch.setattr(connection, "icu_collations", frozenset(collation.ICU.values()), raising=False)
    assert collation.collation("hr", vendor="postgresql") == "hr-x-icu"
