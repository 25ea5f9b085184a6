"""Files follow their transaction (a rolled-back upload leaves no file); check_files finds orphans and missing files."""

import contextlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from decisions import services
from decisions.models import DocumentFile
from tests.factories import DocumentFactory, DocumentFileFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


class Rollback(Exception):
    """Raised in a test to roll back its transaction."""


def rolled_back(work) -> None:
    """Run work in a transaction (a savepoint if one is open), then roll that back."""
    with contextlib.suppress(Rollback), transaction.atomic():
        work()
        raise Rollback


def stored_files(media: Path) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def failing_save(monkeypatch):
    """The version's row is written (and its file with it), then the database fails: the upload rolls back."""
    original_save = DocumentFile.save

    def save(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        assert default_storage.exists(self.file.name), "the file is written before the failure"
        raise DatabaseError("forced failure after the file was written")

    monkeypatch.setattr(DocumentFile, "save", save)


# --- Files follow their transaction (real commits: transactional tests) ------------------------


@pytest.mark.django_db(transaction=True)
def test_a_forced_rollback_during_an_upload_leaves_no_file(media, failing_save):
    document = DocumentFactory()
    with pytest.raises(DatabaseError, match="forced failure"):
        services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert not DocumentFile.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_an_upload_page_that_fails_leaves_no_file(media, admin_user, failing_save):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    document = DocumentFactory()
    url = reverse("decisions-edit:document-upload", args=[document.slug])
    response = client.post(url, {"file": SimpleUploadedFile("mapping.pdf", PDF)})
    assert response.status_code == 500
    assert not DocumentFile.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_keeps_its_file(media):
    document = DocumentFactory()
    version = services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert stored_files(media) == [version.file.name]
    assert (media / version.file.name).read_bytes() == PDF


@pytest.mark.django_db(transaction=True)
def test_an_enclosing_rollback_removes_a_file_saved_in_a_released_savepoint(media):
    document = DocumentFactory()

    def upload():
        # add_document_version's own atomic block succeeds (its savepoint is released)...
        services.add_document_version(document=document, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
        assert len(stored_files(media)) == 1

    rolled_back(upload)  # ...and the enclosing transaction rolls back.
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_removes_only_its_own_file(media):
    with transaction.atomic():
        kept = default_storage.save("kept.txt", ContentFile(b"kept"))
        rolled_back(lambda: default_storage.save("dropped.txt", ContentFile(b"dropped")))
        assert stored_files(media) == [kept]
    assert stored_files(media) == [kept]


@pytest.mark.django_db(transaction=True)
def test_a_file_saved_outside_a_transaction_is_kept(media):
    name = default_storage.save("autocommit.txt", ContentFile(b"x"))
    assert stored_files(media) == [name]


@pytest.mark.django_db
def test_the_cleanup_deletes_the_file_where_it_was_written(settings, tmp_path):
    """A rollback after MEDIA_ROOT changed (as between tests) deletes the written file, not a namesake."""
    first, second = tmp_path / "first", tmp_path / "second"
    settings.MEDIA_ROOT = first

    def save_then_move_media_root():
        assert default_storage.save("same.txt", ContentFile(b"x")) == "same.txt"
        settings.MEDIA_ROOT = second
        second.mkdir()
        (second / "same.txt").write_bytes(b"namesake")

    rolled_back(save_then_move_media_root)
    assert not (first / "same.txt").exists()
    assert (second / "same.txt").read_bytes() == b"namesake"


# --- manage.py check_files ---------------------------------------------------------------------


def run_check_files(*args) -> tuple[str, int]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("check_files", *args, stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


@pytest.mark.django_db
def test_check_files_passes_when_files_and_rows_agree():
    DocumentFileFactory()
    output, status = run_check_files()
    assert status == 0
    assert "Orphaned files (on storage, no row points at them): 0" in output
    assert "Missing files (a row points at them, the file is absent): 0" in output


@pytest.mark.django_db
def test_check_files_finds_an_orphan_and_a_missing_file(media):
    present = DocumentFileFactory()
    gone = DocumentFileFactory()
    (media / gone.file.name).unlink()
    orphan = default_storage.save("documents/stray/v9.pdf", ContentFile(PDF))
    output, status = run_check_files()
    assert status == 1
    assert f"Orphaned files (on storage, no row points at them): 1\n  {orphan}\n" in output
    assert f"Missing files (a row points at them, the file is absent): 1\n  {gone.file.name}" in output
    assert f"decisions.DocumentFile {gone.pk} file" in output
    assert present.file.name not in output
    assert "1 orphaned (--delete-orphans removes them), 1 missing (restore them from a backup)" in output


@pytest.mark.django_db
def test_delete_orphans_deletes_them_and_still_fails_on_missing_files(media):
    gone = DocumentFileFactory()
    (media / gone.file.name).unlink()
    orphan = default_storage.save("documents/stray/v9.pdf", ContentFile(PDF))
    output, status = run_check_files("--delete-orphans")
    assert "Deleted 1 orphaned file(s)." in output
    assert not default_storage.exists(orphan)
    assert status == 1
    assert "1 missing" in output
    gone.delete()
    assert run_check_files()[1] == 0


@pytest.mark.django_db
def test_a_file_only_the_history_names_is_not_an_orphan(media):
    version = DocumentFileFactory()
    name = version.file.name
    version.delete()  # the row goes, its history rows stay and name the file
    output, status = run_check_files("--delete-orphans")
    assert status == 0, output
    assert (media / name).exists()
