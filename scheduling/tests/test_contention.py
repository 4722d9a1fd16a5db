"""Many people booking the same time at once: exactly one wins each round, on the database in use.

SQLite serializes write transactions (transaction_mode IMMEDIATE, busy_timeout); PostgreSQL queues on
the provider's row lock, with the exclusion constraint behind it. Each thread has its own connection
and closes it.

SQLite note: the test database is in memory in shared-cache mode, where a second writer gets "database
table is locked" at once (shared-cache locks never wait for busy_timeout). Production never runs that
way; it runs a WAL file. So on SQLite the threads book against a file copy of the test database,
opened with the project's own connection options (WAL, IMMEDIATE, busy_timeout): the real set-up.
"""

import sqlite3
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from scheduling.models import Appointment, AppointmentStatus
from scheduling.services import SlotTaken, book_appointment

from .conftest import NOW, TUESDAY_10


def _sizes() -> tuple[int, int]:
    """(threads, rounds) for the database in use."""
    return (50, 10) if connection.vendor == "postgresql" else (8, 5)


def _file_copy_for_threads(tmp_path) -> str | None:
    """On an in-memory SQLite test database, a WAL file copy for the threads; else None."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    path = str(tmp_path / "contention.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return path


def _in_thread(fn, db_file: str | None):
    """Run ``fn`` in a new thread on its own connection (to ``db_file`` if given), closed afterwards."""
    result = {}

    def run():
        if db_file:
            connections["default"].settings_dict = {**connections["default"].settings_dict, "NAME": db_file}
        try:
            result["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - reported to the caller as a value
            result["value"] = f"error: {exc!r}"
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    return thread, result


@pytest.fixture
def short_switch_interval():
    """Hand the GIL over sooner: the lock holder otherwise waits ~5 ms per query behind busy threads."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    yield
    sys.setswitchinterval(before)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("short_switch_interval")
def test_exactly_one_booking_wins_each_round(tmp_path, practice, patient, make_patient, provider, location, visit_type):
    threads_per_round, rounds = _sizes()
    patients = [patient] + [make_patient(practice) for _ in range(threads_per_round - 1)]
    db_file = _file_copy_for_threads(tmp_path)

    for round_number in range(rounds):
        # Tuesday to Friday, six times a morning from 10:00 local.
        start = TUESDAY_10 + timedelta(days=round_number // 6, minutes=30 * (round_number % 6))
        barrier = threading.Barrier(threads_per_round)

        def attempt(who, start=start, barrier=barrier):
            barrier.wait(timeout=30)
            try:
                book_appointment(
                    practice=practice,
                    patient=who,
                    provider=provider,
                    location=location,
                    visit_type=visit_type,
                    start=start,
                    booked_via="online",
                    now=NOW,
                )
            except SlotTaken as exc:
                return "taken" if exc.alternatives else "taken without alternatives"
            return "booked"

        runs = [_in_thread(lambda who=who: attempt(who), db_file) for who in patients]
        for thread, _ in runs:
            thread.start()
        for thread, _ in runs:
            thread.join(timeout=120)
        outcomes = sorted(result.get("value", "unfinished") for _, result in runs)
        assert outcomes == ["booked"] + ["taken"] * (threads_per_round - 1), (round_number, outcomes)

        def booked_at(start=start):
            return Appointment.objects.filter(provider=provider, start=start, status=AppointmentStatus.BOOKED).count()

        thread, result = _in_thread(booked_at, db_file)
        thread.start()
        thread.join(timeout=60)
        assert result["value"] == 1

    thread, result = _in_thread(lambda: Appointment.objects.filter(provider=provider).count(), db_file)
    thread.start()
    thread.join(timeout=60)
    assert result["value"] == rounds
