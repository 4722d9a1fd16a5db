"""Front-desk reads: today's flow board, its version (so a poll that finds nothing new is cheap),
and a patient's live wait estimate. Every read is scoped by practice (and by the one appointment
on patient pages)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from messaging.models import RunningLate
from scheduling.models import Appointment, AppointmentStatus
from scheduling.selectors.slots import local_day_bounds

from . import estimates
from .models import FlowSettings, FlowStatus, IntakeQuestion, OnlineCheckIn, PracticePolicy, Visit

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
    return local_day_bounds(ZoneInfo(practice.timezone), day, day)


def flow_status_of(appointment: Appointment) -> str:
    visit = getattr(appointment, "visit", None)
    return visit.status if visit is not None else FlowStatus.SCHEDULED


def todays_appointments(*, practice, now: datetime, location=None, provider=None) -> QuerySet[Appointment]:
    """Today's appointments that belong on the board (not cancelled), with their visits."""
    start, end = day_bounds(practice, practice.local_date(now))
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
    start, end = day_bounds(practice, practice.local_date(now))
    today = Appointment.objects.filter(practice=practice, start__gte=start, start__lt=end)
    appointments = today.aggregate(n=Count("pk"), last=Max("updated_at"))
    visits = Visit.objects.filter(
        practice=practice, appointment__start__gte=start, appointment__start__lt=end
    ).aggregate(n=Count("pk"), last=Max("updated_at"))
    late = RunningLate.objects.filter(practice=practice, day=practice.local_date(now)).aggregate(last=Max("pk"))
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


def appointment_on_board_or_404(*, practice, pk: int) -> Appointment:
    appointment = (
        Appointment.objects.filter(practice=practice, pk=pk)
        .select_related("patient", "provider", "location", "visit_type", "practice")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def online_check_in_or_404(*, practice, appointment: Appointment) -> OnlineCheckIn:
    check_in = OnlineCheckIn.objects.filter(practice=practice, appointment=appointment).first()
    if check_in is None:
        raise Http404
    return check_in


def check_in_answers(*, practice, check_in: OnlineCheckIn) -> tuple[list, list]:
    """([(question, answer)], [(policy, version acknowledged)]) of an online check-in, in the form's order."""
    answers = check_in.answers if isinstance(check_in.answers, dict) else {}
    question_ids = [int(k) for k in answers if str(k).isdigit()]
    questions = IntakeQuestion.objects.filter(practice=practice, pk__in=question_ids).order_by("position", "pk")
    acknowledged = {
        item.get("id"): item.get("version") for item in (check_in.policies_acknowledged or []) if isinstance(item, dict)
    }
    policies = PracticePolicy.objects.filter(practice=practice, pk__in=[k for k in acknowledged if k])
    return [(q, answers.get(str(q.pk))) for q in questions], [(p, acknowledged[p.pk]) for p in policies]
