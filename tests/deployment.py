"""A deployment in a temporary folder for the worker tests (core's and messaging's): a clean
environment with the production settings (``config.settings``, HUEY_IMMEDIATE=0), a migrated database
and real worker processes. The test process reads the worker's database directly (sqlite3 / psycopg),
never through the test database. No tests here."""

import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import quote

import psycopg
import pytest

BASE_DIR = Path(__file__).resolve().parents[1]
ARRIVAL_TIMEOUT = 30  # seconds a task may take to come back from a worker


# --- The worker's database: an SQLite file, or a throwaway PostgreSQL database -------------------


class SqliteDatabase:
    def __init__(self, path: Path):
        self.path = path
        self.url = f"sqlite:///{path}"

    def heartbeats(self, prefix: str) -> Counter:
        with sqlite3.connect(self.path, timeout=20) as conn:
            rows = conn.execute(
                "SELECT label, COUNT(*) FROM core_workerheartbeat WHERE label LIKE ? GROUP BY label", (prefix + "%",)
            ).fetchall()
        return Counter(dict(rows))

    def drop(self) -> None:
        pass


class Server(TypedDict):
    """psycopg.connect's keywords for the PostgreSQL server."""

    host: str
    port: int
    user: str
    password: str | None


class PostgresDatabase:
    """A fresh database on the server the suite runs on (`make test-postgres`), dropped at the end."""

    def __init__(self, db_settings: dict[str, Any]):
        self.server: Server = {
            "host": db_settings.get("HOST") or "127.0.0.1",
            "port": int(db_settings.get("PORT") or 5432),
            "user": db_settings.get("USER") or "postgres",
            "password": db_settings.get("PASSWORD") or None,
        }
        self.name = f"touchpoints_worker_{secrets.token_hex(4)}"
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        user = quote(self.server["user"], safe="")
        if self.server["password"]:
            user += ":" + quote(self.server["password"], safe="")
        self.url = f"postgres://{user}@{self.server['host']}:{self.server['port']}/{self.name}"

    def heartbeats(self, prefix: str) -> Counter:
        with psycopg.connect(dbname=self.name, **self.server) as conn:
            rows = conn.execute(
                "SELECT label, COUNT(*) FROM core_workerheartbeat WHERE label LIKE %s GROUP BY label", (prefix + "%",)
            ).fetchall()
        return Counter(dict(rows))

    def drop(self) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- A deployment: clean environment, migrated database, worker processes -----------------------


class Deployment:
    def __init__(self, root: Path, database, **env):
        self.root = root
        self.database = database
        self.workers: list[tuple[subprocess.Popen, Path]] = []
        (root / "var").mkdir()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(root),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HUEY_IMMEDIATE": "0",
            "HUEY_RETRY_DELAY": "1",
            "TOUCHPOINTS_VAR_DIR": str(root / "var"),
            "DATABASE_URL": database.url,
            **env,
        }

    def manage(self, *args: str, timeout: float = 60, **env) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def migrate(self, template: Path | None = None) -> None:
        """Migrate the database, or (SQLite) start from a copy of an already migrated file."""
        if template is not None and isinstance(self.database, SqliteDatabase):
            shutil.copyfile(template, self.database.path)
            return
        done = self.manage("migrate", "--noinput", "-v", "0", timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def start_worker(self) -> None:
        log_path = self.root / f"worker-{len(self.workers) + 1}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "run_huey"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers.append((process, log_path))

    def worker_logs(self) -> str:
        return "\n".join(
            f"--- {path.name} (exit code {process.poll()}) ---\n{path.read_text(errors='replace')[-4000:]}"
            for process, path in self.workers
        )

    def assert_workers_alive(self) -> None:
        assert all(process.poll() is None for process, _ in self.workers), self.worker_logs()

    def wait_for(self, prefix: str, expected: dict[str, int], timeout: float = ARRIVAL_TIMEOUT) -> Counter:
        """Poll the database until the heartbeats under ``prefix`` reach ``expected``; return them."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.database.heartbeats(prefix)
            if all(seen[label] >= count for label, count in expected.items()):
                return seen
            if time.monotonic() > deadline:
                pytest.fail(f"Workers did not run the tasks in {timeout} s: saw {dict(seen)}\n{self.worker_logs()}")
            time.sleep(0.2)

    def stop_workers(self) -> None:
        for process, _ in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # huey's graceful shutdown
        for process, _ in self.workers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
