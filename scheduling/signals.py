"""``time_freed``: a provider's time became bookable (a cancellation, a reschedule, new hours).

Sent after the transaction that freed it commits, with ids and aware datetimes only, never
patient detail. The waitlist listens and offers the time to waiting patients.
"""

from datetime import datetime

from django.db import transaction
from django.dispatch import Signal

# kwargs: practice_id, provider_id, location_id, start, end (aware datetimes, the freed visit range)
time_freed = Signal()


def announce_time_freed(
    *, practice_id: int, provider_id: int, location_id: int | None, start: datetime, end: datetime
) -> None:
    transaction.on_commit(
        lambda: time_freed.send(
            sender=None,
            practice_id=practice_id,
            provider_id=provider_id,
            location_id=location_id,
            start=start,
            end=end,
        )
    )
