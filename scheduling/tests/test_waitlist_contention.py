"""Several patients accept the same offered time at the same moment: exactly one gets it.

Each thread has its own connection. PostgreSQL queues them on the provider's row lock; SQLite
serializes the write transactions. On SQLite the in-memory test database's shared-cache locks
never wait, so the threads work on a WAL file copy, as in the booking contention test.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connections

from scheduling.models import Appointment, BookingPolicy, OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistStatus
from scheduling.services import waitlist as waitlist_services
from scheduling.services.waitlist import Outcome
from tests.factories import NOW, TUESDAY_10, make_waitlist_entry

from .threads import file_copy_for_threads, in_thread

PATIENTS = 6


@pytest.mark.django_db(transaction=True)
def test_it_books_the_time_once_when_everyone_accepts_at_once(
    tmp_path, practice, provider, location, visit_type, make_patient
):
    BookingPolicy.objects.create(practice=practice, waitlist_batch_size=PATIENTS)
    for i in range(PATIENTS):
        make_waitlist_entry(practice, make_patient(practice), visit_type, now=NOW + timedelta(seconds=i))
    offers = waitlist_services.send_offers_for_time(
        practice_id=practice.pk, provider_id=provider.pk, location_id=location.pk, start=TUESDAY_10, now=NOW
    )
    assert len(offers) == PATIENTS
    db_file = file_copy_for_threads(tmp_path)
    outcomes: list[str] = []
    barrier = threading.Barrier(PATIENTS)

    def accept(offer):
        if db_file:
            connections["default"].settings_dict = {**connections["default"].settings_dict, "NAME": db_file}
        try:
            barrier.wait()
            outcomes.append(waitlist_services.accept_offer(offer=offer, now=NOW + timedelta(minutes=1)).outcome)
        except Exception as exc:  # noqa: BLE001 - reported as an outcome
            outcomes.append(f"error: {exc!r}")
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=accept, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == sorted([Outcome.BOOKED] + [Outcome.TAKEN] * (PATIENTS - 1)), outcomes

    def counts():
        return (
            Appointment.objects.filter(start=TUESDAY_10).count(),
            WaitlistOffer.objects.filter(status=OfferStatus.ACCEPTED).count(),
            WaitlistEntry.objects.filter(status=WaitlistStatus.ACTIVE).count(),
        )

    thread, result = in_thread(counts, db_file)
    thread.start()
    thread.join(timeout=60)
    assert result["value"] == (1, 1, PATIENTS - 1)
