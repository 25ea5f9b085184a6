"""
Every access to an uploaded file goes through Django's STORAGES, so object storage is a settings
change: with a default storage that has no folder on this machine (in memory here, as S3 has none),
uploading, downloading, a rolled-back upload, check_files, backup and restore all still work, and
nothing is written under MEDIA_ROOT. The S3 settings (STORAGE_S3_*) build the S3 storage with the
transaction-following mixin; no network is needed to check them.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from core.files import walk
from core.storage import FilesFollowTransactionMixin
from decisions import services
from decisions.models import DocumentFile
from tests.factories import DecisionFactory, DocumentFactory, MeetingFactory
from tests.operations.test_backup import table_counts, wipe_database
from tests.operations.test_files import PDF, rolled_back

ROOT = Path(__file__).resolve().parents[2]


class TransactionalMemoryStorage(FilesFollowTransactionMixin, InMemoryStorage):
    """A storage without a local path, like object storage: the mixin deletes through the storage."""


@pytest.fixture(autouse=True)
def memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.TransactionalMemoryStorage"},
    }
    storage = storages["default"]
    assert isinstance(storage, TransactionalMemoryStorage)
    return storage


def names(storage) -> list[str]:
    return list(walk(storage))


def nothing_on_disk(settings) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_the_file_field_writes_to_the_configured_storage(memory_storage):
    stored = DocumentFile._meta.get_field("file").storage.save("probe.txt", io.BytesIO(b"probe"))
    assert memory_storage.exists(stored)
    assert default_storage.exists(stored)


def test_upload_and_download_through_the_storage(settings, secretariat, board_member, memory_storage):
    document = DocumentFactory(title="Needs mapping")
    DecisionFactory(meeting=MeetingFactory()).documents.add(document)  # Board members read it once acted on
    editor = Client()
    editor.force_login(secretariat)
    upload = reverse("decisions-edit:document-upload", args=[document.slug])
    response = editor.post(upload, {"file": SimpleUploadedFile("mapping.pdf", PDF + b"memory")})
    assert response.status_code == 302
    version = DocumentFile.objects.get(document=document)
    assert names(memory_storage) == [version.file.name]
    assert nothing_on_disk(settings)

    reader = Client()
    reader.force_login(board_member)
    download = reader.get(reverse("decisions:document-download", args=[document.slug, version.number]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF + b"memory"
    assert download["Content-Disposition"].startswith("attachment")
    # The public may not download it: the access check comes before the storage.
    assert Client().get(reverse("decisions:document-download", args=[document.slug, version.number])).status_code == 404


def test_a_missing_object_is_a_404(board_member, memory_storage):
    document = DocumentFactory()
    version = services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    memory_storage.delete(version.file.name)
    reader = Client()
    reader.force_login(board_member)
    assert reader.get(reverse("decisions:document-download", args=[document.slug, version.number])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_upload_deletes_the_object(memory_storage, monkeypatch):
    document = DocumentFactory()
    original_save = DocumentFile.save

    def save(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        assert memory_storage.exists(self.file.name)
        raise DatabaseError("forced failure after the object was written")

    monkeypatch.setattr(DocumentFile, "save", save)
    with pytest.raises(DatabaseError):
        services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert names(memory_storage) == []


def test_a_save_rolled_back_inside_a_savepoint_deletes_the_object(db, memory_storage):
    document = DocumentFactory()
    rolled_back(
        lambda: services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    )
    assert names(memory_storage) == []


def test_check_files_reads_the_storage(db, memory_storage):
    document = DocumentFactory()
    version = services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    orphan = memory_storage.save("documents/stray/v9.pdf", io.BytesIO(PDF))
    out = io.StringIO()
    with _expect_failure():
        call_command("check_files", stdout=out)
    assert orphan in out.getvalue()
    memory_storage.delete(version.file.name)
    out = io.StringIO()
    with _expect_failure():
        call_command("check_files", "--delete-orphans", stdout=out)
    assert f"{version.file.name}  (decisions.DocumentFile" in out.getvalue()
    assert not memory_storage.exists(orphan)


def _expect_failure():
    return pytest.raises(CommandError, match="Files and rows disagree")


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_through_the_storage(settings, memory_storage, tmp_path):
    document = DocumentFactory(title="Work plan")
    services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("w.pdf", PDF + b"plan"))
    before_rows = table_counts()
    before_files = {name: memory_storage.open(name).read() for name in names(memory_storage)}
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    archive = out.getvalue().strip().splitlines()[-1]

    wipe_database()
    for name in names(memory_storage):
        memory_storage.delete(name)
    try:
        call_command("restore", archive, stdout=io.StringIO())
    finally:
        if not table_counts():
            call_command("migrate", verbosity=0)
    assert table_counts() == before_rows
    assert {name: memory_storage.open(name).read() for name in names(memory_storage)} == before_files
    assert nothing_on_disk(settings)


# --- The S3 settings -----------------------------------------------------------------------------------


def s3_storage(**env) -> subprocess.CompletedProcess:
    """Build the default storage in a fresh interpreter from these variables (no request is sent to S3)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_S3_", "DJANGO_", "AWS_"))}
    clean.update(DEBUG="1", DJANGO_SETTINGS_MODULE="iisg_portal.settings", **env)
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import default_storage as s\n"
        "from core.storage import FilesFollowTransactionMixin\n"
        "s._setup(); s = s._wrapped\n"
        "print(type(s).__module__, type(s).__name__, isinstance(s, FilesFollowTransactionMixin))\n"
        "print(s.bucket_name, s.endpoint_url, s.region_name, s.location, s.addressing_style, s.file_overwrite)\n"
        "print(s.access_key, s.default_acl, s.querystring_expire)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def test_the_s3_settings_build_an_s3_storage_whose_files_follow_their_transaction():
    result = s3_storage(
        STORAGE_S3_BUCKET="iisg-files",
        STORAGE_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        STORAGE_S3_REGION="eu-central-1",
        STORAGE_S3_ACCESS_KEY_ID="portal",
        STORAGE_S3_SECRET_ACCESS_KEY="portal-secret",
        STORAGE_S3_PREFIX="/uploads/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "core.storage_s3 TransactionalS3Storage True",
        "iisg-files http://127.0.0.1:9000 eu-central-1 uploads path False",
        "portal None 60",
    ]


def test_on_aws_the_credentials_may_come_from_the_machine():
    result = s3_storage(STORAGE_S3_BUCKET="iisg-files")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "iisg-files None None  auto False"
