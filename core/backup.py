"""
Backup and restore of the whole portal: the database and the uploaded files, in one archive.

An archive is an uncompressed tar (its big parts are compressed already: pg_dump's custom format,
PDF and Office files) holding, in this order:

    database.pgdump      PostgreSQL: `pg_dump -Fc`, from one snapshot            (or)
    database.sqlite3     SQLite: a copy made with sqlite3's online backup API
    media/<name>         every file on the default storage, under the name the rows store
    manifest.json        what is in it, to check a restore against (see `_manifest`)

The database is copied first, then the files: the app never deletes or rewrites an uploaded file,
so every file a row of the copy names is on storage by then. The manifest's row counts and
schema versions are read from the same snapshot as the dump.

`restore` refuses an archive whose schema version is not the code's, checks every checksum before
it changes anything, replaces the database, puts the files back through the default storage, and
then counts and hashes again: any difference is an error.
"""

import datetime as dt
import hashlib
import io
import json
import os
import posixpath
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import django
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from core import pagecache
from core.files import check_files, walk

FORMAT = "iisg-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the operator must read: the backup or restore did not happen, or did not verify."""


# --- What the code and the database say -----------------------------------------------------------


def _latest(migrations) -> dict[str, str]:
    """The latest migration of each app: names begin with a zero-padded number, so the greatest."""
    latest: dict[str, str] = {}
    for app, name in migrations:
        latest[app] = max(name, latest.get(app, ""))
    return dict(sorted(latest.items()))


def _loader() -> MigrationLoader:
    return MigrationLoader(None, ignore_no_migrations=True)


def code_schema() -> dict[str, str]:
    """The schema version of the code: the latest migration of each app."""
    return _latest(_loader().graph.leaf_nodes())


def _applied_schema(cursor) -> dict[str, str]:
    """
    The schema version of a database: the latest applied migration of each app. A squashed
    migration stands for those it replaces (Django records both), as in the code's graph.
    """
    replaced = {key for migration in _loader().replacements.values() for key in migration.replaces}
    cursor.execute("SELECT app, name FROM django_migrations")
    return _latest(key for key in map(tuple, cursor.fetchall()) if key not in replaced)


def schema_differences(archive: dict[str, str], code: dict[str, str]) -> list[str]:
    differences = []
    for app in sorted(set(archive) | set(code)):
        if archive.get(app) != code.get(app):
            differences.append(
                f"app {app!r}: the archive is at {archive.get(app) or 'no migration'}, "
                f"the code at {code.get(app) or 'no migration'}"
            )
    return differences


def _table_names(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cursor.execute(
            """
            SELECT c.relname FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            """
        )
    return sorted(row[0] for row in cursor.fetchall())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _table_names(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # a name from the catalogue, quoted
        counts[table] = cursor.fetchone()[0]
    return counts


def _portal_version() -> dict[str, str | None]:
    version = None
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    if pyproject.exists():
        version = tomllib.loads(pyproject.read_text()).get("project", {}).get("version")
    commit = os.environ.get("PORTAL_COMMIT") or None
    if commit is None and shutil.which("git"):
        try:
            result = subprocess.run(
                ["git", "rev-parse", "HEAD"],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None and result.returncode == 0:
            commit = result.stdout.strip() or None
    return {"version": version, "commit": commit}


def _sha256(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class _HashingReader:
    """Reads through to a file, hashing what passes (tarfile copies a member from it)."""

    def __init__(self, raw: IO[bytes]):
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


# --- Database copies -------------------------------------------------------------------------


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore: no password on a command line."""
    options = settings_dict.get("OPTIONS", {})
    values = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGPASSFILE": options.get("passfile"),
        "PGSERVICE": options.get("service"),
    }
    # The inherited PG* variables stay (psycopg reads them too); the settings' values win.
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs (apt-get install postgresql-client)."
        )
    return path


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}):\n{result.stderr.strip()}")


def _dump_postgresql(connection, target: Path) -> tuple[dict[str, str], dict[str, int]]:
    """pg_dump -Fc from a snapshot that the schema versions and row counts are read from too."""
    pg_dump = _program("pg_dump")
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True  # the transaction below is ours, with its isolation level
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            schema = _applied_schema(cursor)
            rows = _row_counts(cursor, "postgresql")
            # The exporting transaction stays open until pg_dump is done: it reads the same snapshot.
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                _pg_environment(connection.settings_dict),
            )
            cursor.execute("ROLLBACK")
    finally:
        raw.close()
    return schema, rows


def _dump_sqlite(connection, target: Path) -> tuple[dict[str, str], dict[str, int]]:
    """sqlite3's online backup: a consistent copy while the portal goes on writing."""
    source = connection.get_new_connection(connection.get_connection_params())
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            cursor = copy.cursor()
            schema, rows = _applied_schema(cursor), _row_counts(cursor, "sqlite")
        finally:
            copy.close()
    finally:
        source.close()
    return schema, rows


# --- backup ---------------------------------------------------------------------------------


def _archive_path(output_dir: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = output_dir / f"iisg-backup-{stamp}.tar", 2
    while path.exists() or path.with_name(path.name + ".part").exists():
        path, n = output_dir / f"iisg-backup-{stamp}-{n}.tar", n + 1
    return path


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(output_dir: Path, log=print, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write one archive of the database and the uploaded files into output_dir; return its path."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DUMP_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _archive_path(output_dir)
    partial = path.with_name(path.name + ".part")
    dump_member = DUMP_MEMBERS[vendor]
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as scratch:
        dump = Path(scratch) / dump_member
        log(f"Copying the {vendor} database {connection.settings_dict['NAME']}…")
        schema, rows = (_dump_postgresql if vendor == "postgresql" else _dump_sqlite)(connection, dump)
        differences = schema_differences(schema, code_schema())
        if differences:
            log("Warning: the database is not at the code's schema; a restore will need code at the database's:")
            for line in differences:
                log(f"  {line}")
        files = []
        # Only the owner may read it: it holds every record and the users' password hashes.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w:") as archive:
                with dump.open("rb") as raw:
                    reader = _HashingReader(raw)
                    info = archive.gettarinfo(str(dump), arcname=dump_member)
                    info.mode = 0o600
                    archive.addfile(info, reader)
                database = {
                    "vendor": vendor,
                    "member": dump_member,
                    "size": reader.size,
                    "sha256": reader.digest.hexdigest(),
                }
                for name in walk(default_storage):
                    info = tarfile.TarInfo(MEDIA_PREFIX + name)
                    info.size, info.mtime, info.mode = default_storage.size(name), int(time.time()), 0o600
                    with default_storage.open(name, "rb") as raw:
                        reader = _HashingReader(raw)
                        archive.addfile(info, reader)
                    files.append({"name": name, "size": reader.size, "sha256": reader.digest.hexdigest()})
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "host": socket.gethostname(),
                    "portal": _portal_version(),
                    "django": django.get_version(),
                    "schema": schema,
                    "database": database,
                    "rows": rows,
                    "files": files,
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
            # Read back what was written before calling it a backup.
            verify_archive(partial)
            partial.rename(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    missing = check_files().missing
    log(f"Wrote {path}: {sum(rows.values())} rows in {len(rows)} tables, {len(files)} files.")
    if missing:
        log(
            f"Warning: {len(missing)} file(s) that rows point at were absent and are not in the backup "
            "(manage.py check_files lists them)."
        )
    return path


# --- restore ----------------------------------------------------------------------------------


@dataclass
class Archive:
    path: Path
    manifest: dict

    @property
    def vendor(self) -> str:
        return self.manifest["database"]["vendor"]


def _safe_name(name: str) -> bool:
    normal = posixpath.normpath(name)
    return bool(name) and normal == name and not name.startswith(("/", "../")) and name != ".."


def read_manifest(path: Path) -> Archive:
    try:
        with tarfile.open(path, mode="r:") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{path} is not a portal backup archive (no readable {MANIFEST}): {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a portal backup archive (format {manifest.get('format')!r}).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is an archive of format version {manifest.get('format_version')}; "
            f"this code reads version {FORMAT_VERSION}."
        )
    for entry in manifest["files"]:
        if not _safe_name(entry["name"]):
            raise BackupError(f"{path} names a file outside the media folder: {entry['name']!r}.")
    return Archive(path, manifest)


def verify_archive(path: Path) -> Archive:
    """Every member the manifest lists is there with its checksum, and there is nothing else."""
    archive = read_manifest(path)
    manifest = archive.manifest
    expected = {manifest["database"]["member"]: manifest["database"]}
    expected.update({MEDIA_PREFIX + entry["name"]: entry for entry in manifest["files"]})
    problems, seen = [], set()
    with tarfile.open(path, mode="r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            entry = expected.get(member.name)
            if entry is None or not member.isfile():
                problems.append(f"{member.name}: not in the manifest")
                continue
            seen.add(member.name)
            digest, size = _sha256(tar.extractfile(member))
            if (digest, size) != (entry["sha256"], entry["size"]):
                problems.append(f"{member.name}: checksum or size differs from the manifest")
    problems += [f"{name}: in the manifest, not in the archive" for name in sorted(set(expected) - seen)]
    if problems:
        raise BackupError(f"{path} is damaged:\n  " + "\n  ".join(problems))
    return archive


def check_compatible(archive: Archive, using: str = DEFAULT_DB_ALIAS) -> None:
    vendor = connections[using].vendor
    if archive.vendor != vendor:
        raise BackupError(f"The archive holds a {archive.vendor} database; this portal's database is {vendor}.")
    differences = schema_differences(archive.manifest["schema"], code_schema())
    if differences:
        raise BackupError(
            "The archive's schema version does not match this code's migrations:\n  "
            + "\n  ".join(differences)
            + "\nRestore it with the portal's version that wrote it "
            f"(commit {archive.manifest['portal'].get('commit') or 'unknown'}), then migrate."
        )


def _database_tables(using: str) -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return _table_names(cursor, connection.vendor)


def _differing_files(archive: Archive) -> list[str]:
    """Files of the archive that storage already holds with other content."""
    differing = []
    for entry in archive.manifest["files"]:
        if default_storage.exists(entry["name"]):
            with default_storage.open(entry["name"], "rb") as handle:
                if _sha256(handle)[0] != entry["sha256"]:
                    differing.append(entry["name"])
    return differing


def _restore_database(archive: Archive, tar: tarfile.TarFile, tables: list[str], using: str) -> None:
    """Replace the database with the archive's; the tables listed (with --force) are dropped first."""
    connection = connections[using]
    member = archive.manifest["database"]["member"]
    with tempfile.TemporaryDirectory(prefix="iisg-restore-") as scratch:
        dump = Path(scratch) / member
        with tar.extractfile(member) as source, dump.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        if archive.vendor == "postgresql":
            _restore_postgresql(connection, dump, tables, Path(scratch))
        else:
            # The backup API replaces the whole database, tables and all, in one step.
            connection.ensure_connection()
            source = sqlite3.connect(dump)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


def _restore_postgresql(connection, dump: Path, tables: list[str], scratch: Path) -> None:
    """
    pg_restore writes the dump as SQL; psql runs it after the DROP of the old tables, all in one
    transaction: a restore that fails leaves the database as it was. Owners and grants are the
    target's (the dump may come from a server with other roles).
    """
    drop = scratch / "drop.sql"
    drop.write_text(("DROP TABLE IF EXISTS " + ", ".join(_quote(t) for t in tables) + " CASCADE;\n") if tables else "")
    environment = _pg_environment(connection.settings_dict)
    connection.close()
    with subprocess.Popen(
        [_program("pg_restore"), "--no-owner", "--no-acl", "--file=-", str(dump)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as sql:
        psql = subprocess.run(
            [
                _program("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--file={drop}",
                "--file=-",
            ],
            env=environment,
            stdin=sql.stdout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        sql.stdout.close()
        sql_errors = sql.stderr.read().decode(errors="replace").strip()
    # psql first: when it stops at an error, pg_restore fails only because nobody reads its output.
    if psql.returncode != 0:
        raise BackupError(f"psql failed (exit {psql.returncode}); the database is unchanged:\n{psql.stderr.strip()}")
    if sql.returncode != 0:
        raise BackupError(f"pg_restore failed (exit {sql.returncode}); the database is unchanged:\n{sql_errors}")


def _restore_files(archive: Archive, tar: tarfile.TarFile) -> int:
    written = 0
    for entry in archive.manifest["files"]:
        name = entry["name"]
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                if _sha256(handle)[0] == entry["sha256"]:
                    continue
            default_storage.delete(name)
        with tar.extractfile(MEDIA_PREFIX + name) as source:
            stored = default_storage.save(name, File(source, name=posixpath.basename(name)))
        if stored != name:
            raise BackupError(f"Storage saved {name} as {stored}: the rows would not find it.")
        written += 1
    return written


def verify_restore(archive: Archive, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What differs between the restored database and files and the manifest (nothing, normally)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        rows = _row_counts(cursor, connection.vendor)
    expected = archive.manifest["rows"]
    problems = [
        f"table {table}: {expected.get(table, 'absent')} rows in the archive, {rows.get(table, 'absent')} restored"
        for table in sorted(set(expected) | set(rows))
        if expected.get(table) != rows.get(table)
    ]
    for entry in archive.manifest["files"]:
        if not default_storage.exists(entry["name"]):
            problems.append(f"file {entry['name']}: not on storage")
            continue
        with default_storage.open(entry["name"], "rb") as handle:
            if _sha256(handle) != (entry["sha256"], entry["size"]):
                problems.append(f"file {entry['name']}: checksum differs from the archive")
    return problems


def restore_backup(path: Path, *, force: bool = False, log=print, using: str = DEFAULT_DB_ALIAS) -> Archive:
    """Check, restore and verify an archive (see the module's docstring). Raises BackupError."""
    log(f"Checking {path}…")
    archive = verify_archive(path)
    check_compatible(archive, using)
    tables = _database_tables(using)
    differing = _differing_files(archive)
    name = connections[using].settings_dict["NAME"]
    if tables and not force:
        raise BackupError(
            f"The database {name} is not empty ({len(tables)} tables). Restore into an empty database, "
            "or add --force to drop all its tables and replace them with the archive's."
        )
    if differing and not force:
        raise BackupError(
            f"{len(differing)} file(s) on storage have other content than the archive's (e.g. {differing[0]}). "
            "Add --force to replace them."
        )
    if tables:
        log(f"--force: the {len(tables)} tables of {name} are replaced.")
    with tarfile.open(path, mode="r:") as tar:
        log(f"Restoring the {archive.vendor} database into {name}…")
        _restore_database(archive, tar, tables, using)
        written = _restore_files(archive, tar)
    log(f"Restored {written} file(s); {len(archive.manifest['files']) - written} were already there.")
    # The database was replaced beneath Django (no model signal): every page in the cache is stale. The
    # archive holds the generation it was made under; a new one, whatever the cache settings of this run
    # (an archive without it gets one at the first read: no row is added here, the check below counts rows).
    pagecache.bump_generation(using=using, create=False)
    problems = verify_restore(archive, using)
    if problems:
        raise BackupError(
            "Restore verification FAILED, the restored data differs from the archive:\n  " + "\n  ".join(problems)
        )
    rows = archive.manifest["rows"]
    log(
        f"Verified: {sum(rows.values())} rows in {len(rows)} tables and "
        f"{len(archive.manifest['files'])} files match the archive."
    )
    return archive
