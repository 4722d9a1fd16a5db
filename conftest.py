"""Fixtures every app's tests share: a practice, staff in each role, a patient, a location, a provider
offering a visit type, and the browser set-up. pytest hands them to every test without an import; the
rows come from tests/factories.py, which a test calls directly for anything else."""

import os
import shutil
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings as SettingsFixture

from accounts.models import User
from frontdesk import checkin_links
from patients.models import Patient
from practices.models import Location, Practice, Provider, Role
from scheduling.models import Appointment, VisitType
from tests import factories

# Speed is measured in benchmarks, never asserted in tests: no per-example deadline, which a loaded
# machine (two CPUs, the suite in parallel) would miss now and then.
hypothesis_settings.register_profile("touchpoints", deadline=None)
hypothesis_settings.load_profile("touchpoints")


@pytest.fixture(autouse=True, scope="session")
def _database_vendor_is_the_one_asked_for(django_db_setup: None, django_db_blocker: object) -> None:
    """`make test` runs the suite again on PostgreSQL; fail loudly if it silently used SQLite."""
    wanted = os.environ.get("REQUIRE_DATABASE_VENDOR")
    if wanted:
        assert connection.vendor == wanted, f"expected {wanted}, tests ran on {connection.vendor}"


@pytest.fixture(autouse=True, scope="session")
def _remove_the_test_var_dir() -> Iterator[None]:
    """config/settings_test.py gives each run a private var/ folder in /tmp; leave none behind."""
    yield
    from django.conf import settings

    if settings.VAR_DIR.name.startswith("touchpoints-test-"):
        shutil.rmtree(settings.VAR_DIR, ignore_errors=True)


@pytest.fixture
def make_practice(db) -> Callable[..., Practice]:
    return factories.make_practice


@pytest.fixture
def practice(make_practice: Callable[..., Practice]) -> Practice:
    return make_practice(name="ClearSkin Test", slug="clearskin-test")


@pytest.fixture
def other_practice(make_practice: Callable[..., Practice]) -> Practice:
    return make_practice(name="Other Skin", slug="other-skin")


@pytest.fixture
def make_staff(db) -> Callable[..., User]:
    """Staff with a real argon2 password (PASSWORD), hashed once per test process:
    ``make_staff(practice, Role.FRONT_DESK)``."""
    return factories.make_staff


@pytest.fixture
def owner(practice, make_staff) -> User:
    return make_staff(practice, Role.OWNER)


@pytest.fixture
def front_desk(practice, make_staff) -> User:
    return make_staff(practice, Role.FRONT_DESK)


@pytest.fixture
def make_patient(db) -> Callable[..., Patient]:
    return factories.make_patient


@pytest.fixture
def patient(practice: Practice, make_patient: Callable[..., Patient]) -> Patient:
    return make_patient(practice)


@pytest.fixture
def location(practice) -> Location:
    return factories.make_location(practice, timezone="America/Chicago")


@pytest.fixture
def provider(practice, location) -> Provider:
    return factories.make_provider(practice, locations=[location], credentials="MD, FAAD")


@pytest.fixture
def visit_type(practice, provider, location) -> VisitType:
    """A skin check that ``provider`` offers at ``location`` on weekday hours from 2029 on (so
    ``factories.NOW`` has free times ahead)."""
    visit_type = factories.make_visit_type(
        practice, name="Full-body skin check", slug="skin-check", offered_by=[provider], offered_at=[location]
    )
    factories.make_weekday_hours(provider, location)
    return visit_type


@pytest.fixture
def verify_visit(client) -> Callable[[Appointment], None]:
    """Give the patient's date of birth on the visit link with ``client``, as the visit pages ask
    first (issue 11, item 8): ``verify_visit(appointment)``."""

    def verify(appointment: Appointment) -> None:
        token = checkin_links.token_for(appointment)
        url = reverse("frontdesk:visit_verify", kwargs={"practice_slug": appointment.practice.slug, "token": token})
        born = appointment.patient.date_of_birth
        response = client.post(url, {"month": born.month, "day": born.day, "year": born.year})
        assert response.status_code == 302, response.content.decode()

    return verify


@pytest.fixture
def staff_client(client: Client) -> Callable[[User], Client]:
    """A client signed in as the given user: ``staff_client(user)``."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


# --- Browser tests: Playwright drives Debian's Chromium, never a downloaded browser ----


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# --- Rate-limit counters live in Django's shared cache: no test sees another's ----------------

_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> None:
    """Clear the cache before each test. The embedded cache is a database table (core.cache), so it is
    cleared inside a test that has the database; a Redis cache (REDIS_URL) is cleared for every test."""
    from django.conf import settings
    from django.core.cache import cache

    uses_database = request.node.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(request.fixturenames)
    if uses_database:
        request.getfixturevalue("_django_db_helper")
        cache.clear()
    elif not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in English: a test that activates Spanish on its thread must not leak it into
    the next test that the same worker runs (the order differs under pytest-xdist)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


class RateLimitClock:
    """time.time() under a test's control. django-ratelimit counts in fixed windows of time.time(), so a
    test that counts requests and then expects a limit must not straddle a window's end (on a busy
    machine that happens). Signing and the cache's expiry read the same clock, so move it forward only."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = time.time()
        monkeypatch.setattr(time, "time", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta).total_seconds()

    def start_window(self, key: str, period: int) -> None:
        """Move forward to just after the start of ``key``'s next window of ``period`` seconds, where
        django-ratelimit places it (each key's windows are shifted by a hash of the key)."""
        offset = zlib.crc32(key.encode()) % period
        now = int(self.now)
        self.now = now + period - ((now - offset) % period) + 1


@pytest.fixture
def ratelimit_clock(monkeypatch: pytest.MonkeyPatch) -> RateLimitClock:
    return RateLimitClock(monkeypatch)


@pytest.fixture
def database_cache(settings: SettingsFixture, db: None) -> None:
    """The embedded install's cache (the database table), also in a run whose default cache is Redis."""
    settings.CACHES = {"default": settings.DATABASE_CACHE}
    from django.core.cache import cache

    cache.clear()
