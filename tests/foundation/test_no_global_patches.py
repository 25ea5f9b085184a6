"""
No class of Django or of a package is changed when the portal starts: what the portal adds is in its
own classes, used explicitly (core.admin's PortalAdmin and inlines, core.autocomplete's widgets,
core.forms.RecordsChoiceField, core.lookups.among). Checked on the classes the portal once patched
(AutocompleteMixin.optgroups, InlineModelAdmin.get_formset, SimpleHistoryAdmin's history views,
IntegerField's `in` lookup), and on every class of the modules they live in; each check proves
itself on a planted patch.
"""

import importlib
import inspect

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.widgets import AutocompleteMixin
from django.db import models
from django.db.models.lookups import In
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PortalAdmin, PortalInlineMixin
from core.admin_site import PortalAdminSite
from core.autocomplete import SafeAutocompleteAdminMixin
from core.history import SafeHistoryAdminMixin
from core.inlines import LimitedInlineRowsMixin

# The library modules whose classes the portal builds on most (admin, widgets, forms, fields, lookups).
LIBRARY_MODULES = [
    "django.contrib.admin.options",
    "django.contrib.admin.widgets",
    "django.contrib.admin.sites",
    "django.contrib.auth.admin",
    "django.forms.models",
    "django.forms.fields",
    "django.forms.formsets",
    "django.db.models.fields",
    "django.db.models.fields.related",
    "django.db.models.lookups",
    "django.db.models.query",
    "simple_history.admin",
    "simple_history.models",
    "django_otp.plugins.otp_static.admin",
]

# Methods the standard library writes into a class as it is defined (total_ordering, Enum).
GENERATED_BY = ("functools", "enum")


def replaced_methods(module_name: str) -> list[str]:
    """The functions in a module's classes that were not defined in that module: put there from outside."""
    module = importlib.import_module(module_name)
    found = []
    for cls in vars(module).values():
        if not inspect.isclass(cls) or cls.__module__ != module_name:
            continue
        for name, value in vars(cls).items():
            function = inspect.unwrap(value.__func__ if isinstance(value, (classmethod, staticmethod)) else value)
            if inspect.isfunction(function) and function.__module__ not in (module_name, *GENERATED_BY):
                found.append(f"{cls.__qualname__}.{name} (from {function.__module__})")
    return found


def foreign_lookups() -> list[str]:
    """Lookups and transforms registered on Django's model fields by someone other than Django."""
    found = []
    seen = set()
    stack = [models.Field]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("django."):
            continue
        for name, lookup in vars(cls).get("class_lookups", {}).items():
            if not lookup.__module__.startswith("django."):
                found.append(f"{cls.__name__}__{name} ({lookup.__module__}.{lookup.__name__})")
    return found


def test_the_classes_the_portal_once_patched_are_the_librarys_own():
    assert AutocompleteMixin.optgroups.__module__ == "django.contrib.admin.widgets"
    assert InlineModelAdmin.get_formset.__module__ == "django.contrib.admin.options"
    assert SimpleHistoryAdmin.history_view.__module__ == "simple_history.admin"
    assert SimpleHistoryAdmin.history_form_view.__module__ == "simple_history.admin"
    # django-two-factor-auth's patch of the admin's sign-in (TWO_FACTOR_PATCH_ADMIN) is off: core.admin_site.
    assert AdminSite.login.__module__ == "django.contrib.admin.sites"
    assert isinstance(admin.site, PortalAdminSite)
    for field in (models.IntegerField, models.BigIntegerField, models.AutoField, models.BigAutoField):
        assert field().get_lookup("in") is In, field


@pytest.mark.parametrize("module_name", LIBRARY_MODULES)
def test_no_library_class_has_a_method_put_there_at_start_up(module_name):
    assert replaced_methods(module_name) == []


def test_no_lookup_is_registered_on_djangos_fields():
    assert foreign_lookups() == []


def test_the_checks_catch_a_planted_patch(monkeypatch):
    def optgroups(self, name, value, attr=None):
        return []

    monkeypatch.setattr(AutocompleteMixin, "optgroups", optgroups)
    assert replaced_methods("django.contrib.admin.widgets") == [f"AutocompleteMixin.optgroups (from {__name__})"]

    class PlantedIn(In):
        pass

    monkeypatch.setattr(models.IntegerField, "class_lookups", {"in": PlantedIn})
    assert foreign_lookups() == [f"IntegerField__in ({__name__}.PlantedIn)"]


def test_every_admin_of_the_portal_says_what_it_adds():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SimpleHistoryAdmin):
            assert isinstance(model_admin, PortalAdmin), model
            assert isinstance(model_admin, SafeHistoryAdminMixin), model
        if model_admin.autocomplete_fields or model._meta.many_to_many:
            assert isinstance(model_admin, SafeAutocompleteAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, LimitedInlineRowsMixin), inline
            if inline.__module__.split(".")[0] in {"members", "meetings", "decisions", "portal"}:
                assert issubclass(inline, PortalInlineMixin), inline


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "then"),
    [
        ("/admin/login/?next=/admin/members/organisation/", "/admin/members/organisation/"),
        ("/admin/login/?next=https://elsewhere.example/", "/"),
        ("/admin/login/", "/"),
    ],
)
def test_the_admins_sign_in_is_the_portals_and_comes_back(client, asked, then):
    response = client.get(asked)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={then}"


@pytest.mark.django_db
def test_an_admin_page_sends_an_anonymous_user_through_the_admins_sign_in(client):
    response = client.get("/admin/members/organisation/", follow=True)
    assert [url for url, _status in response.redirect_chain] == [
        "/admin/login/?next=/admin/members/organisation/",
        f"{reverse('login')}?next=/admin/members/organisation/",
    ]
