from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def worker_beat() -> None:
    """Every minute: proof that the scheduler runs and a worker takes tasks off the queue
    (the ``worker`` health check reads it)."""
    services.record_worker_beat()
