"""Background work of feedback. Periodic jobs take no arguments; they call plain service functions,
which the tests call directly."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def invite_from_journey_every_five_minutes() -> int:
    """Invite patients after the journey events that trigger surveys (safe to repeat: one per event)."""
    from .services.invitations import invite_from_journey

    return invite_from_journey()
