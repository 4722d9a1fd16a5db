"""Front-desk reads: today's flow board and its version (so a poll that finds nothing new is cheap),
the practice-local day, the flow settings and the running-late marks. Every read is scoped by
practice."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from messaging.models import RunningLate
from practices.models import Location, Practice, Provider
from scheduling.models import Appointment, AppointmentStatus
from scheduling.selectors.slots import local_day_bounds

from ..models import FlowSettings, FlowStatus, Visit

BOARD_APPOINTMENT_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)


def day_bounds(practice: Practice, day: date) -> tuple[datetime, datetime]:
    """The practice-local day as an aware [start, end) pair (23 or 25 hours long on a clock change)."""
    return local_day_bounds(ZoneInfo(practice.timezone), day, day)


def flow_status_of(appointment: Appointment) -> str:
    visit = getattr(appointment, "visit", None)
    return visit.status if visit is not None else FlowStatus.SCHEDULED


def todays_appointments(
    *, practice: Practice, now: datetime, location: Location | None = None, provider: Provider | None = None
) -> QuerySet[Appointment]:
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


def board_version(*, practice: Practice, now: datetime) -> str:
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


def flow_settings_for(practice: Practice) -> FlowSettings:
    return FlowSettings.objects.filter(practice=practice).first() or FlowSettings(practice=practice)


def latest_late_marks(*, practice: Practice, day: date) -> dict[int, RunningLate]:
    """The newest running-late mark of each provider today, by provider id."""
    marks: dict[int, RunningLate] = {}
    for mark in RunningLate.objects.filter(practice=practice, day=day).order_by("marked_at", "pk"):
        marks[mark.provider_id] = mark
    return marks


def appointment_on_board_or_404(*, practice: Practice, pk: int) -> Appointment:
    appointment = (
        Appointment.objects.filter(practice=practice, pk=pk)
        .select_related("patient", "provider", "location", "visit_type", "practice")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment
