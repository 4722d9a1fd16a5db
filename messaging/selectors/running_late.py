"""Reads of the running-late area: the providers who can be marked late, today's marks, and the
later patients a mark tells."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from practices.models import Practice, Provider
from scheduling.models import Appointment, AppointmentStatus

from ..models import RunningLate


def providers_for_running_late(*, practice: Practice) -> QuerySet[Provider]:
    return Provider.objects.filter(practice=practice, is_active=True).order_by("last_name", "first_name")


def running_late_today(*, practice: Practice, day: date) -> QuerySet[RunningLate]:
    return RunningLate.objects.filter(practice=practice, day=day).select_related("provider", "marked_by")


def later_booked_appointments(
    *, practice: Practice, provider: Provider, after: datetime, before: datetime
) -> QuerySet[Appointment]:
    """The provider's booked appointments starting after ``after`` and before ``before``."""
    return (
        Appointment.objects.filter(
            practice=practice,
            provider=provider,
            status=AppointmentStatus.BOOKED,
            start__gt=after,
            start__lt=before,
        )
        .select_related("patient", "practice")
        .order_by("start")
    )
