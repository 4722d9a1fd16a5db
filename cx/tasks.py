"""Background work of the experience toolkit. Periodic jobs take no arguments; they call plain service
functions, which the tests call directly."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def send_moment_emails_every_fifteen_minutes() -> int:
    """On meeting days past 07:00 local time, email the moment to the team members who opted in (once
    each); the day before, prepare the draft if nobody has."""
    from .services.moments import send_moment_emails

    return send_moment_emails(now=timezone.now())
