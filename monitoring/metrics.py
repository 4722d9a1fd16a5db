"""Prometheus metrics: request latency by route, the task queue, messages by status, the worker's beat.

The request histogram is recorded by ``RequestMetricsMiddleware`` in every web process. Several
gunicorn processes need prometheus_client's multiprocess mode, or each scrape would see one random
process: ``PROMETHEUS_MULTIPROC_DIR`` names a directory the processes share (``gunicorn.conf.py`` at
the repository root makes one when gunicorn runs more than one process and the variable is unset).
The rest is read from the queue and the database at scrape time (``ScrapeTimeCollector``), so it
is right whichever process answers. Labels never carry a path (a path may hold a token): requests
are labelled by their URL pattern's name.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from . import selectors

logger = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNRESOLVED = "unresolved"  # no URL pattern matched (404s for unknown paths, bots)

# This process's own metrics; in multiprocess mode their values live in PROMETHEUS_MULTIPROC_DIR.
_process_registry = CollectorRegistry()
REQUEST_DURATION = Histogram(
    "touchpoints_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by URL pattern name.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=_process_registry,
)


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match.route or UNRESOLVED) if match else UNRESOLVED


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        REQUEST_DURATION.labels(route=route_of(request), method=method, status=str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


class ScrapeTimeCollector:
    """Read when Prometheus scrapes: the same answer from every process."""

    def collect(self) -> Iterator[Metric]:
        yield from self._queue()
        yield from self._messages()
        yield from self._worker()

    def _queue(self) -> Iterator[Metric]:
        from huey.contrib.djhuey import HUEY

        try:
            pending, scheduled = HUEY.pending_count(), HUEY.scheduled_count()
        except Exception:
            logger.warning("metrics: cannot read the task queue", exc_info=True)
            return
        yield GaugeMetricFamily("touchpoints_queue_pending_tasks", "Tasks waiting for a worker.", value=pending)
        yield GaugeMetricFamily(
            "touchpoints_queue_scheduled_tasks", "Tasks deferred to a later time (retries, run_after).", value=scheduled
        )

    def _messages(self) -> Iterator[Metric]:
        try:
            counts = selectors.message_counts()
        except Exception:
            logger.warning("metrics: cannot count messages", exc_info=True)
            return
        family = GaugeMetricFamily(
            "touchpoints_messages",
            "Outbound messages in the outbox by status and channel (sent, delivered, failed, bounced, ...).",
            labels=["status", "channel"],
        )
        for status, channel, count in counts:
            family.add_metric([status, channel], count)
        yield family

    def _worker(self) -> Iterator[Metric]:
        try:
            beat = selectors.last_worker_beat()
        except Exception:
            logger.warning("metrics: cannot read the worker's beat", exc_info=True)
            return
        if beat is not None:
            yield GaugeMetricFamily(
                "touchpoints_worker_last_beat_age_seconds",
                "Seconds since the worker last ran the periodic beat.",
                value=(timezone.now() - beat).total_seconds(),
            )


class _ThisProcess:
    def collect(self) -> Iterator[Metric]:
        yield from _process_registry.collect()


def exposition() -> bytes:
    """The text Prometheus scrapes."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(ScrapeTimeCollector())
    return generate_latest(registry)
