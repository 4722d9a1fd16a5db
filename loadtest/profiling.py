"""Where a web process's time goes, per view, during the load run: on only when the environment
variable LOADTEST_PROFILE_DIR is set (``LOADTEST_PROFILE=1 make loadtest``; config/settings.py adds
this middleware then, and never otherwise).

For every request: wall time in the view (middleware included), time inside SQL (Django's
``execute_wrapper``) and the number of queries, summed per URL name. Every ``SAMPLE_EVERY``-th request of
a view also runs under pyinstrument; the samples of a view are combined into one call tree. Each
process writes ``<dir>/stats-<pid>.json`` and ``<dir>/<view>-<pid>.txt`` every ``WRITE_EVERY`` requests.
``python -m loadtest.profiling <dir>`` sums the processes' files into one table. The time a request
waited for a free gunicorn thread is not seen here: it is Locust's time minus this one.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from django.db import connection

SAMPLE_EVERY = 5
WRITE_EVERY = 200


class _Totals:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])  # n, wall, sql, queries
        self.sessions: dict = {}
        self.seen = 0


_totals = _Totals()


class ProfileMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.directory = Path(os.environ["LOADTEST_PROFILE_DIR"])
        self.directory.mkdir(parents=True, exist_ok=True)
        atexit.register(self.write)

    def __call__(self, request):
        sql = [0.0, 0]

        def timed(execute, sql_text, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                sql[0] += time.perf_counter() - started
                sql[1] += 1

        with _totals.lock:
            _totals.seen += 1
            sampled = _totals.seen % SAMPLE_EVERY == 0
        profiler = None
        if sampled:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            profiler.start()
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        wall = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unresolved"
        session = None
        if profiler is not None:
            profiler.stop()
            session = profiler.last_session
        with _totals.lock:
            row = _totals.stats[view]
            row[0] += 1
            row[1] += wall
            row[2] += sql[0]
            row[3] += sql[1]
            if session is not None:
                from pyinstrument.session import Session

                before = _totals.sessions.get(view)
                _totals.sessions[view] = Session.combine(before, session) if before else session
            due = _totals.seen % WRITE_EVERY == 0
        if due:
            self.write()
        return response

    def write(self) -> None:
        from pyinstrument.renderers import ConsoleRenderer

        pid = os.getpid()
        with _totals.lock:
            stats = {view: list(row) for view, row in _totals.stats.items()}
            sessions = dict(_totals.sessions)
        (self.directory / f"stats-{pid}.json").write_text(json.dumps(stats))
        renderer = ConsoleRenderer(unicode=False, color=False, show_all=False, short_mode=True)
        for view, session in sessions.items():
            name = view.replace(":", "_")
            (self.directory / f"{name}-{pid}.txt").write_text(renderer.render(session))


def summary(directory: Path) -> list[str]:
    """Per view, over all processes: requests, mean ms in the view, of which in SQL, queries a request."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for path in directory.glob("stats-*.json"):
        for view, row in json.loads(path.read_text()).items():
            for i, value in enumerate(row):
                totals[view][i] += value
    lines = [f"{'view':<40} {'requests':>8} {'ms/req':>7} {'sql ms':>7} {'python ms':>9} {'queries':>7} {'total s':>7}"]
    for view, (n, wall, sql, queries) in sorted(totals.items(), key=lambda item: -item[1][1]):
        lines.append(
            f"{view:<40} {int(n):>8} {wall / n * 1000:>7.1f} {sql / n * 1000:>7.1f} "
            f"{(wall - sql) / n * 1000:>9.1f} {queries / n:>7.1f} {wall:>7.1f}"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(summary(Path(sys.argv[1]))))
