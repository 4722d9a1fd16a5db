"""Throwaway demo databases for the benchmarks, seeded once per run and removed at exit.

Always a fresh SQLite file; also a fresh PostgreSQL database when DATABASE_URL points at
PostgreSQL. Each database is migrated, then ``manage.py seed_demo`` runs in a subprocess with a
clean environment and the production settings, and only the seed is timed.
"""

import atexit
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SEED = 1


def demo_size(quick: bool) -> str:
    return "medium" if quick else "large"


def vendors() -> list[str]:
    """SQLite always; PostgreSQL too when DATABASE_URL points at it."""
    url = os.environ.get("DATABASE_URL", "")
    return ["sqlite", "postgresql"] if url.startswith(("postgres://", "postgresql://")) else ["sqlite"]


def suffix(vendor: str) -> str:
    return "" if vendor == "sqlite" else f"_{vendor}"


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95)."""
    ordered = sorted(samples)
    return ordered[math.ceil(share * len(ordered)) - 1]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def subprocess_env(root: Path, database_url: str) -> dict[str, str]:
    """The environment of a benchmark's manage.py or Python subprocess: its own var directory under
    ``root`` and its own database, nothing inherited from the shell but PATH."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TOUCHPOINTS_VAR_DIR": str(root / "var"),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }


class DemoDatabase:
    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.root = Path(tempfile.mkdtemp(prefix="touchpoints-bench-"))
        (self.root / "var").mkdir()
        self.pg_name = None
        if vendor == "sqlite":
            url = f"sqlite:///{self.root / 'db.sqlite3'}"
        else:
            import psycopg

            server_url = os.environ["DATABASE_URL"]
            self.pg_name = f"touchpoints_bench_{secrets.token_hex(4)}"
            self._server = urlsplit(server_url)._replace(path="/postgres").geturl()
            with psycopg.connect(self._server.replace("postgresql://", "postgres://", 1), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            url = urlsplit(server_url)._replace(path=f"/{self.pg_name}").geturl()
        self.env = subprocess_env(self.root, url)
        self.size: str | None = None
        self.seed_seconds: float | None = None

    def _run(self, *args: str, timeout: float) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def seed(self, size: str) -> None:
        self._run("manage.py", "migrate", "--noinput", "-v", "0", timeout=300)
        log(f"  seeding the {size} demo on {self.vendor} ...")
        started = time.perf_counter()
        self._run("manage.py", "seed_demo", "--size", size, "--seed", str(SEED), timeout=900)
        self.seed_seconds = time.perf_counter() - started
        self.size = size

    def measure(self, what: str, *options: str) -> dict:
        """Run ``benchmarks/measure.py`` against this database; return the JSON it prints."""
        out = self._run("-m", "benchmarks.measure", what, *options, timeout=600)
        return json.loads(out.strip().splitlines()[-1])

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        if self.pg_name:
            import psycopg

            with psycopg.connect(self._server.replace("postgresql://", "postgres://", 1), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


_seeded: dict[tuple[str, str], DemoDatabase] = {}


def seeded(vendor: str, quick: bool) -> DemoDatabase:
    """The run's seeded demo database for this vendor (built on first use)."""
    key = (vendor, demo_size(quick))
    if key not in _seeded:
        database = DemoDatabase(vendor)
        atexit.register(database.close)
        database.seed(demo_size(quick))
        _seeded[key] = database
    return _seeded[key]
