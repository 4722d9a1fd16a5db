"""`manage.py backup` of the small demo, restored by `manage.py restore` into a new database and new
folders: the same rows per table, the same files, and a link signed before still works.

The restore runs in its own process with the new installation's settings, as an operator runs it.
On PostgreSQL the new database is created on the same server and dropped afterwards.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection

from scheduling import manage_links
from scheduling.models import Appointment

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),  # pg_dump reads committed rows only
    # Seeding the small demo takes about 30 s alone; on a machine shared by several test runs, 4 minutes.
    pytest.mark.timeout(900),
]


def row_counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def files_in(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def local_files(tmp_path, settings):
    """Media and private files of this test only (local folders, as by default)."""
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    return media, private


@pytest.fixture
def new_database(tmp_path):
    """The URL of a new, empty database of the vendor the suite runs on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"touchpoints_restore_{uuid.uuid4().hex[:12]}"
    settings_dict = connection.settings_dict
    server = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    auth = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    try:
        yield f"postgres://{auth}@{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_row_counts(database_url: str) -> dict[str, int]:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
        tables = [name for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # type: ignore[index]  # noqa: S608


def new_installation(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "S3_BUCKET", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        TOUCHPOINTS_VAR_DIR=str(tmp_path / "restored-var"),
        MEDIA_ROOT=str(tmp_path / "restored-media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "restored-private"),
        HUEY_IMMEDIATE="1",
    )
    return env


def manage(env: dict[str, str], *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_small_demo_comes_back_whole_in_a_new_database_and_folders(tmp_path, local_files, new_database):
    media, private = local_files
    call_command("seed_demo", size="small", seed=1, verbosity=0)
    storages["default"].save("providers/dr-demo.jpg", ContentFile(b"\xff\xd8 a provider photo"))
    storages["private"].save("insurance-cards/1/0123abcd.jpg", ContentFile(b"\xff\xd8 a card photo" * 1000))
    appointment = Appointment.objects.select_related("practice").order_by("pk").first()
    assert appointment is not None
    link_token = manage_links.token_for(appointment)
    counts_before = row_counts_here()
    assert counts_before["scheduling_appointment"] > 1000 and counts_before["patients_patient"] > 1000

    call_command("backup", output_dir=str(tmp_path / "backups"), verbosity=0)
    (archive,) = (tmp_path / "backups").glob("touchpoints-backup-*.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # it holds the secret key: its owner's only
    with tarfile.open(archive) as tar:
        member = tar.extractfile(f"{archive.name.removesuffix('.tar.gz')}/manifest.json")
        assert member is not None
        manifest = json.loads(member.read())
    assert manifest["database"]["tables"] == counts_before
    assert {(entry["area"], entry["name"]) for entry in manifest["files"]} == {
        ("media", "providers/dr-demo.jpg"),
        ("private", "insurance-cards/1/0123abcd.jpg"),
    }

    env = new_installation(tmp_path, new_database)
    restore = manage(env, "restore", str(archive))
    assert restore.returncode == 0, restore.stderr
    assert "row counts and file hashes match" in restore.stdout

    assert restored_row_counts(new_database) == counts_before
    assert files_in(tmp_path / "restored-media") == files_in(media)
    assert files_in(tmp_path / "restored-private") == files_in(private)
    # The restored installation has the old secret key: the manage link signed before still opens.
    check_link = manage(
        env,
        "shell",
        "-c",
        "import os; from practices.models import Practice; from scheduling.manage_links import appointment_for_token; "
        "found = appointment_for_token(Practice.objects.get(pk=int(os.environ['PRACTICE'])), os.environ['TOKEN']); "
        "print('link opens appointment', found.pk if found else None)",
        PRACTICE=str(appointment.practice_id),
        TOKEN=link_token,
    )
    assert check_link.returncode == 0, check_link.stderr
    assert f"link opens appointment {appointment.pk}" in check_link.stdout

    # A second restore into the now full database is refused, and changes nothing.
    again = manage(env, "restore", str(archive))
    assert again.returncode != 0 and "new, empty database" in again.stderr
    assert restored_row_counts(new_database) == counts_before
