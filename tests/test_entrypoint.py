"""scripts/entrypoint.sh, the one way the processes start (Dockerfile, compose.yaml, `make loadtest`).

The script runs for real here, on SQLite in a temporary var folder: the container image runs exactly
these commands, so this is what CI can check where no container runtime is available.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# Real processes on a fresh database: a minute on a quiet machine, several on a busy one.
pytestmark = pytest.mark.timeout(900)
ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "scripts" / "entrypoint.sh"
# Settings the test run itself may carry; the script must see a plain embedded installation.
_NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "HUEY_IMMEDIATE",
    "HUEY_SQLITE_FILE",
    "MEDIA_ROOT",
    "PRIVATE_MEDIA_ROOT",
    "STATIC_ROOT",
    "S3_BUCKET",
    "REQUIRE_DATABASE_VENDOR",
}


def entrypoint_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env.update(PYTHON=sys.executable, TOUCHPOINTS_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings")
    env.update(extra)
    return env


def run(var_dir: Path, *args: str, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ENTRYPOINT), *args], env=entrypoint_env(var_dir, **extra), capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


@pytest.fixture(scope="module")
def migrated_var_dir(tmp_path_factory) -> Path:
    """`entrypoint.sh migrate` on a new installation: the SQLite database gets every migration."""
    var_dir = tmp_path_factory.mktemp("entrypoint-var")
    result = run(var_dir, "migrate")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(var_dir / "touchpoints.sqlite3") as db:
        applied = db.execute("SELECT count(*) FROM django_migrations WHERE app = 'scheduling'").fetchone()[0]
    assert applied > 0
    return var_dir


def test_web_serves_healthz_with_the_processes_asked_for_and_stops_on_sigterm(migrated_var_dir):
    port = free_port()
    env = entrypoint_env(
        migrated_var_dir, BIND=f"127.0.0.1:{port}", WEB_PROCESSES="2", WEB_THREADS="2", MIGRATE_ON_START="1"
    )
    web = subprocess.Popen(
        [str(ENTRYPOINT), "web"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert web.poll() is None, web.stderr.read().decode() if web.stderr else "web exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                    status, body = response.status, json.loads(response.read())
                break
            except OSError:  # refused, reset or timed out while gunicorn starts
                assert time.monotonic() < deadline, "no answer from /healthz within 300 s"
                time.sleep(0.5)
        # No worker runs here, so the worker check makes the status "degraded"; the web side is healthy.
        assert status == 200 and body["checks"]["database"] == "ok" and body["checks"]["cache"] == "ok"
        # The script execs gunicorn: this pid is the arbiter, with WEB_PROCESSES workers.
        assert b"gunicorn" in Path(f"/proc/{web.pid}/cmdline").read_bytes()
        assert len(children(web.pid)) == 2
    finally:
        returncode = stop(web) if web.poll() is None else web.returncode
    assert returncode == 0


def test_worker_runs_tasks_and_leaves_the_schedule_to_another_worker(migrated_var_dir):
    worker = subprocess.Popen(
        [str(ENTRYPOINT), "worker"],
        env=entrypoint_env(migrated_var_dir, WORKER_PERIODIC="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        check = run(migrated_var_dir, "manage", "check_worker", "--timeout", "60")
        assert check.returncode == 0, check.stderr
        # The heartbeat came back, so the script has exec'd the worker by now.
        command_line = Path(f"/proc/{worker.pid}/cmdline").read_bytes().split(b"\0")
    finally:
        stop(worker)
    assert b"run_huey" in command_line and b"--no-periodic" in command_line


def test_manage_runs_any_command(migrated_var_dir):
    result = run(migrated_var_dir, "manage", "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_an_unknown_command_exits_64_with_the_usage(tmp_path):
    result = run(tmp_path, "serve")
    assert result.returncode == 64
    assert "usage:" in result.stderr and "migrate|web|worker|manage" in result.stderr
