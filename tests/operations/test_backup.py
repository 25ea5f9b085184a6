"""
manage.py backup and restore: backup → wipe → restore gives back every row and every file, on the
database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL=postgres://…). Only the test
database is touched: the tests drop its tables and restore into it; a fixture migrates it again if
a test stops half-way.
"""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core.backup import code_schema
from core.roles import sync_group_permissions
from decisions import services
from decisions.models import Decision, Document, DocumentFile
from portal.permissions import ROLE_PERMISSIONS
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def table_counts() -> dict[str, int]:
    """Every table's row count, read with Django's introspection (not with core.backup's own)."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def stored_files(media: Path) -> dict[str, bytes]:
    return {str(path.relative_to(media)): path.read_bytes() for path in sorted(media.rglob("*")) if path.is_file()}


def wipe_database() -> None:
    """The disaster: every table of the (test) database gone."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TABLE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def rewrite_archive(path: Path, changes: dict) -> None:
    """Replace members of an archive: {name: new bytes, or a function of the old bytes}."""
    with tarfile.open(path) as tar:
        members = [(member, tar.extractfile(member).read()) for member in tar.getmembers()]
    with tarfile.open(path, "w:") as tar:
        for member, data in members:
            change = changes.get(member.name)
            if change is not None:
                data = change(data) if callable(change) else change
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def edit_manifest(path: Path, edit) -> None:
    def rewrite(data: bytes) -> bytes:
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    rewrite_archive(path, {"manifest.json": rewrite})


@pytest.fixture(autouse=True)
def _migrated_afterwards():
    """A test that stops after the wipe must not leave the test database without tables for the next."""
    yield
    if not connection.introspection.table_names():
        call_command("migrate", verbosity=0)


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def portal(media):
    """The demo record (the 6th Board meeting, with its history) and two documents with uploaded versions."""
    sync_group_permissions(ROLE_PERMISSIONS)
    call_command("load_demo", stdout=io.StringIO())
    first, second = DocumentFactory(title="Needs mapping"), DocumentFactory(title="Work plan")
    services.add_document_version(document=first, uploaded_file=SimpleUploadedFile("a.pdf", PDF + b"one"))
    services.add_document_version(document=first, uploaded_file=SimpleUploadedFile("a.pdf", PDF + bytes(range(256))))
    services.add_document_version(document=second, uploaded_file=SimpleUploadedFile("b.pdf", PDF + b"\x00" * 70_000))
    assert DocumentFile.objects.count() == 3
    assert Decision.objects.exists()


@pytest.fixture
def archive(portal, tmp_path) -> Path:
    output = run("backup", "--output", str(tmp_path / "backups"))
    return Path(output.strip().splitlines()[-1])


def test_backup_wipe_restore_gives_back_every_row_and_file(portal, media, tmp_path):
    rows_before, files_before = table_counts(), stored_files(media)
    archive = Path(run("backup", "--output", str(tmp_path / "backups")).strip().splitlines()[-1])

    wipe_database()
    shutil.rmtree(media)
    output = run("restore", str(archive))

    assert "Verified:" in output
    assert table_counts() == rows_before
    assert stored_files(media) == files_before
    assert len(files_before) == 3
    # The restored portal works: its files have their rows, new rows get new ids.
    assert run("check_files").startswith("Orphaned files (on storage, no row points at them): 0")
    version = DocumentFile.objects.order_by("pk").first()
    with version.file.open("rb") as handle:
        assert handle.read() == PDF + b"one"
    new = DocumentFactory(title="After the restore")
    assert new.pk > max(Document.objects.exclude(pk=new.pk).values_list("pk", flat=True))


def test_the_manifest_describes_the_archive(archive, media):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        dump = tar.extractfile(manifest["database"]["member"]).read()
    assert archive.stat().st_mode & 0o777 == 0o600
    assert manifest["format"] == "iisg-portal-backup"
    assert manifest["portal"]["version"] == "0.1.0"
    assert manifest["schema"] == code_schema()
    # The latest migration of the app (read from the migration graph, not written here: branches add migrations).
    [(_app, latest)] = MigrationLoader(connection).graph.leaf_nodes("decisions")
    assert manifest["schema"]["decisions"] == latest
    assert manifest["rows"] == table_counts()
    assert manifest["database"]["sha256"] == hashlib.sha256(dump).hexdigest()
    files = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    assert files == {name: hashlib.sha256(data).hexdigest() for name, data in stored_files(media).items()}
    assert names == [manifest["database"]["member"], *(f"media/{name}" for name in files), "manifest.json"]


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(archive, media):
    rows_at_backup = table_counts()
    DocumentFactory(title="Written after the backup")
    rows_now = table_counts()

    with pytest.raises(CommandError, match=r"is not empty \(\d+ tables\).*--force"):
        run("restore", str(archive))
    assert table_counts() == rows_now

    output = run("restore", "--force", str(archive))
    assert "--force: the" in output
    assert table_counts() == rows_at_backup
    assert not Document.objects.filter(title="Written after the backup").exists()


def test_restore_refuses_another_schema_version_naming_the_app(archive):
    edit_manifest(archive, lambda manifest: manifest["schema"].update(decisions="0099_from_the_future"))
    rows = table_counts()
    with pytest.raises(CommandError) as error:
        run("restore", "--force", str(archive))
    message = str(error.value)
    assert "schema version does not match this code's migrations" in message
    [(_app, latest)] = MigrationLoader(connection).graph.leaf_nodes("decisions")
    assert f"app 'decisions': the archive is at 0099_from_the_future, the code at {latest}" in message
    assert "app 'meetings'" not in message
    assert table_counts() == rows


def test_restore_refuses_a_damaged_archive_before_changing_anything(archive, media, tmp_path):
    name = DocumentFile.objects.order_by("pk").first().file.name
    intact = Path(shutil.copy(archive, tmp_path / "intact.tar"))
    rewrite_archive(archive, {f"media/{name}": lambda data: data[:-1] + b"X"})
    wipe_database()
    shutil.rmtree(media)
    with pytest.raises(CommandError, match=rf"is damaged:\n  media/{name}: checksum or size differs"):
        run("restore", str(archive))
    assert connection.introspection.table_names() == []
    assert not media.exists()
    # The intact archive puts the tables back, in a fraction of the time migrating anew takes.
    run("restore", str(intact))
    assert connection.introspection.table_names() != []


def test_restore_fails_loudly_when_the_result_differs_from_the_manifest(archive):
    edit_manifest(
        archive, lambda manifest: manifest["rows"].update(decisions_decision=manifest["rows"]["decisions_decision"] + 1)
    )
    with pytest.raises(
        CommandError, match=r"Restore verification FAILED.*\n  table decisions_decision: \d+ rows in the archive"
    ):
        run("restore", "--force", str(archive))


def test_restore_refuses_an_archive_of_the_other_database(archive):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    edit_manifest(archive, lambda manifest: manifest["database"].update(vendor=other))
    with pytest.raises(
        CommandError, match=f"The archive holds a {other} database; this portal's database is {connection.vendor}"
    ):
        run("restore", "--force", str(archive))


def test_restore_check_changes_nothing(archive):
    rows = table_counts()
    assert "is intact and restorable here" in run("restore", "--check", str(archive))
    assert table_counts() == rows


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the suite runs on SQLite; set DATABASE_URL=postgres://… to run it on PostgreSQL",
)
def test_on_postgresql_the_archive_holds_a_custom_format_dump(archive):
    with tarfile.open(archive) as tar:
        assert tar.extractfile("database.pgdump").read(5) == b"PGDMP"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the suite runs on PostgreSQL")
def test_on_sqlite_the_archive_holds_a_database_file(archive):
    with tarfile.open(archive) as tar:
        assert tar.extractfile("database.sqlite3").read(16) == b"SQLite format 3\x00"


def test_a_restore_makes_the_cached_public_pages_stale(archive, settings):
    """The restore replaces the database beneath Django, sending no model signal: it changes the generation itself."""
    from core import pagecache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "restore"}}
    settings.PAGE_CACHE_SECONDS = 300
    generation = pagecache.current_generation()
    run("restore", "--force", str(archive))
    assert pagecache.current_generation() != generation
