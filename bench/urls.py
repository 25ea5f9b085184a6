"""
The portal's URLs plus two reference views, each 2 small queries and a small template:
/_bench/bare/, which the public page cache stores like any public page (with Redis, a cache hit), and
/_bench/bare/uncached/, the same view marked never to be cached (each request looks the page cache up,
misses, and renders: what any page past the cache pays at least).
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.cache import never_cache

BARE_PATH = "/_bench/bare/"
BARE_UNCACHED_PATH = "/_bench/bare/uncached/"

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
    # Cache-Control: no-cache, no-store, private: never stored by core/pagecache.py.
    path(BARE_UNCACHED_PATH.strip("/") + "/", never_cache(bare), name="bench-bare-uncached"),
    path("", include(getattr(settings, "PORTAL_URLCONF", "iisg_portal.urls"))),
]
