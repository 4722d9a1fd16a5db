"""Scheduling's background work: offering freed time to the waitlist, and the every-minute sweep.

``offer_freed_time`` is a ``django.tasks`` task (ids and ISO times only, never patient data).
``every_minute`` is a huey periodic task (huey's consumer, ``manage.py run_huey``, runs it); it only
calls plain service functions, which the tests call directly.

This module imports the services it runs; they never import it back. A service that wants a task
queued sends a signal after commit (``signals.time_freed``, ``signals.waitlist_offer_due``) and the
app config (``apps.py``) queues the task.
"""

from datetime import datetime

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import holds as hold_services
from .services import waitlist as waitlist_services


@task
def offer_freed_time(
    practice_id: int, provider_id: int, location_id: int | None, start_iso: str, end_iso: str | None = None
) -> int:
    """Offer a freed time to the next batch of waiting patients; returns how many offers went out."""
    offers = waitlist_services.send_offers_for_time(
        practice_id=practice_id,
        provider_id=provider_id,
        location_id=location_id,
        start=datetime.fromisoformat(start_iso),
        end=datetime.fromisoformat(end_iso) if end_iso else None,
    )
    return len(offers)


@db_periodic_task(crontab(minute="*"))
def every_minute() -> None:
    """Release expired booking holds; expire waitlist offers and send the next batches."""
    hold_services.release_expired_holds()
    waitlist_services.expire_offers_and_send_next_batches()


@db_periodic_task(crontab(minute="23"))
def delete_spent_booking_confirmations_hourly() -> int:
    """Booking confirmations whose link can no longer be used (docs/operations.md); safe to repeat."""
    from .services.retention import delete_spent_booking_confirmations

    return delete_spent_booking_confirmations()
