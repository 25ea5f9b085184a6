"""
The idle timeout, renewed at most once a minute: a signed-in request writes its session only when
something in it changed or its last renewal is at least `RENEW_EVERY` seconds old.

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session on every request (an `UPDATE
django_session`, or a cache write, per page view) only to push its expiry forward. Here
`SESSION_SAVE_EVERY_REQUEST` is off and `SessionRenewalMiddleware` marks the session modified when
its renewal stamp (`RENEWED_KEY`, seconds since the epoch, in the session itself) is missing, in
the future or `RENEW_EVERY` seconds old; Django's `SessionMiddleware` then saves it as it would any
changed session: a new expiry (`SESSION_COOKIE_AGE` from now) in the store and on the cookie.

What the idle timeout means then: a session ends `SESSION_COOKIE_AGE` seconds after its last
renewal, which is at most `RENEW_EVERY` seconds before the last request; so between
`SESSION_COOKIE_AGE - RENEW_EVERY` and `SESSION_COOKIE_AGE` seconds after the last request (never
later than before). Everything else is Django's: an expired session is refused by the store (the
database's `expire_date`, the cache's TTL), signing in makes a new key, signing out flushes the
session (an empty session is never renewed: no new session is made for the stamp alone).

It works with every session engine (the database, the cache, cached_db): it asks nothing of the
store but the session's own data. Place it right after `django.contrib.sessions.middleware.
SessionMiddleware`, so that its answer runs before the session is saved, after every view and
middleware that may change or end the session.
"""

import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The session's renewal stamp: when its expiry was last pushed forward (int, seconds since the epoch).
RENEWED_KEY = "_renewed_at"
# At most one renewal in this many seconds.
RENEW_EVERY = 60


def due(renewed, now: int) -> bool:
    """Whether a session stamped `renewed` is to be renewed at `now`: never stamped, stamped in the future, or old."""
    return not isinstance(renewed, int) or not 0 <= now - renewed < RENEW_EVERY


class SessionRenewalMiddleware:
    """Renew the session's expiry at most once every RENEW_EVERY seconds (and whenever it is saved anyway)."""

    def __init__(self, get_response):
        if settings.SESSION_SAVE_EVERY_REQUEST:
            raise ImproperlyConfigured(
                "core.sessions.SessionRenewalMiddleware renews sessions itself: set SESSION_SAVE_EVERY_REQUEST = False."
            )
        if settings.SESSION_COOKIE_AGE <= RENEW_EVERY:
            raise ImproperlyConfigured(
                f"SESSION_COOKIE_AGE={settings.SESSION_COOKIE_AGE}: the idle timeout must be longer than the "
                f"renewal interval ({RENEW_EVERY} s)."
            )
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No session (no cookie, nothing stored), or one flushed by the sign-out: nothing to renew.
        # Django does not save a session on a 5xx answer either.
        if session is None or session.is_empty() or response.status_code >= 500:
            return response
        renewed = session.get(RENEWED_KEY)  # loads the session if no one did (one read, as Django's save would)
        if session.is_empty():  # the cookie named a session the store does not hold (expired, ended)
            return response
        now = int(time.time())
        if session.modified or due(renewed, now):
            session[RENEWED_KEY] = now
        return response


def stamp_at_sign_in(sender, request, user, **kwargs):
    """
    Signing in writes the session anyway (a new key, the user's id): it is stamped then, so the first
    page after signing in does not write it a second time. Connected to `user_logged_in` (core/apps.py).
    """
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_KEY] = int(time.time())
