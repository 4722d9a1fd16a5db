"""Back up and restore an installation: the database, public and private files, and the secret key.

One archive (``touchpoints-backup-<UTC time>.tar.gz``) holds:

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs) or
  ``database.dump`` (``pg_dump --format=custom``, taken in the same snapshot the row counts are read in);
- ``files/media/...`` and ``files/private/...``: every file of the ``default`` and ``private`` storages
  (local folders or S3 buckets alike, read through the storage API);
- ``secret_key``: SECRET_KEY, so links signed before the backup still verify after a restore;
- ``manifest.json``: row counts per table, every file with its size and SHA-256.

A restore goes into a new, empty database and empty file storages (whatever the settings of the
restoring process name), then checks the row counts and file hashes against the manifest.
docs/operations.md, "Backup and restore", is the runbook.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection

ARCHIVE_FORMAT = 1
FILE_AREAS = {"media": "default", "private": "private"}  # archive folder -> storage alias
_CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class RestoreSummary:
    tables: int
    rows: int
    files: int
    secret_key: str  # what happened to the secret key, in words


# --- Backup ---------------------------------------------------------------------------------------


def create_backup(output_dir: Path, *, include_secret_key: bool = True, now: datetime | None = None) -> Path:
    """Write one archive into ``output_dir`` and return its path (readable by its owner only)."""
    now = now or datetime.now(UTC)
    name = f"touchpoints-backup-{now:%Y%m%dT%H%M%SZ}"
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="touchpoints-backup-") as work_dir:
        root = Path(work_dir) / name
        root.mkdir()
        database_file, row_counts = _dump_database(root)
        files = [entry for area in FILE_AREAS for entry in _copy_storage_out(area, root / "files" / area)]
        if include_secret_key:
            secret = root / "secret_key"
            secret.write_text(settings.SECRET_KEY)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "created_at": now.isoformat(),
            "database": {"vendor": connection.vendor, "file": database_file, "tables": row_counts},
            "files": files,
            "secret_key": include_secret_key,
        }
        (root / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        archive = output_dir / f"{name}.tar.gz"
        partial = output_dir / f".{name}.tar.gz.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(root, arcname=name)
        os.replace(partial, archive)
    return archive


def _dump_database(root: Path) -> tuple[str, dict[str, int]]:
    if connection.vendor == "sqlite":
        target = root / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # a consistent copy, even while others write
        finally:
            copy.close()
        return target.name, _sqlite_row_counts(target)
    if connection.vendor == "postgresql":
        target = root / "database.dump"
        return target.name, _pg_dump(target)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def _sqlite_row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # The names come from sqlite_master itself, quoted.
        counts = {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608
    db.close()
    return counts


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump in a snapshot that the row counts are read in too, so both describe one moment."""
    import psycopg

    params = _pg_params(connection.settings_dict)
    with psycopg.connect(**params) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        _run(
            [
                _pg_binary("pg_dump", db),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            params,
        )
        counts = _pg_row_counts(db)
    return counts


def _pg_row_counts(db: Any) -> dict[str, int]:
    from psycopg import sql

    tables = db.execute(
        "SELECT schemaname, tablename FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    ).fetchall()
    counts = {}
    for schema, table in tables:
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[table if schema == "public" else f"{schema}.{table}"] = db.execute(query).fetchone()[0]
    return counts


def _copy_storage_out(area: str, target: Path) -> list[dict[str, Any]]:
    storage = storages[FILE_AREAS[area]]
    entries = []
    for name in sorted(_walk(storage)):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, destination.open("wb") as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        entries.append({"area": area, "name": name, "size": destination.stat().st_size, "sha256": digest.hexdigest()})
    return entries


def _walk(storage: Storage, folder: str = ""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage whose folder was never created
        return
    for file_name in files:
        yield posixpath.join(folder, file_name) if folder else file_name
    for sub in folders:
        yield from _walk(storage, posixpath.join(folder, sub) if folder else sub)


# --- Restore --------------------------------------------------------------------------------------


def restore_backup(archive: Path) -> RestoreSummary:
    """Restore ``archive`` into this process's (empty) database and file storages, and verify it."""
    with tempfile.TemporaryDirectory(prefix="touchpoints-restore-") as work_dir:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work_dir, filter="data")  # no absolute paths, links out or devices
        roots = [path for path in Path(work_dir).iterdir() if path.is_dir()]
        if len(roots) != 1 or not (roots[0] / "manifest.json").exists():
            raise BackupError(f"{archive} is not a Touchpoints backup (no manifest.json).")
        root = roots[0]
        manifest = json.loads((root / "manifest.json").read_text())
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}; this version reads {ARCHIVE_FORMAT}.")
        _check_files_in_archive(root, manifest["files"])
        _check_targets_are_empty(manifest)
        _restore_database(root / manifest["database"]["file"], manifest["database"]["vendor"])
        _check_row_counts(manifest["database"]["tables"])
        for entry in manifest["files"]:
            _copy_file_in(root / "files" / entry["area"] / entry["name"], entry)
        secret_note = _restore_secret_key(root / "secret_key") if manifest.get("secret_key") else "not in the backup"
    rows = sum(manifest["database"]["tables"].values())
    return RestoreSummary(len(manifest["database"]["tables"]), rows, len(manifest["files"]), secret_note)


def _check_files_in_archive(root: Path, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        path = root / "files" / entry["area"] / entry["name"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"The archive's copy of {entry['area']}/{entry['name']} is missing or damaged.")


def _check_targets_are_empty(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"The backup is of a {vendor} database; this installation uses {connection.vendor}.")
    if existing := connection.introspection.table_names():
        raise BackupError(
            f"The target database already has {len(existing)} tables: restore into a new, empty database "
            f"({connection.settings_dict['NAME']})."
        )
    for area, alias in FILE_AREAS.items():
        if next(_walk(storages[alias]), None) is not None:
            raise BackupError(f"The {area} storage ({alias}) already holds files: restore into a new, empty one.")


def _restore_database(dump: Path, vendor: str) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    params = _pg_params(connection.settings_dict)
    import psycopg

    with psycopg.connect(**params) as db:
        pg_restore = _pg_binary("pg_restore", db)
    connection.close()
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={params['dbname']}",
            str(dump),
        ],
        params,
    )


def _check_row_counts(expected: dict[str, int]) -> None:
    if connection.vendor == "sqlite":
        found = _sqlite_row_counts(Path(connection.settings_dict["NAME"]))
    else:
        import psycopg

        with psycopg.connect(**_pg_params(connection.settings_dict)) as db:
            found = _pg_row_counts(db)
    if found != expected:
        differing = sorted(name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name))
        raise BackupError(f"Row counts differ after the restore in: {', '.join(differing[:10])}")


def _copy_file_in(path: Path, entry: dict[str, Any]) -> None:
    storage = storages[FILE_AREAS[entry["area"]]]
    with path.open("rb") as handle:
        saved = storage.save(entry["name"], File(handle, name=entry["name"]))
    if saved != entry["name"]:
        raise BackupError(f"{entry['area']}/{entry['name']} was stored as {saved}: the storage was not empty.")
    with storage.open(saved, "rb") as stored:
        digest = hashlib.sha256()
        while chunk := stored.read(_CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"{entry['area']}/{entry['name']} reads back differently from the storage.")


def _restore_secret_key(path: Path) -> str:
    key = path.read_text().strip()
    if configured := os.environ.get("SECRET_KEY"):
        if configured == key:
            return "SECRET_KEY in the environment is the backup's"
        return (
            "WARNING: SECRET_KEY in the environment differs from the backup's; links signed before the backup "
            "stop working unless SECRET_KEY is the key in the archive's secret_key file "
            "(or that key is in SECRET_KEY_FALLBACKS)"
        )
    key_file = Path(settings.VAR_DIR) / "secret_key"
    key_file.write_text(key)
    key_file.chmod(0o600)
    return f"written to {key_file}"


# --- PostgreSQL helpers --------------------------------------------------------------------------


def _pg_params(settings_dict: dict[str, Any]) -> dict[str, Any]:
    options = settings_dict.get("OPTIONS") or {}
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
        **{key: options[key] for key in ("sslmode", "sslrootcert", "sslcert", "sslkey") if key in options},
    }
    return {key: value for key, value in params.items() if value is not None}


def _pg_environment(params: dict[str, Any]) -> dict[str, str]:
    names = {
        "dbname": "PGDATABASE",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
    }
    return {**os.environ, **{names[key]: str(value) for key, value in params.items()}}


def _pg_binary(name: str, db: Any) -> str:
    """The client program for this server: PG_DUMP / PG_RESTORE, the server's own major's, or on PATH.

    pg_dump refuses a server newer than itself, and an older pg_restore may not read a newer dump.
    """
    if explicit := os.environ.get(name.upper()):
        return explicit
    server_major = db.info.server_version // 10000
    for candidate in (f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)):
        if candidate and Path(candidate).exists():
            version = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=True).stdout
            match = re.search(r"(\d+)\.", version)
            if match and int(match.group(1)) >= server_major:
                return candidate
    raise BackupError(
        f"No {name} of PostgreSQL {server_major} or newer was found: install postgresql-client-{server_major} "
        f"or set {name.upper()} to its path."
    )


def _run(command: list[str], params: dict[str, Any]) -> None:
    result = subprocess.run(command, env=_pg_environment(params), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
