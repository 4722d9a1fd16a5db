"""How long messaging keeps what it no longer needs (docs/operations.md, "Retention and clean-up")."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.cleanup import delete_in_batches

from ..models import WebhookReceipt
from ..signatures import MAX_AGE_SECONDS

# A webhook is refused when its timestamp is more than MAX_AGE_SECONDS from now, either way, so a receipt
# older than twice that guards against nothing: its replay would be refused as stale anyway.
SHORTEST_RECEIPT_RETENTION = timedelta(seconds=2 * MAX_AGE_SECONDS)


def delete_old_webhook_receipts(*, now: datetime | None = None) -> int:
    """Webhook receipts older than ``WEBHOOK_RECEIPT_RETENTION_DAYS`` (never younger than the replay window)."""
    keep = max(timedelta(days=settings.WEBHOOK_RECEIPT_RETENTION_DAYS), SHORTEST_RECEIPT_RETENTION)
    return delete_in_batches(WebhookReceipt.objects.filter(received_at__lt=(now or timezone.now()) - keep))
