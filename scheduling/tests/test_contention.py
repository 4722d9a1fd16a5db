"""Many people booking the same time at once: exactly one wins each round, on the database in use.

PostgreSQL: 50 simultaneous attempts at one time, 20 rounds; each round exactly one booking succeeds
and the 49 others get ``SlotTaken`` with a non-empty list of open alternatives (never the lost time).
SQLite: 8 attempts, 5 rounds (one writer at a time; the rule is the same).

SQLite serializes write transactions (transaction_mode IMMEDIATE, busy_timeout); PostgreSQL queues on
the provider's row lock, with the exclusion constraint behind it. Each thread has its own connection
and closes it.

SQLite note: the test database is in memory in shared-cache mode, where a second writer gets "database
table is locked" at once (shared-cache locks never wait for busy_timeout). Production never runs that
way; it runs a WAL file. So on SQLite the threads book against a file copy of the test database,
opened with the project's own connection options (WAL, IMMEDIATE, busy_timeout): the real set-up.
"""

import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from scheduling.models import Appointment, AppointmentStatus
from scheduling.services.booking import SlotTaken, book_appointment
from tests.factories import NOW, TUESDAY_10

from .threads import file_copy_for_threads, in_thread


def _sizes() -> tuple[int, int]:
    """(threads, rounds) for the database in use."""
    return (50, 20) if connection.vendor == "postgresql" else (8, 5)


@pytest.fixture
def short_switch_interval():
    """Hand the GIL over sooner: the lock holder otherwise waits ~5 ms per query behind busy threads."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    yield
    sys.setswitchinterval(before)


def _start_of(round_number: int):
    """Tuesday to Friday, six times a morning from 10:00 local: a different time each round."""
    return TUESDAY_10 + timedelta(days=round_number // 6, minutes=30 * (round_number % 6))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("short_switch_interval")
def test_exactly_one_booking_wins_each_round(tmp_path, practice, patient, make_patient, provider, location, visit_type):
    threads_per_round, rounds = _sizes()
    patients = [patient] + [make_patient(practice) for _ in range(threads_per_round - 1)]
    db_file = file_copy_for_threads(tmp_path)
    # One thread (and one connection) per patient for every round; the barriers line them up.
    go = threading.Barrier(threads_per_round)
    done = threading.Barrier(threads_per_round + 1)
    outcomes = [[None] * threads_per_round for _ in range(rounds)]

    def attempt(who, start) -> str:
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
            if not exc.alternatives:
                return "taken without alternatives"
            if any(slot.start == start for slot in exc.alternatives):
                return "taken, offered the lost time again"
            return "taken"
        return "booked"

    def worker(index: int, who) -> None:
        if db_file:
            connections["default"].settings_dict = {**connections["default"].settings_dict, "NAME": db_file}
        try:
            for round_number in range(rounds):
                try:
                    go.wait(timeout=60)  # all at once
                    outcomes[round_number][index] = attempt(who, _start_of(round_number))
                except Exception as exc:  # noqa: BLE001 - reported by the main thread
                    outcomes[round_number][index] = f"error: {exc!r}"
                done.wait(timeout=120)
        except threading.BrokenBarrierError:
            pass
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=worker, args=(n, who)) for n, who in enumerate(patients)]
    for thread in threads:
        thread.start()
    try:
        for round_number in range(rounds):
            done.wait(timeout=180)
            round_outcomes = sorted(str(value) for value in outcomes[round_number])
            assert round_outcomes.count("booked") == 1, (round_number, round_outcomes)
            assert round_outcomes.count("taken") == threads_per_round - 1, (round_number, round_outcomes)
    finally:
        go.abort()
        done.abort()
        for thread in threads:
            thread.join(timeout=60)

    def booked_per_round():
        return [
            Appointment.objects.filter(provider=provider, start=_start_of(n), status=AppointmentStatus.BOOKED).count()
            for n in range(rounds)
        ] + [Appointment.objects.filter(provider=provider).count()]

    thread, result = in_thread(booked_per_round, db_file)
    thread.start()
    thread.join(timeout=60)
    assert result["value"] == [1] * rounds + [rounds]
