"""Reads of the recall area: who is due back, who may get a recall message today, lapsed patients
and this month's reactivation messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from patients.models import Patient
from practices.models import Practice
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus

from ..models import Message, Recall


def _future_active(now: datetime) -> QuerySet[Appointment]:
    return Appointment.objects.filter(patient=OuterRef("patient"), status__in=ACTIVE_STATUSES, start__gt=now)


def recalls(*, practice: Practice) -> QuerySet[Recall]:
    return Recall.objects.filter(practice=practice).select_related("patient").order_by("due_on", "pk")


def recall_for_patient(*, practice: Practice, patient: Patient) -> Recall | None:
    return Recall.objects.filter(practice=practice, patient=patient).first()


def due_recalls(
    *, practice: Practice, today: date, now: datetime, max_messages: int, not_since: datetime
) -> QuerySet[Recall]:
    """Recalls due by ``today`` whose patient has no visit booked ahead and may get another message."""
    return (
        Recall.objects.filter(practice=practice, due_on__lte=today, messages_sent__lt=max_messages)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=not_since))
        .exclude(Exists(_future_active(now)))
        .select_related("patient", "practice")
        .order_by("due_on", "pk")
    )


def lapsed_patients(*, practice: Practice, cutoff: datetime, now: datetime) -> QuerySet[Patient]:
    """Patients with at least one completed visit, none since ``cutoff``, and nothing booked ahead."""
    future = Appointment.objects.filter(patient=OuterRef("pk"), status__in=ACTIVE_STATUSES, start__gt=now)
    return (
        Patient.objects.filter(practice=practice)
        .annotate(last_visit=Max("appointments__start", filter=Q(appointments__status=AppointmentStatus.FULFILLED)))
        .filter(last_visit__isnull=False, last_visit__lt=cutoff)
        .exclude(Exists(future))
        .order_by("last_visit", "pk")
    )


def is_lapsed(*, practice: Practice, patient: Patient, cutoff: datetime, now: datetime) -> bool:
    return lapsed_patients(practice=practice, cutoff=cutoff, now=now).filter(pk=patient.pk).exists()


def reactivations_sent(*, practice: Practice, patient_ids: Iterable[int], dedupe_prefix_month: str) -> set[int]:
    """Which of these patients already got a reactivation message this month."""
    keys = {f"reactivation:{pk}:{dedupe_prefix_month}": pk for pk in patient_ids}
    found = Message.objects.filter(practice=practice, dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    return {keys[k] for k in found}
