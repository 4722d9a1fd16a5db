"""The django.tasks -> huey bridge, in the test settings' immediate mode (tasks run inline).

test_worker.py proves the same path with real worker processes.
"""

from datetime import UTC, timedelta

import pytest
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_enqueued
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat_after_one_failure, record_worker_heartbeat, run_django_task


@pytest.fixture(autouse=True)
def empty_huey():
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.mark.django_db
def test_enqueue_runs_the_task_through_huey():
    assert HUEY.immediate
    result = record_worker_heartbeat.enqueue("inline")

    assert WorkerHeartbeat.objects.filter(label="inline").count() == 1
    assert result.status == TaskResultStatus.READY
    assert len(result.id) == 32
    assert result.args == ["inline"]
    assert result.backend == "default"


@pytest.mark.django_db
def test_enqueue_sends_task_enqueued():
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result)

    task_enqueued.connect(receiver)
    try:
        result = record_worker_heartbeat.enqueue("signalled")
    finally:
        task_enqueued.disconnect(receiver)
    assert [r.id for r in seen] == [result.id]


@pytest.mark.django_db
def test_run_after_holds_the_task_until_then():
    later = timezone.now() + timedelta(hours=1)
    result = record_worker_heartbeat.using(run_after=later).enqueue("later")

    assert not WorkerHeartbeat.objects.filter(label="later").exists()
    [scheduled] = HUEY.scheduled()
    assert scheduled.id == result.id
    assert abs(scheduled.eta - later.astimezone(UTC).replace(tzinfo=None)) < timedelta(seconds=1)


@pytest.mark.django_db
def test_a_failing_first_attempt_is_retried():
    record_heartbeat_after_one_failure.enqueue("flaky")

    # Immediate mode ran the first attempt, which failed; huey put the retry on its schedule.
    assert WorkerHeartbeat.objects.filter(label="flaky:attempt").count() == 1
    assert not WorkerHeartbeat.objects.filter(label="flaky").exists()
    [retry] = HUEY.scheduled()
    assert retry.retries == run_django_task.retries - 1

    HUEY.execute(retry, timestamp=retry.eta)
    assert WorkerHeartbeat.objects.filter(label="flaky:attempt").count() == 2
    assert WorkerHeartbeat.objects.filter(label="flaky").count() == 1
