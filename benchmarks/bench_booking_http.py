"""booking_http_p95 / booking_http_p50: the patient's "Book this time" POST over real HTTP, on PostgreSQL.

The demo (large; medium with --quick) is seeded into a PostgreSQL database: the run's own when
DATABASE_URL already points at PostgreSQL (shared with the other benchmarks), else a throwaway
``touchpoints_bench_<random>`` database on the server of BOOKING_BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/touchpoints_bench), dropped at exit. No PostgreSQL: one line on
stderr and no figures.

The app runs as in production (Procfile): gunicorn ``config.wsgi``, 4 workers x 4 threads, DEBUG off,
on a free local port. 20 clients book at the same time, each like a browser with its own cookies and
keep-alive connection, through the public booking pages of scheduling/urls_booking.py:

1. GET  /p/<practice>/book/?kind=new&vt=..&loc=..&prov=..&day=..   the day's times (CSRF cookie + token)
2. POST /p/<practice>/book/time/     the chosen time: a short hold         -> 302 to the details page
3. GET  /p/<practice>/book/details/  the details form (idempotency key)
4. POST /p/<practice>/book/details/  "Book this time": a new patient and the appointment -> 302 to done/
5. GET  the confirmation page (checks the booking is real)

Only POST 4, the booking itself, is timed for booking_http_*; the hold POST is reported apart
(booking_hold_http_*). booking_http_single_client_p50 is the same POST with nobody else on the
server (five bookings after the concurrent run), for scale. Each client books with its own provider
(two clients per provider in the medium demo, on different days), one booking per day from tomorrow
on; one warm-up booking per client is not counted.

    python -m benchmarks.bench_booking_http [--quick]                 (also run by `make bench`)
"""

import atexit
import http.client
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urlencode, urlsplit

import redis

from .demo_db import BASE_DIR, DemoDatabase, demo_size, log, percentile, seeded, vendors

ORDER = 90  # last: it adds appointments to the shared demo database
CLIENTS = 20
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/touchpoints_bench"
VISIT_TYPE = "full-body-skin-check"  # 30 minutes, every location, bookable online by new patients
WORKERS, THREADS = 4, 4
SINGLE_CLIENT_BOOKINGS = 5
# The paced run: 20 people booking at once, each taking about this long on every page (0.5x to 1.5x).
THINK_SECONDS = 1.0


class EndpointMissing(RuntimeError):
    """The booking pages are not (or no longer) where this benchmark expects them."""


# --- the database -------------------------------------------------------------------------------


def _server_reachable(url: str) -> bool:
    import psycopg

    server = urlsplit(url)._replace(path="/postgres").geturl().replace("postgresql://", "postgres://", 1)
    try:
        with psycopg.connect(server, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _database(quick: bool) -> DemoDatabase | None:
    if "postgresql" in vendors():
        return seeded("postgresql", quick)
    url = os.environ.get("BOOKING_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if not _server_reachable(url):
        log(f"  booking_http: PostgreSQL is not reachable at {url}: skipped (no booking_http figures)")
        return None
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url  # DemoDatabase creates its database on that server
    try:
        database = DemoDatabase("postgresql")
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL")
        else:
            os.environ["DATABASE_URL"] = before
    atexit.register(database.close)
    database.seed(demo_size(quick))
    return database


def plan() -> dict:
    """(Runs against the demo database.) The practice, the visit type, and each provider's open days."""
    from collections import defaultdict
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from demo.practices import DEMO_SLUG
    from practices.models import Practice
    from scheduling.models import VisitType
    from scheduling.selectors import slots as slot_selectors

    practice = Practice.objects.get(slug=DEMO_SLUG)
    visit_type = VisitType.objects.get(practice=practice, slug=VISIT_TYPE)
    now = timezone.now()
    today = now.astimezone(ZoneInfo(practice.timezone)).date()
    slots = slot_selectors.open_slots_for(
        practice, visit_type, first_day=today + timedelta(days=1), last_day=today + timedelta(days=60), now=now
    )
    days: dict[int, dict[tuple[str, int], int]] = defaultdict(dict)
    for slot in slots:
        day = slot.start.astimezone(ZoneInfo(practice.timezone)).date().isoformat()
        key = (day, slot.location_id)
        days[slot.provider_id][key] = days[slot.provider_id].get(key, 0) + 1
    # The capacity run books on the days after those (up to the visit type's horizon).
    later = slot_selectors.open_slots_for(
        practice,
        visit_type,
        first_day=today + timedelta(days=61),
        last_day=today + timedelta(days=visit_type.max_days_ahead),
        now=now,
    )
    open_later: dict[tuple[int, str, int], int] = defaultdict(int)
    for slot in later:
        day = slot.start.astimezone(ZoneInfo(practice.timezone)).date().isoformat()
        open_later[(slot.provider_id, day, slot.location_id)] += 1
    return {
        "slug": practice.slug,
        "visit_type": visit_type.pk,
        "providers": {str(pid): sorted(k for k in found) for pid, found in sorted(days.items())},
        "later": [[str(pid), day, loc, n] for (pid, day, loc), n in sorted(open_later.items())],
    }


# --- the server ---------------------------------------------------------------------------------


REDIS_BENCH_URL = os.environ.get("BOOKING_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_env(run_name: str) -> dict[str, str]:
    """A run's own huey queue and cache keys on the benchmark's Redis (``run_name``: letters and digits)."""
    return {"REDIS_URL": REDIS_BENCH_URL, "HUEY_NAME": run_name, "CACHE_KEY_PREFIX": run_name}


def run_keys(client: redis.Redis, run_name: str) -> list[bytes]:
    """Every key a run left: huey's (``huey.redis.<name>``, ``huey.schedule.<name>``, ``huey.results.<name>``;
    huey keeps only letters, digits and _ of the name) and the cache's (``<prefix>:<version>:<key>``)."""
    return [*client.scan_iter(f"huey.*.{run_name}"), *client.scan_iter(f"{run_name}:*")]


def clean_redis(run_name: str) -> None:
    """Delete the run's keys; no worker ran, so its queued tasks (confirmation emails) are dropped."""
    client = redis.Redis.from_url(REDIS_BENCH_URL)
    keys = run_keys(client, run_name)
    if keys:
        client.delete(*keys)
    left = run_keys(client, run_name)
    if left:
        log(f"  booking_http: {len(left)} Redis keys of {run_name} are left: {left[:5]}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database: DemoDatabase) -> None:
        self.port = _free_port()
        # Each simulated patient has an address of its own (X-Forwarded-For, as behind one proxy), so
        # the per-address hold limits apply per patient, as with real patients, not to all at once.
        env = {**database.env, "DEBUG": "0", "PORT": str(self.port), "TRUSTED_PROXY_COUNT": "1"}
        # Measured as the product runs at scale: PostgreSQL and huey on Redis (a queue of its own,
        # emptied afterwards; no worker runs, so the confirmation emails are queued, not sent).
        if REDIS_BENCH_URL:
            self.run_name = f"bookingbench{self.port}"
            env |= redis_env(self.run_name)
            atexit.register(clean_redis, self.run_name)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )
        atexit.register(self.stop)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- one browser --------------------------------------------------------------------------------


class Forms(HTMLParser):
    """The page's forms: action and fields (name, type, value, checked), and the submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "method": (a.get("method") or "get").lower(), "fields": []})
        elif not self.forms:
            return
        elif tag in ("input", "button") and a.get("name"):
            kind = a.get("type") or ("submit" if tag == "button" else "text")
            self.forms[-1]["fields"].append(
                {"name": a["name"], "type": kind, "value": a.get("value") or "", "checked": "checked" in a}
            )
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"].append({"name": a["name"], "type": "textarea", "value": "", "checked": False})
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"].append({"name": a["name"], "type": "select", "value": "", "checked": False})
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1]["fields"][-1]["value"] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def client_address(number: int, network: int = 0) -> str:
    """A patient's own address (10.<network>.x.y): the server believes X-Forwarded-For (one proxy)."""
    return f"10.{network}.{number // 250 % 250}.{number % 250 + 1}"


class Browser:
    """One patient's browser: its own cookies, keep-alive connection and client address."""

    def __init__(self, port: int, address: str = "10.0.0.1") -> None:
        self.port = port
        self.address = address
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.last_url = "/"

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, str, str, float]:
        headers = {
            "User-Agent": "touchpoints-bench",
            "Accept-Language": "en",
            "Accept": "text/html",
            "X-Forwarded-For": self.address,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + self.last_url
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read().decode("utf-8", "replace")
                elapsed = time.perf_counter() - started
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection before this request reached it: reconnect.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookie_value = rest.split(";", 1)[0]
            if cookie_value in ("", '""') or "max-age=0" in value.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = cookie_value
        if method == "GET":
            self.last_url = path
        return response.status, response.getheader("Location") or "", data, elapsed * 1000


def _details_values(client: int, n: int) -> dict:
    return {
        "first_name": "Bench",
        "last_name": f"Client{client}x{n}",
        "date_of_birth": "1980-01-15",
        "phone": f"(512) 555-{(client * 100 + n) % 10000:04d}",
        "email": f"bench-{client}-{n}@example.com",
        "coverage": "self_pay",
        "insurance_carrier": "",
        "insurance_member_id": "",
        "referral_source": "",
    }


def _fill(form: dict, values: dict) -> list[tuple[str, str]]:
    filled, seen = [], set()
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if kind in ("submit", "button", "image", "reset") or name in seen:
            continue
        if kind in ("radio", "checkbox"):
            if name in values:
                seen.add(name)
                filled.append((name, values[name]))
            elif field["checked"]:
                filled.append((name, field["value"]))
            continue
        seen.add(name)
        filled.append((name, values[name] if name in values and kind != "hidden" else field["value"]))
    return filled


class PageClient(Protocol):
    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, str, str, float]: ...


def book_one(
    browser: PageClient,
    plan_: dict,
    *,
    provider: str,
    day: str,
    location: int,
    client: int,
    n: int,
    think: Callable[[], object] = lambda: None,
    pick: Callable[[list[str]], str] = lambda offered: offered[0],
) -> tuple[float, float] | None:
    """One booking through the pages; returns (hold ms, booking ms) or None when the day had no time left.

    ``think()`` runs between pages: a person reading the page and choosing (the paced run); ``pick``
    chooses one of the times offered (the first by default).
    """
    slug = plan_["slug"]
    query = urlencode({"kind": "new", "vt": plan_["visit_type"], "loc": location, "prov": provider, "day": day})
    status, _loc, html, _ms = browser.request("GET", f"/p/{slug}/book/?{query}")
    if status == 404:
        raise EndpointMissing(f"booking endpoint not found: GET /p/{slug}/book/ answered 404")
    if status != 200:
        raise RuntimeError(f"GET the times page answered {status}")
    times = next((f for f in _forms(html) if any(x["name"] == "slot" for x in f["fields"])), None)
    if times is None:
        return None  # nothing open that day any more
    offered = [x["value"] for x in times["fields"] if x["name"] == "slot"]
    slot = pick(offered)
    fields = [(x["name"], x["value"]) for x in times["fields"] if x["type"] == "hidden"] + [("slot", slot)]
    action = times["action"] or f"/p/{slug}/book/time/"
    think()
    status, where, html, hold_ms = browser.request("POST", action, fields)
    if status == 404:
        raise EndpointMissing(f"booking endpoint not found: POST {action} answered 404")
    if status != 302 or "/book/details/" not in where:
        if status == 200:
            return None  # taken meanwhile: the page offered alternatives
        raise RuntimeError(f"POST {action} (hold) answered {status} {where}")

    details_url = urlsplit(where).path
    think()
    status, _loc, html, _ms = browser.request("GET", details_url)
    if status != 200:
        raise EndpointMissing(f"booking endpoint not found: GET {details_url} answered {status}")
    form = next((f for f in _forms(html) if any(x["name"] == "idempotency_key" for x in f["fields"])), None)
    if form is None:
        raise EndpointMissing(f"booking endpoint not found: no booking form (idempotency_key) on {details_url}")
    action = form["action"] or details_url
    think()
    status, where, html, book_ms = browser.request("POST", action, _fill(form, _details_values(client, n)))
    if status != 302 or "/book/done/" not in where:
        if status == 200 and "field-invalid" in html:
            raise RuntimeError(
                "the details form refused the benchmark's answers; fields it sends: "
                + ", ".join(name for name, _v in _fill(form, _details_values(client, n)))
            )
        raise RuntimeError(f"POST {action} (book) answered {status} {where}")
    status, _loc, _html, _ms = browser.request("GET", urlsplit(where).path)
    if status != 200:
        raise RuntimeError(f"the confirmation page answered {status}")
    return hold_ms, book_ms


# --- the queries of one booking -----------------------------------------------------------------

PAGES = ("times", "hold", "details", "book", "done")


class CountingBrowser:
    """``Browser``'s interface over Django's test client in this process, counting each page's SQL queries.

    Runs with the server's settings (production, DEBUG off, huey and the cache on Redis), so what it
    counts is what a gunicorn worker sends to the database for the same request, the work queued for
    the worker aside (no worker runs)."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="touchpoints-bench", HTTP_ACCEPT_LANGUAGE="en")
        self.counts: list[int] = []

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, str, str, float]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            if form is None:
                response = self.client.generic(method, path)
            else:
                body = urlencode(form)
                response = self.client.generic(method, path, body, "application/x-www-form-urlencoded")
        self.counts.append(len(queries.captured_queries))
        elapsed = (time.perf_counter() - started) * 1000
        return response.status_code, response.get("Location") or "", response.content.decode(), elapsed


def count_queries(plan_: dict) -> dict[str, int]:
    """(Runs against the demo database.) Book once through the five pages; each page's query count."""
    for provider in sorted(plan_["providers"], key=int):
        for day, location in plan_["providers"][provider][::-1]:  # days the other runs leave alone
            browser = CountingBrowser()
            result = book_one(browser, plan_, provider=provider, day=day, location=location, client=CLIENTS + 1, n=0)
            if result is not None:
                return dict(zip(PAGES, browser.counts, strict=True))
    raise RuntimeError("no open time left to count a booking's queries")


def _query_counts(database: DemoDatabase, plan_: dict) -> dict[str, int]:
    run_name = f"bookingbenchq{os.getpid()}"
    env = {**database.env, "DEBUG": "0", **(redis_env(run_name) if REDIS_BENCH_URL else {})}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_booking_http", "queries"],
            input=json.dumps(plan_),
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        if REDIS_BENCH_URL:
            clean_redis(run_name)
    if done.returncode != 0:
        raise RuntimeError(f"counting the booking's queries failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool) -> list[tuple[str, float, str]]:
    per_client = 3 if quick else 10
    database = _database(quick)
    if database is None:
        return []
    out = database._run("-m", "benchmarks.bench_booking_http", "plan", timeout=300)  # noqa: SLF001
    plan_ = json.loads(out.strip().splitlines()[-1])
    providers = sorted(plan_["providers"], key=int)
    if not providers:
        raise RuntimeError("the demo offers no open times for the benchmark's visit type")
    sharing = math.ceil(CLIENTS / len(providers))  # clients per provider, on alternate days
    queries = _query_counts(database, plan_)
    log("  booking_flow_queries per page: " + ", ".join(f"{page} {n}" for page, n in queries.items()))
    server = Server(database)
    log(
        f"  booking_http: gunicorn {WORKERS}x{THREADS} on port {server.port}, {CLIENTS} clients, "
        f"{per_client} bookings each (+1 warm-up), {database.size} demo on PostgreSQL"
    )

    remaining = {
        n: iter(plan_["providers"][providers[n % len(providers)]][n // len(providers) :: sharing])
        for n in range(CLIENTS)
    }

    def phase(think_seconds: float) -> tuple[list, list, int, float]:
        """Every client books ``per_client`` times (+1 warm-up); ``think_seconds``: mean pause between pages."""
        holds, books, errors = [], [], []
        skipped = [0]
        lock = threading.Lock()
        barrier = threading.Barrier(CLIENTS)

        def client(number: int) -> None:
            provider = providers[number % len(providers)]
            browser = Browser(server.port, client_address(number))
            rng = random.Random(number)

            def think() -> None:
                if think_seconds:
                    time.sleep(rng.uniform(0.5, 1.5) * think_seconds)

            done = 0
            try:
                barrier.wait(timeout=120)  # everyone starts together
                for day, location in remaining[number]:
                    result = book_one(
                        browser,
                        plan_,
                        provider=provider,
                        day=day,
                        location=location,
                        client=number,
                        n=done + (1000 if think_seconds else 0),
                        think=think,
                    )
                    if result is None:
                        with lock:
                            skipped[0] += 1
                        continue
                    done += 1
                    if done > 1:  # the first booking warms up the workers and is not counted
                        with lock:
                            holds.append(result[0])
                            books.append(result[1])
                    if done > per_client:
                        return
                raise RuntimeError(f"client {number} ran out of open days after {done} bookings")
            except Exception as exc:  # noqa: BLE001 - reported once all clients are done
                with lock:
                    errors.append(exc)
                barrier.abort()  # a client that fails before the start releases the others

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            server.stop()
            missing = next((e for e in errors if isinstance(e, EndpointMissing)), None)
            raise missing or errors[0]
        return holds, books, skipped[0], time.perf_counter() - started

    holds, books, skipped, wall = phase(0)
    _paced_holds, paced_books, _paced_skipped, paced_wall = phase(THINK_SECONDS)
    single: list[float] = []
    # For scale: the same booking with nobody else on the server (warm workers, the provider's last days).
    browser = Browser(server.port, client_address(CLIENTS))
    for day, location in plan_["providers"][providers[0]][::-1]:
        result = book_one(
            browser, plan_, provider=providers[0], day=day, location=location, client=CLIENTS, n=len(single)
        )
        if result is not None:
            single.append(result[1])
        if len(single) == SINGLE_CLIENT_BOOKINGS:
            break
    capacity_rate, _steps = capacity(server, plan_, quick)
    server.stop()
    log(
        f"  booking_http: {len(books)} timed bookings (+{CLIENTS} warm-up) in {wall:.1f} s; "
        f"{skipped} days had no time left or lost it to another client; paced run: {len(paced_books)} in "
        f"{paced_wall:.1f} s"
    )
    return [
        ("booking_flow_queries", sum(queries.values()), "queries"),
        ("booking_post_queries", queries["book"], "queries"),
        ("booking_http_p95", round(percentile(books, 0.95), 1), "ms"),
        ("booking_http_p50", round(statistics.median(books), 1), "ms"),
        ("booking_hold_http_p95", round(percentile(holds, 0.95), 1), "ms"),
        ("booking_hold_http_p50", round(statistics.median(holds), 1), "ms"),
        ("booking_http_single_client_p50", round(statistics.median(single), 1), "ms"),
        ("booking_http_paced_p95", round(percentile(paced_books, 0.95), 1), "ms"),
        ("booking_http_paced_p50", round(statistics.median(paced_books), 1), "ms"),
        ("booking_capacity_per_second", capacity_rate, "bookings/s"),
    ]


# --- capacity: new patients arriving at a fixed rate -----------------------------------------------

CAPACITY_P95_MS = 100.0
CAPACITY_RATES = (1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 21, 24, 28)  # new booking sessions per second
CAPACITY_STEP_SECONDS = 20
CAPACITY_STEP_SECONDS_QUICK = 10


def _capacity_days(plan_: dict) -> Iterator[tuple[str, str, int]]:
    """(provider, day, location) for one session each, as many per day as it has open times less one,
    the providers taken in turn (the patients of one moment book with all of them)."""
    per_provider: dict[str, list[tuple[str, int]]] = {}
    for provider, day, location, count in plan_["later"]:
        per_provider.setdefault(provider, []).extend([(day, location)] * max(count - 1, 0))
    queues = [iter(days) for _provider, days in sorted(per_provider.items(), key=lambda item: int(item[0]))]
    providers = sorted(per_provider, key=int)
    while queues:
        for index in range(len(queues) - 1, -1, -1):
            found = next(queues[index], None)
            if found is None:
                del queues[index], providers[index]
            else:
                yield providers[index], found[0], found[1]


class CapacityStep:
    """One rate's sessions: the booking POSTs' times, the times lost to another session, the errors."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.books: list[float] = []
        self.lost = 0
        self.errors: list[Exception] = []
        self.late_seconds = 0.0
        self._lock = threading.Lock()

    def session(self, port: int, plan_: dict, provider: str, day: str, location: int, number: int) -> None:
        rng = random.Random(number)
        try:
            result = book_one(
                Browser(port, client_address(number, network=1)),
                plan_,
                provider=provider,
                day=day,
                location=location,
                client=9000 + number // 10000,
                n=number % 10000,
                think=lambda: time.sleep(rng.uniform(0.5, 1.5)),
                pick=rng.choice,
            )
        except Exception as exc:  # noqa: BLE001 - the step fails; reported by capacity()
            with self._lock:
                self.errors.append(exc)
            return
        with self._lock:
            if result is None:
                self.lost += 1  # the time was taken meanwhile by another session
            else:
                self.books.append(result[1])

    @property
    def p95(self) -> float:
        return percentile(self.books, 0.95) if self.books else math.inf

    def passed(self) -> bool:
        return not self.errors and bool(self.books) and self.p95 < CAPACITY_P95_MS and self.late_seconds <= 1.0

    def line(self) -> str:
        p50 = statistics.median(self.books) if self.books else math.inf
        return (
            f"{self.rate}/s: {len(self.books)} bookings, booking POST p95 {self.p95:.0f} ms, p50 {p50:.0f} ms, "
            f"{self.lost} times lost to another session, {len(self.errors)} errors, "
            f"last arrival {self.late_seconds * 1000:.0f} ms late; load {os.getloadavg()[0]:.2f}"
        )


def capacity(server: Server, plan_: dict, quick: bool) -> tuple[float, list[str]]:
    """The highest rate of new booking sessions at which the booking POST's p95 stays under 100 ms.

    An open model: sessions start at a fixed rate whatever the server's speed, each a new browser going
    through the five pages with a pause of 0.5 to 1.5 s before each page after the first, booking a
    random time among those offered. Each rate runs for a step of seconds; the first rate whose p95
    reaches 100 ms (or where a booking fails) ends the run. Returns the rate and one line per step.
    """
    step_seconds = CAPACITY_STEP_SECONDS_QUICK if quick else CAPACITY_STEP_SECONDS
    days = _capacity_days(plan_)
    best = 0.0
    lines: list[str] = []
    number = 0
    for rate in CAPACITY_RATES:
        step = CapacityStep(rate)
        threads: list[threading.Thread] = []
        started = time.monotonic()
        arrivals = int(rate * step_seconds)
        for i in range(arrivals):
            choice = next(days, None)
            if choice is None:
                raise RuntimeError(f"the demo ran out of open times at {rate} bookings/s")
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            number += 1
            thread = threading.Thread(target=step.session, args=(server.port, plan_, *choice, number), daemon=True)
            thread.start()
            threads.append(thread)
        step.late_seconds = time.monotonic() - (started + (arrivals - 1) / rate)
        for thread in threads:
            thread.join(timeout=120)
        lines.append(step.line())
        log(f"  booking_capacity: {lines[-1]}")
        if step.errors:
            log(f"  booking_capacity: first error at {rate}/s: {step.errors[0]!r}")
        if not step.passed():
            break
        best = float(rate)
    return best, lines


def _django_main(what: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if what == "plan":
        print(json.dumps(plan()))
    else:
        print(json.dumps(count_queries(json.loads(sys.stdin.read()))))


if __name__ == "__main__":
    if sys.argv[1:2] in (["plan"], ["queries"]):
        _django_main(sys.argv[1])
    else:
        for name, value, unit in run("--quick" in sys.argv):
            print(f"{name}: {value} {unit}", flush=True)
