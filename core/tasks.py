"""Huey side of the django.tasks bridge, plus tasks that prove the worker runs (and retries)."""

from typing import Any, cast

from django.conf import settings
from django.tasks import task
from django.utils.module_loading import import_string
from huey.contrib.djhuey import db_task

_options: dict[str, Any] = cast(dict[str, Any], settings.TASKS["default"]).get("OPTIONS", {})


@db_task(retries=_options.get("retries", 3), retry_delay=_options.get("retry_delay", 30))
def run_django_task(task_path: str, args: list, kwargs: dict):
    django_task = import_string(task_path)
    return django_task.call(*args, **kwargs)


@task
def record_worker_heartbeat(label: str) -> None:
    """Write a heartbeat row; the worker tests and `manage.py check_worker` use it."""
    from core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(label=label)


class FirstAttemptFailed(RuntimeError):
    pass


@task
def record_heartbeat_after_one_failure(label: str) -> None:
    """Fail on the first attempt and succeed on the next, so the worker tests see huey retry.

    Each attempt writes a ``<label>:attempt`` row (the counter lives in the database, shared by
    every worker process); the successful attempt writes ``<label>``.
    """
    from core.models import WorkerHeartbeat

    attempt_label = f"{label}:attempt"
    WorkerHeartbeat.objects.create(label=attempt_label)
    if WorkerHeartbeat.objects.filter(label=attempt_label).count() == 1:
        raise FirstAttemptFailed(f"{label}: first attempt fails on purpose")
    WorkerHeartbeat.objects.create(label=label)
