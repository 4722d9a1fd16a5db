"""Both wait estimates scored on a clinic-flow generator written apart from the estimator
(``benchmarks.clinic_world``: exam rooms, an assistant who rooms patients, walk-ins and add-ons, no-shows,
bursts of lateness, a front desk that marks "running late"), for each of its three kinds of clinic.

Ten weeks of five providers per kind are replayed with the product's own replay
(``frontdesk.estimate_accuracy.replay``, the function ``selectors.wait.estimate_errors`` calls): each
visit scored at the moment the patient arrived, with the model fitted on the weeks before. Figures per
kind (``<kind>`` is two_rooms, one_room_busy or calm_big), mean absolute errors in minutes:

    wait_called_in_mae_<kind>, wait_called_in_naive_mae_<kind>, wait_called_in_lag_mae_<kind>
    wait_with_provider_mae_<kind>, wait_with_provider_naive_mae_<kind>, wait_with_provider_lag_mae_<kind>
    wait_range_coverage_<kind>, wait_with_provider_range_coverage_<kind>   (80 % ranges; goal 0.75-0.85)
    wait_in_room_mae_<kind>, wait_in_room_naive_mae_<kind>, wait_in_room_range_coverage_<kind>
        (the provider's wait asked again once the patient is in the exam room)
    wait_with_provider_mae_late_days_<kind>, wait_with_provider_naive_mae_late_days_<kind>
        (the provider-days the generator made run badly late)

    python -m benchmarks.bench_wait_worlds [--quick]      (also run by `make bench`; --quick: 6 weeks)
"""

import sys
import time
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from .clinic_world import PROFILES, WorldDay, generate
from .demo_db import log

ORDER = 61
SEED = 1
TZ = "America/Chicago"


def as_provider_days(days: Sequence[WorldDay]) -> list:
    """The generator's days as the replay reads them from the database (roomed = called in)."""
    from frontdesk.estimate_accuracy import ProviderDay
    from frontdesk.estimates import FlowVisit, LateMark

    return [
        ProviderDay(
            provider=d.provider,
            day=d.day,
            visits=[
                FlowVisit(
                    scheduled=v.scheduled,
                    arrived=v.arrived,
                    called=v.roomed,
                    ends=v.ends,
                    seen=v.with_provider,
                    booked=v.booked,
                    left=v.done,
                )
                for v in d.visits
            ],
            marks=[LateMark(minutes=m.minutes, marked_at=m.marked_at) for m in d.marks],
        )
        for d in days
    ]


def run(quick: bool) -> list[tuple[str, float, str]]:
    from frontdesk.estimate_accuracy import replay, summarise

    figures: list[tuple[str, float, str]] = []
    for kind in PROFILES:
        started = time.perf_counter()
        world = generate(seed=SEED, weeks=6 if quick else 10, providers=5, profile=kind, tz=TZ)
        late_days = {(d.provider, d.day) for d in world if d.late_day}
        scored = replay(as_provider_days(world), tz=ZoneInfo(TZ))
        every = summarise(scored)
        late = summarise([s for s in scored if (s.provider, s.day) in late_days])
        log(f"  wait estimates, {kind}: {every.n} visits replayed in {time.perf_counter() - started:.1f} s")
        for name, value, unit in (
            ("wait_called_in_mae", every.mae_minutes, "min"),
            ("wait_called_in_naive_mae", every.naive_mae_minutes, "min"),
            ("wait_called_in_lag_mae", every.lag_mae_minutes, "min"),
            ("wait_with_provider_mae", every.seen_mae_minutes, "min"),
            ("wait_with_provider_naive_mae", every.seen_naive_mae_minutes, "min"),
            ("wait_with_provider_lag_mae", every.seen_lag_mae_minutes, "min"),
            ("wait_range_coverage", every.coverage, "share"),
            ("wait_with_provider_range_coverage", every.seen_coverage, "share"),
            ("wait_in_room_mae", every.in_room_mae_minutes, "min"),
            ("wait_in_room_naive_mae", every.in_room_naive_mae_minutes, "min"),
            ("wait_in_room_range_coverage", every.in_room_coverage, "share"),
            ("wait_called_in_mae_late_days", late.mae_minutes, "min"),
            ("wait_called_in_naive_mae_late_days", late.naive_mae_minutes, "min"),
            ("wait_with_provider_mae_late_days", late.seen_mae_minutes, "min"),
            ("wait_with_provider_naive_mae_late_days", late.seen_naive_mae_minutes, "min"),
            ("wait_visits", every.n, "visits"),
        ):
            if value is None:
                raise AssertionError(f"the {kind} world gave no {name}")
            figures.append((f"{name}_{kind}", round(value, 3 if unit == "share" else 2), unit))
    return figures


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for figure in run("--quick" in sys.argv):
        print("{}: {} {}".format(*figure), flush=True)
