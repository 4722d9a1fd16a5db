"""A dedicated delivery worker: ``manage.py send_messages [--batch 500] [--until-empty]``.

Runs the same delivery code as the huey task (``messaging.delivery.deliver_batch``) in a tight
loop, for throughput: run several at once (processes or machines); each claims its own batches.
Without ``--until-empty`` it runs until SIGTERM/SIGINT, sleeping ``--idle`` seconds when nothing is
due. With ``--until-empty`` it stops once nothing is due or in flight (it waits for rows of a dead
worker until their lease ends, then sends them).
"""

import signal
import time

from django.core.management.base import BaseCommand

from messaging.delivery import BatchResult, deliver_batch, new_worker_id, work_left


class Command(BaseCommand):
    help = "Deliver due messages in batches until stopped (or until nothing is left with --until-empty)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows claimed at once (default 500)")
        parser.add_argument("--lease", type=int, default=None, help="seconds a claim lasts (MESSAGE_LEASE_SECONDS)")
        parser.add_argument("--until-empty", action="store_true", help="stop when nothing is due or in flight")
        parser.add_argument("--idle", type=float, default=1.0, help="seconds to sleep when nothing is due")
        parser.add_argument("--worker-id", default="", help="name in claimed_by (default host-pid-random)")

    def handle(self, *args, batch, lease, until_empty, idle, worker_id, **options):
        worker = worker_id or new_worker_id()
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        total = BatchResult()
        while not stopping:
            result = deliver_batch(worker=worker, limit=batch, lease_seconds=lease)
            total.add(result)
            if result.claimed:
                continue
            if until_empty and not work_left():
                break
            time.sleep(idle)
        errors = " ".join(f"{code}={n}" for code, n in sorted(total.errors.items())) or "none"
        self.stdout.write(
            f"worker {worker}: sent={total.sent} retried={total.retried} failed={total.failed} "
            f"skipped={total.skipped} replays={total.replays} errors={errors}"
        )
