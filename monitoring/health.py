"""The health checks (django-health-check): database, cache, the task queue's depth, the worker's beat.

Each check runs in the request's own thread (``sync_to_async``, thread-sensitive), so it uses the
request's database connection (pooled or kept as ``CONN_MAX_AGE`` says) instead of opening one in a
throwaway thread. ``critical`` marks what the web process cannot serve without: when a critical check
fails, ``GET /healthz`` answers 503 so a load balancer stops sending traffic; a deep queue or a silent
worker leaves the web process able to serve, so those make the status "degraded" with 200.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid
from typing import ClassVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.utils import timezone
from health_check import checks  # type: ignore[import-untyped]
from health_check.base import HealthCheck  # type: ignore[import-untyped]
from health_check.exceptions import (  # type: ignore[import-untyped]
    HealthCheckException,
    ServiceUnavailable,
    ServiceWarning,
)

from . import selectors

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover  (redis is a requirement; the guard keeps the module importable)
    RedisError = OSError  # type: ignore[assignment,misc]


class NamedCheck(HealthCheck):
    name: ClassVar[str]
    critical: ClassVar[bool] = False

    def check_now(self) -> None:
        """The check itself, synchronous: raises ServiceUnavailable or ServiceWarning."""
        raise NotImplementedError


@dataclasses.dataclass
class Database(NamedCheck, checks.Database):
    """``SELECT 1`` on the request's connection."""

    name: ClassVar[str] = "database"
    critical: ClassVar[bool] = True

    async def run(self) -> None:  # async here (sync in django-health-check): runs in the request thread
        await sync_to_async(self.check_now)()

    def check_now(self) -> None:
        try:
            with connections[self.alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                row = cursor.fetchone()
        except DatabaseError as error:
            raise ServiceUnavailable(type(error).__name__) from error
        if row is None or row[0] != 1:
            raise ServiceUnavailable("SELECT 1 did not return 1")


@dataclasses.dataclass
class Cache(NamedCheck, checks.Cache):
    """Write, read back and delete a key in the shared cache (Redis, or the database table)."""

    name: ClassVar[str] = "cache"
    critical: ClassVar[bool] = True

    async def run(self) -> None:
        await sync_to_async(self.check_now)()

    def check_now(self) -> None:
        cache = caches[self.alias]
        key = f"{self.key_prefix}:{uuid.uuid4().hex}"
        value = uuid.uuid4().hex
        try:
            cache.set(key, value, timeout=self.timeout.total_seconds())
            read = cache.get(key)
            cache.delete(key)  # each probe would otherwise leave a row behind in the database cache
        except (DatabaseError, RedisError, ConnectionError) as error:
            raise ServiceUnavailable(type(error).__name__) from error
        if read != value:
            raise ServiceUnavailable("the value read back differs from the one written")


@dataclasses.dataclass
class TaskQueue(NamedCheck):
    """Tasks waiting for a worker (huey's pending count; tasks deferred to later are not counted).
    At ``HEALTH_QUEUE_WARNING`` a warning, at ``HEALTH_QUEUE_CRITICAL`` unavailable."""

    name: ClassVar[str] = "queue"

    async def run(self) -> None:
        await sync_to_async(self.check_now)()

    def check_now(self) -> None:
        from huey.contrib.djhuey import HUEY

        try:
            pending = HUEY.pending_count()
        except Exception as error:  # redis, sqlite3 or anything the storage raises
            raise ServiceUnavailable(f"cannot read the queue ({type(error).__name__})") from error
        if pending >= settings.HEALTH_QUEUE_CRITICAL:
            raise ServiceUnavailable(f"{pending} tasks waiting (critical at {settings.HEALTH_QUEUE_CRITICAL})")
        if pending >= settings.HEALTH_QUEUE_WARNING:
            raise ServiceWarning(f"{pending} tasks waiting (warning at {settings.HEALTH_QUEUE_WARNING})")


@dataclasses.dataclass
class WorkerBeat(NamedCheck):
    """The worker's last beat (``monitoring.tasks.worker_beat``, every minute) is younger than
    ``HEALTH_WORKER_BEAT_MAX_AGE`` seconds. With ``HUEY_IMMEDIATE`` tasks run inline: no worker to check."""

    name: ClassVar[str] = "worker"

    async def run(self) -> None:
        await sync_to_async(self.check_now)()

    def check_now(self) -> None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            return
        try:
            beat = selectors.last_worker_beat()
        except DatabaseError as error:
            raise ServiceUnavailable(type(error).__name__) from error
        if beat is None:
            raise ServiceUnavailable("no beat from the worker yet (is `manage.py run_huey` running?)")
        age = timezone.now() - beat
        if age > datetime.timedelta(seconds=settings.HEALTH_WORKER_BEAT_MAX_AGE):
            raise ServiceUnavailable(f"last beat {int(age.total_seconds())} s ago")


CHECKS: tuple[type[NamedCheck], ...] = (Database, Cache, TaskQueue, WorkerBeat)


@dataclasses.dataclass(frozen=True)
class Reading:
    name: str
    critical: bool
    error: HealthCheckException | None
    seconds: float


def read_checks() -> list[Reading]:
    """Run every check in turn in the calling thread (the views are synchronous: an async view run
    under WSGI needs a thread without an event loop, which a test process with a browser lacks)."""
    readings = []
    for check_class in CHECKS:
        check = check_class()
        started = time.perf_counter()
        error: HealthCheckException | None = None
        try:
            check.check_now()
        except HealthCheckException as exception:
            error = exception
        readings.append(Reading(check.name, check.critical, error, time.perf_counter() - started))
    return readings


def status_of(error: Exception | None) -> str:
    if error is None:
        return "ok"
    return "warning" if isinstance(error, ServiceWarning) else "unavailable"
