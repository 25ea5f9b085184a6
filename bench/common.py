"""Set up Django for the bench scripts: production-like settings, the database named on the command line."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Production mode (DEBUG off), as the load test's gunicorn runs; values a bench needs but a real
# server would set itself. An environment variable that is already set wins.
BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-a-secret",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "ERROR",
}


def setup_django(database_url: str | None) -> None:
    """Configure the environment and call django.setup() with bench.settings."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    elif not os.environ.get("DATABASE_URL"):
        sys.exit(
            "Name the database: --database-url URL (or DATABASE_URL), e.g. postgres://postgres@127.0.0.1:5432/iisg_bench_1x"
        )
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

    import django

    django.setup()


def describe_database() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {settings['NAME']}"
    return f"{connection.vendor} {settings.get('HOST') or 'localhost'}:{settings.get('PORT') or ''}/{settings['NAME']}"
