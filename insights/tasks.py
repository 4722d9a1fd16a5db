"""Background work of insights: the daily TNA record.

``record_third_next_available_hourly`` is a huey periodic task (``manage.py run_huey`` runs it). It
fires every hour and measures each practice once a day, the first time it runs after
``services.MEASURE_FROM_HOUR`` in that practice's time zone, so every zone gets its morning value.
The tests call the service directly.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5"))
def record_third_next_available_hourly() -> int:
    """Record today's TNA for the practices that have none yet and whose morning has come."""
    from .services import record_due_third_next_available

    return record_due_third_next_available(now=timezone.now())
