"""manage.py check_files: uploaded files without a row, and rows without their file."""

from django.core.management.base import BaseCommand, CommandError

from core.files import check_files


class Command(BaseCommand):
    help = (
        "List orphaned files (on storage, no row points at them) and missing files (a row points at a "
        "file that is absent). Exits with status 1 when there is any. A file that only a history row "
        "still names is not an orphan. --delete-orphans deletes the orphans; missing files can only "
        "come back from a backup (manage.py restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete the orphaned files (after listing them). Missing files still fail the check.",
        )

    def handle(self, *args, delete_orphans=False, **options):
        report = check_files()
        orphans = report.orphan_names
        self.stdout.write(f"Orphaned files (on storage, no row points at them): {len(orphans)}")
        for name in orphans:
            self.stdout.write(f"  {name}")
        self.stdout.write(f"Missing files (a row points at them, the file is absent): {len(report.missing)}")
        for name, reference in report.missing:
            self.stdout.write(f"  {name}  ({reference})")
        if delete_orphans and orphans:
            for key, names in report.orphans.items():
                storage = report.storages[key]
                for name in names:
                    storage.delete(name)
            self.stdout.write(self.style.SUCCESS(f"Deleted {len(orphans)} orphaned file(s)."))
            orphans = []
        if orphans or report.missing:
            problems = []
            if orphans:
                problems.append(f"{len(orphans)} orphaned (--delete-orphans removes them)")
            if report.missing:
                problems.append(f"{len(report.missing)} missing (restore them from a backup)")
            raise CommandError("Files and rows disagree: " + ", ".join(problems) + ".", returncode=1)
        self.stdout.write(self.style.SUCCESS("Every file has its row and every row its file."))
