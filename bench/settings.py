"""
Benchmark-only settings: the portal's own settings, plus a bare Django view at /_bench/bare/
(bench/urls.py) to compare pages against. Never use them for a real server.

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/gunicorn iisg_portal.wsgi ...

Nothing else changes: production checks (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, two-factor
required) hold as in iisg_portal.settings. If the portal's settings module moves, set
BENCH_BASE_SETTINGS to its new dotted path (or change the default below).
"""

import importlib
import os

_base = importlib.import_module(os.environ.get("BENCH_BASE_SETTINGS", "iisg_portal.settings"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

# The portal's URLs, included under bench/urls.py beside the bare view.
PORTAL_URLCONF = _base.ROOT_URLCONF
ROOT_URLCONF = "bench.urls"
