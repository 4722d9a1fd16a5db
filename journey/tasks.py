"""Journey's background work: the daily clean-up of events past their retention (docs/operations.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="53", hour="4"))
def delete_events_past_retention_daily() -> int:
    return services.delete_events_past_retention()
