"""Rows built once for a module (tests/built_once.py): each test sees them as built, whatever the others did."""

import pytest
from django.conf import settings as django_settings

from members.models import Organisation
from tests.built_once import for_one_test, rows_for_the_module
from tests.factories import DocumentFileFactory, OrganisationFactory


@pytest.fixture(scope="module")
def _rows(django_db_setup, django_db_blocker, tmp_path_factory):
    with rows_for_the_module(django_db_blocker, tmp_path_factory) as media_root:
        with django_db_blocker.unblock():
            # Built with the settings every test has (a test's own `settings` do not exist yet).
            assert django_settings.PAGE_CACHE_SECONDS == 0
            rows = {"organisation": OrganisationFactory(name="Built once"), "file": DocumentFileFactory()}
        yield rows, media_root


@pytest.fixture
def rows(request, settings, db, _rows):
    rows, media_root = _rows
    return for_one_test(request, settings, media_root, rows)


@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_each_test_sees_the_rows_as_built_and_its_changes_go(rows, attempt):
    organisation = rows["organisation"]
    # As built: neither a change to the row nor one to the object of another test is seen here.
    assert organisation.name == "Built once"
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Built once"]
    # The file is in the module's folder, which is this test's MEDIA_ROOT.
    with rows["file"].file.open("rb") as file:
        assert file.read().startswith(b"%PDF")
    organisation.name = f"Changed by test {attempt}"
    organisation.save()
    OrganisationFactory(name=f"Added by test {attempt}")
