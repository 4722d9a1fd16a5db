"""Background work of messaging. Task arguments are ids or nothing, never message text."""

from django.tasks import task


@task
def send_due_messages() -> int:
    """Send queued messages that are due; returns how many were sent."""
    from .delivery import send_due

    return send_due()
