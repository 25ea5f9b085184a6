"""
Close the written procedures whose deadline has passed: run every few minutes by cron or a systemd
timer (README, "Written procedures"). Procedure pages close them too, so a missed run loses nothing.
"""

from django.core.management.base import BaseCommand

from decisions.procedures.services import close_due_procedures


class Command(BaseCommand):
    help = "Close the written procedures whose deadline has passed (outcome, tally, decision and its effects)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", default="", help="The portal's address for the links in e-mails, e.g. https://board.iisg.eu"
        )

    def handle(self, *args, site_url="", **options):
        closed = close_due_procedures(site_url=site_url.rstrip("/"))
        for procedure in closed:
            self.stdout.write(f"{procedure.reference}: {procedure.get_outcome_display()}")
        self.stdout.write(f"{len(closed)} procedure(s) closed.")
