"""`make loadtest`: a Monday morning for 10 practices on this machine (docs/loadtest.md).

A throwaway PostgreSQL database ``touchpoints_load_<random>`` (dropped at exit) and an empty Redis
database number (emptied at exit), migrated and seeded with ``LOADTEST_PRACTICES`` practices; 4
gunicorn processes and 2 workers started through ``scripts/entrypoint.sh`` as an operator starts them;
Locust, headless, for ``LOADTEST_SECONDS``; the table; then the zero counts from the database. Exits
1 if a request failed or a count is not zero. Only 127.0.0.1 is ever contacted.

Environment: LOADTEST_SECONDS (120), LOADTEST_USERS (60 simulated people), LOADTEST_PRACTICES (10),
LOADTEST_PG (postgres://postgres@127.0.0.1:5432), LOADTEST_REDIS (redis://127.0.0.1:6379),
LOADTEST_REDIS_DB (the highest empty number below 15), LOADTEST_PROFILE=1 (profile the web processes:
loadtest/profiling.py; the report goes to var/loadtest/). Database pool settings of config/settings.py
(e.g. CONN_MAX_AGE) are passed through from the environment.
"""

from __future__ import annotations

import atexit
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "loadtest"
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
PASSED_THROUGH = ("CONN_MAX_AGE", "DB_POOL_MAX", "DB_POOL_MIN", "DB_POOL_TIMEOUT", "WEB_THREADS")


STARTED = time.monotonic()


def log(text: str) -> None:
    print(f"[loadtest +{time.monotonic() - STARTED:.0f} s] {text}", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    def __init__(self, server: str) -> None:
        self.server = server.rstrip("/")
        self.name = f"touchpoints_load_{secrets.token_hex(4)}"
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = f"{self.server}/{self.name}"
        atexit.register(self.drop)

    def drop(self) -> None:
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        log(f"dropped database {self.name}")


class RedisDatabase:
    """An empty Redis database number, emptied again at exit (the queue and the cache live there)."""

    def __init__(self, server: str, number: int | None) -> None:
        if number is None:
            number = next((n for n in range(14, 0, -1) if redis.Redis.from_url(f"{server}/{n}").dbsize() == 0), None)
            if number is None:
                raise SystemExit("no empty Redis database number below 15; set LOADTEST_REDIS_DB")
        self.url = f"{server}/{number}"
        self.client = redis.Redis.from_url(self.url)
        if self.client.dbsize():
            raise SystemExit(f"Redis database {self.url} is not empty; choose another LOADTEST_REDIS_DB")
        atexit.register(self.empty)

    def empty(self) -> None:
        removed = 0
        for key in self.client.scan_iter(count=1000):
            removed += self.client.delete(key)
        log(f"emptied Redis {self.url} ({removed} keys; {self.client.dbsize()} left)")


class Processes:
    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen]] = []
        atexit.register(self.stop)

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log_file = open(OUT / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append((name, process))
        return process

    def stop(self) -> None:
        for _name, process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in self.running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                log(f"{name} did not stop in 30 s: killed")
        self.running = []


def _wait_for_health(port: int, web: subprocess.Popen) -> None:
    import http.client

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise SystemExit(f"gunicorn exited with {web.returncode}: see {OUT / 'web.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within 120 s")


class DatabaseSampler(threading.Thread):
    """Once a second during the load: what each of the run's PostgreSQL sessions is doing (active on
    CPU, waiting on a lock, on I/O, idle in a transaction), counted; and the longest running query."""

    def __init__(self, url: str, name: str) -> None:
        super().__init__(daemon=True)
        self.url, self.name = url, name
        self.seen: Counter[str] = Counter()
        self.samples = 0
        self.longest: tuple[float, str] = (0.0, "")
        self.stopping = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stopping.wait(1.0):
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event, extract(epoch FROM now() - query_start), query"
                    " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.name],
                ).fetchall()
                self.samples += 1
                for state, wait_type, wait_event, seconds, query in rows:
                    if state == "active":
                        self.seen[f"active, waiting on {wait_type}:{wait_event}" if wait_type else "active on CPU"] += 1
                        if seconds and seconds > self.longest[0]:
                            self.longest = (float(seconds), " ".join((query or "").split())[:160])
                    elif state == "idle in transaction":
                        self.seen["idle in transaction"] += 1

    def report(self) -> list[str]:
        lines = [f"PostgreSQL sessions of the run, sampled {self.samples} times (mean sessions in each state):"]
        for what, n in self.seen.most_common(8):
            lines.append(f"  {n / max(1, self.samples):6.2f}  {what}")
        if self.longest[0]:
            lines.append(f"  longest query seen: {self.longest[0]:.1f} s: {self.longest[1]}")
        return lines


def _step(env: dict, *args: str, timeout: int = 1800) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "loadtest.db", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"loadtest.db {args[0]} failed")
    return done.stdout.strip().splitlines()[-1]


def _table(stats_csv: Path, seconds: float) -> tuple[list[str], int]:
    lines = [
        f"{'endpoint group':<22} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    ]
    errors = 0
    with stats_csv.open() as f:
        for row in csv.DictReader(f):
            name = row["Name"]
            if row["Type"] == "" and name != "Aggregated":
                continue
            n, failed = int(row["Request Count"]), int(row["Failure Count"])
            if name == "Aggregated":
                name = "all"
            else:
                errors += failed
            lines.append(
                f"{name:<22} {n:>8} {n / seconds:>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {failed:>6}"
            )
    return lines, errors


def main() -> int:
    seconds = int(os.environ.get("LOADTEST_SECONDS", "120"))
    users = int(os.environ.get("LOADTEST_USERS", "60"))
    practices = int(os.environ.get("LOADTEST_PRACTICES", "10"))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in (OUT / "profile").glob("*"):
        old.unlink()
    database = Database(os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432"))
    redis_db = os.environ.get("LOADTEST_REDIS_DB")
    queue = RedisDatabase(
        os.environ.get("LOADTEST_REDIS", "redis://127.0.0.1:6379"), int(redis_db) if redis_db else None
    )
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(BASE_DIR)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database.url,
        "REDIS_URL": queue.url,
        "HUEY_NAME": f"loadtest{port}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PYTHON": PYTHON,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "SMS_BACKEND": "file",
        "SMS_FILE_PATH": str(OUT / "sms"),
        # Patients come from many addresses (rate limits count per address): Locust sends each
        # simulated person's own in X-Forwarded-For, as a proxy in front of gunicorn would.
        "TRUSTED_PROXY_COUNT": "1",
        **{k: os.environ[k] for k in PASSED_THROUGH if k in os.environ},
    }
    log(f"database {database.name}, Redis {queue.url}, {practices} practices, {users} people, {seconds} s")
    started = time.monotonic()
    subprocess.run(["scripts/entrypoint.sh", "migrate"], cwd=BASE_DIR, env=env, check=True, capture_output=True)
    log(f"migrated in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    plan = json.loads(_step(env, "seed", str(practices)))
    plan_path = OUT / "plan.json"
    plan_path.write_text(json.dumps(plan))
    log(f"seeded {practices} practices (time zone {plan['time_zone']}) in {time.monotonic() - started:.0f} s")

    processes = Processes()
    web_env = {**env, "WEB_PROCESSES": "4", "BIND": f"127.0.0.1:{port}"}
    if os.environ.get("LOADTEST_PROFILE"):
        web_env |= {"LOADTEST_PROFILE_DIR": str(OUT / "profile")}
    web = processes.start("web", ["scripts/entrypoint.sh", "web"], web_env)
    processes.start("worker-1", ["scripts/entrypoint.sh", "worker"], env)
    processes.start("worker-2", ["scripts/entrypoint.sh", "worker"], {**env, "WORKER_PERIODIC": "0"})
    _wait_for_health(port, web)
    log(f"gunicorn (4 processes) on 127.0.0.1:{port}, 2 workers; Locust for {seconds} s")

    sampler = DatabaseSampler(database.url, database.name)
    sampler.start()
    run_start = datetime.now(UTC)
    changes_path = OUT / "changes.json"
    locust = subprocess.run(
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            "loadtest/locustfile.py",
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 10)),
            "-t",
            f"{seconds}s",
            "--csv",
            str(OUT / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        cwd=BASE_DIR,
        env={**env, "LOADTEST_PLAN": str(plan_path), "LOADTEST_CHANGES": str(changes_path)},
        capture_output=True,
        text=True,
    )
    run_end = datetime.now(UTC)
    sampler.stopping.set()
    (OUT / "locust.log").write_text(locust.stdout + locust.stderr)
    if locust.returncode not in (0, 1):
        sys.stderr.write(locust.stderr[-3000:])
        raise SystemExit(f"locust failed ({locust.returncode})")

    # The worker's reminder scheduler and sender run at each minute: let the next one run after the load.
    tick = (run_end + timedelta(minutes=1)).replace(second=0, microsecond=0)
    wait = (tick - datetime.now(UTC)).total_seconds() + 25
    log(f"load over; waiting {wait:.0f} s for the worker's next minute to send what is due")
    time.sleep(max(0, wait))
    processes.stop()

    lines, errors = _table(OUT / "locust_stats.csv", (run_end - run_start).total_seconds())
    print("\n".join(lines))
    failures = OUT / "locust_failures.csv"
    if errors and failures.exists():
        print("failures:\n" + failures.read_text())
    changes = json.loads(changes_path.read_text()) if changes_path.exists() else {}
    retried = changes.pop("retried_gets", 0)
    checked = json.loads(
        _step(env, "check", run_start.isoformat(), run_end.isoformat(), tick.isoformat(), json.dumps(changes))
    )
    counts = checked["counts"]
    print(f"changes made by the simulated patients: {changes}")
    print(f"GETs sent again after the server closed a kept-alive connection (as a browser does): {retried}")
    print(f"loadtest_errors: {errors}")
    for name, value in counts.items():
        print(f"loadtest_{name}: {value}")
    if any(counts.values()):
        print(f"which faults: {checked['detail']}")
    print("\n".join(sampler.report()))
    if os.environ.get("LOADTEST_PROFILE"):
        from .profiling import summary

        print(f"where the time goes in the web processes (call trees in {OUT / 'profile'}):")
        print("\n".join(summary(OUT / "profile")))
    return 1 if errors or any(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
