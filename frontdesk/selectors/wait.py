"""Front-desk reads for the live wait: a patient's wait estimate (their provider's lag today, when they
will be called in), and how far the estimate was off over past days. The arithmetic is
``frontdesk.estimates`` and ``frontdesk.estimate_accuracy`` (pure); these functions read the rows it
needs, scoped by practice (and by the one appointment on patient pages)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from messaging.models import RunningLate
from practices.models import Practice, Provider
from scheduling.models import Appointment

from .. import estimates
from ..estimate_accuracy import EstimateAccuracy, Scored, replay_day, summarise
from ..estimates import FlowVisit, LateMark
from ..models import FlowStatus
from .flow import BOARD_APPOINTMENT_STATUSES, day_bounds, flow_status_of, latest_late_marks

# Statuses in which the patient is still waiting to be called in.
WAITING = (FlowStatus.SCHEDULED, FlowStatus.ARRIVED)


def flow_visit(appointment: Appointment) -> estimates.FlowVisit:
    """The appointment as the wait estimate sees it (its time, arrival, call-in and booked end)."""
    visit = getattr(appointment, "visit", None)
    return estimates.FlowVisit(
        scheduled=appointment.start,
        arrived=visit.arrived_at if visit else None,
        called=visit.roomed_at if visit else None,
        ends=appointment.end,
    )


def provider_day_visits(*, appointment: Appointment) -> list[Appointment]:
    """The provider's appointments on the same practice day as ``appointment`` (for the lag)."""
    practice = appointment.practice
    start, end = day_bounds(practice, practice.local_date(appointment.start))
    return list(
        Appointment.objects.filter(
            practice=practice,
            provider_id=appointment.provider_id,
            start__gte=start,
            start__lt=end,
            status__in=BOARD_APPOINTMENT_STATUSES,
        ).select_related("visit")
    )


@dataclass(frozen=True)
class WaitEstimate:
    status: str
    lag_minutes: int  # rounded for people: 0, 5, 10, ...
    wait_minutes: int | None  # rounded for people; None once called in (or not waiting)
    expected_call: datetime | None
    late_mark: RunningLate | None

    @property
    def running_late(self) -> bool:
        return self.lag_minutes >= 10


def wait_estimate(*, appointment: Appointment, now: datetime) -> WaitEstimate:
    """The live estimate for the patient of ``appointment`` (caller has already scoped it to them)."""
    status = flow_status_of(appointment)
    practice = appointment.practice
    day = practice.local_date(appointment.start)
    mark = None
    if day == practice.local_date(now):
        mark = latest_late_marks(practice=practice, day=day).get(appointment.provider_id)
    visits = provider_day_visits(appointment=appointment)
    late_mark = estimates.LateMark(minutes=mark.minutes, marked_at=mark.marked_at) if mark else None
    day_visits = [flow_visit(a) for a in visits]
    lag = estimates.provider_lag_minutes(day_visits, now=now, late_mark=late_mark)
    if status not in WAITING:
        return WaitEstimate(status, estimates.shown_minutes(lag), None, None, mark)
    call = estimates.expected_call(
        flow_visit(appointment), lag_minutes=lag, now=now, day=day_visits, late_mark=late_mark
    )
    return WaitEstimate(
        status=status,
        lag_minutes=estimates.shown_minutes(lag),
        wait_minutes=estimates.shown_minutes(estimates.wait_minutes(call, now)),
        expected_call=call,
        late_mark=mark,
    )


# --- how far to trust the estimate -----------------------------------------------------------------


def estimate_errors(
    *, practice: Practice, start: datetime, end: datetime, provider: Provider | None = None
) -> EstimateAccuracy:
    """The estimate's accuracy over the practice's visits starting in [start, end) (one provider's if given),
    counting the appointments that were on the board that day (a cancelled one never was)."""
    appointments = Appointment.objects.filter(
        practice=practice, start__gte=start, start__lt=end, status__in=BOARD_APPOINTMENT_STATUSES
    )
    marks = RunningLate.objects.filter(practice=practice, marked_at__lt=end)
    if provider is not None:
        appointments = appointments.filter(provider=provider)
        marks = marks.filter(provider=provider)
    tz = ZoneInfo(practice.timezone)
    days: dict[tuple[int, object], list[FlowVisit]] = defaultdict(list)
    for provider_id, scheduled, ends, arrived, called in appointments.values_list(
        "provider_id", "start", "end", "visit__arrived_at", "visit__roomed_at"
    ).iterator(chunk_size=5_000):
        days[(provider_id, scheduled.astimezone(tz).date())].append(
            FlowVisit(scheduled=scheduled, arrived=arrived, called=called, ends=ends)
        )
    marks_by_day: dict[tuple[int, object], list[LateMark]] = defaultdict(list)
    first_day = start.astimezone(tz).date()
    for provider_id, day, minutes, marked_at in marks.filter(day__gte=first_day).values_list(
        "provider_id", "day", "minutes", "marked_at"
    ):
        marks_by_day[(provider_id, day)].append(LateMark(minutes=minutes, marked_at=marked_at))
    scored: list[Scored] = []
    for key, visits in days.items():
        scored.extend(replay_day(visits, marks_by_day.get(key, ())))
    return summarise(scored)
