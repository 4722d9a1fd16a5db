"""Office-visit and access measures, as pure functions of plain appointment records.

No Django here: ``selectors.appointment_records`` builds the records, this module groups and sums.

Definitions (all durations are real elapsed minutes: aware datetimes subtract correctly across a
clock change, so a visit from 01:30 EDT to 01:10 EST on the fall-back day lasted 40 minutes):

* Cycle time: departure (``done_at``) minus arrival (``arrived_at``), visits with both.
* Waiting-room time: roomed minus arrived.  Exam-room wait: with provider minus roomed.
* Waiting: waiting room plus exam-room wait (arrived to with provider), visits with both ends.
* Time with the care team: with provider to checkout, or to done when checkout was skipped.
  Each is reported as n, mean and median minutes; cycle time also as the 90th percentile
  (nearest rank: the smallest value with at least 90 % of the values at or below it).
* Lead time: practice-local calendar days from the booking day (``created_at``) to the visit day,
  appointments not cancelled; mean and median.  Same-day access: the share of those booked on the
  day of the visit.
* No-show rate: no-shows divided by (no-shows + appointments the patient came to: fulfilled,
  arrived, checked in, or a visit with an arrival time), among appointments that have started.
  Booked appointments in the past that nobody marked either way are in neither count.
* Late-cancellation rate: appointments cancelled less than ``cutoff_hours`` before their start,
  divided by every appointment scheduled in the period, cancelled ones included.  A cancellation
  without a recorded time counts in the denominator only.
Entered-in-error appointments count nowhere.

Periods: the practice-local date of the appointment's start (a 23- or 25-hour day is one day);
weeks start on Monday.  Groups with nothing to measure give ``None`` (shown as "no data"), never 0.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, overload
from zoneinfo import ZoneInfo

from feedback.scores import MIN_RESPONSES

if TYPE_CHECKING:
    from frontdesk.estimate_accuracy import EstimateAccuracy

# FHIR R4 appointment statuses (scheduling.models.AppointmentStatus) and flow statuses
# (frontdesk.models.FlowStatus), by value.
CANCELLED = "cancelled"
NOSHOW = "noshow"
ENTERED_IN_ERROR = "entered-in-error"
CAME_STATUSES = frozenset({"arrived", "checked-in", "fulfilled"})
FLOW_NO_SHOW = "no_show"

DAY = "day"
WEEK = "week"
PERIODS = (DAY, WEEK)
DIMENSIONS = ("provider", "location", "visit_type")


@dataclass(frozen=True)
class AppointmentRecord:
    start: datetime
    created_at: datetime
    status: str
    provider_id: int
    location_id: int
    visit_type_id: int
    cancelled_at: datetime | None = None
    flow_status: str | None = None
    arrived_at: datetime | None = None
    roomed_at: datetime | None = None
    with_provider_at: datetime | None = None
    checkout_at: datetime | None = None
    done_at: datetime | None = None


@dataclass(frozen=True)
class Durations:
    """Minutes of one measure over a group."""

    values: tuple[float, ...] = ()

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.values) if self.values else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def p90(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The share as a fraction 0..1, or None when nothing was counted."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        return None if self.value is None else 100 * self.value


@dataclass(frozen=True)
class Summary:
    period: date | None  # first day of the period; None for the whole range
    group: int | None  # the dimension's id, or None when not grouped
    cycle: Durations = field(default_factory=Durations)
    waiting_room: Durations = field(default_factory=Durations)
    exam_room: Durations = field(default_factory=Durations)
    waiting: Durations = field(default_factory=Durations)
    care_team: Durations = field(default_factory=Durations)
    lead_days: Durations = field(default_factory=Durations)
    same_day: Rate = Rate(0, 0)
    no_show: Rate = Rate(0, 0)
    late_cancel: Rate = Rate(0, 0)

    @property
    def is_empty(self) -> bool:
        return not (self.late_cancel.denominator or self.no_show.denominator or self.cycle.n)


@overload
def _minutes(start: datetime, end: datetime) -> float: ...
@overload
def _minutes(start: datetime | None, end: datetime | None) -> float | None: ...
def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    # In UTC: Python subtracts two datetimes of one zone by wall clock, which is wrong across a clock change.
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def period_start(day: date, period: str) -> date:
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    if period == DAY:
        return day
    raise ValueError(f"unknown period {period!r}")


def summarize(
    records: Iterable[AppointmentRecord],
    *,
    zone: str | ZoneInfo,
    now: datetime,
    cutoff_hours: int,
    period: date | None = None,
    group: int | None = None,
) -> Summary:
    """Every measure over one set of records."""
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    cutoff = timedelta(hours=cutoff_hours)
    cycle: list[float] = []
    waiting_room: list[float] = []
    exam_room: list[float] = []
    waiting: list[float] = []
    care_team: list[float] = []
    lead: list[float] = []
    same_day = scheduled = late = no_shows = came = 0
    for r in records:
        if r.status == ENTERED_IN_ERROR:
            continue
        scheduled += 1
        if r.status == CANCELLED:
            if r.cancelled_at is not None and _minutes(r.cancelled_at, r.start) < cutoff.total_seconds() / 60:
                late += 1
            continue
        days = (local_day(r.start, tz) - local_day(r.created_at, tz)).days
        lead.append(float(days))
        same_day += days == 0
        if r.start.astimezone(UTC) <= now.astimezone(UTC):
            if r.status == NOSHOW or r.flow_status == FLOW_NO_SHOW:
                no_shows += 1
            elif r.status in CAME_STATUSES or r.arrived_at is not None:
                came += 1
        for bucket, value in (
            (cycle, _minutes(r.arrived_at, r.done_at)),
            (waiting_room, _minutes(r.arrived_at, r.roomed_at)),
            (exam_room, _minutes(r.roomed_at, r.with_provider_at)),
            (waiting, _minutes(r.arrived_at, r.with_provider_at)),
            (care_team, _minutes(r.with_provider_at, r.checkout_at or r.done_at)),
        ):
            if value is not None:
                bucket.append(value)
    return Summary(
        period=period,
        group=group,
        cycle=Durations(tuple(cycle)),
        waiting_room=Durations(tuple(waiting_room)),
        exam_room=Durations(tuple(exam_room)),
        waiting=Durations(tuple(waiting)),
        care_team=Durations(tuple(care_team)),
        lead_days=Durations(tuple(lead)),
        same_day=Rate(same_day, len(lead)),
        no_show=Rate(no_shows, no_shows + came),
        late_cancel=Rate(late, scheduled),
    )


def dimension_key(dimension: str | None) -> Callable[[AppointmentRecord], int | None]:
    if dimension is None:
        return lambda r: None
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    attribute = f"{dimension}_id"
    return lambda r: getattr(r, attribute)


def periods_between(first_day: date, last_day: date, period: str) -> list[date]:
    """The first day of every period that touches ``first_day..last_day``."""
    days, step = [], timedelta(days=7 if period == WEEK else 1)
    current = period_start(first_day, period)
    while current <= last_day:
        days.append(current)
        current += step
    return days


def by_period(
    records: Sequence[AppointmentRecord],
    *,
    zone: str | ZoneInfo,
    now: datetime,
    cutoff_hours: int,
    period: str = DAY,
    dimension: str | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> list[Summary]:
    """One summary per (period, group), periods in order, groups in order of their keys.

    With ``first_day``/``last_day`` every period in the range appears, an empty one too (as "no data").
    """
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    key = dimension_key(dimension)
    grouped: dict[tuple[date, int | None], list[AppointmentRecord]] = defaultdict(list)
    groups: set[int | None] = set()
    for r in records:
        g = key(r)
        groups.add(g)
        grouped[(period_start(local_day(r.start, tz), period), g)].append(r)
    if first_day is not None and last_day is not None:
        periods = periods_between(first_day, last_day, period)
    else:
        periods = sorted({p for p, _g in grouped})
    ordered_groups = sorted(groups, key=lambda g: (g is None, g)) or [None]
    return [
        summarize(grouped.get((p, g), ()), zone=tz, now=now, cutoff_hours=cutoff_hours, period=p, group=g)
        for p in periods
        for g in ordered_groups
    ]


def totals(
    records: Sequence[AppointmentRecord],
    *,
    zone: str | ZoneInfo,
    now: datetime,
    cutoff_hours: int,
    dimension: str | None = None,
) -> list[Summary]:
    """One summary per group over the whole range (a single one when not grouped)."""
    key = dimension_key(dimension)
    grouped: dict[int | None, list[AppointmentRecord]] = defaultdict(list)
    for r in records:
        grouped[key(r)].append(r)
    if not grouped:
        return [summarize((), zone=zone, now=now, cutoff_hours=cutoff_hours)]
    return [
        summarize(grouped[g], zone=zone, now=now, cutoff_hours=cutoff_hours, group=g)
        for g in sorted(grouped, key=lambda g: (g is None, g))
    ]


# --- how far to trust the wait estimates --------------------------------------------------------

MIN_SCORED = MIN_RESPONSES  # the project's rule: under 30 a figure is "too few to trust"
# The ranges are stated as 80 % ranges; this much coverage counts as "as stated" (percent, inclusive).
COVERAGE_AS_STATED = (75.0, 85.0)
CALLED_IN, WITH_PROVIDER = "called_in", "with_provider"
AS_STATED, TOO_NARROW, TOO_WIDE = "as_stated", "too_narrow", "too_wide"


def _percent(share: float | None) -> float | None:
    """A share as a percentage with one decimal, halves up: the figure the page shows."""
    if share is None:
        return None
    return float((Decimal(repr(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class WaitTrust:
    """One of the two wait estimates (``CALLED_IN`` or ``WITH_PROVIDER``) over the visits scored."""

    question: str
    n: int
    mae_minutes: float | None
    naive_mae_minutes: float | None
    lag_mae_minutes: float | None
    coverage_percent: float | None  # one decimal, as shown
    mae_margin_minutes: float | None = None  # the estimate's mean error: half-width of its 95 % interval

    @property
    def too_few(self) -> bool:
        return self.n < MIN_SCORED

    @property
    def range_fit(self) -> str | None:
        """``AS_STATED``, ``TOO_NARROW`` or ``TOO_WIDE``, judged on the percentage the page shows."""
        if self.coverage_percent is None:
            return None
        low, high = COVERAGE_AS_STATED
        if self.coverage_percent < low:
            return TOO_NARROW
        return TOO_WIDE if self.coverage_percent > high else AS_STATED


def wait_trust(accuracy: EstimateAccuracy) -> tuple[WaitTrust, WaitTrust]:
    """Both questions of ``accuracy``: when the patient is called in, and when the provider is with them."""
    return (
        WaitTrust(
            CALLED_IN,
            accuracy.n,
            accuracy.mae_minutes,
            accuracy.naive_mae_minutes,
            accuracy.lag_mae_minutes,
            _percent(accuracy.coverage),
            accuracy.mae_margin_minutes,
        ),
        WaitTrust(
            WITH_PROVIDER,
            accuracy.seen_n,
            accuracy.seen_mae_minutes,
            accuracy.seen_naive_mae_minutes,
            accuracy.seen_lag_mae_minutes,
            _percent(accuracy.seen_coverage),
            accuracy.seen_mae_margin_minutes,
        ),
    )
