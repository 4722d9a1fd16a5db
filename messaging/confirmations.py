"""The background task that queues an appointment email (booking confirmation, new time,
cancellation) when ``receivers.on_appointment_notice`` could not write the outbox row itself (it
normally does, in the signal's own call); it calls ``services.notices.queue_notice`` with ids only.
What the emails say and how they are sent: docs/messaging.md.

The task stays in this module because a queued task is named by its module path
(``messaging.confirmations.queue_appointment_notice``): moving it would strand queued jobs.
"""

from __future__ import annotations

from django.tasks import task

from .services import notices as notice_services


@task
def queue_appointment_notice(appointment_id: int, kind: str, sequence: int) -> int | None:
    """Queue the notice once; returns the outbox row's id (None when there is nothing to send)."""
    message = notice_services.queue_notice(appointment_id=appointment_id, kind=kind, sequence=sequence)
    return message.pk if message else None
