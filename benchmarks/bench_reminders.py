"""reminders_*: 100,000 due SMS reminders (20,000 with --quick) dispatched to the file backend by
1, 2 and 4 `manage.py send_messages` worker processes, then by 2 workers one of which is SIGKILLed midway.

The database is a throwaway PostgreSQL database (``touchpoints_bench_reminders_<random>`` on the
server of DATABASE_URL when it points at PostgreSQL, else of REMINDERS_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres), dropped at exit; when PostgreSQL is unreachable, an
SQLite file (the figures then carry ``_sqlite``). Each run starts from fresh rows: the outbox is
emptied, N reminder rows are bulk-created with bodies from ``messaging.rendering.render`` (English
and Spanish, each with its own link), then the workers start (``--batch 500 --until-empty``) and the
clock runs from their start until the last one exits, which is when every row is sent.

The killed run uses a 5-second lease: the survivor sends the dead worker's claimed rows once the
lease ends. Every run is checked against the files: ``reminders_missing`` counts rows without a
file or not ``sent``; ``reminders_duplicates`` counts messages delivered more than once (a file per
message id, plus any file for an id that no row has); both are summed over all runs, the killed one
included. ``reminders_idempotent_replays`` counts sends the file backend recognised as already
delivered (the dead worker's written-but-unrecorded texts, sent again and not duplicated).

    python -m benchmarks.bench_reminders [--quick]          (also run by `make bench`)
    python -m benchmarks.bench_reminders seed N             (internal: runs inside the bench's environment)
"""

import atexit
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .demo_db import BASE_DIR, log

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

ORDER = 80
FULL, QUICK = 100_000, 20_000
BATCH = 500
KILL_LEASE_SECONDS = 5
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


class Database:
    """A throwaway PostgreSQL database, else an SQLite file, migrated once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pg_name = None
        self.vendor = "sqlite"
        self.url = f"sqlite:///{root / 'db.sqlite3'}"
        server = os.environ.get("DATABASE_URL", "")
        if not server.startswith(("postgres://", "postgresql://")):
            server = os.environ.get("REMINDERS_BENCH_DATABASE_URL", DEFAULT_SERVER_URL)
        try:
            import psycopg

            self._server = (
                urlsplit(server)._replace(path="/postgres").geturl().replace("postgresql://", "postgres://", 1)
            )
            name = f"touchpoints_bench_reminders_{secrets.token_hex(4)}"
            with psycopg.connect(self._server, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            self.pg_name, self.vendor = name, "postgresql"
            self.url = urlsplit(self._server)._replace(path=f"/{name}").geturl()
        except Exception as exc:  # noqa: BLE001 - no PostgreSQL: the SQLite file, said on stderr
            log(f"  PostgreSQL unreachable ({type(exc).__name__}): the reminders benchmark runs on SQLite")

    def drop(self) -> None:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self._server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def rows(self, sql: str) -> list[tuple]:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        import sqlite3

        with sqlite3.connect(self.root / "db.sqlite3", timeout=30) as conn:
            return conn.execute(sql).fetchall()


class Bench:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="touchpoints-bench-reminders-"))
        (self.root / "var").mkdir()
        self.database = Database(self.root)
        # The texts go to tmpfs when there is one: the benchmark measures delivery, not this VM's disk
        # (creating a file on its ext4 costs 150-500 us; REMINDERS_BENCH_SMS_DIR picks another place).
        base = os.environ.get("REMINDERS_BENCH_SMS_DIR") or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
        self.sms_root = Path(tempfile.mkdtemp(prefix="touchpoints-bench-sms-", dir=base))
        log(f"  reminders: texts are written under {self.sms_root}")
        atexit.register(self.close)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TOUCHPOINTS_VAR_DIR": str(self.root / "var"),
            "DATABASE_URL": self.database.url,
            "LOG_LEVEL": "WARNING",
            "SMS_BACKEND": "file",
            "SITE_URL": "https://care.clearskin.example",
        }
        self.duplicates = 0
        self.missing = 0
        self.replays = 0

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.sms_root, ignore_errors=True)
        self.database.drop()

    def manage(self, *args: str, timeout: float = 900) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_worker(self, sms_dir: Path, name: str, lease: int | None = None) -> tuple[subprocess.Popen, Path]:
        args = ["manage.py", "send_messages", "--batch", str(BATCH), "--until-empty", "--idle", "0.2"]
        args += ["--worker-id", name] + (["--lease", str(lease)] if lease else [])
        out = self.root / f"{name}.out"
        with out.open("wb") as stream:
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=BASE_DIR,
                env={**self.env, "SMS_FILE_PATH": str(sms_dir)},
                stdout=stream,
                stderr=subprocess.STDOUT,
            )
        return process, out

    def run(self, label: str, count: int, workers: int, kill: bool = False) -> float:
        """Fresh rows, then ``workers`` processes until every row is sent; returns messages per second."""
        self.manage("-m", "benchmarks.bench_reminders", "seed", str(count))
        sms_dir = self.sms_root / f"sms-{label}"
        sms_dir.mkdir()
        lease = KILL_LEASE_SECONDS if kill else None
        started = time.perf_counter()
        processes = [self.start_worker(sms_dir, f"{label}-{n}", lease) for n in range(1, workers + 1)]
        if kill:
            victim = processes[0][0]
            while victim.poll() is None:
                sent = self.database.rows("SELECT COUNT(*) FROM messaging_message WHERE status = 'sent'")[0][0]
                if sent >= count // 2:
                    victim.send_signal(signal.SIGKILL)
                    log(f"  {label}: killed one worker after {sent} of {count} were sent")
                    break
                time.sleep(0.05)
            victim.wait()
            survivors = processes[1:]
        else:
            survivors = processes
        for process, out in survivors:
            if process.wait(timeout=1800) != 0:
                raise RuntimeError(f"worker failed:\n{out.read_text()}")
        seconds = time.perf_counter() - started
        for _, out in survivors:
            for part in out.read_text().split():
                if part.startswith("replays="):
                    self.replays += int(part.split("=")[1])
        self.check(label, sms_dir, count)
        shutil.rmtree(sms_dir, ignore_errors=True)
        rate = count / seconds
        log(f"  {label}: {count} reminders with {workers} worker(s) in {seconds:.1f} s = {rate:,.0f}/s")
        return rate

    def check(self, label: str, sms_dir: Path, count: int) -> None:
        files: dict[int, int] = {}
        for entry in os.scandir(sms_dir):
            if entry.name.startswith("msg-") and entry.name.endswith(".json"):
                pk = int(entry.name[4:-5])
                files[pk] = files.get(pk, 0) + 1
        rows = dict(self.database.rows("SELECT id, status FROM messaging_message"))
        duplicates = sum(n - 1 for n in files.values() if n > 1) + sum(1 for pk in files if pk not in rows)
        missing = sum(1 for pk, status in rows.items() if pk not in files or status != "sent")
        missing += max(0, count - len(rows))
        if duplicates or missing:
            log(f"  {label}: {duplicates} duplicate(s), {missing} missing")
        self.duplicates += duplicates
        self.missing += missing


def run(quick: bool) -> list[tuple[str, float, str]]:
    count = QUICK if quick else FULL
    bench = Bench()
    vendor = bench.database.vendor
    log(f"  reminders: {count} per run on {vendor}")
    bench.manage("manage.py", "migrate", "--noinput", "-v", "0")
    suffix = "" if vendor == "postgresql" else "_sqlite"
    figures: list[tuple[str, float, str]] = []
    for workers in (1, 2, 4):
        rate = bench.run(f"{workers}w", count, workers)
        name = f"reminders_per_second_{workers}_worker{'s' if workers > 1 else ''}{suffix}"
        figures.append((name, round(rate), "messages/s"))
    bench.run("killed", count, 2, kill=True)
    figures.append((f"reminders_duplicates{suffix}", bench.duplicates, "messages"))
    figures.append((f"reminders_missing{suffix}", bench.missing, "messages"))
    figures.append((f"reminders_idempotent_replays{suffix}", bench.replays, "messages"))
    bench.close()
    return figures


# --- Inside the bench's environment: fresh due reminder rows -------------------------------------------


def seed(count: int) -> None:
    import django

    django.setup()
    from datetime import date, timedelta

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from messaging.models import Channel, Message, MessageKind
    from messaging.rendering import render
    from patients.models import Patient
    from practices.models import Practice

    Message.objects.all().delete() if connection.vendor == "sqlite" else _truncate(connection)
    practice, created = Practice.objects.get_or_create(
        slug="clearskin-bench",
        defaults={"name": "ClearSkin Dermatology", "timezone": "America/Chicago", "phone": "(512) 555-0100"},
    )
    if created:
        from messaging.models import MessagingSettings

        MessagingSettings.objects.create(practice=practice, sender_name="ClearSkin", sms_number="+15125550100")
        Patient.objects.bulk_create(
            Patient(
                practice=practice,
                first_name="Ana",
                last_name=f"Rivera{n}",
                date_of_birth=date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                phone=f"+1512555{n:04d}",
                sms_consent=True,
                preferred_language="es" if n % 4 == 0 else "en",
            )
            for n in range(2000)
        )
    patients = list(Patient.objects.filter(practice=practice).values_list("pk", "phone", "preferred_language"))
    bodies = {}
    for language in ("en", "es"):
        for day in range(7):
            for slot in range(16):
                when = date(2030, 3, 4) + timedelta(days=day)
                values = {
                    "date": when.strftime("%A, %B %-d"),
                    "time": f"{8 + slot // 2}:{'30' if slot % 2 else '00'} AM",
                    "link": "LINK",
                }
                bodies[(language, day, slot)] = render(practice, MessageKind.REMINDER, Channel.SMS, language, values)[1]
    now = timezone.now() - timedelta(minutes=1)
    run_tag = secrets.token_hex(3)
    batch = []
    for n in range(count):
        pk, phone, language = patients[n % len(patients)]
        link = f"{settings.SITE_URL}/r/{secrets.token_urlsafe(16)}"
        batch.append(
            Message(
                practice=practice,
                patient_id=pk,
                kind=MessageKind.REMINDER,
                channel=Channel.SMS,
                dedupe_key=f"reminder:{run_tag}:{n}:2880:sms",
                to=phone,
                body=bodies[(language, n % 7, n % 16)].replace("LINK", link),
                send_after=now,
                created_at=now,
            )
        )
        if len(batch) == 5000:
            Message.objects.bulk_create(batch)
            batch = []
    Message.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE messaging_message")


def _truncate(connection: "BaseDatabaseWrapper") -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE messaging_message")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "seed":
        seed(int(sys.argv[2]))
    else:
        for figure in run("--quick" in sys.argv):
            print("{}: {} {}".format(*figure), flush=True)
