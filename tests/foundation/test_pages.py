"""The list of the portal's pages the tests open (tests/pages.py) is the URLconf's: no page is forgotten."""

import types

from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

from iisg_portal import urls as portal_urls
from tests.pages import EDIT, LIST, PAGES, RECORD, fill, pages_of, routes, routes_without_an_entry


def test_every_route_of_the_portal_says_what_page_it_is():
    assert routes_without_an_entry() == []


def test_every_entry_names_a_route():
    assert set(PAGES) - {route.name for route in routes()} == set()


def test_a_new_page_without_an_entry_is_named():
    extra = types.ModuleType("planted_urls")
    extra.app_name = "planted"
    extra.urlpatterns = [
        path("planted/", lambda request: HttpResponse(), name="new-page"),
        path("planted/unnamed/", lambda request: HttpResponse()),
    ]
    urlconf = types.ModuleType("planted_root_urls")
    urlconf.urlpatterns = [*portal_urls.urlpatterns, path("", include(extra))]
    with override_settings(ROOT_URLCONF=urlconf):
        assert routes_without_an_entry() == ["planted:new-page", "planted/unnamed/"]
    assert routes_without_an_entry() == []


def test_the_admin_is_left_to_its_model_admins_unless_asked_for():
    assert not any(route.route.startswith("admin/") for route in routes())
    assert any(route.name == "admin:index" for route in routes(admin=True))


def test_pages_of_a_kind_come_in_the_urlconfs_order():
    lists = [route.name for route in pages_of(LIST)]
    assert lists[0] == "home"
    assert "portal:search" in lists
    assert "meetings-edit:meeting-create" in [route.name for route in pages_of(EDIT)]
    assert all(route.has_parameters for route in pages_of(RECORD))


def test_a_route_is_filled_from_the_records_by_the_segment_before_each_parameter():
    meeting = types.SimpleNamespace(slug="6th-board-meeting")
    item = types.SimpleNamespace(pk=7)
    document = types.SimpleNamespace(slug="work-plan")
    assert fill("edit/meetings/<slug:slug>/agenda/<int:pk>/", {"meetings": meeting, "agenda": item}) == (
        "/edit/meetings/6th-board-meeting/agenda/7/"
    )
    # A file's version is the first.
    assert fill("documents/<slug:slug>/files/<int:number>/", {"documents": document}) == "/documents/work-plan/files/1/"
