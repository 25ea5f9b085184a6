"""
Settings for the IISG Board Portal, read from environment variables.

Safe defaults for a developer machine (SQLite, console email, DEBUG on only when asked);
a production start without the settings it needs fails loudly, naming the variable.
See README.md for the variables.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from core.client_ip import check_trusted_proxy_ips
from iisg_portal.env import env_bool, env_choice, env_int, env_list, env_str, is_redis_url
from portal.record_urls import ABSOLUTE_URL_OVERRIDES  # noqa: F401 (a setting: where records of lower apps are shown)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, or DEBUG=1 for a development machine."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty: set it to the portal's host names, comma-separated.")

INSTALLED_APPS = [
    # Django's admin, with the portal's site (core/admin_site.py: the sign-in is the portal's).
    "core.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    # The open-data API (opendata/): Django REST framework, its OpenAPI 3 description by drf-spectacular.
    "rest_framework",
    "drf_spectacular",
    # The layers, from the bottom: the toolkit, the domain apps, the site (README: Architecture).
    "core",
    "members",
    "meetings",
    "decisions",
    "portal",
    # The site layer's open-data API (opendata/README.md): above every domain app, named by none.
    "opendata",
]

MIDDLEWARE = [
    # First: a body over REQUEST_MAX_BODY_SIZE is refused before anything reads it.
    "core.request_limits.RequestBodyLimitMiddleware",
    # Control characters stripped from every GET parameter before any view or filter reads it.
    "core.text.CleanQueryStringMiddleware",
    # A control character in the path: the 404 page, before any view reads the path's parameters.
    "core.text.ControlCharactersInPathMiddleware",
    # A cookie with a control character (a forged session key with a NUL) is treated as not sent.
    "core.text.DropCookiesWithControlCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # The public's pages from the cache, before anything reads a session (core/pagecache.py).
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout renewed at most once a minute, not a session write per request (core/sessions.py).
    "core.sessions.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language cookie written after a choice or a sign-in; Vary: Cookie, Accept-Language (core/languages.py).
    "core.languages.LanguageCookieMiddleware",
    # Cache-Control: private, no-store on every answer to a signed-in user (core/pagecache.py).
    "core.pagecache.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.two_factor.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iisg_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "iisg_portal.wsgi.application"

# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/iisg; default: SQLite in the project folder.
# CONN_MAX_AGE keeps a connection per process for that many seconds (make serve: 60), and
# CONN_HEALTH_CHECKS tests a kept one before a request uses it (a restarted PostgreSQL).
_database_url = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
_conn_max_age = env_int("CONN_MAX_AGE", 0)
if _conn_max_age < 0:
    raise ImproperlyConfigured(f"CONN_MAX_AGE={_conn_max_age} must be 0 (a connection per request) or more seconds.")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=_conn_max_age,
            conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=False),
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL={_database_url!r} is not a database URL: {exc}") from None
if not DATABASES["default"]["NAME"]:
    raise ImproperlyConfigured(f"DATABASE_URL={_database_url!r} names no database (…/dbname at the end).")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the pages' queries are short, but the access rules' subqueries (core.visibility)
    # give them estimated costs above jit_above_cost, and compiling took ~280 ms where running took 2 ms.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: a write transaction takes the lock when it begins (BEGIN IMMEDIATE), and
    # another writer waits for it (up to `timeout` seconds) instead of failing. A deferred transaction
    # that reads, then writes, while another writes, fails at once with "database is locked" (a 500):
    # SQLite does not wait where waiting could deadlock.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("timeout", 20)
    _options.setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-in attempts after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# English is the source language; every user-facing string is marked for translation. The interface in the
# region's languages (README: Languages); the record's own text stays English. Each language is named in its own
# language and script (the switcher lists them so), never translated.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("sq", "shqip"),
    ("mk", "македонски"),
    ("sr", "српски"),
    ("sr-latn", "srpski"),
    ("bs", "bosanski"),
    ("hr", "hrvatski"),
    ("cnr", "crnogorski"),
]
# Montenegrin (ISO 639-3 cnr) is no language Django knows: its entry, beside Django's own (a documented extension
# point: get_language_info() reads this table).
LANG_INFO.setdefault("cnr", {"bidi": False, "code": "cnr", "name": "Montenegrin", "name_local": "crnogorski"})
# The portal's catalogues first (locale/<language>/, made by `make messages`); then Django's and the packages' own
# strings for the languages whose catalogues Django lacks or leaves half done (cnr, bs: locale_django/build.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
# Date formats of the languages Django has none for (cnr); the others are Django's.
FORMAT_MODULE_PATH = ["iisg_portal.formats"]
USE_I18N = True
# Times are stored in UTC; a meeting carries its own time zone for display and iCalendar.
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Sarajevo")

STATIC_URL = "static/"
STORAGES = {
    # Uploaded files; a file whose save rolls back is deleted again (core/storage.py).
    "default": {"BACKEND": "core.storage.TransactionalFileSystemStorage"},
    # Compressed, cache-busting file names when served by gunicorn + whitenoise (make serve).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# STORAGE_S3_BUCKET puts uploaded files on S3 or S3-compatible object storage (MinIO, …), for
# app processes on several machines (README: "More than one machine"). Downloads still go through
# the portal's access check, which streams the file: the bucket stays private, no URL of it is given out.
_S3_VARIABLES = (
    "STORAGE_S3_ENDPOINT_URL",
    "STORAGE_S3_REGION",
    "STORAGE_S3_ACCESS_KEY_ID",
    "STORAGE_S3_SECRET_ACCESS_KEY",
    "STORAGE_S3_PREFIX",
    "STORAGE_S3_ADDRESSING_STYLE",
)
_s3_bucket = env_str("STORAGE_S3_BUCKET").strip()
if _s3_bucket:
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", _s3_bucket):
        raise ImproperlyConfigured(
            f"STORAGE_S3_BUCKET={_s3_bucket!r} is not a bucket name "
            "(3 to 63 lower-case letters, digits, dots and hyphens)."
        )
    _s3_endpoint = env_str("STORAGE_S3_ENDPOINT_URL").strip()
    if _s3_endpoint:
        _parts = urlsplit(_s3_endpoint)
        if _parts.scheme not in {"http", "https"} or not _parts.hostname:
            raise ImproperlyConfigured(
                f"STORAGE_S3_ENDPOINT_URL={_s3_endpoint!r} is not an http(s) URL, e.g. https://s3.example:9000."
            )
    _s3_key_id = env_str("STORAGE_S3_ACCESS_KEY_ID").strip()
    _s3_secret = env_str("STORAGE_S3_SECRET_ACCESS_KEY").strip()
    if bool(_s3_key_id) != bool(_s3_secret):
        raise ImproperlyConfigured(
            "STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY go together: set both, or neither "
            "(then boto3 finds credentials itself: an instance role, AWS_* variables, ~/.aws)."
        )
    STORAGES["default"] = {
        # django-storages' S3Storage, whose files follow their transaction (core/storage_s3.py).
        "BACKEND": "core.storage_s3.TransactionalS3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": _s3_endpoint or None,
            "region_name": env_str("STORAGE_S3_REGION").strip() or None,
            "access_key": _s3_key_id or None,
            "secret_key": _s3_secret or None,
            "location": env_str("STORAGE_S3_PREFIX").strip().strip("/"),
            # MinIO and most S3-compatible servers want bucket names in the path.
            "addressing_style": env_choice(
                "STORAGE_S3_ADDRESSING_STYLE", ["path", "virtual", "auto"], "path" if _s3_endpoint else "auto"
            ),
            # As on disk: a name that is taken gets another, a stored version is never overwritten.
            "file_overwrite": False,
            # The bucket's own access rules (private); the portal never hands out a link to it.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            # A download is read into memory up to this size, then into a temporary file.
            "max_memory_size": 2_621_440,
        },
    }
else:
    _stray = [name for name in _S3_VARIABLES if env_str(name).strip()]
    if _stray:
        raise ImproperlyConfigured(
            f"{_stray[0]} is set but STORAGE_S3_BUCKET is not: set the bucket too, or unset {', '.join(_stray)}."
        )
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# --- Request limits ---------------------------------------------------------------------------
# Document files may be up to 20 MB (decisions/uploads.py); the proxy's client_max_body_size is 25m
# (README), and so is the whole body a request may declare here (core/request_limits.py): a larger
# one is refused with a 400 before anything reads it, also where no proxy stands in front.
REQUEST_MAX_BODY_SIZE = 25 * 1024 * 1024
# The fields of a form, files apart: the longest minutes notes are far below 2.5 MB. Larger is
# refused with a 400 (RequestDataTooBig) before it is parsed. File parts are not counted here.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An uploaded file larger than this is streamed to a temporary file instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The participants formset may have 200 rows of 13 fields each (meetings/forms/participants.py): 2,600 fields and
# a few more; Django's default of 1,000 would refuse a large meeting's list.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000

# --- Cache and sessions -------------------------------------------------------------------------
# REDIS_URL (redis://host:6379/0, rediss:// with TLS, unix:///run/redis.sock?db=0) is shared by all
# app processes: the cache (the public page cache, core/pagecache.py) lives there. Without it: no cache
# (DummyCache). A per-process cache (LocMemCache) would let one gunicorn worker serve a page another
# worker's save has changed.
# Sessions are in the database, with or without Redis: a session written or ended while Redis did not
# answer would come back stale from it when it answered again (a sign-out undone). A signed-in
# request writes its session at most once a minute (core/sessions.py), so the database costs
# little; the renewal works the same with a cache-backed engine.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
REDIS_URL = env_str("REDIS_URL").strip()
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "iisg-portal").strip()
# How long to wait for Redis to connect or answer, and how long to leave it alone after it did not.
REDIS_TIMEOUT_MS = env_int("REDIS_TIMEOUT_MS", 50)
REDIS_PAUSE_SECONDS = env_int("REDIS_PAUSE_SECONDS", 10)
if REDIS_TIMEOUT_MS < 1 or REDIS_PAUSE_SECONDS < 0:
    raise ImproperlyConfigured(
        f"REDIS_TIMEOUT_MS={REDIS_TIMEOUT_MS} must be at least 1 and REDIS_PAUSE_SECONDS={REDIS_PAUSE_SECONDS} "
        "at least 0."
    )
if REDIS_URL:
    if not is_redis_url(REDIS_URL):
        # Not the value itself: it may hold a password.
        raise ImproperlyConfigured(
            "REDIS_URL is not a Redis URL: use redis://[:password@]host:6379/0, rediss://… (TLS) or "
            "unix:///path/to/redis.sock?db=0."
        )
    if not CACHE_KEY_PREFIX or not re.fullmatch(r"[\w.:-]+", CACHE_KEY_PREFIX):
        raise ImproperlyConfigured(
            f"CACHE_KEY_PREFIX={CACHE_KEY_PREFIX!r}: use letters, digits, '.', ':', '-' or '_' (and at least one)."
        )
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Several portals (production, staging) may share one Redis.
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                # A Redis that hangs costs one short timeout, then a pause (core/redis_breaker.py).
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_MS / 1000,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT_MS / 1000,
                "CONNECTION_POOL_CLASS": "core.redis_breaker.GuardedConnectionPool",
                # Redis down or paused: pages are rendered as without a cache.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    # Other errors are logged; a failing connection once per pause, by core.redis_breaker (LOGGING below).
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# How long the public's pages are kept at most (core/pagecache.py); a change makes them stale at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)
if PAGE_CACHE_SECONDS < 0:
    raise ImproperlyConfigured(f"PAGE_CACHE_SECONDS={PAGE_CACHE_SECONDS} must be 0 (no page cache) or more seconds.")
if PAGE_CACHE_SECONDS and not REDIS_URL:
    raise ImproperlyConfigured(
        f"PAGE_CACHE_SECONDS={PAGE_CACHE_SECONDS} needs REDIS_URL: without a cache shared by every process, "
        "one process would serve a page that another has changed."
    )

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IISG Board Portal <noreply@iisg.example>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Record who made each change, also from the admin.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Security -------------------------------------------------------------------------------
# Production mode (DEBUG off) passes `manage.py check --deploy --fail-level WARNING`.
# Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=1 (it must set X-Forwarded-Proto),
# or SECURE_SSL_REDIRECT=0 if the proxy already redirects.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Idle timeout: a session ends after this many seconds without a request (default one hour), to
# within a minute: a request renews it, writing the session at most once a minute
# (core/sessions.py), so it ends 59 to 60 minutes after the last request. Signing in makes a new
# session key; signing out ends the session.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 3600)
if SESSION_COOKIE_AGE <= 60:
    raise ImproperlyConfigured(
        f"SESSION_IDLE_TIMEOUT={SESSION_COOKIE_AGE}: use more than 60 seconds "
        "(a session is renewed at most once a minute)."
    )
SESSION_SAVE_EVERY_REQUEST = False

# Content Security Policy: nothing inline may run, nothing may frame the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# Who a request comes from (core/client_ip.py), for sign-in throttling. Behind a proxy every request
# comes from the proxy: TRUSTED_PROXY_COUNT proxies in front (default: one when SECURE_PROXY_SSL_HEADER
# says a proxy terminates TLS, else none) append the client's address to X-Forwarded-For, believed only
# from the proxies' addresses (FORWARDED_ALLOW_IPS, the variable gunicorn reads too).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("SECURE_PROXY_SSL_HEADER", default=False) else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 (no proxy) or more.")
TRUSTED_PROXY_IPS = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
try:
    check_trusted_proxy_ips(TRUSTED_PROXY_IPS)
except ValueError as exc:
    raise ImproperlyConfigured(f"FORWARDED_ALLOW_IPS: {exc} (addresses or networks, comma-separated, or *).") from None

# Sign-in throttling (django-axes): lock a username from an address after repeated failures.
# The address is core.client_ip's (django-ipware, which AXES_IPWARE_* settings configure, is not used).
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = env_bool("AXES_VERBOSE", default=False)

# Two-factor sign-in (django-two-factor-auth on django-otp: TOTP apps and single-use backup codes):
# required for the Secretariat and admins, optional for Board members (required once they set it
# up). Only the local demo may lift it, never production mode. See core/two_factor.py.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=True)
if not TWO_FACTOR_REQUIRED and not DEBUG:
    raise ImproperlyConfigured("TWO_FACTOR_REQUIRED=0 is only allowed with DEBUG on (the local demo).")
OTP_TOTP_ISSUER = "IISG Board Portal"
# A Secretariat or admin user sets up their first authenticator only through a single-use link an
# admin issues (core/two_factor.py); it works for this many hours.
ENROLMENT_LINK_HOURS = env_int("ENROLMENT_LINK_HOURS", 72)
if ENROLMENT_LINK_HOURS < 1:
    raise ImproperlyConfigured(f"ENROLMENT_LINK_HOURS={ENROLMENT_LINK_HOURS} must be at least 1 (hours).")
# Someone the Secretariat gives access to sets their first password through a single-use link mailed
# to them (core/invitations.py, members/access/); it works for this many hours.
INVITATION_LINK_HOURS = env_int("INVITATION_LINK_HOURS", 72)
if INVITATION_LINK_HOURS < 1:
    raise ImproperlyConfigured(f"INVITATION_LINK_HOURS={INVITATION_LINK_HOURS} must be at least 1 (hours).")
# The sign-in wizard forgets a password step left unfinished for 10 minutes.
TWO_FACTOR_LOGIN_TIMEOUT = 600
# No "remember this browser" cookie: every sign-in asks for the code.
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
# The admin's own sign-in page sends people to the portal's (password and code): done by the portal's
# admin site (core/admin_site.py), not by the library's patch of Django's AdminSite.
TWO_FACTOR_PATCH_ADMIN = False
# The admin never shows a second factor's secret (its key, its QR code): a user who lost theirs gets a
# reset, not a copy. django-otp's QR code and key pages of a device that does not exist were 500s.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Signed PDFs (core/signing.py; README "Signed PDFs"): the PDFs of a published record carry a PAdES
# signature made with this key and certificate (PEM files); without them PDFs are served unsigned (the
# deployment check says so). The chain and the former certificates are comma-separated PEM files.
PDF_SIGNING_KEY = env_str("PDF_SIGNING_KEY")
PDF_SIGNING_CERT = env_str("PDF_SIGNING_CERT")
PDF_SIGNING_KEY_PASSWORD = env_str("PDF_SIGNING_KEY_PASSWORD")
PDF_SIGNING_CHAIN = env_list("PDF_SIGNING_CHAIN", [])
PDF_SIGNING_FORMER_CERTS = env_list("PDF_SIGNING_FORMER_CERTS", [])
# An RFC 3161 timestamp authority: each signature gets a trusted timestamp (PAdES B-T).
PDF_TIMESTAMP_URL = env_str("PDF_TIMESTAMP_URL")
# The certificates (the authority's own or its root) whose timestamps the signature check trusts.
PDF_TIMESTAMP_CERTS = env_list("PDF_TIMESTAMP_CERTS", [])
if bool(PDF_SIGNING_KEY) != bool(PDF_SIGNING_CERT):
    raise ImproperlyConfigured("PDF_SIGNING_KEY and PDF_SIGNING_CERT go together: set both (or neither).")
for _name, _path in (("PDF_SIGNING_KEY", PDF_SIGNING_KEY), ("PDF_SIGNING_CERT", PDF_SIGNING_CERT)):
    if _path and not Path(_path).is_file():
        raise ImproperlyConfigured(f"{_name}={_path!r} is not a file.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": env_str("LOG_LEVEL", "INFO")}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of every PDF at INFO.
    "filters": {"skip_reported_by_breaker": {"()": "core.redis_breaker.SkipReportedByBreaker"}},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-redis logs each cache call that failed; the breaker reports a failing Redis once per pause.
        "django_redis.cache": {"filters": ["skip_reported_by_breaker"]},
    },
}


# The open-data API (opendata/): read only, JSON only, always the anonymous view (no authentication class
# reads a session), pages without a count (opendata/pagination.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IISG Board Portal open data",
    "DESCRIPTION": (
        "The published public record of the IISG Board: organisations, people, memberships and posts "
        "(Popolo), meetings (Open Civic Data events) and decisions (Popolo motions). Read only; "
        "always the public view. See /api/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
