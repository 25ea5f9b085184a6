"""
Files follow their transaction: a file saved during a transaction that then rolls back is deleted.

Django writes an uploaded file when the row's FileField is saved, inside the transaction, and does
nothing about it when that transaction rolls back: the file would stay on storage with no row
pointing at it. Each file saved inside an atomic block here registers an on-commit callback.
Django runs it at commit (the file is kept) or, when the block or an enclosing one rolls back,
drops it unrun; the callback is then garbage (at once: CPython frees it when Django lets go of it),
and its finalizer deletes the file. The file is written at once, so code in the same transaction
can read it back; a save outside any transaction (autocommit) keeps its file as before.

The mixin works over any storage: FileSystemStorage here, django-storages' S3Storage in
core/storage_s3.py (STORAGE_S3_BUCKET), where there is no local path and the object is deleted.
`manage.py check_files` finds what this cannot prevent (a process killed between write and commit).
"""

import contextlib
import logging
import os
import weakref

from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)


class _KeepAtCommit:
    """The on-commit callback of one saved file: marks it kept."""

    __slots__ = ("__weakref__", "outcome")

    def __init__(self, outcome: dict):
        self.outcome = outcome

    def __call__(self):
        self.outcome["committed"] = True


def _delete_unless_committed(storage, name: str, path: str | None, outcome: dict) -> None:
    if outcome["committed"]:
        return
    try:
        if path is None:
            storage.delete(name)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
    except Exception:
        # Never let a cleanup hide the error that caused the rollback: check_files will list it.
        logger.exception("Could not delete %s after its transaction rolled back", name)
    else:
        logger.info("Deleted %s: its transaction rolled back", name)


class FilesFollowTransactionMixin:
    """A storage whose files saved inside a transaction are deleted if that transaction rolls back."""

    transaction_using = DEFAULT_DB_ALIAS

    def _save(self, name, content):
        name = super()._save(name, content)
        if transaction.get_connection(self.transaction_using).in_atomic_block:
            outcome = {"committed": False}
            keep = _KeepAtCommit(outcome)
            # On local storage, the file's absolute path now: the rollback may come after MEDIA_ROOT
            # changed (tests change it for each test), and must never delete a same-named file elsewhere.
            # Any other storage (S3, memory) deletes by name: some have a path() that names no file on disk.
            path = self.path(name) if isinstance(self, FileSystemStorage) else None
            # The finalizer holds the storage, the name and the outcome, never the callback itself.
            weakref.finalize(keep, _delete_unless_committed, self, name, path, outcome)
            transaction.on_commit(keep, using=self.transaction_using)
        return name


class TransactionalFileSystemStorage(FilesFollowTransactionMixin, FileSystemStorage):
    """The default storage: files under MEDIA_ROOT, removed again when their save rolls back."""
