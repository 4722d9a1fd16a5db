"""Exactly once with real worker processes: several `manage.py send_messages` workers share a few
hundred due texts, one is SIGKILLed in the middle of a send, and afterwards every message was
delivered exactly once (one file per message id, none missing, every row sent). And the embedded
huey worker (`manage.py run_huey`) sends a queued message by itself.

The database follows the suite: a throwaway PostgreSQL database under `make test-postgres`, else an
SQLite file. Workers run with the production settings in a clean environment (tests/deployment.py).
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.deployment import BASE_DIR, Deployment, PostgresDatabase, SqliteDatabase

pytestmark = pytest.mark.worker

MESSAGES = 300
SEED = """
from datetime import date, timedelta
from django.utils import timezone
from messaging.models import Message, MessagingSettings
from patients.models import Patient
from practices.models import Practice
practice = Practice.objects.create(name="ClearSkin", slug="clearskin", timezone="America/Chicago")
MessagingSettings.objects.create(practice=practice, sms_number="+15125550100")
patient = Patient.objects.create(practice=practice, first_name="Ana", last_name="Rivera",
    date_of_birth=date(1985, 4, 12), phone="+15125550199", sms_consent=True)
due = timezone.now() - timedelta(minutes=1)
Message.objects.bulk_create([Message(practice=practice, patient=patient, kind="reminder", channel="sms",
    dedupe_key=f"reminder:{n}:sms", to=patient.phone, body=f"ClearSkin: see you soon ({n})", send_after=due)
    for n in range({count})])
"""


def _rows(database, sql: str) -> list[tuple]:
    if isinstance(database, SqliteDatabase):
        with sqlite3.connect(database.path, timeout=20) as conn:
            return conn.execute(sql).fetchall()
    with psycopg.connect(dbname=database.name, **database.server) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def deployment(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        database = PostgresDatabase(settings.DATABASES["default"])
    else:
        database = SqliteDatabase(tmp_path / "db.sqlite3")
    deployment = Deployment(tmp_path, database, SMS_FILE_PATH=str(tmp_path / "sms"), LOG_LEVEL="WARNING")
    try:
        deployment.migrate()
        yield deployment
    finally:
        deployment.stop_workers()
        database.drop()


def _send_messages(deployment: Deployment, name: str, backend: str, **env) -> tuple[subprocess.Popen, Path]:
    log_path = deployment.root / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "send_messages", "--batch", "20", "--lease", "2", "--until-empty",
             "--idle", "0.2", "--worker-id", name],
            cwd=BASE_DIR,
            env={**deployment.env, "SMS_BACKEND": f"messaging.tests.fake_sms_provider.{backend}", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    deployment.workers.append((process, log_path))
    return process, log_path


def _wait(predicate, timeout: float, what: str, deployment: Deployment) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s\n{deployment.worker_logs()}")
        time.sleep(0.05)


def test_it_delivers_every_message_exactly_once_when_a_worker_is_killed_mid_send(deployment):
    seeded = deployment.manage("shell", "-c", SEED.replace("{count}", str(MESSAGES)))
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    sms_dir = deployment.root / "sms"

    # The victim claims a batch of 20, writes 5 texts, then hangs in the middle of its sixth send.
    victim, _ = _send_messages(deployment, "victim", "HangingFileBackend", SMS_TEST_HANG_AFTER="5")
    _wait(lambda: (deployment.root / "hung").exists(), 30, "the victim's first sends", deployment)
    survivors = [_send_messages(deployment, f"survivor-{n}", "SlowFileBackend", SMS_TEST_DELAY="0.005") for n in (1, 2)]
    time.sleep(0.3)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)

    for process, _ in survivors:
        process.wait(timeout=120)
    logs = deployment.worker_logs()
    assert all(process.returncode == 0 for process, _ in survivors), logs

    files = sorted(sms_dir.glob("msg-*.json"))
    ids = [int(path.stem.removeprefix("msg-")) for path in files]
    row_ids = [pk for (pk,) in _rows(deployment.database, "SELECT id FROM messaging_message ORDER BY id")]
    assert len(row_ids) == MESSAGES
    assert sorted(ids) == row_ids  # one file per message: none missing, none twice
    assert all(json.loads(path.read_text())["from"] == "+15125550100" for path in files)
    statuses = dict(_rows(deployment.database, "SELECT status, COUNT(*) FROM messaging_message GROUP BY status"))
    assert statuses == {"sent": MESSAGES}, logs
    # The victim's five texts were sent again by a survivor after its lease ended, and recognised.
    replays = sum(
        int(part.split("=")[1])
        for _, path in survivors
        for part in path.read_text().split()
        if part.startswith("replays=")
    )
    assert replays == 5, logs
    taken_over = _rows(deployment.database, "SELECT COUNT(*) FROM messaging_message WHERE attempts = 2")[0][0]
    assert taken_over == 20  # the victim's whole batch, claimed a second time


def test_the_embedded_huey_worker_sends_a_queued_message(deployment):
    deployment.env["SMS_BACKEND"] = "file"
    deployment.start_worker()  # manage.py run_huey on the SQLite queue file
    queued = deployment.manage(
        "shell",
        "-c",
        SEED.replace("{count}", "0")
        + "from messaging.services.outbox import queue_message\n"
        + "m = queue_message(practice=practice, kind='confirmation', channel='sms', dedupe_key='c:1',"
        + " body='ClearSkin: you are booked.', patient=patient)\nprint(m.pk)",
    )
    assert queued.returncode == 0, queued.stdout + queued.stderr
    message_id = int(queued.stdout.strip().splitlines()[-1])

    sent_file = deployment.root / "sms" / f"msg-{message_id}.json"
    _wait(sent_file.exists, 30, "the worker's send", deployment)
    _wait(
        lambda: (
            _rows(deployment.database, f"SELECT status FROM messaging_message WHERE id = {message_id}") == [("sent",)]
        ),
        10,
        "the sent status",
        deployment,
    )
    assert json.loads(sent_file.read_text())["body"] == "ClearSkin: you are booked."
    deployment.assert_workers_alive()
