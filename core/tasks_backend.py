"""A django.tasks backend that puts each task on a huey queue.

Application code only ever uses ``django.tasks`` (``@task`` and ``.enqueue()``); huey supplies
the queue (an SQLite file embedded, Redis at scale), the worker (``manage.py run_huey``),
retries with a delay, and scheduling for ``run_after``.  Task arguments are JSON values: ids,
never patient data.
"""

from __future__ import annotations  # django.tasks.Task is not subscriptable at runtime

from typing import Any

from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.crypto import get_random_string
from huey.utils import normalize_time


class HueyBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def enqueue[**P, R](self, task: Task[P, R], args: list[Any], kwargs: dict[str, Any]) -> TaskResult[P, R]:
        from core.tasks import run_django_task

        self.validate_task(task)
        result_id = get_random_string(32)
        huey = run_django_task.huey
        # huey's TaskWrapper.schedule() insists on an eta, so build the huey task directly: no eta
        # means "run as soon as a worker is free", an eta makes the consumer hold it until then.
        eta = normalize_time(eta=task.run_after, utc=huey.utc) if task.run_after is not None else None
        huey.enqueue(
            run_django_task.task_class(args=(task.module_path, list(args), dict(kwargs)), id=result_id, eta=eta)
        )
        result: TaskResult[P, R] = TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(type(self), task_result=result)
        return result
