"""Writes for insights: the daily record of time to third next available appointment."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from practices.models import Practice

from . import selectors
from .models import ThirdNextAvailable

# Local hour from which the day's TNA is recorded: before the day's walk-ins and same-day bookings,
# so that every day is measured at about the same moment.
MEASURE_FROM_HOUR = 6

logger = logging.getLogger(__name__)


@transaction.atomic
def record_third_next_available(*, practice: Practice, now: datetime) -> int:
    """Store today's TNA (practice-local day) per visit type, any provider and each provider.

    Idempotent per day: a second run the same day replaces that day's values. Returns the rows written.
    """
    day = practice.local_date(now)
    written = 0
    for row in selectors.live_third_next_available(practice=practice, now=now):
        ThirdNextAvailable.objects.update_or_create(
            practice=practice,
            day=day,
            visit_type=row.visit_type,
            provider=row.provider,
            defaults={"days": row.days, "measured_at": now},
        )
        written += 1
    return written


def record_due_third_next_available(*, now: datetime) -> int:
    """For every practice past ``MEASURE_FROM_HOUR`` local time with nothing stored today, record it.

    Returns how many practices had something to record (a practice offering no visit types has not).
    One practice's failure does not stop the others'.
    """
    measured = 0
    for practice in Practice.objects.order_by("pk"):
        local = now.astimezone(ZoneInfo(practice.timezone))
        if local.hour < MEASURE_FROM_HOUR or selectors.stored_today(practice, local.date()):
            continue
        try:
            written = record_third_next_available(practice=practice, now=now)
        except Exception:
            # Another worker measuring the same practice at once, or one practice's bad data.
            logger.exception("TNA not recorded for practice %s", practice.pk)
            continue
        measured += bool(written)
    return measured
