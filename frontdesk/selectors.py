"""Front-desk reads: today's flow board, its version (so a poll that finds nothing new is cheap),
and a patient's live wait estimate. Every read is scoped by practice (and by the one appointment
on patient pages)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from messaging.models import RunningLate
from scheduling.models import Appointment, AppointmentStatus

from . import estimates
from .models import FlowSettings, FlowStatus, Visit

BOARD_APPOINTMENT_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)
# Statuses in which the patient is still waiting to be called in.
WAITING = (FlowStatus.SCHEDULED, FlowStatus.ARRIVED)


def day_bounds(practice, day) -> tuple[datetime, datetime]:
    """The practice-local day as an aware [start, end) pair (23 or 25 hours long on a clock change)."""
    zone = ZoneInfo(practice.timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def practice_today(practice, now: datetime):
    return now.astimezone(ZoneInfo(practice.timezone)).date()


def flow_status_of(appointment: Appointment) -> str:
    visit = getattr(appointment, "visit", None)
    return visit.status if visit is not None else FlowStatus.SCHEDULED


def todays_appointments(*, practice, now: datetime, location=None, provider=None) -> QuerySet[Appointment]:
    """Today's appointments that belong on the board (not cancelled), with their visits."""
    start, end = day_bounds(practice, practice_today(practice, now))
    appointments = (
        Appointment.objects.filter(
            practice=practice, start__gte=start, start__lt=end, status__in=BOARD_APPOINTMENT_STATUSES
        )
        .select_related("patient", "provider", "location", "visit_type", "visit", "online_check_in")
        .order_by("start", "pk")
    )
    if location is not None:
        appointments = appointments.filter(location=location)
    if provider is not None:
        appointments = appointments.filter(provider=provider)
    return appointments


def board_version(*, practice, now: datetime) -> str:
    """Changes whenever anything shown on today's board changes (statuses, check-ins, bookings, delays)."""
    start, end = day_bounds(practice, practice_today(practice, now))
    today = Appointment.objects.filter(practice=practice, start__gte=start, start__lt=end)
    appointments = today.aggregate(n=Count("pk"), last=Max("updated_at"))
    visits = Visit.objects.filter(
        practice=practice, appointment__start__gte=start, appointment__start__lt=end
    ).aggregate(n=Count("pk"), last=Max("updated_at"))
    late = RunningLate.objects.filter(practice=practice, day=practice_today(practice, now)).aggregate(last=Max("pk"))
    checked_in = today.filter(online_check_in__isnull=False).count()
    # The minute is part of it too: "time in status" on the board moves on even when nothing else does.
    raw = f"{appointments}|{visits}|{late}|{checked_in}|{now:%Y%m%d%H%M}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def flow_settings_for(practice) -> FlowSettings:
    return FlowSettings.objects.filter(practice=practice).first() or FlowSettings(practice=practice)


def latest_late_marks(*, practice, day) -> dict[int, RunningLate]:
    """The newest running-late mark of each provider today, by provider id."""
    marks: dict[int, RunningLate] = {}
    for mark in RunningLate.objects.filter(practice=practice, day=day).order_by("marked_at", "pk"):
        marks[mark.provider_id] = mark
    return marks


def _flow_visit(appointment: Appointment) -> estimates.FlowVisit:
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
    start, end = day_bounds(practice, practice_today(practice, appointment.start))
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
    day = practice_today(practice, appointment.start)
    mark = None
    if day == practice_today(practice, now):
        mark = latest_late_marks(practice=practice, day=day).get(appointment.provider_id)
    visits = provider_day_visits(appointment=appointment)
    late_mark = estimates.LateMark(minutes=mark.minutes, marked_at=mark.marked_at) if mark else None
    day_visits = [_flow_visit(a) for a in visits]
    lag = estimates.provider_lag_minutes(day_visits, now=now, late_mark=late_mark)
    if status not in WAITING:
        return WaitEstimate(status, estimates.shown_minutes(lag), None, None, mark)
    call = estimates.expected_call(
        _flow_visit(appointment), lag_minutes=lag, now=now, day=day_visits, late_mark=late_mark
    )
    return WaitEstimate(
        status=status,
        lag_minutes=estimates.shown_minutes(lag),
        wait_minutes=estimates.shown_minutes(estimates.wait_minutes(call, now)),
        expected_call=call,
        late_mark=mark,
    )


def appointment_on_board_or_404(*, practice, pk: int) -> Appointment:
    appointment = (
        Appointment.objects.filter(practice=practice, pk=pk)
        .select_related("patient", "provider", "location", "visit_type", "practice")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment
