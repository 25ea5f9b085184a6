"""
The public page cache: a page the public reads is rendered once and then served from the cache
(Redis) to everyone who is not signed in, until anything changes or PAGE_CACHE_SECONDS pass.

Three rules make it correct, and each is short enough to check by reading:

1. **Only what the public sees is stored.** A GET or HEAD from a request with no session cookie and
   no message cookie (so: not signed in, no half-done sign-in, no message waiting), answered 200 with
   a complete body, sets no cookie (no CSRF token was used, no session or message was saved), is not
   marked private or no-store, and varies on nothing but Cookie and Accept-Language. Everything else
   goes through untouched, and is never served from the cache: a signed-in user always gets their
   own page, rendered for them.
2. **Every change makes every stored page unreachable.** Each page's key holds the site's
   *generation*, a random token kept in the DATABASE (`core.models.SiteGeneration`, one row). Any
   write to any model (Django's post_save, post_delete and m2m_changed signals, from every model but
   the bookkeeping of `IGNORED_APPS`: sessions, sign-in throttling, second-factor devices, and a model
   declaring `shown_on_no_page = True`: a reader's e-mail preferences) replaces the
   token as soon as the transaction commits, before the view answers. No model is named: a model added
   tomorrow is covered. A write that sends no signal (`QuerySet.update()`, `bulk_create()`, raw SQL)
   calls `site_changed()`; tests/foundation/test_writes_without_signals.py lists each one in the apps'
   code and fails on a new one.
3. **The generation is read before the page is rendered**, from the database, on every request the
   cache could serve. A page stored under a generation was rendered from data at least as new as the
   commit that made that generation, so the current generation never holds a page older than the last
   change (a write committing mid-render changes the generation: that page is stored under one nobody
   reads again).

Why the database and not the cache: a withdrawal (an unpublished or corrected record) must take effect
for every request after the Secretariat is told, whatever the cache does at that moment. A token kept in
Redis was lost when Redis hung or restarted during the write, and the withdrawn page came back when
Redis answered again. In the database the new token commits beside the write (one UPDATE of one row
after the commit, in its own statement so that two writers never wait on each other inside their
transactions); if it cannot be written the request fails and nobody is told "withdrawn". The cost: one
primary-key read per request the cache may serve (bench/README.md, "Page cache: the generation").

Time changes pages too ("This event has passed", upcoming and past meetings, the home page's next
meeting), and core knows no meeting: every stored page lives at most PAGE_CACHE_SECONDS (default
300).

Without REDIS_URL the cache is Django's DummyCache and PAGE_CACHE_SECONDS is 0: nothing is stored,
so several processes (gunicorn's workers) never disagree about a page. When Redis hangs or stops, the
portal stops asking it for a while (core/redis_breaker.py) and renders every page as without a cache.

Signed-in pages are never stored whole; a part of one that is the same for every reader of an
audience (a Board member's record of a meeting) may be, per audience: `for_audience()` below.
"""

import hashlib
import secrets
import threading

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from core.roles import is_board_member, is_secretariat

CACHE_ALIAS = "default"
# Header telling operators (and the tests) what the cache did: "hit" or "miss" (rendered and stored).
STATUS_HEADER = "X-Page-Cache"
# A larger body is served but not stored (the ICS feed and exports stay far below this).
MAX_BODY_BYTES = 8 * 1024 * 1024
# What a stored page may vary on: the key holds the language; Cookie is the session's, and only
# requests without a session are ever stored.
ALLOWED_VARY = {"cookie", "accept-language"}
# Apps whose rows no page shows, written on every signed-in request or sign-in: a write there
# changes no page. Django's sessions, django-axes (sign-in throttling), django-otp and
# django-two-factor-auth (second-factor devices and their counters); and Django's record of the
# migrations applied (`migrate` changes the generation once it has finished: _migrated below).
IGNORED_APPS = frozenset({"sessions", "axes", "otp_totp", "otp_static", "two_factor", "migrations"})


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cache():
    return caches[CACHE_ALIAS]


# --- The generation ------------------------------------------------------------------------------


def _new_generation() -> str:
    # Random, never counted: a generation restored from a backup or an older database must not find
    # the pages stored under it.
    return secrets.token_hex(8)


def current_generation() -> str:
    """The site's generation now (one primary-key read of the database)."""
    from core.models import SiteGeneration

    token = next(iter(SiteGeneration.objects.filter(pk=1).values_list("token", flat=True)), None)
    if token is None:
        # A database emptied by a test's flush, or one restored without the row.
        bump_generation()
        token = SiteGeneration.objects.filter(pk=1).values_list("token", flat=True).get()
    return token


def bump_generation(*, using: str = DEFAULT_DB_ALIAS, create: bool = True) -> None:
    """
    Make every page stored so far unreachable (they expire on their own). Committed at once. Without the
    row (a flushed database) it is made, unless `create` is False: the next read makes a new one anyway.
    """
    from core.models import SiteGeneration

    token = _new_generation()
    # No model signal (it would call site_changed() again); listed in test_writes_without_signals.
    updated = SiteGeneration.objects.using(using).filter(pk=1).update(token=token, changed_at=timezone.now())
    if not updated and create:
        SiteGeneration.objects.using(using).bulk_create(
            [SiteGeneration(pk=1, token=token, changed_at=timezone.now())], ignore_conflicts=True
        )


class _Bump:
    """One change of generation for all the writes of a transaction, however many they are."""

    __slots__ = ("done", "using")

    def __init__(self, using):
        self.done = False
        self.using = using

    def __call__(self):
        if not self.done:
            self.done = True
            bump_generation(using=self.using)


_pending = threading.local()


def site_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """
    Something a page may show was written: change the generation when the transaction commits
    (at once outside a transaction). A rolled-back write changes nothing, and no page is stored
    between the write and its commit under the new generation: that would be a stale page.
    """
    if not enabled():
        return
    bump = getattr(_pending, using, None)
    if bump is None or bump.done:
        bump = _Bump(using)
        setattr(_pending, using, bump)
    # The same callable for every write of the transaction; the first run does the work. Not robust:
    # if the new generation cannot be written, the request fails rather than tell the Secretariat that
    # the public no longer sees what it still may.
    transaction.on_commit(bump, using=using)


def _model_written(sender, using=DEFAULT_DB_ALIAS, update_fields=None, **kwargs):
    if sender._meta.app_label in IGNORED_APPS:
        return
    # A model that says no page shows it (a reader's own bookkeeping: e-mail preferences, digest items).
    if getattr(sender, "shown_on_no_page", False):
        return
    # A data migration's model (built from the migration state): the generation's own table may not exist
    # yet. `migrate` changes the generation once it has finished (_migrated below).
    if sender.__module__ == "__fake__":
        return
    # Signing in stamps the user's last_login; no page shows it.
    if update_fields is not None and set(update_fields) == {"last_login"}:
        return
    site_changed(using=using)


def _m2m_written(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        _model_written(sender, using=using)


def _migrated(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """After `migrate` (data migrations may have changed what pages show): a new generation, once its table exists."""
    from core.models import SiteGeneration

    if SiteGeneration._meta.db_table in connections[using].introspection.table_names():
        bump_generation(using=using)


def connect_signals() -> None:
    """Called once, from core's AppConfig.ready(): every model of every app, no sender named."""
    post_migrate.connect(_migrated, dispatch_uid="core.pagecache.post_migrate")
    post_save.connect(_model_written, dispatch_uid="core.pagecache.post_save")
    post_delete.connect(_model_written, dispatch_uid="core.pagecache.post_delete")
    m2m_changed.connect(_m2m_written, dispatch_uid="core.pagecache.m2m_changed")


# --- The middleware ------------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _vary(response) -> set[str]:
    return {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", "")) if value.strip()}


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > MAX_BODY_BYTES:
        return False
    # A CSRF token in the page (a form), or a session or message saved for this visitor.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or session.session_key):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return _vary(response) <= ALLOWED_VARY


def page_key(request, generation: str) -> str:
    """Where a page is stored: the generation, the method, the language and the absolute URL."""
    # The absolute URL holds the scheme and host (exports and feeds print absolute links) and the
    # whole query string. The language is the one LocaleMiddleware will pick for this request.
    url = request.build_absolute_uri()
    language = translation.get_language_from_request(request)
    digest = hashlib.sha256(f"{request.method} {language} {url}".encode()).hexdigest()
    return f"page-cache:{generation}:{digest}"


def _rebuild(request, stored) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status, headers=headers)
    response[STATUS_HEADER] = "hit"
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    # A stored page with a validator still answers If-None-Match / If-Modified-Since with a 304.
    if response.has_header("ETag") or last_modified:
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
    return response


class PageCacheMiddleware:
    """
    Serves the public's pages from the cache (see the module's docstring). Placed before the
    session, authentication, CSRF and message middleware, so a stored page is answered without
    them; after the security and CSP middleware, whose headers every answer gets.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        cache = _cache()
        key = page_key(request, current_generation())
        stored = cache.get(key)
        if stored is not None:
            return _rebuild(request, stored)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            cache.set(
                key, (response.status_code, dict(response.items()), response.content), settings.PAGE_CACHE_SECONDS
            )
            response[STATUS_HEADER] = "miss"
        return response


# --- Parts of signed-in pages, per audience ---------------------------------------------------------
#
# A Board member's record of a meeting is the same for every Board member: what they may see depends
# only on their role (core.workflow.visible_statuses), never on who they are. Such a part (a rendered
# record, a PDF) is kept per *audience* under the same generation as the public pages, so any change
# makes it unreachable too. Never for the Secretariat (drafts, edit controls: rendered each time), and
# an audience's part is never another's: the audience is in the key.

PUBLIC_AUDIENCE = "public"
BOARD_AUDIENCE = "board"


def audience(user) -> str | None:
    """The audience whose parts `user` may be served: the public, the Board; None for the Secretariat."""
    if is_secretariat(user):
        return None
    return BOARD_AUDIENCE if is_board_member(user) else PUBLIC_AUDIENCE


def part_key(name: str, parts, audience_name: str, generation: str) -> str:
    language = translation.get_language()
    digest = hashlib.sha256(repr((name, tuple(parts), audience_name, language)).encode()).hexdigest()
    return f"audience-part:{generation}:{digest}"


def for_audience(name: str, parts, user, make):
    """
    `make()`'s value for `user`'s audience, from the cache when it holds one made under the current
    generation, else made and stored (PAGE_CACHE_SECONDS). `parts` says what else the value depends
    on (the record, the time it passed). Without a cache, or for the Secretariat: `make()` each time.
    """
    audience_name = audience(user)
    if audience_name is None or not enabled():
        return make()
    # Read before making (rule 3 above): a change committed meanwhile leaves this value unreachable.
    key = part_key(name, parts, audience_name, current_generation())
    value = _cache().get(key)
    if value is None:
        value = make()
        _cache().set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


# --- What nobody else may keep ---------------------------------------------------------------------


class PrivatePagesMiddleware:
    """
    Every answer to a signed-in user says `Cache-Control: private, no-store`: minutes, drafts, members-only
    documents and every file downloaded after an access check. A shared proxy must not keep them, and the
    browser must not show them again from its history after sign-out (the back button). Placed after the
    authentication middleware; the public's pages keep their own headers (the page cache stores them).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Without a session cookie nobody is signed in: the user (and the session) is not even loaded.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                patch_cache_control(response, private=True, no_store=True)
        return response
