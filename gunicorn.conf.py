"""gunicorn reads this file from its working directory (scripts/entrypoint.sh and the Procfile start
gunicorn at the repository root). It prepares prometheus_client's multiprocess mode, so /metrics
sums the request histograms of every web process (monitoring/metrics.py, docs/operations.md):

- ``PROMETHEUS_MULTIPROC_DIR`` set: that directory is emptied when gunicorn starts (files left by an
  earlier run would be counted again);
- unset, with more than one process: a fresh temporary directory, removed when gunicorn stops;
- unset, one process: nothing to share.

The variable must be set before a worker imports prometheus_client, hence here, in the master.
"""

import os
import shutil
import tempfile
from pathlib import Path

_MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"
_made_here: list[str] = []


def on_starting(server):
    directory = os.environ.get(_MULTIPROC)
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    elif server.cfg.workers > 1:
        directory = tempfile.mkdtemp(prefix="touchpoints-prometheus-")
        _made_here.append(directory)
        os.environ[_MULTIPROC] = directory


def child_exit(server, worker):
    if os.environ.get(_MULTIPROC):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    for directory in _made_here:
        shutil.rmtree(directory, ignore_errors=True)
