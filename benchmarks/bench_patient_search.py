"""patient_search_ms: the staff patient search over 50,000 patients of one practice, p95 of a realistic mix.

A throwaway database is migrated, then 50,000 patients are bulk-created in one practice and 5,000 in a second
one (names drawn from Faker's English, Spanish and Mexican Spanish name lists, so accents are common; a few
"José Muñoz"; phones like "(512) 555-0142"; emails like "maria.garcia.123@example.com"). The searches are
what a front desk types: the list as it opens, partial last names, names typed without their accents, a
whole name, the start of an email, phone fragments and a typo. Each search is timed as the staff list runs
it (``selectors.search_patients``, then the first page of 25 and its count), once to warm up and then
``--repeats`` times; the figure is the p95 of all timed searches.

PostgreSQL when reachable (DATABASE_URL when it points at PostgreSQL, else PATIENT_SEARCH_BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/postgres; a ``touchpoints_bench_search_<random>`` database dropped
at exit): ``patient_search_ms``. SQLite always: ``patient_search_sqlite_ms``. The run also checks that an
accent-less "jose munoz" finds José Muñoz (the tests check that a search never crosses practices).

    python -m benchmarks.bench_patient_search [--quick]     (also run by `make bench`)
    python -m benchmarks.bench_patient_search seed          (internal: inside the bench's environment)
    python -m benchmarks.bench_patient_search measure N     (internal: prints one JSON object)
"""

import atexit
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from .demo_db import BASE_DIR, log, percentile, subprocess_env

ORDER = 2
PATIENTS = 50_000
STRANGER_PATIENTS = 5_000
BENCH_SLUG = "search-bench"
STRANGER_SLUG = "search-bench-stranger"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
MISS = "zzq"


class Database:
    """A throwaway database of one vendor, migrated, with its own environment for subprocesses."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.root = Path(tempfile.mkdtemp(prefix="touchpoints-bench-search-"))
        (self.root / "var").mkdir()
        self.pg_name: str | None = None
        url = f"sqlite:///{self.root / 'db.sqlite3'}"
        if vendor == "postgresql":
            import psycopg

            self._server = _postgres_server()
            self.pg_name = f"touchpoints_bench_search_{secrets.token_hex(4)}"
            with psycopg.connect(self._server, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            url = urlsplit(self._server)._replace(path=f"/{self.pg_name}").geturl()
        atexit.register(self.close)
        self.env = subprocess_env(self.root, url)

    def run(self, *args: str, timeout: float = 900) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        if self.pg_name:
            import psycopg

            with psycopg.connect(self._server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self.pg_name = None


def _postgres_server() -> str:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = os.environ.get("PATIENT_SEARCH_BENCH_DATABASE_URL", DEFAULT_SERVER_URL)
    return urlsplit(server)._replace(path="/postgres").geturl().replace("postgresql://", "postgres://", 1)


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(_postgres_server(), connect_timeout=3):
            return True
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL: SQLite only, said on stderr
        log(f"  PostgreSQL unreachable ({type(exc).__name__}): the patient search benchmark runs on SQLite only")
        return False


def run(quick: bool) -> list[tuple[str, float, str]]:
    repeats = 5 if quick else 20
    figures = []
    for vendor in (["postgresql"] if _postgres_reachable() else []) + ["sqlite"]:
        database = Database(vendor)
        database.run("manage.py", "migrate", "--noinput", "-v", "0")
        started = time.perf_counter()
        database.run("-m", "benchmarks.bench_patient_search", "seed")
        seconds = time.perf_counter() - started
        log(f"  patient search ({vendor}): {PATIENTS:,} + {STRANGER_PATIENTS:,} patients created in {seconds:.1f} s")
        out = database.run("-m", "benchmarks.bench_patient_search", "measure", str(repeats))
        result = json.loads(out.splitlines()[-1])
        for query, (hits, median) in result["queries"].items():
            log(f"    {query!r:>24}: {hits:>6} hits, median {median:.2f} ms")
        name = "patient_search_ms" if vendor == "postgresql" else "patient_search_sqlite_ms"
        figures.append((name, round(result["p95_ms"], 2), "ms"))
        log(
            f"  {name}: p95 {result['p95_ms']:.2f} ms, p50 {result['p50_ms']:.2f} ms over {result['samples']} searches"
            f" (p95 of this process's CPU time {result['p95_cpu_ms']:.2f} ms)"
        )
        database.close()
    return figures


# --- Inside the bench's environment ------------------------------------------------------------------


def seed() -> None:
    import random
    from datetime import date, timedelta

    import django

    django.setup()
    from django.db import connection
    from faker import Faker

    from patients.models import Patient
    from practices.models import Practice

    rng = random.Random(1)
    pools = []
    for locale in ("en_US", "es_ES", "es_MX"):
        fake = Faker(locale)
        fake.seed_instance(1)
        pools.append(([fake.first_name() for _ in range(1000)], [fake.last_name() for _ in range(1000)]))

    def email_part(name: str) -> str:
        from patients.models import search_key

        return search_key(name).replace(" ", "")

    def patients(practice: Practice, count: int, first_serial: int):
        for serial in range(first_serial, first_serial + count):
            firsts, lasts = pools[0] if rng.random() < 0.7 else pools[1 + serial % 2]
            first, last = rng.choice(firsts), rng.choice(lasts)
            if serial % 2000 == 7:
                first, last = "José", "Muñoz"
            yield Patient(
                practice=practice,
                first_name=first,
                last_name=last,
                date_of_birth=date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 92)),
                phone=f"({rng.choice((512, 737, 210, 830))}) {rng.randrange(200, 1000)}-{rng.randrange(10_000):04d}"
                if rng.random() < 0.95
                else "",
                email=f"{email_part(first)}.{email_part(last)}.{serial}@example.com" if rng.random() < 0.88 else "",
            )

    for slug, count, first_serial in ((BENCH_SLUG, PATIENTS, 0), (STRANGER_SLUG, STRANGER_PATIENTS, PATIENTS)):
        practice = Practice.objects.create(slug=slug, name=slug.replace("-", " ").title(), timezone="America/Chicago")
        batch = []
        for patient in patients(practice, count, first_serial):
            batch.append(patient)
            if len(batch) == 5000:
                Patient.objects.bulk_create(batch)
                batch = []
        Patient.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE patients_patient")  # what autovacuum does after a bulk load


def realistic_searches(practice) -> list[str]:
    """Taken from the seeded data, so every search but the typo has hits."""
    from django.db.models import Count

    from patients.models import search_key

    patients = practice.patients.all()
    counted = patients.values("last_name").annotate(n=Count("id")).order_by("-n", "last_name")
    by_count = [row["last_name"] for row in counted]
    accented = [name for name in by_count if search_key(name) != name.lower()][:3]
    plain = [name for name in by_count if search_key(name) == name.lower()][:3]
    someone = patients.exclude(email="").exclude(phone="").order_by("pk")[PATIENTS // 2]
    return [
        "",  # the list as it opens
        *(name[:3].lower() for name in plain),  # partial last names
        *(name[:4].lower() for name in accented),
        *(search_key(name) for name in accented),  # typed without the accents
        "jose munoz",
        "munoz",
        f"{someone.first_name} {someone.last_name}",
        f"{someone.first_name[:2]} {someone.last_name[:3]}",
        someone.email[:7],
        someone.phone[-4:],  # phone fragments
        someone.phone[-8:],
        "555-0",
        MISS,
    ]


def measure(repeats: int) -> dict:
    import statistics

    import django

    django.setup()
    from django.core.paginator import Paginator

    from patients.selectors import search_patients
    from practices.models import Practice

    practice = Practice.objects.get(slug=BENCH_SLUG)
    samples, cpu, queries = [], [], {}
    for query in realistic_searches(practice):
        timed = []
        for attempt in range(repeats + 1):  # the first run warms caches and is not counted
            started, started_cpu = time.perf_counter(), time.process_time()
            page = Paginator(search_patients(practice=practice, query=query), 25).get_page(1)
            rows = list(page.object_list)
            elapsed = (time.perf_counter() - started) * 1000
            if attempt:
                timed.append(elapsed)
                cpu.append((time.process_time() - started_cpu) * 1000)
        assert rows or query == MISS, f"the search {query!r} found nobody"
        queries[query] = (page.paginator.count, statistics.median(timed))
        samples += timed
    assert any(p.full_name == "José Muñoz" for p in search_patients(practice=practice, query="jose munoz"))
    return {
        "p95_ms": percentile(samples, 0.95),
        "p50_ms": statistics.median(samples),
        "p95_cpu_ms": percentile(cpu, 0.95),  # this process only (on SQLite the whole search)
        "samples": len(samples),
        "queries": queries,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed()
    elif sys.argv[1:2] == ["measure"]:
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        for figure in run("--quick" in sys.argv):
            print("{}: {} {}".format(*figure), flush=True)
