"""Reads for the health checks and the metrics endpoint: platform-wide counts, never a patient's row."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from core.models import WorkerHeartbeat
from messaging.models import Message

WORKER_BEAT_LABEL = "worker-beat"


def last_worker_beat() -> datetime | None:
    """When the worker last ran the periodic beat (``monitoring.tasks.worker_beat``), or None."""
    return (
        WorkerHeartbeat.objects.filter(label=WORKER_BEAT_LABEL)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def message_counts() -> list[tuple[str, str, int]]:
    """(status, channel, count) over every outbound message, all practices together."""
    rows = Message.objects.order_by().values_list("status", "channel").annotate(count=Count("id"))
    return [(status, channel, count) for status, channel, count in rows]
