"""manage.py restore ARCHIVE: put a backup back, and check that everything came back (see core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, check_compatible, restore_backup, verify_archive


class Command(BaseCommand):
    help = (
        "Restore an archive written by manage.py backup into this portal's database and file storage. "
        "Stop the portal's processes first. Refuses an archive whose schema version (latest migration of "
        "each app) differs from this code's, naming the app; refuses a damaged archive (a checksum differs) "
        "before changing anything. Refuses a database that has any table, unless --force. Restores the "
        "database and the files, then counts every table's rows and hashes every file again: any "
        "difference from the manifest fails the restore (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar archive written by manage.py backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Replace a database that is not empty: all its tables are dropped (not flushed: rows that "
                "migrations create, such as the role groups, would clash with the archive's), in the same "
                "transaction as the restore on PostgreSQL; files on storage with other content than the "
                "archive's are overwritten. Files that are not in the archive are left alone "
                "(manage.py check_files lists them)."
            ),
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive (every checksum) and that this code can restore it; change nothing.",
        )

    def handle(self, *args, archive: Path, force=False, check=False, **options):
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            if check:
                checked = verify_archive(archive)
                check_compatible(checked)
                manifest = checked.manifest
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{archive} is intact and restorable here: {checked.vendor} database of "
                        f"{manifest['created_at']}, {sum(manifest['rows'].values())} rows, "
                        f"{len(manifest['files'])} files."
                    )
                )
                return
            restore_backup(archive, force=force, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}."))
