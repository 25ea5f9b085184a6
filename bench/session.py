"""
Print a session cookie for a bench user, for bench/load.sh: `sessionid=<key>`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iisg_bench_100x SECRET_KEY=... python bench/session.py

Run it with the server's DATABASE_URL and SECRET_KEY (the session and its user hash are signed
with it). The session is written where the server reads sessions (settings.SESSION_ENGINE: the
database today; run with the server's environment, e.g. REDIS_URL, if that changes), signed in
as if through the password step. It carries no second factor: a Board member without an
authenticator needs none; a Secretariat user would be sent to the set-up page (production
requires it), which is why the load test signs in bench_board only.
"""

import argparse
import sys
from importlib import import_module
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("username", nargs="?", default="bench_board")
    parser.add_argument("--database-url", help="the server's database (default: DATABASE_URL)")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        sys.exit(f"No user {args.username!r}: fill the database with bench/volume.py first.")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")


if __name__ == "__main__":
    main()
