"""manage.py backup: the database and the uploaded files in one archive (see core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive (iisg-backup-<UTC time>.tar, readable by its owner only) holding the database "
        "(PostgreSQL: pg_dump -Fc from one snapshot; SQLite: an online copy, safe while the portal runs), "
        "every uploaded file (through the default storage), and manifest.json: portal version and commit, "
        "the latest applied migration of each app, row counts per table, SHA-256 of the dump and of each "
        "file. The archive is read back and checked before it gets its final name. Prints its path last. "
        "Restore with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="DIR",
            type=Path,
            default=Path(settings.BASE_DIR) / "backups",
            help="Folder for the archive, created if missing (default: backups/ in the project folder).",
        )

    def handle(self, *args, output: Path, **options):
        try:
            path = create_backup(output.resolve(), log=self.stdout.write)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}") from None
        self.stdout.write(str(path))
