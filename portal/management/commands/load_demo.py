from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from core import chain
from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP
from portal.demo.loader import load_demo_procedure, load_sixth_board_meeting

# Demo accounts, created only with DEBUG on. The passwords are public: never on a real server.
DEMO_USERS = [
    # username, password, group, is superuser
    ("secretariat", "demo-secretariat", SECRETARIAT_GROUP, False),
    ("board", "demo-board", BOARD_MEMBERS_GROUP, False),
    ("admin", "demo-admin", None, True),
]


class Command(BaseCommand):
    help = "Load the 6th IISG Board meeting (Sarajevo, 20 June 2022) as demo data. Safe to run again."

    def handle(self, *args, **options):
        meeting = load_sixth_board_meeting()
        self.stdout.write(self.style.SUCCESS(f"Loaded: {meeting} ({meeting.get_absolute_url()})"))
        # The published record's version chain (core/chain.py): version 1, or a new version if the demo changed.
        again = chain.latest(meeting, chain.PUBLIC) is not None
        sealed = chain.seal(chain.Seal(record=meeting, reason="The demo data was loaded again." if again else ""))
        if sealed.appended:
            self.stdout.write(f"Versions: {', '.join(f'{v.audience} {v.number}' for v in sealed.appended)}")
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo users were created.")
            return
        procedure = load_demo_procedure()
        self.stdout.write(self.style.SUCCESS(f"Loaded: {procedure} ({procedure.get_absolute_url()})"))
        self.stdout.write("Demo users (DEBUG only; sign in at /accounts/login/ or /admin/):")
        with transaction.atomic():
            for username, password, group, superuser in DEMO_USERS:
                user, created = get_user_model().objects.get_or_create(
                    username=username,
                    defaults={"is_staff": superuser, "is_superuser": superuser, "email": f"{username}@iisg.example"},
                )
                if created:
                    user.set_password(password)
                    user.save()
                if group:
                    user.groups.add(Group.objects.get(name=group))
                self.stdout.write(f"  {username:<12} password: {password}")
