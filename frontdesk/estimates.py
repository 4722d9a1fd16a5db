"""The patient's wait estimate: when will I be called in? Pure Python, no Django.

The estimate follows the provider's current lag, read from the day's flow:

* the lag shown by the last patient called in (called later than they could have been: the later of
  their appointment time and their arrival);
* if patients who are here have waited past their time and nobody has been called since, the lag is
  at least as long as the longest of those waits (the lag grows while the room stays shut);
* if the front desk marked the provider as running late after the last call, at least that much.

A patient is then expected to be called at their appointment time plus that lag, less the open time in
the provider's schedule between where the provider is now and the appointment (a gap lets them catch
up; only when the day's booked end times are known, and never below a running-late mark still in
force), and never before now. The naive estimate, which the benchmark compares against, is the one
patients make themselves: "I'll be called at my appointment time" (or at once, if I came late).
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
    ends: datetime | None = None  # the booked end, for the gaps in the schedule


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
    calls = [(v.called, v) for v in known if v.called is not None and v.called <= now]
    lag = 0.0
    last_call = None
    if calls:
        last_call, last = max(calls, key=lambda pair: pair[0])
        lag = _minutes(last_call - _ready(last))
    for visit in known:
        if visit.arrived is None or (visit.called is not None and visit.called <= now):
            continue
        ready = _ready(visit)
        if ready < now:
            lag = max(lag, _minutes(now - ready))
    if late_mark is not None and _in_force(late_mark, last_call, now):
        lag = max(lag, float(late_mark.minutes))
    return max(lag, 0.0)


def _in_force(late_mark: LateMark | None, last_call: datetime | None, now: datetime) -> bool:
    """A running-late mark counts once made, until the next patient is called in."""
    return (
        late_mark is not None and late_mark.marked_at <= now and (last_call is None or late_mark.marked_at >= last_call)
    )


def open_minutes(visits: Iterable[FlowVisit], *, start: datetime, end: datetime, now: datetime) -> float | None:
    """Minutes of [start, end) booked by no visit that is taking the provider's time (called in, here,
    or not yet due); None when a booked end is missing, since the gaps are then unknown."""
    busy = []
    for v in visits:
        called = v.called is not None and v.called <= now
        if not called and (v.arrived is None or v.arrived > now) and v.scheduled < now:
            continue  # past their time and not here: not taking the provider's time
        if v.ends is None:
            return None
        a, b = max(v.scheduled, start), min(v.ends, end)
        if b > a:
            busy.append((a, b))
    covered = 0.0
    reach = start
    for a, b in sorted(busy):
        a = max(a, reach)
        if b > a:
            covered += _minutes(b - a)
            reach = b
    return max(0.0, _minutes(end - start) - covered)


def expected_call(
    visit: FlowVisit,
    *,
    lag_minutes: float,
    now: datetime,
    day: Iterable[FlowVisit] = (),
    late_mark: LateMark | None = None,
) -> datetime:
    """When the patient is expected to be called in, given the provider's lag.

    With the provider's ``day`` (booked end times included), open time in the schedule between where
    the provider is now (``now - lag``) and the appointment is taken off the lag, but never below a
    running-late mark still in force (what the front desk told patients).
    """
    day = list(day)
    if lag_minutes > 0 and day:
        position = now - timedelta(minutes=lag_minutes)
        gap = open_minutes(day, start=position, end=visit.scheduled, now=now)
        if gap:
            calls = [v.called for v in day if v.called is not None and v.called <= now]
            in_force = late_mark is not None and _in_force(late_mark, max(calls, default=None), now)
            floor = late_mark.minutes if late_mark is not None and in_force else 0.0
            lag_minutes = max(float(floor), lag_minutes - gap)
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
