"""
Remind the members who have not answered an open written procedure, two days before its deadline,
once per procedure: run daily (or hourly) by cron or a systemd timer (README, "Written procedures").
"""

from django.core.management.base import BaseCommand

from decisions.procedures.services import remind_procedures


class Command(BaseCommand):
    help = "E-mail a reminder, two days before the deadline, to the members who have not answered (once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", default="", help="The portal's address for the links in e-mails, e.g. https://board.iisg.eu"
        )

    def handle(self, *args, site_url="", **options):
        sent = remind_procedures(site_url=site_url.rstrip("/"))
        for reference, count in sent.items():
            self.stdout.write(f"{reference}: {count} reminder(s) e-mailed.")
        self.stdout.write(f"{len(sent)} procedure(s) reminded.")
