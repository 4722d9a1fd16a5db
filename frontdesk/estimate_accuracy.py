"""How far to trust the wait estimate: replay past days and compare it with when patients were called.

For every visit with an arrival and a call time, the estimate is made again at the moment the patient
arrived, from what the flow board knew then (other patients' arrivals and calls up to that moment, the
running-late mark in force then), and compared with the time the patient was actually called in. The
naive estimate ("I'll be called at my appointment time") is scored the same way.

Pure: plain ``FlowVisit`` lists in, figures out. ``selectors.wait.estimate_errors`` reads a date range
with two queries and replays it here provider-day by provider-day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from . import estimates
from .estimates import FlowVisit, LateMark


@dataclass(frozen=True)
class EstimateAccuracy:
    n: int  # visits scored
    mae_minutes: float | None  # mean absolute error of the estimate, minutes (None when n is 0)
    naive_mae_minutes: float | None  # the same for "called at my appointment time"


@dataclass(frozen=True)
class Scored:
    """One visit's estimate and naive estimate against the actual call, in minutes (absolute)."""

    error: float
    naive_error: float


def as_known_at(visits: Sequence[FlowVisit], now: datetime) -> list[FlowVisit]:
    """The day as the board showed it at ``now``: arrivals and calls after ``now`` not yet happened."""
    return [
        FlowVisit(
            scheduled=v.scheduled,
            arrived=v.arrived if v.arrived is not None and v.arrived <= now else None,
            called=v.called if v.called is not None and v.called <= now else None,
            ends=v.ends,
        )
        for v in visits
    ]


def _mark_at(marks: Sequence[LateMark], now: datetime) -> LateMark | None:
    """The newest running-late mark made by ``now``."""
    made = [m for m in marks if m.marked_at <= now]
    return max(made, key=lambda m: m.marked_at) if made else None


def replay_day(visits: Sequence[FlowVisit], marks: Sequence[LateMark] = ()) -> list[Scored]:
    """Score the estimate for each visit of one provider's day that has an arrival and a call."""
    scored = []
    for visit in visits:
        if visit.arrived is None or visit.called is None:
            continue
        now = visit.arrived
        board = as_known_at(visits, now)
        mark = _mark_at(marks, now)
        lag = estimates.provider_lag_minutes(board, now=now, late_mark=mark)
        own = FlowVisit(scheduled=visit.scheduled, arrived=visit.arrived, ends=visit.ends)
        expected = estimates.expected_call(own, lag_minutes=lag, now=now, day=board, late_mark=mark)
        naive = estimates.naive_call(own, now=now)
        scored.append(
            Scored(
                error=abs((expected - visit.called).total_seconds()) / 60,
                naive_error=abs((naive - visit.called).total_seconds()) / 60,
            )
        )
    return scored


def summarise(scored: Sequence[Scored]) -> EstimateAccuracy:
    if not scored:
        return EstimateAccuracy(n=0, mae_minutes=None, naive_mae_minutes=None)
    n = len(scored)
    return EstimateAccuracy(
        n=n,
        mae_minutes=sum(s.error for s in scored) / n,
        naive_mae_minutes=sum(s.naive_error for s in scored) / n,
    )
