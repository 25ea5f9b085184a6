"""Send each user who chose it the weekly digest of their queued e-mails (core/notifications.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import notifications


class Command(BaseCommand):
    help = (
        "Send every user with queued items their digest, one e-mail each, grouped by kind. Idempotent: "
        "items are marked sent with the e-mail, so running it twice sends nothing twice. Run weekly from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            help=(
                "The portal's address for the links, e.g. https://portal.example "
                "(default: the first of CSRF_TRUSTED_ORIGINS)"
            ),
        )

    def handle(self, *args, site_url=None, **options):
        base = site_url or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")
        if base and not base.startswith(("https://", "http://")):
            raise CommandError(f"--site-url {base!r} is not an http(s) address such as https://portal.example.")
        sent = notifications.send_digests(site_url=base)
        self.stdout.write(f"{len(sent)} digest(s) sent, {sum(sent.values())} item(s).")
