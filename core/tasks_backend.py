"""A django.tasks backend that puts each task on a huey queue.

Application code only ever uses ``django.tasks`` (``@task`` and ``.enqueue()``); huey supplies
the queue (an SQLite file embedded, Redis at scale), the worker (``manage.py run_huey``),
retries with a delay, and scheduling for ``run_after``.  Task arguments are JSON values: ids,
never patient data.
"""

from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string


class HueyBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def enqueue(self, task, args, kwargs):
        from core.tasks import run_django_task

        self.validate_task(task)
        result_id = get_random_string(32)
        run_django_task.schedule(
            args=(task.module_path, list(args), dict(kwargs)),
            eta=task.run_after,
            id=result_id,
        )
        return TaskResult(
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
