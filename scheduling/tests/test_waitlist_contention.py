"""Several patients accept the same offered time at the same moment: exactly one gets it.

PostgreSQL only: each thread has its own connection and the provider's row lock queues them.
(On SQLite the test database is in memory with shared-cache locks that never wait; the
booking-level contention test covers SQLite with a WAL file copy.)
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from scheduling import waitlist_services
from scheduling.models import Appointment, BookingPolicy, OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistStatus
from scheduling.waitlist_services import Outcome

from .conftest import NOW, TUESDAY_10
from .test_waitlist_support import join

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")

PATIENTS = 6


@pytest.mark.django_db(transaction=True)
def test_it_books_the_time_once_when_everyone_accepts_at_once(practice, provider, location, visit_type, make_patient):
    BookingPolicy.objects.create(practice=practice, waitlist_batch_size=PATIENTS)
    for i in range(PATIENTS):
        join(practice, make_patient(practice), visit_type, now=NOW + timedelta(seconds=i))
    offers = waitlist_services.send_offers_for_time(
        practice_id=practice.pk, provider_id=provider.pk, location_id=location.pk, start=TUESDAY_10, now=NOW
    )
    assert len(offers) == PATIENTS
    outcomes: list[str] = []
    barrier = threading.Barrier(PATIENTS)

    def accept(offer):
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
    assert Appointment.objects.filter(start=TUESDAY_10).count() == 1
    assert WaitlistOffer.objects.filter(status=OfferStatus.ACCEPTED).count() == 1
    assert WaitlistEntry.objects.filter(status=WaitlistStatus.ACTIVE).count() == PATIENTS - 1
