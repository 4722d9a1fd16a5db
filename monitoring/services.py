"""The worker's beat: one row a minute, so the health check can tell when the worker last ran."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.models import WorkerHeartbeat

from .selectors import WORKER_BEAT_LABEL

# Older beats say nothing the newest does not; keep the table a handful of rows.
KEEP_BEATS_FOR = timedelta(hours=1)


def record_worker_beat() -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(label=WORKER_BEAT_LABEL)
    WorkerHeartbeat.objects.filter(label=WORKER_BEAT_LABEL, created_at__lt=now - KEEP_BEATS_FOR).delete()
