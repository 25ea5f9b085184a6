"""
gunicorn's settings for the portal (`make serve`, and production: `gunicorn -c gunicorn.conf.py iisg_portal.wsgi`).

The limits match the nginx example in the README: nginx refuses what is larger first, gunicorn
is the second line where something reaches it directly. See gunicorn's settings reference.
"""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number (gunicorn.conf.py).") from None
    if number < 1:
        raise SystemExit(f"{name}={value!r} must be at least 1 (gunicorn.conf.py).")
    return number


# Plain HTTP on the loopback for a proxy on the same machine; GUNICORN_BIND=0.0.0.0:8000 (or a unix:
# socket) when the proxy is elsewhere, and then list the proxy in FORWARDED_ALLOW_IPS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes, not threads: each holds its own database connection. About 2 per core is a start.
workers = _env_int("WEB_CONCURRENCY", 3)
# Who may set X-Forwarded-* (gunicorn's default: the loopback, where nginx is).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Request line (method, path and query string): the longest filter URL of the decision register is
# far below this. gunicorn answers 400 above it.
limit_request_line = 4094
# Header count and size: a browser sends about 20 headers and nginx adds a few; cookies (session,
# CSRF) are well below 8 KB.
limit_request_fields = 100
limit_request_field_size = 8190
# A worker silent for this long is killed and replaced. The slowest page, a meeting's PDF minutes,
# takes a few seconds; uploads arrive through nginx, which buffers the whole body first.
timeout = 30
graceful_timeout = 30
# nginx keeps connections to us open for this long between requests.
keepalive = 5

accesslog = "-"
errorlog = "-"
