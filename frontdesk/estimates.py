"""The patient's wait estimate: when will I be called in? Pure Python, no Django.

The estimate follows the provider's current lag, read from the day's flow:

* the lag shown by the last patient called in (called later than they could have been: the later of
  their appointment time and their arrival);
* if patients who are here have waited past their time and nobody has been called since, the lag is
  at least as long as the longest of those waits (the lag grows while the room stays shut);
* if the front desk marked the provider as running late after the last call, at least that much.

A patient is then expected to be called at their appointment time plus that lag, and never before
now. The naive estimate, which the benchmark compares against, is the one patients make themselves:
"I'll be called at my appointment time" (or at once, if I came late).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FlowVisit:
    """One of the provider's visits today, as known at the moment of the estimate."""

    scheduled: datetime
    arrived: datetime | None = None
    called: datetime | None = None  # roomed: taken in from the waiting room


@dataclass(frozen=True)
class LateMark:
    minutes: int
    marked_at: datetime


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _ready(visit: FlowVisit) -> datetime:
    """The earliest the visit could start: its time, or the arrival if the patient came late."""
    if visit.arrived is not None and visit.arrived > visit.scheduled:
        return visit.arrived
    return visit.scheduled


def provider_lag_minutes(visits: Iterable[FlowVisit], *, now: datetime, late_mark: LateMark | None = None) -> float:
    """How many minutes behind its schedule the provider is at ``now`` (0 when on time)."""
    known = [v for v in visits if v.arrived is None or v.arrived <= now]
    called = [v for v in known if v.called is not None and v.called <= now]
    lag = 0.0
    last_call = None
    if called:
        last = max(called, key=lambda v: v.called)
        last_call = last.called
        lag = _minutes(last.called - _ready(last))
    for visit in known:
        if visit.arrived is None or (visit.called is not None and visit.called <= now):
            continue
        ready = _ready(visit)
        if ready < now:
            lag = max(lag, _minutes(now - ready))
    if late_mark is not None and late_mark.marked_at <= now and (last_call is None or late_mark.marked_at >= last_call):
        lag = max(lag, float(late_mark.minutes))
    return max(lag, 0.0)


def expected_call(visit: FlowVisit, *, lag_minutes: float, now: datetime) -> datetime:
    """When the patient is expected to be called in, given the provider's lag."""
    return max(now, visit.scheduled + timedelta(minutes=lag_minutes), _ready(visit) if visit.arrived else now)


def naive_call(visit: FlowVisit, *, now: datetime) -> datetime:
    """What the patient assumes without help: called at the appointment time, or now if that has passed."""
    return max(now, visit.scheduled)


def wait_minutes(call_at: datetime, now: datetime) -> int:
    """Whole minutes from now to the expected call, rounded up; 0 when it is due."""
    return max(0, math.ceil(_minutes(call_at - now)))


def shown_minutes(minutes: float, step: int = 5) -> int:
    """A figure for people: rounded up to the next ``step`` minutes ("about 15 minutes")."""
    if minutes <= 0:
        return 0
    return int(math.ceil(minutes / step) * step)
