"""The real background worker (`manage.py run_huey`) runs django.tasks, embedded and scaled out.

Everything here runs in subprocesses with a clean environment and the production settings
(``config.settings``, HUEY_IMMEDIATE=0), so nothing runs inline: a heartbeat row only appears if
a worker process took the task off the queue. The test process reads the worker's database
directly (sqlite3 / psycopg), never through the test database.

Redis and the database must be reachable: these tests fail, never skip, when they are not.
"""

import os
import secrets
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.deployment import ARRIVAL_TIMEOUT, Deployment, PostgresDatabase, SqliteDatabase

pytestmark = pytest.mark.worker

REDIS_URL = os.environ.get("WORKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _suite_database_is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite file migrated once, copied by each SQLite deployment."""
    root = tmp_path_factory.mktemp("template")
    Deployment(root, SqliteDatabase(root / "db.sqlite3")).migrate()
    return root / "db.sqlite3"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, migrated_sqlite):
    """Embedded mode: an SQLite database, huey's SQLite queue file, one worker."""
    root = tmp_path_factory.mktemp("embedded")
    deployment = Deployment(root, SqliteDatabase(root / "db.sqlite3"))
    deployment.migrate(template=migrated_sqlite)
    deployment.start_worker()
    yield deployment
    deployment.stop_workers()


@pytest.fixture
def scaled_out(tmp_path, migrated_sqlite):
    """Scale-out mode: two workers sharing one Redis queue (a private huey name, flushed after).

    The database follows the suite: PostgreSQL under `make test-postgres`, else an SQLite file.
    """
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # Redis must be reachable: fail, never skip.
    huey_name = f"touchpoints-test-{secrets.token_hex(6)}"
    if _suite_database_is_postgres():
        database = PostgresDatabase(settings.DATABASES["default"])
    else:
        database = SqliteDatabase(tmp_path / "db.sqlite3")
    deployment = Deployment(tmp_path, database, REDIS_URL=REDIS_URL, HUEY_NAME=huey_name)
    try:
        deployment.migrate(template=migrated_sqlite)
        yield deployment
    finally:
        deployment.stop_workers()
        database.drop()
        keys = list(client.scan_iter(match=f"huey.*{huey_name}*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_embedded_worker_runs_a_task(embedded):
    done = embedded.manage("check_worker", "--timeout", str(ARRIVAL_TIMEOUT), "--label", "embedded-heartbeat")
    assert done.returncode == 0, done.stdout + done.stderr + embedded.worker_logs()
    assert "The worker ran 1 heartbeat task(s)" in done.stdout
    assert embedded.database.heartbeats("embedded-heartbeat") == Counter({"embedded-heartbeat": 1})
    embedded.assert_workers_alive()


def test_embedded_worker_retries_a_failing_task(embedded):
    done = embedded.manage(
        "shell",
        "-c",
        "from core.tasks import record_heartbeat_after_one_failure as t; t.enqueue('embedded-flaky')",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    embedded.wait_for("embedded-flaky", {"embedded-flaky": 1})
    time.sleep(1.5)  # long enough for a wrongly repeated attempt (retry_delay is 1 s) to show up
    assert embedded.database.heartbeats("embedded-flaky") == Counter({"embedded-flaky:attempt": 2, "embedded-flaky": 1})
    assert "first attempt fails on purpose" in embedded.worker_logs()
    embedded.assert_workers_alive()


def test_check_worker_fails_when_no_worker_runs(embedded):
    # The same database, but a queue file that no worker reads.
    done = embedded.manage(
        "check_worker", "--timeout", "1", HUEY_SQLITE_FILE=str(embedded.root / "unattended-queue.sqlite3")
    )
    assert done.returncode != 0
    assert "No worker ran 1 of 1 heartbeat task(s) within 1 s" in done.stderr


def test_check_worker_refuses_immediate_mode():
    # The suite's settings run tasks inline, so there is no worker to check.
    with pytest.raises(CommandError, match="HUEY_IMMEDIATE is on"):
        call_command("check_worker", "--timeout", "1")


def test_two_redis_workers_run_every_task_exactly_once(scaled_out):
    scaled_out.start_worker()
    scaled_out.start_worker()
    done = scaled_out.manage("check_worker", "--count", "20", "--label", "redis", "--timeout", str(ARRIVAL_TIMEOUT))
    assert done.returncode == 0, done.stdout + done.stderr + scaled_out.worker_logs()
    time.sleep(1)  # let any duplicate delivery land before counting
    expected = Counter({f"redis-{n}": 1 for n in range(1, 21)})
    assert scaled_out.database.heartbeats("redis-") == expected
    scaled_out.assert_workers_alive()
