"""manage.py enrolment_link USERNAME: the first admin of a fresh deployment sets up their authenticator."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.dates import long_datetime
from core.two_factor import EnrolmentRefused, issue_enrolment_link


class Command(BaseCommand):
    help = (
        "Issue a single-use enrolment link for a Secretariat or admin user who has no authenticator yet, "
        "and print it (once: only a hash is kept). Whoever opens it signs in with that user's password and "
        "sets up their authenticator app. Older links of the user stop working. For the first admin of a "
        "deployment (after createsuperuser); later, admins issue links in the admin (Users)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            help=(
                "The portal's address, e.g. https://portal.example (default: the first of CSRF_TRUSTED_ORIGINS; "
                "without either, the link is printed as a path)."
            ),
        )

    def handle(self, *args, username, base_url=None, **options):
        base = base_url or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")
        if base and (urlsplit(base).scheme not in {"http", "https"} or not urlsplit(base).netloc):
            raise CommandError(f"--base-url {base!r} is not an http(s) address such as https://portal.example.")
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        try:
            issued = issue_enrolment_link(user=user)
        except EnrolmentRefused as refusal:
            raise CommandError(f"No enrolment link for {username!r}: {refusal}") from None
        # The link alone on standard output (for a script); the explanation on standard error.
        self.stdout.write(base.rstrip("/") + issued.path)
        expires = long_datetime(timezone.localtime(issued.link.expires_at))
        self.stderr.write(
            f"Enrolment link for {username!r}, valid once until {expires}; older links of this user no longer work."
            + ("" if base else " Open it on the portal's address (or pass --base-url).")
        )
