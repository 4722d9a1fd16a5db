import logging
from datetime import datetime
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from .signals import time_freed, waitlist_offer_due

        time_freed.connect(_offer_freed_time_to_waitlist, dispatch_uid="scheduling.waitlist.time_freed")
        waitlist_offer_due.connect(_queue_waitlist_offer, dispatch_uid="scheduling.waitlist.offer_due")


def _offer_freed_time_to_waitlist(
    sender: object,
    *,
    practice_id: int,
    provider_id: int,
    location_id: int | None,
    start: datetime,
    end: datetime | None = None,
    **kwargs: Any,
) -> None:
    """A cancellation or reschedule freed a time (already committed): offer it to the waitlist."""
    from .tasks import offer_freed_time

    try:
        offer_freed_time.enqueue(
            practice_id, provider_id, location_id, start.isoformat(), end.isoformat() if end else None
        )
    except Exception:
        # The cancellation has committed; a failed offer must not turn it into an error page.
        logging.getLogger(__name__).exception("could not enqueue the waitlist offer for provider %s", provider_id)


def _queue_waitlist_offer(
    sender: object,
    *,
    practice_id: int,
    provider_id: int,
    location_id: int | None,
    start: datetime,
    end: datetime | None = None,
    **kwargs: Any,
) -> None:
    """The waitlist services asked (after commit) for a time to be offered: queue the task that does it.

    The services send a signal instead of queuing the task themselves because ``tasks`` imports them.
    """
    from .tasks import offer_freed_time

    if end is None:
        offer_freed_time.enqueue(practice_id, provider_id, location_id, start.isoformat())
    else:
        offer_freed_time.enqueue(practice_id, provider_id, location_id, start.isoformat(), end_iso=end.isoformat())
