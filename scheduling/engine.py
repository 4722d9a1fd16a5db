"""The slot engine for online booking: which times are open, and is this time still bookable.

A pure module (standard library only, no Django) so that it can be tested exhaustively with plain data.
``open_slots``, ``is_bookable``, ``first_available`` and ``days_with_openings`` all go through one
function, ``_Engine.day``, which computes the offered slots of one provider on one local day; so
``is_bookable`` can never disagree with what was shown (it recomputes that one day and checks membership).

Semantics
---------

Days
    Every day is a local calendar day in the schedule's IANA zone. ``first_day``..``last_day`` are
    inclusive. "today" is ``now`` seen in that zone; days before today and days after
    ``today + max_days_ahead`` offer nothing.

Availability of a day, per location
    The weekly ranges of that weekday in effect that day (``effective_from``/``effective_to`` are
    inclusive, ``None`` is open-ended) plus the "extra" exceptions of that day, merged (overlapping or
    touching ranges of one location become one open range), minus the "off" exceptions of that day (an
    "off" with ``location_id=None`` applies to every location). Ranges are half-open wall-clock minutes
    ``[start_minute, end_minute)``; ``end_minute`` may be 1440 (the next midnight). Ranges of different
    locations are not merged with each other.

Candidates
    In each open range ``[a, b)``, candidate starts are the wall-clock times ``a, a + step, a + 2*step,
    ...``. A candidate is offered when all of these hold:

    * its wall-clock time exists (see DST below) and it is at least ``step`` real minutes after the
      previous candidate of the same range that passed this rule (only matters on spring-forward days);
    * the visit itself, ``[start, start + duration)`` in real elapsed time, lies inside the open range's
      real-time interval ``[A, B)``. **Buffers do not have to fit inside availability** (prep before
      opening time or clean-up after closing is allowed);
    * the visit widened by its buffers, ``[start - buffer_before, start + duration + buffer_after)``,
      does not overlap any ``Busy`` interval. Intervals are half-open: touching is not overlapping.
      Busy intervals are already widened by their own buffers, so a new visit's prep time follows the
      previous visit's clean-up time (they add up, they are not shared);
    * ``start >= now + min_notice``;
    * the number booked that local day (``booked_per_day``) is below ``daily_cap``;
    * the location is allowed by ``rule.location_ids`` and by the ``location_id`` argument.

Daylight-saving time
    * A wall-clock time that does not exist (the spring-forward gap) is never a candidate start.
    * An ambiguous wall-clock time (the repeated hour when clocks fall back) always means its first
      occurrence (``fold=0``); the repeated hour's second occurrence is never a candidate start.
    * Durations are real elapsed time: a 30-minute visit at 01:45 (EDT) on the New York fall-back day
      ends at 06:15 UTC, which is 01:15 EST (``fold=1``); on the spring-forward day a 30-minute visit at
      01:45 EST ends at 03:15 EDT.
    * Range boundaries map to instants the same way: an ambiguous boundary is its first occurrence; a
      boundary inside the gap maps to the instant of the transition (the first existing minute after
      it). So a range 01:00-04:00 is 2 real hours on the New York spring-forward day and 4 on the
      fall-back day.
    * Because candidates are at least ``step`` real minutes apart, when ``step >= duration`` the slots
      offered at one location never overlap each other in real time, on DST days too. (Slots of
      *different* locations can overlap only if the provider's ranges at two locations overlap, which
      is a data error; booking one of them makes the other busy.) When ``step < duration`` slots
      overlap by design (they are alternatives).

All datetimes passed in must be aware (any zone); every ``Slot`` is in UTC, on whole minutes of the
local wall clock. ``is_bookable`` compares instants exactly (a start with seconds is never bookable).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "EXTRA",
    "OFF",
    "Busy",
    "DayException",
    "ProviderSchedule",
    "Slot",
    "VisitRule",
    "WeeklyRange",
    "days_with_openings",
    "first_available",
    "is_bookable",
    "open_slots",
    "wall_to_utc",
    "working_ranges",
]

OFF = "off"
EXTRA = "extra"
_DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class WeeklyRange:
    """A provider works at a location on a weekday, local wall-clock minutes ``[start, end)``."""

    location_id: int
    weekday: int  # 0 = Monday
    start_minute: int  # minutes after local midnight, 0..1440
    end_minute: int
    effective_from: date | None = None
    effective_to: date | None = None  # inclusive


@dataclass(frozen=True)
class DayException:
    """Time off (removes availability) or an extra clinic (adds it), local wall-clock minutes."""

    day: date
    start_minute: int
    end_minute: int
    kind: str  # "off" or "extra"
    location_id: int | None = None  # required for "extra"; None on "off" means every location


@dataclass(frozen=True)
class Busy:
    """An existing appointment (already widened by its buffers), a hold, or a block."""

    start: datetime  # aware, any zone
    end: datetime


@dataclass(frozen=True)
class ProviderSchedule:
    provider_id: int
    timezone: str  # IANA zone of the practice/location
    weekly: tuple[WeeklyRange, ...]
    exceptions: tuple[DayException, ...] = ()
    busy: tuple[Busy, ...] = ()
    # {local date: count of this visit type booked that day}, for daily caps (None = {}).
    # Left out of the hash so that a schedule stays hashable.
    booked_per_day: dict[date, int] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class VisitRule:
    duration: int  # minutes
    buffer_before: int = 0
    buffer_after: int = 0
    min_notice: int = 0  # minutes between now and the start
    max_days_ahead: int = 90
    step: int = 15  # candidate starts every `step` minutes from the start of each open range
    daily_cap: int | None = None  # max bookings of this type per provider per local day
    location_ids: frozenset[int] | None = None  # None = any


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware UTC
    end: datetime  # aware UTC (start + duration; buffers are not part of the slot)
    provider_id: int
    location_id: int


# --------------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------------


def open_slots(
    schedule: ProviderSchedule,
    rule: VisitRule,
    *,
    now: datetime,
    first_day: date,
    last_day: date,
    location_id: int | None = None,
) -> list[Slot]:
    """Every offered slot of one provider on the local days ``first_day..last_day``, in time order."""
    engine = _Engine(schedule, rule, now, location_id)
    slots: list[Slot] = []
    for day in engine.days(first_day, last_day):
        slots.extend(engine.slots(engine.day(day)))
    return slots


def is_bookable(
    schedule: ProviderSchedule, rule: VisitRule, *, now: datetime, start: datetime, location_id: int
) -> bool:
    """Whether ``open_slots`` would offer a slot starting at the instant ``start`` at ``location_id``.

    Computed by generating that local day's slots (the same code ``open_slots`` uses).
    """
    _require_aware(start, "start")
    engine = _Engine(schedule, rule, now, location_id)
    ts = start.timestamp()
    if ts != int(ts):
        return False
    ts = int(ts)
    day = start.astimezone(engine.tz).date()
    return any(s == ts and loc == location_id for s, _e, loc in engine.day(day))


def first_available(
    schedules: Iterable[ProviderSchedule],
    rule: VisitRule,
    *,
    now: datetime,
    first_day: date,
    last_day: date,
    location_id: int | None = None,
    limit: int = 1,
) -> list[Slot]:
    """The ``limit`` earliest slots across providers (ties by provider id, then location id).

    Days are computed lazily, earliest local midnight first across all providers, and the search stops
    as soon as ``limit`` slots are known to come before anything not computed yet.
    """
    if limit <= 0:
        return []
    engines = [_Engine(s, rule, now, location_id) for s in schedules]
    # (lower bound on every slot of this day and later, provider id, engine index, day, last day)
    pending: list[tuple[int, int, int, date, date]] = []
    for i, engine in enumerate(engines):
        days = engine.days(first_day, last_day)
        if days:
            pending.append((engine.midnight(days.start), engine.provider_id, i, days.start, days.stop))
    heapq.heapify(pending)
    found: list[tuple[int, int, int, int]] = []  # (start, provider id, location id, engine index)
    result: list[Slot] = []
    while len(result) < limit:
        bound = pending[0][0] if pending else None
        while found and len(result) < limit and (bound is None or found[0][0] < bound):
            start, _pid, loc, i = heapq.heappop(found)
            result.append(engines[i].slot(start, loc))
        if len(result) >= limit or bound is None:
            break
        _bound, _pid, i, day, stop = heapq.heappop(pending)
        engine = engines[i]
        for start, _end, loc in engine.day(day):
            heapq.heappush(found, (start, engine.provider_id, loc, i))
        nxt = day + timedelta(days=1)
        if nxt <= stop:
            heapq.heappush(pending, (engine.midnight(nxt), engine.provider_id, i, nxt, stop))
    return result


def days_with_openings(
    schedules: Iterable[ProviderSchedule],
    rule: VisitRule,
    *,
    now: datetime,
    first_day: date,
    last_day: date,
    location_id: int | None = None,
) -> list[date]:
    """The local days in ``first_day..last_day`` on which at least one provider has an offered slot."""
    found: set[date] = set()
    for schedule in schedules:
        engine = _Engine(schedule, rule, now, location_id)
        for day in engine.days(first_day, last_day):
            if day not in found and engine.day(day, first_only=True):
                found.add(day)
    return sorted(found)


def working_ranges(
    schedule: ProviderSchedule, day: date, *, location_id: int | None = None
) -> list[tuple[int, int, int]]:
    """(location id, start minute, end minute) of the provider's working ranges on a local day.

    Weekly hours in effect that day with the day's exceptions applied: what the slot search walks,
    before appointments, holds, notice and horizon. Staff calendars show these.
    """
    # The rule and ``now`` only shape the slots inside the ranges, not the ranges.
    return _Engine(schedule, VisitRule(duration=1), datetime.now(UTC), location_id).open_ranges(day)


def wall_to_utc(tz: ZoneInfo, day: date, minute: int) -> datetime:
    """The instant of a local wall-clock minute, as the slot engine reads range boundaries.

    An ambiguous time (clocks fall back) is its first occurrence; a time in the spring-forward gap is
    the first existing minute after it.
    """
    for m in range(minute, minute + 24 * 60):
        naive = datetime.combine(day, time.min) + timedelta(minutes=m)
        aware = naive.replace(tzinfo=tz)
        if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive:
            return aware.astimezone(UTC)
    raise ValueError("no existing local time")  # pragma: no cover


# --------------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DayRange:
    start: date
    stop: date  # inclusive

    def __bool__(self) -> bool:
        return self.start <= self.stop

    def __iter__(self) -> Iterator[date]:
        day = self.start
        while day <= self.stop:
            yield day
            day += timedelta(days=1)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _naive_epoch(day: date) -> int:
    """Epoch seconds of the day's midnight as if it were UTC."""
    return (day.toordinal() - _EPOCH_ORDINAL) * 86400


@lru_cache(maxsize=8192)
def _day_offset(tz: ZoneInfo, day: date) -> int | None:
    """The UTC offset (seconds) of a local day without any clock change, or None on a transition day.

    A wall-clock time is in a gap or a fold exactly when its two ``fold`` readings give different
    offsets (PEP 495). A day is taken as plain when its midnight, noon and next midnight all have one
    unambiguous offset, the same for all three; this misses only two changes within half a day that
    cancel out, which no time zone has. A fold straddling midnight is caught by the midnight checks.
    """
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    offsets: set[timedelta | None] = set()
    for moment in (midnight, midnight + timedelta(hours=12), midnight + timedelta(days=1)):
        offsets.add(moment.utcoffset())
        offsets.add(moment.replace(fold=1).utcoffset())
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    if offset is None or offset.microseconds:  # pragma: no cover - aware datetimes have an offset; no such zone
        return None
    return offset.days * 86400 + offset.seconds


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _check_minutes(start: int, end: int, what: object) -> None:
    if not (0 <= start <= end <= _DAY_MINUTES):
        raise ValueError(f"minutes out of order or outside 0..1440: {what!r}")


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _subtract(ranges: list[tuple[int, int]], cut_a: int, cut_b: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if cut_b <= a or cut_a >= b:
            out.append((a, b))
            continue
        if a < cut_a:
            out.append((a, cut_a))
        if cut_b < b:
            out.append((cut_b, b))
    return out


class _Engine:
    """One provider's schedule prepared for one rule and one ``now``.

    Everything is sorted once; Busy time is converted and merged only as far as the days asked for need.
    """

    def __init__(self, schedule: ProviderSchedule, rule: VisitRule, now: datetime, location_id: int | None) -> None:
        _require_aware(now, "now")
        if rule.duration <= 0 or rule.step <= 0:
            raise ValueError("duration and step must be positive")
        if min(rule.buffer_before, rule.buffer_after, rule.min_notice, rule.max_days_ahead) < 0:
            raise ValueError("buffers, min_notice and max_days_ahead must not be negative")
        self.provider_id = schedule.provider_id
        self.tz = ZoneInfo(schedule.timezone)
        self.rule = rule
        self.duration = rule.duration * 60
        self.step = rule.step * 60
        self.before = rule.buffer_before * 60
        self.after = (rule.duration + rule.buffer_after) * 60
        self.earliest = now.timestamp() + rule.min_notice * 60
        self.today = now.astimezone(self.tz).date()
        self.horizon = self.today + timedelta(days=rule.max_days_ahead)
        self.booked = schedule.booked_per_day or {}

        allowed = rule.location_ids
        if location_id is not None:
            allowed = frozenset() if allowed is not None and location_id not in allowed else frozenset({location_id})
        self.allowed = allowed

        self.weekly: dict[int, list[WeeklyRange]] = defaultdict(list)
        for w in schedule.weekly:
            if not 0 <= w.weekday <= 6:
                raise ValueError(f"weekday must be 0..6: {w!r}")
            _check_minutes(w.start_minute, w.end_minute, w)
            if allowed is None or w.location_id in allowed:
                self.weekly[w.weekday].append(w)
        self.exceptions: dict[date, list[DayException]] = defaultdict(list)
        for x in schedule.exceptions:
            _check_minutes(x.start_minute, x.end_minute, x)
            if x.kind == EXTRA:
                if x.location_id is None:
                    raise ValueError(f"an extra clinic needs a location: {x!r}")
            elif x.kind != OFF:
                raise ValueError(f"exception kind must be 'off' or 'extra': {x!r}")
            self.exceptions[x.day].append(x)

        # Busy time is converted to epoch seconds lazily, day by day (most requests look at a few days of
        # a long list): here it is only validated and put in order of start.
        busy: Sequence[Busy] = schedule.busy
        starts = [b.start for b in busy]
        zone_types = {type(start.tzinfo) for start in starts}
        if type(None) in zone_types or None in [b.end.tzinfo for b in busy]:
            raise ValueError("Busy times must be aware datetimes")
        if zone_types - {timezone}:
            # Datetimes sharing a zone with DST compare by wall clock, which is not the order of instants
            # in the repeated hour; fixed offsets (what the database returns) compare as instants.
            starts = [start.astimezone(UTC) for start in starts]
        if sorted(starts) != starts:  # sorting sorted input is cheap: the selector passes them in order
            order = sorted(range(len(starts)), key=starts.__getitem__)
            busy = [busy[i] for i in order]
            starts = [starts[i] for i in order]
        self._busy = busy
        self._busy_keys = starts
        self._busy_merged = 0  # busy[:_busy_merged] are in busy_starts/busy_ends
        self._busy_covered = -math.inf  # every Busy starting before this instant is merged
        # The merged Busy time: disjoint, sorted [start, end) in epoch seconds, searched with bisect.
        self.busy_starts: list[float] = []
        self.busy_ends: list[float] = []

    def _merge_busy_before(self, instant: int) -> None:
        """Make ``busy_starts``/``busy_ends`` cover every Busy interval that starts before ``instant``.

        Intervals starting later cannot overlap anything that ends by ``instant``, so a visit (buffers
        included) ending by then is checked correctly against the part merged so far.
        """
        if instant <= self._busy_covered:
            return
        stop = bisect_left(self._busy_keys, datetime.fromtimestamp(instant, UTC), self._busy_merged)
        starts, ends = self.busy_starts, self.busy_ends
        last_end = ends[-1] if ends else -math.inf
        for b in self._busy[self._busy_merged : stop]:
            lo, hi = b.start.timestamp(), b.end.timestamp()
            if hi <= lo:
                continue
            if lo <= last_end:
                if hi > last_end:
                    ends[-1] = last_end = hi
            else:
                starts.append(lo)
                ends.append(hi)
                last_end = hi
        self._busy_merged = stop
        self._busy_covered = instant

    # -- days --------------------------------------------------------------------------------------

    def days(self, first_day: date, last_day: date) -> _DayRange:
        """The requested days that can have slots at all (not before today, not past the horizon)."""
        return _DayRange(max(first_day, self.today), min(last_day, self.horizon))

    def midnight(self, day: date) -> int:
        """The first instant of a local day (a lower bound on its slots)."""
        return self._boundary(day, 0)

    # -- wall clock <-> instants -------------------------------------------------------------------

    def _instant(self, day: date, minute: int) -> int | None:
        """Epoch seconds of a local wall-clock minute (``fold=0``), or None when it does not exist."""
        offset = _day_offset(self.tz, day)
        if offset is not None:
            return _naive_epoch(day) + minute * 60 - offset
        naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
        ts = int(naive.replace(tzinfo=self.tz).timestamp())
        if datetime.fromtimestamp(ts, self.tz).replace(tzinfo=None) != naive:
            return None
        return ts

    def _boundary(self, day: date, minute: int) -> int:
        """A range boundary: a time in the spring-forward gap maps to the transition instant."""
        for m in range(minute, minute + _DAY_MINUTES):
            ts = self._instant(day, m)
            if ts is not None:
                return ts
        raise ValueError(f"no existing local time after {day} +{minute}min in {self.tz}")  # pragma: no cover

    # -- one day -----------------------------------------------------------------------------------

    def open_ranges(self, day: date) -> list[tuple[int, int, int]]:
        """(location id, start minute, end minute) of the open ranges of a local day, by location."""
        by_location: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for w in self.weekly.get(day.weekday(), ()):
            if (w.effective_from is None or w.effective_from <= day) and (
                w.effective_to is None or day <= w.effective_to
            ):
                by_location[w.location_id].append((w.start_minute, w.end_minute))
        offs = []
        for x in self.exceptions.get(day, ()):
            if x.kind == EXTRA:
                # An extra clinic always has a location (checked in __init__).
                if x.location_id is not None and (self.allowed is None or x.location_id in self.allowed):
                    by_location[x.location_id].append((x.start_minute, x.end_minute))
            else:
                offs.append(x)
        out: list[tuple[int, int, int]] = []
        for loc in sorted(by_location):
            ranges = _merge(by_location[loc])
            for x in offs:
                if x.location_id is None or x.location_id == loc:
                    ranges = _subtract(ranges, x.start_minute, x.end_minute)
            out.extend((loc, a, b) for a, b in ranges)
        return out

    def day(self, day: date, *, first_only: bool = False) -> list[tuple[int, int, int]]:
        """The offered slots of a local day as (start, end, location id), epoch seconds, in time order.

        The single source of truth: every public function goes through here.
        """
        if day < self.today or day > self.horizon:
            return []
        cap = self.rule.daily_cap
        if cap is not None and self.booked.get(day, 0) >= cap:
            return []
        duration, step, before, after = self.duration, self.step, self.before, self.after
        earliest = self.earliest
        starts, ends = self.busy_starts, self.busy_ends
        out: list[tuple[int, int, int]] = []
        offset = _day_offset(self.tz, day)
        base = _naive_epoch(day) - offset if offset is not None else 0
        instant = self._instant
        for loc, a, b in self.open_ranges(day):
            range_end = base + b * 60 if offset is not None else self._boundary(day, b)
            self._merge_busy_before(range_end + self.rule.buffer_after * 60)  # the latest a visit can block
            previous = None
            # Candidates only move forward, so one that runs into a busy interval rules out the next ones
            # up to its end without another search.
            blocked_until = -math.inf
            for minute in range(a, b, self.rule.step):
                ts = base + minute * 60 if offset is not None else instant(day, minute)
                if ts is None:  # inside the spring-forward gap
                    continue
                if ts + duration > range_end:
                    break  # later candidates start later still
                if previous is not None and ts - previous < step:
                    continue  # just after a spring-forward gap: would overlap the previous candidate
                previous = ts
                if ts < earliest or ts < blocked_until:
                    continue
                i = bisect_right(ends, ts - before)
                if i < len(ends) and starts[i] < ts + after:
                    blocked_until = ends[i] + before
                    continue
                out.append((ts, ts + duration, loc))
                if first_only:
                    return out
        out.sort()
        return out

    # -- results -----------------------------------------------------------------------------------

    def slot(self, start: int, location_id: int) -> Slot:
        return Slot(
            start=datetime.fromtimestamp(start, UTC),
            end=datetime.fromtimestamp(start + self.duration, UTC),
            provider_id=self.provider_id,
            location_id=location_id,
        )

    def slots(self, day_slots: Sequence[tuple[int, int, int]]) -> list[Slot]:
        return [self.slot(start, loc) for start, _end, loc in day_slots]
