"""
Which stored files the database points at: the orphans (on storage, no row points at them) and the
missing (a row points at a file that is absent). Generic over every model's FileField, so no
domain app is named here. Used by `manage.py check_files` and `manage.py backup`.
"""

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from simple_history.models import HistoricalChanges

# Folders of files the portal derives and rebuilds (no row points at them, and none is an orphan or
# worth a backup): registered by the app that writes them, in its AppConfig.ready() (the meeting packs).
DERIVED_FOLDERS: set[str] = set()


def register_derived_folder(folder: str) -> None:
    DERIVED_FOLDERS.add(folder.strip("/"))


def _derived(name: str) -> bool:
    return any(name.startswith(f"{folder}/") for folder in DERIVED_FOLDERS)


@dataclass(frozen=True)
class FileReference:
    """A row's FileField value: `decisions.DocumentFile 12 file`."""

    model: str
    pk: object
    field: str

    def __str__(self):
        return f"{self.model} {self.pk} {self.field}"


@dataclass
class FileReport:
    orphans: dict[int, list[str]] = field(default_factory=dict)  # by id(storage)
    missing: list[tuple[str, FileReference]] = field(default_factory=list)
    storages: dict[int, Storage] = field(default_factory=dict)

    @property
    def orphan_names(self) -> list[str]:
        return sorted(name for names in self.orphans.values() for name in names)

    @property
    def clean(self) -> bool:
        return not self.missing and not any(self.orphans.values())


def walk(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name on a storage, below path, as a FileField would store it (slash-separated)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return  # a MEDIA_ROOT that was never written to
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from walk(storage, posixpath.join(path, directory) if path else directory)


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _live_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for file_field in _file_fields(model):
            yield model, file_field


def _history_fields() -> Iterator[tuple[type[models.Model], str, Storage]]:
    """The columns of django-simple-history's tables that copy a FileField's name (as plain text)."""
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            for file_field in _file_fields(model.instance_type):
                yield model, file_field.attname, file_field.storage


def check_files() -> FileReport:
    """
    Compare each storage with the rows. A file named only by a history row (a version's row was
    deleted, its history stays) is not an orphan: the history may still show it. A history row's
    file that is gone is not reported missing: only the live rows must have their files.
    """
    report = FileReport()
    referenced: dict[int, set[str]] = {}
    for model, file_field in _live_fields():
        storage = file_field.storage
        report.storages.setdefault(id(storage), storage)
        names = referenced.setdefault(id(storage), set())
        label = model._meta.label
        rows = model._default_manager.exclude(**{file_field.attname: ""}).values_list("pk", file_field.attname)
        for pk, name in rows.iterator():
            names.add(name)
            if not storage.exists(name):
                report.missing.append((name, FileReference(label, pk, file_field.name)))
    for model, column, storage in _history_fields():
        referenced.setdefault(id(storage), set()).update(
            model._default_manager.exclude(**{column: ""}).values_list(column, flat=True).distinct()
        )
        report.storages.setdefault(id(storage), storage)
    for key, storage in report.storages.items():
        report.orphans[key] = [
            name for name in walk(storage) if name not in referenced.get(key, set()) and not _derived(name)
        ]
    report.missing.sort(key=lambda item: item[0])
    return report
