"""How long scheduling keeps what it no longer needs (docs/operations.md, "Retention and clean-up").

Booking holds need nothing here: ``holds.release_expired_holds`` deletes each one the minute it runs out
(``tasks.every_minute``). Waitlist offers stay: they are the record of who was offered what, and their
unique constraint is what stops a time being offered twice to one entry.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.cleanup import delete_in_batches

from .. import confirm_links
from ..models import BookingConfirmation


def delete_spent_booking_confirmations(*, now: datetime | None = None) -> int:
    """Returning patients' online bookings waiting for confirmation, once their link can no longer be used:
    older than the link's lifetime (``confirm_links.MAX_AGE``) and ``SPENT_LINK_RETENTION_DAYS``. A confirmed
    one has made its appointment, which keeps everything that matters; the request is in the audit log."""
    keep = max(timedelta(days=settings.SPENT_LINK_RETENTION_DAYS), confirm_links.MAX_AGE)
    return delete_in_batches(BookingConfirmation.objects.filter(created_at__lt=(now or timezone.now()) - keep))
