"""Huey side of the django.tasks bridge, plus a task that proves the worker runs."""

from django.conf import settings
from django.tasks import task
from django.utils.module_loading import import_string
from huey.contrib.djhuey import db_task

_options = settings.TASKS["default"].get("OPTIONS", {})


@db_task(retries=_options.get("retries", 3), retry_delay=_options.get("retry_delay", 30))
def run_django_task(task_path: str, args: list, kwargs: dict):
    django_task = import_string(task_path)
    return django_task.call(*args, **kwargs)


@task
def record_worker_heartbeat(label: str) -> None:
    """Write a heartbeat row; the worker tests and `manage.py check_worker` use it."""
    from core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(label=label)
