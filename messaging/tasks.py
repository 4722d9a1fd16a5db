"""Background work of messaging. Task arguments are ids or nothing, never message text.

Two ways in, one piece of delivery code (``messaging.delivery.send_due``):

- ``send_due_messages`` (django.tasks): enqueued after each commit of ``queue_message`` (its
  ``message_queued`` signal, ``receivers.wake_sender``), so a new message goes out within seconds.
- ``send_due_messages_every_minute`` (a huey periodic task): the embedded worker (`manage.py
  run_huey`) finds due rows on its own every minute: reminders whose time has come, retries after
  their backoff, rows of a worker that died (expired lease). With N workers on Redis each consumer
  fires it; claims are exclusive, so that costs a few empty queries, never a second send.
"""

from django.tasks import task
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@task
def send_due_messages() -> int:
    """Send queued messages that are due; returns how many were sent."""
    from .delivery import send_due

    return send_due()


@db_periodic_task(crontab(minute="*"))
def send_due_messages_every_minute() -> int:
    """Queue the reminders whose time has come, then send everything due."""
    from .delivery import send_due
    from .services.reminders import queue_due_reminders

    queue_due_reminders()
    return send_due()


@db_periodic_task(crontab(minute="*/10"))
def queue_thank_yous_every_ten_minutes() -> int:
    """Thank visits that ended recently (safe to repeat: one per appointment)."""
    from .services.recall import queue_thank_yous

    return queue_thank_yous(now=timezone.now())


@db_periodic_task(crontab(minute="0", hour="15"))
def recall_daily() -> None:
    """Daily, mid-morning in US time zones: recall dates from completed visits, then due recalls."""
    from .services.recall import refresh_recalls_from_visits, send_due_recalls

    now = timezone.now()
    refresh_recalls_from_visits(now=now)
    send_due_recalls(now=now)


@db_periodic_task(crontab(minute="23"))
def delete_old_webhook_receipts_hourly() -> int:
    """Webhook receipts past their retention (docs/operations.md); safe to repeat."""
    from .services.retention import delete_old_webhook_receipts

    return delete_old_webhook_receipts()
