import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string


class Command(BaseCommand):
    help = (
        "Enqueue a heartbeat task and wait for a background worker (`manage.py run_huey`) to run it. "
        "Exits non-zero if no heartbeat comes back in time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=20, help="Seconds to wait for the worker (default 20).")
        parser.add_argument(
            "--count", type=int, default=1, help="How many heartbeats to enqueue; every one must come back."
        )
        parser.add_argument(
            "--label",
            default="",
            help="Heartbeat label (default: a fresh random one). With --count N the labels are LABEL-1 ... LABEL-N.",
        )

    def handle(self, *args, timeout: float, count: int, label: str, **options):
        from huey.contrib.djhuey import HUEY

        from core.models import WorkerHeartbeat
        from core.tasks import record_worker_heartbeat

        if count < 1:
            raise CommandError("--count must be at least 1.")
        if HUEY.immediate:
            raise CommandError("HUEY_IMMEDIATE is on: tasks run inline in the calling process, so there is no worker.")

        label = label or f"check-worker-{get_random_string(12)}"
        labels = [label] if count == 1 else [f"{label}-{n}" for n in range(1, count + 1)]
        started = time.monotonic()
        for item in labels:
            record_worker_heartbeat.enqueue(item)

        deadline = started + timeout
        while True:
            arrived = set(WorkerHeartbeat.objects.filter(label__in=labels).values_list("label", flat=True))
            if len(arrived) == len(labels):
                break
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"No worker ran {len(labels) - len(arrived)} of {len(labels)} heartbeat task(s) within "
                    f"{timeout:g} s. Is `manage.py run_huey` running with the same database and queue "
                    "(REDIS_URL, or HUEY_SQLITE_FILE / TOUCHPOINTS_VAR_DIR) as this command?"
                )
            time.sleep(0.2)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"The worker ran {len(labels)} heartbeat task(s) in {seconds:.1f} s ({label}).")
        )
