"""Messaging's signal receivers, connected in ``apps.MessagingConfig.ready``.

- scheduling's ``appointment_notice``, ``waitlist_notice`` and ``booking_link`` (sent after the
  change commits; scheduling never imports messaging): each writes one outbox row through
  ``services.notices`` in the signal's own call (the only task hop left is the sender's). A failure
  is logged, never raised: the change has committed, and a failed
  notice must not turn the request or the task into an error;
- the outbox's own ``signals.message_queued``: wake the sender (``tasks.send_due_messages``).
"""

from __future__ import annotations

import logging

from .confirmations import queue_appointment_notice
from .services import notices as notice_services


def on_appointment_notice(sender: object, *, appointment_id: int, kind: str, sequence: int, **kwargs: object) -> None:
    """The change has committed: write the email's outbox row right away (one task hop: the sender).

    A repeat is harmless (the row's dedupe key). Should the write fail, the task
    ``confirmations.queue_appointment_notice`` retries it in the background (ids only).
    """
    try:
        notice_services.queue_notice(appointment_id=appointment_id, kind=kind, sequence=sequence)
    except Exception:
        logging.getLogger("messaging.confirmations").warning(
            "could not queue the %s notice of appointment %s now; retrying in the background",
            kind,
            appointment_id,
            exc_info=True,
        )
        try:
            queue_appointment_notice.enqueue(appointment_id, kind, sequence)
        except Exception:
            # The booking has committed; a failed enqueue must not turn it into an error page.
            logging.getLogger("messaging.confirmations").exception(
                "could not enqueue the %s notice of appointment %s", kind, appointment_id
            )


def on_waitlist_notice(sender: object, *, offer_id: int, kind: str, link: str = "", **kwargs: object) -> None:
    """The offer (or its loss) has committed: queue the email right away (its link exists only here)."""
    try:
        notice_services.queue_waitlist_notice(offer_id=offer_id, kind=kind, link=link)
    except Exception:
        logging.getLogger("messaging.waitlist_notices").exception(
            "could not queue the %s notice of waitlist offer %s", kind, offer_id
        )


def on_booking_link(sender: object, *, confirmation_id: int, link: str, **kwargs: object) -> None:
    """The confirmation has committed: queue the link right away (it exists only here)."""
    try:
        notice_services.queue_booking_link(confirmation_id=confirmation_id, link=link)
    except Exception:
        logging.getLogger("messaging.booking_links").exception(
            "could not queue the link of booking confirmation %s", confirmation_id
        )


def wake_sender(sender: object, **kwargs: object) -> None:
    """A message was queued and committed: send it within seconds (the sender also runs every minute)."""
    from .tasks import send_due_messages  # the task module loads huey: only where a message is sent

    send_due_messages.enqueue()
