"""Helpers shared by the inbox, inbound, running-late, recall, thank-you and history tests (no tests here)."""

from datetime import timedelta

from messaging.models import MessagingSettings
from messaging.services.inbound import receive_sms
from scheduling.models import Appointment, AppointmentStatus, BookedVia, CancellationReason, VisitType

PRACTICE_NUMBER = "+15125550100"


def sms_number(practice, number: str = PRACTICE_NUMBER, **fields) -> MessagingSettings:
    return MessagingSettings.objects.create(practice=practice, sms_number=number, **fields)


def visit_type(practice, *, recall_months=None, name="Full-body skin check", slug=None) -> VisitType:
    return VisitType.objects.create(
        practice=practice,
        name=name,
        slug=slug or f"vt-{VisitType.objects.count() + 1}",
        duration_minutes=30,
        recall_interval_months=recall_months,
    )


def appointment(patient, provider, location, vt, *, start, status=AppointmentStatus.BOOKED) -> Appointment:
    return Appointment.objects.create(
        practice=patient.practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=vt,
        start=start,
        end=start + timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        status=status,
        booked_via=BookedVia.PHONE,
        cancellation_reason=CancellationReason.PATIENT_REQUEST if status == AppointmentStatus.CANCELLED else "",
    )


_ids = iter(range(1, 10**9))


def text(body: str, *, from_number: str = "+15125550199", to_number: str = PRACTICE_NUMBER, pid=None, at=None):
    """The patient texts the practice."""
    return receive_sms(
        to_number=to_number,
        from_number=from_number,
        body=body,
        provider_message_id=pid or f"SM{next(_ids):08d}",
        received_at=at,
    )
