"""`manage.py seal_records`: give each published meeting without a version chain its version 1 (core/chain.py)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core import chain
from core.workflow import RecordStatus
from meetings.models import Meeting


class Command(BaseCommand):
    help = "Version 1 of each audience's chain for every published meeting that has none (idempotent)."

    def handle(self, *args, **options):
        appended = 0
        for meeting in Meeting.objects.filter(status=RecordStatus.PUBLISHED).order_by("pk"):
            with transaction.atomic():
                if chain.latest(meeting, chain.PUBLIC) is None or chain.latest(meeting, chain.BOARD) is None:
                    sealed = chain.seal(chain.Seal(record=meeting, reason=""))
                    appended += len(sealed.appended)
        self.stdout.write(f"{appended} version(s) appended.")
