"""Accounts' background work: the hourly clean-up of sign-in data (docs/operations.md, "Retention and clean-up")."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="23"))
def delete_expired_sign_in_data_hourly() -> tuple[int, int]:
    """Expired sessions, and staff sign-in records past their retention; safe to repeat."""
    return services.delete_expired_sessions(), services.delete_old_sign_in_logs()
