"""Delivery: claim due outbox rows and hand them to their channel. (First cut; hardened next.)"""

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Channel, Message, MessageStatus


def send_due(*, now=None, limit: int = 500) -> int:
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            Message.objects.select_for_update()
            .filter(status=MessageStatus.QUEUED, send_after__lte=now)
            .order_by("send_after")[:limit]
        )
        for message in due:
            if message.channel == Channel.EMAIL:
                EmailMessage(subject=message.subject, body=message.body, to=[message.to]).send()
            message.status = MessageStatus.SENT
            message.sent_at = now
            message.attempts += 1
            message.save(update_fields=["status", "sent_at", "attempts"])
            sent += 1
    return sent
