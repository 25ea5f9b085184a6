"""The portal's URLs plus /_bench/bare/, a reference view: 2 small queries and a small template."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

BARE_PATH = "/_bench/bare/"

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
<p>{{ permissions }} permissions in {{ groups|length }} groups.</p>
<ul>{% for group in groups %}<li>{{ group.name }}</li>{% endfor %}</ul>
</body></html>
"""
_compiled = None


def bare(request):
    """What every Django page costs at least: the middleware, 2 queries on tiny tables, a small template."""
    global _compiled
    if _compiled is None:
        _compiled = engines["django"].from_string(_TEMPLATE)
    groups = list(Group.objects.order_by("name")[:5])  # query 1
    permissions = Permission.objects.filter(group__in=groups).count()  # query 2
    html = _compiled.render({"title": "Bare Django view", "groups": groups, "permissions": permissions}, request)
    return HttpResponse(html)


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare, name="bench-bare"),
    path("", include(getattr(settings, "PORTAL_URLCONF", "iisg_portal.urls"))),
]
