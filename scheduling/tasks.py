"""Scheduling's background work: offering freed time to the waitlist, and the every-minute sweep.

``offer_freed_time`` is a ``django.tasks`` task (ids and ISO times only, never patient data).
``every_minute`` is a huey periodic task (huey's consumer, ``manage.py run_huey``, runs it); it only
calls plain service functions, which the tests call directly.
"""

from datetime import datetime

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@task
def offer_freed_time(
    practice_id: int, provider_id: int, location_id: int | None, start_iso: str, end_iso: str | None = None
) -> int:
    """Offer a freed time to the next batch of waiting patients; returns how many offers went out."""
    from .waitlist_services import send_offers_for_time

    offers = send_offers_for_time(
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
    from . import services, waitlist_services

    services.release_expired_holds()
    waitlist_services.expire_offers_and_send_next_batches()
