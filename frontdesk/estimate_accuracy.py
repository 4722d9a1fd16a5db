"""How far to trust the wait estimates: replay past days and compare them with what really happened.

For every visit with an arrival and a call-in time, both estimates (called in; provider with them) are
made again at the moment the patient arrived, from what the flow board knew then (visits booked by
then, arrivals, call-ins and provider times up to that moment, the running-late mark made by then), with
the model fitted only on earlier days (refitted each week on the ``WINDOW`` before it, as the worker
refits it nightly), and compared with when the patient was really called in and seen. Two baselines are
scored the same way: the patient's own guess ("at my appointment time") and the provider's current lag
("my time plus how late the provider runs now"). The stated 80 % range is scored by how often it holds
the real time.

Pure: plain ``ProviderDay`` lists in, figures out. ``selectors.wait`` reads a date range with two
queries and replays it here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from . import estimates, wait_model
from .estimates import FlowVisit, LateMark
from .wait_model import TrainingRow, WaitModel

WINDOW = timedelta(weeks=12)  # the history a model is fitted on


@dataclass(frozen=True)
class ProviderDay:
    provider: str
    day: date
    visits: Sequence[FlowVisit]
    marks: Sequence[LateMark] = ()


@dataclass(frozen=True)
class Scored:
    """One visit, scored at its arrival: absolute errors in minutes and whether the range held the truth."""

    provider: str
    day: date
    arrived_early: bool
    called: float
    called_naive: float
    called_lag: float
    called_in_range: bool
    seen: float | None  # None when the provider's time was not recorded
    seen_naive: float | None
    seen_lag: float | None
    seen_in_range: bool | None
    learned: bool
    # Once roomed: "when will the provider come in", asked at the moment of the call-in (None if unseen).
    in_room: float | None = None
    in_room_naive: float | None = None
    in_room_in_range: bool | None = None  # the practice's own model (not the default) made the estimate


@dataclass(frozen=True)
class EstimateAccuracy:
    n: int  # visits scored for "called in"
    mae_minutes: float | None  # called in: mean absolute error (None when n is 0)
    naive_mae_minutes: float | None  # the same for "called at my appointment time"
    lag_mae_minutes: float | None = None  # "my time plus the provider's current lag"
    coverage: float | None = None  # share of visits whose stated range held the real call-in
    seen_n: int = 0
    seen_mae_minutes: float | None = None  # provider with them
    seen_naive_mae_minutes: float | None = None
    seen_lag_mae_minutes: float | None = None
    seen_coverage: float | None = None
    # Half-widths of the 95 % intervals of the two estimates' mean errors, with visits of the same
    # provider-day counted as one cluster (a late morning makes its visits' errors move together).
    mae_margin_minutes: float | None = None
    seen_mae_margin_minutes: float | None = None
    # Asked again once in the exam room: when the provider will come in.
    in_room_n: int = 0
    in_room_mae_minutes: float | None = None
    in_room_naive_mae_minutes: float | None = None
    in_room_coverage: float | None = None


def _lag_baseline(reading: wait_model.Reading) -> float:
    """Minutes until "my time plus how late the provider runs now" (board or mark, before catch-up)."""
    return max(0.0, reading.due + max(reading.provider_lag, reading.mark))


@dataclass(frozen=True)
class Observation:
    """One past visit with an arrival and a call-in, as the board read at the moment the patient arrived."""

    visit: FlowVisit
    reading: wait_model.Reading
    row: TrainingRow  # the reading and the real waits, for fitting


def observe_day(pd: ProviderDay, *, tz: tzinfo) -> list[Observation]:
    """The day's scored visits (an arrival and a call-in after it), each read at its arrival."""
    observations = []
    for visit in pd.visits:
        if visit.arrived is None or visit.called is None or visit.called < visit.arrived:
            continue
        now = visit.arrived
        board = estimates.as_known_at(pd.visits, now)
        own = FlowVisit(scheduled=visit.scheduled, arrived=visit.arrived, ends=visit.ends, booked=visit.booked)
        local = visit.scheduled.astimezone(tz)
        reading = wait_model.read(
            board,
            own,
            now=now,
            mark=estimates.mark_at(pd.marks, now),
            provider=pd.provider,
            weekday=local.weekday(),
            hour=local.hour,
        )
        seen = visit.seen if visit.seen is not None and visit.seen >= visit.called else None
        in_room = None
        if seen is not None:
            roomed = FlowVisit(
                scheduled=visit.scheduled,
                arrived=visit.arrived,
                called=visit.called,
                ends=visit.ends,
                booked=visit.booked,
            )
            in_room = wait_model.read(
                estimates.as_known_at(pd.visits, visit.called),  # the patient is on it as called in
                roomed,
                now=visit.called,
                mark=estimates.mark_at(pd.marks, visit.called),
                provider=pd.provider,
                weekday=local.weekday(),
                hour=local.hour,
            )
        row = TrainingRow(
            reading=reading,
            called=estimates.minutes_between(now, visit.called),
            seen=None if seen is None else estimates.minutes_between(now, seen),
            seen_lag=None if seen is None else estimates.minutes_between(own.ready, seen),
            in_room=in_room,
            in_room_seen=None if seen is None else estimates.minutes_between(visit.called, seen),
        )
        observations.append(Observation(visit=visit, reading=reading, row=row))
    return observations


def training_rows(pd: ProviderDay, *, tz: tzinfo) -> list[TrainingRow]:
    """The day's scored visits as training rows for the model (reading at arrival, real waits)."""
    return [o.row for o in observe_day(pd, tz=tz)]


def replay(
    days: Iterable[ProviderDay],
    *,
    tz: tzinfo,
    history: Sequence[ProviderDay] = (),
    fit: Callable[[Sequence[TrainingRow]], WaitModel] = wait_model.fit,
) -> list[Scored]:
    """Score every visit of ``days`` (any order), each with a model fitted on the ``WINDOW`` of days
    before its week, from ``history`` (days before the range, unscored) and the earlier ``days``."""
    days = sorted(days, key=lambda d: (d.day, d.provider))
    rows_by_day: dict[date, list[TrainingRow]] = {}
    for pd in history:
        rows_by_day.setdefault(pd.day, []).extend(training_rows(pd, tz=tz))
    observed = [(pd, observe_day(pd, tz=tz)) for pd in days]
    for pd, observations in observed:
        rows_by_day.setdefault(pd.day, []).extend(o.row for o in observations)
    models: dict[date, WaitModel] = {}
    scored: list[Scored] = []
    for pd, observations in observed:
        week = pd.day - timedelta(days=pd.day.weekday())
        if week not in models:
            rows = [row for d, day_rows in rows_by_day.items() if week - WINDOW <= d < week for row in day_rows]
            models[week] = fit(rows)
        scored.extend(_score(pd, observations, models[week]))
    return scored


def score_day(pd: ProviderDay, model: WaitModel, *, tz: tzinfo) -> list[Scored]:
    """Score one day's visits with ``model``."""
    return _score(pd, observe_day(pd, tz=tz), model)


def _score(pd: ProviderDay, observations: Sequence[Observation], model: WaitModel) -> list[Scored]:
    scored = []
    for o in observations:
        waits = wait_model.predict(model, o.reading)
        naive = max(0.0, o.reading.due)
        lag = _lag_baseline(o.reading)
        called, seen = o.row.called, o.row.seen
        assert o.visit.arrived is not None
        in_room = in_room_naive = in_room_range = None
        if o.row.in_room is not None and o.row.in_room_seen is not None:
            in_room_wait = wait_model.predict(model, o.row.in_room, already_called=True).seen
            truth = o.row.in_room_seen
            in_room = abs(in_room_wait.middle - truth)
            in_room_naive = abs(max(0.0, o.row.in_room.due) - truth)
            in_room_range = in_room_wait.low <= truth <= in_room_wait.high
        scored.append(
            Scored(
                provider=pd.provider,
                day=pd.day,
                arrived_early=o.visit.arrived < o.visit.scheduled,
                called=abs(waits.called.middle - called),
                called_naive=abs(naive - called),
                called_lag=abs(lag - called),
                called_in_range=waits.called.low <= called <= waits.called.high,
                seen=None if seen is None else abs(waits.seen.middle - seen),
                seen_naive=None if seen is None else abs(naive - seen),
                seen_lag=None if seen is None else abs(lag - seen),
                seen_in_range=None if seen is None else waits.seen.low <= seen <= waits.seen.high,
                learned=model.learned,
                in_room=in_room,
                in_room_naive=in_room_naive,
                in_room_in_range=in_room_range,
            )
        )
    return scored


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def mean_margin(errors: Sequence[tuple[tuple[str, date], float]]) -> float | None:
    """The 95 % half-width of the mean of ``errors`` ((cluster, error) pairs), with a cluster-robust
    standard error (normal approximation); None with fewer than two clusters."""
    clusters: dict[tuple[str, date], float] = {}
    if not errors:
        return None
    mean = sum(e for _c, e in errors) / len(errors)
    for cluster, error in errors:
        clusters[cluster] = clusters.get(cluster, 0.0) + (error - mean)
    g = len(clusters)
    if g < 2:
        return None
    variance = sum(total**2 for total in clusters.values()) / len(errors) ** 2 * g / (g - 1)
    return 1.96 * math.sqrt(variance)


def summarise(scored: Sequence[Scored]) -> EstimateAccuracy:
    with_seen = [s for s in scored if s.seen is not None]
    roomed = [s for s in scored if s.in_room is not None]
    return EstimateAccuracy(
        in_room_n=len(roomed),
        in_room_mae_minutes=_mean([s.in_room for s in roomed if s.in_room is not None]),
        in_room_naive_mae_minutes=_mean([s.in_room_naive for s in roomed if s.in_room_naive is not None]),
        in_room_coverage=_mean([float(bool(s.in_room_in_range)) for s in roomed]),
        mae_margin_minutes=mean_margin([((s.provider, s.day), s.called) for s in scored]),
        seen_mae_margin_minutes=mean_margin([((s.provider, s.day), s.seen) for s in with_seen if s.seen is not None]),
        n=len(scored),
        mae_minutes=_mean([s.called for s in scored]),
        naive_mae_minutes=_mean([s.called_naive for s in scored]),
        lag_mae_minutes=_mean([s.called_lag for s in scored]),
        coverage=_mean([float(s.called_in_range) for s in scored]),
        seen_n=len(with_seen),
        seen_mae_minutes=_mean([s.seen for s in with_seen if s.seen is not None]),
        seen_naive_mae_minutes=_mean([s.seen_naive for s in with_seen if s.seen_naive is not None]),
        seen_lag_mae_minutes=_mean([s.seen_lag for s in with_seen if s.seen_lag is not None]),
        seen_coverage=_mean([float(bool(s.seen_in_range)) for s in with_seen]),
    )
