"""Patients' background work: the hourly clean-up of spent sign-in links (docs/operations.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="23"))
def delete_spent_sign_in_links_hourly() -> int:
    return services.delete_spent_sign_in_links()
