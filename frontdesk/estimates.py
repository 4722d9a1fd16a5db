"""What the flow board shows about a provider's day at one moment, as readings for the wait estimate.

Pure Python, no Django. A patient waits twice: in the waiting room until they are called in (roomed),
and in the exam room until the provider is with them. With two or three exam rooms the two waits come
apart: a patient who came early is often roomed at once while the provider runs late, so the board is
read twice over:

* the **rooming lag**: how far behind (or ahead of) appointment times patients are being called in;
* the **provider lag**: how far behind appointment times the provider is seeing patients, at least as
  long as anyone here has waited past their time unseen, and at least a running-late mark still in
  force (what the front desk told patients).

A running-late mark is evidence about the provider, not a fact for the rest of the day: it stops
counting once the provider is seen to have caught up, at a break in the schedule (lunch, the end of a
session) and after ``MARK_LIFETIME``. Open time in the schedule between where the provider is now and
a patient's time lets the provider catch up (the lag shrinks by it).

``frontdesk.wait_model`` turns these readings into the two estimates, learned from the practice's own
days; ``frontdesk.estimate_accuracy`` replays past days to score them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

BREAK = timedelta(minutes=30)  # open time this long in a provider's schedule is a break (lunch, session end)
MARK_LIFETIME = timedelta(hours=2)  # a running-late mark older than this no longer says much
CAUGHT_UP_MINUTES = 10  # a patient seen this much less late than a mark says shows the provider caught up
LAG_CAP_MINUTES = 240.0  # readings beyond four hours are data errors, not lags


@dataclass(frozen=True)
class FlowVisit:
    """One of the provider's visits on a day, as known at the moment of the estimate."""

    scheduled: datetime
    arrived: datetime | None = None
    called: datetime | None = None  # roomed: taken in from the waiting room
    ends: datetime | None = None  # the booked end, for the gaps in the schedule
    seen: datetime | None = None  # the provider came in
    booked: datetime | None = None  # when it went on the schedule (a walk-in: that morning); None: long before
    left: datetime | None = None  # left the exam room (checkout or done), freeing it

    @property
    def ready(self) -> datetime:
        """The earliest the visit could start: its time, or the arrival if the patient came late."""
        if self.arrived is not None and self.arrived > self.scheduled:
            return self.arrived
        return self.scheduled


@dataclass(frozen=True)
class LateMark:
    minutes: int
    marked_at: datetime


def minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def as_known_at(visits: Iterable[FlowVisit], now: datetime) -> list[FlowVisit]:
    """The day as the board showed it at ``now``: visits not yet booked left out, later times blanked."""

    def by_now(moment: datetime | None) -> datetime | None:
        return moment if moment is not None and moment <= now else None

    known = []
    for v in visits:
        if v.booked is not None and v.booked > now:
            continue
        if all(moment is None or moment <= now for moment in (v.arrived, v.called, v.seen, v.left)):
            known.append(v)  # nothing about it lies after ``now``
            continue
        known.append(
            FlowVisit(
                scheduled=v.scheduled,
                arrived=by_now(v.arrived),
                called=by_now(v.called),
                ends=v.ends,
                seen=by_now(v.seen),
                booked=v.booked,
                left=by_now(v.left),
            )
        )
    return known


def mark_at(marks: Iterable[LateMark], now: datetime) -> LateMark | None:
    """The newest running-late mark made by ``now``."""
    made = [m for m in marks if m.marked_at <= now]
    return max(made, key=lambda m: m.marked_at) if made else None


def _clip(minutes: float) -> float:
    return max(-LAG_CAP_MINUTES, min(LAG_CAP_MINUTES, minutes))


def rooming_lag(day: Sequence[FlowVisit], *, now: datetime) -> float:
    """Minutes behind appointment times that patients are being called in (negative: ahead of time).

    The last patient called in sets it; anyone here and past their time still uncalled raises it."""
    called = [v for v in day if v.called is not None]
    lag = 0.0
    if called:
        last = max(called, key=lambda v: v.called or v.scheduled)
        assert last.called is not None
        lag = minutes_between(last.ready, last.called)
    for visit in day:
        if visit.arrived is not None and visit.called is None and visit.ready < now:
            lag = max(lag, minutes_between(visit.ready, now))
    return _clip(lag)


def observed_provider_lag(day: Sequence[FlowVisit], *, now: datetime) -> float:
    """Minutes behind appointment times the provider is seeing patients, from the board alone (no mark).

    The last patient seen sets it; anyone here, past their time and unseen raises it (0 when nobody has
    been seen and nobody waits past their time)."""
    seen = [v for v in day if v.seen is not None]
    lag = 0.0
    if seen:
        last = max(seen, key=lambda v: v.seen or v.scheduled)
        assert last.seen is not None
        lag = max(0.0, minutes_between(last.ready, last.seen))
    for visit in day:
        if visit.arrived is not None and visit.seen is None and visit.ready < now:
            lag = max(lag, minutes_between(visit.ready, now))
    return _clip(lag)


def mark_in_force(day: Sequence[FlowVisit], mark: LateMark | None, *, now: datetime, until: datetime) -> float:
    """The minutes of ``mark`` that still count for a patient due at ``until``, or 0.

    A mark stops counting once someone was seen after it with a lag well under it (the provider caught
    up), at a break in the schedule between the mark and ``until``, and after ``MARK_LIFETIME``."""
    if mark is None or mark.marked_at > now or now - mark.marked_at > MARK_LIFETIME:
        return 0.0
    caught_up = any(
        visit.seen is not None
        and mark.marked_at <= visit.seen <= now
        and minutes_between(visit.ready, visit.seen) < mark.minutes - CAUGHT_UP_MINUTES
        for visit in day
    )
    if caught_up or break_between(day, mark.marked_at, until):
        return 0.0
    return float(mark.minutes)


def break_between(day: Sequence[FlowVisit], start: datetime, end: datetime) -> bool:
    """Whether the schedule has a break (open time of ``BREAK`` or more) inside [start, end)."""
    if end <= start:
        return False
    spans = sorted((v.scheduled, v.ends or v.scheduled) for v in day if (v.ends or v.scheduled) > start)
    reach = start
    for begin, finish in spans:
        if begin >= end:
            break
        if begin - reach >= BREAK:
            return True
        reach = max(reach, finish)
    # Open time after the last booking counts only up to ``end`` (a patient not yet on the list).
    return end - reach >= BREAK and any(v.scheduled >= end for v in day)


def open_minutes(day: Iterable[FlowVisit], *, start: datetime, end: datetime, now: datetime) -> float:
    """Minutes of [start, end) booked by no visit that is taking the provider's time (here, seen or not
    yet due). A visit without a booked end counts as 15 minutes."""
    busy = []
    for v in day:
        gone = v.arrived is None and v.scheduled < now  # past their time and not here
        if gone:
            continue
        finish = v.ends or v.scheduled + timedelta(minutes=15)
        a, b = max(v.scheduled, start), min(finish, end)
        if b > a:
            busy.append((a, b))
    covered = 0.0
    reach = start
    for a, b in sorted(busy):
        a = max(a, reach)
        if b > a:
            covered += minutes_between(a, b)
            reach = b
    return max(0.0, minutes_between(start, end) - covered)


def catch_up(day: Sequence[FlowVisit], *, lag: float, now: datetime, until: datetime) -> float:
    """``lag`` less the open time in the schedule between where the provider is now and ``until``."""
    if lag <= 0:
        return lag
    position = now - timedelta(minutes=lag)
    return max(0.0, lag - open_minutes(day, start=position, end=until, now=now))


def waiting_ahead(day: Sequence[FlowVisit], visit: FlowVisit) -> int:
    """Patients here and not yet called in who are due before ``visit`` (the queue for a room)."""
    return sum(1 for v in day if v.arrived is not None and v.called is None and v.scheduled < visit.scheduled)


def in_rooms(day: Sequence[FlowVisit]) -> list[FlowVisit]:
    """Patients in an exam room now: called in and not yet out. Where the board has no checkout times, a
    patient counts as out once the provider has gone on to see someone after them."""
    last_seen = max((v.seen for v in day if v.seen is not None), default=None)
    return [
        v
        for v in day
        if v.called is not None and v.left is None and (v.seen is None or last_seen is None or v.seen >= last_seen)
    ]


def room_frees_in(day: Sequence[FlowVisit], *, now: datetime) -> float | None:
    """Minutes until the first occupied exam room is expected to free (None when no room is taken):
    a patient with the provider stays their booked length from when the provider came in; one still
    waiting for the provider stays their booked length after the provider is free."""
    occupied = in_rooms(day)
    if not occupied:
        return None

    def length(v: FlowVisit) -> float:
        return minutes_between(v.scheduled, v.ends) if v.ends is not None else 15.0

    with_provider = [max(0.0, length(v) - minutes_between(v.seen, now)) for v in occupied if v.seen is not None]
    provider_free = min(with_provider, default=0.0)
    return min([*with_provider, *(provider_free + length(v) for v in occupied if v.seen is None)])


def shown_minutes(minutes: float, step: int = 5) -> int:
    """A figure for people: rounded up to the next ``step`` minutes ("about 15 minutes")."""
    if minutes <= 0:
        return 0
    return int(math.ceil(minutes / step) * step)
