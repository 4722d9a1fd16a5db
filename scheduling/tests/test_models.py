"""Database constraints of the scheduling tables, on SQLite and PostgreSQL."""

from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    AvailabilityTemplate,
    VisitType,
)
from scheduling.services.booking import SlotTaken, book_appointment
from tests.factories import NOW, TUESDAY_10


def _visit_type(practice, **fields):
    fields.setdefault("name", "Acne follow-up")
    fields.setdefault("slug", "acne-follow-up")
    fields.setdefault("duration_minutes", 15)
    return VisitType.objects.create(practice=practice, **fields)


def _raw_appointment(practice, patient, provider, location, visit_type, start, **fields):
    """Insert directly, past the service: only the database can refuse it."""
    end = fields.pop("end", start + timedelta(minutes=visit_type.duration_minutes))
    fields.setdefault("blocked_start", start)
    fields.setdefault("blocked_end", end)
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=end,
        **{"booked_via": "staff", **fields},
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"duration_minutes": 0},
        {"max_days_ahead": 0},
        {"daily_cap_per_provider": 0},
        {"patient_kind": "vip"},
    ],
)
def test_visit_type_check_constraints(practice, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _visit_type(practice, **fields)


def test_visit_type_buffers_cannot_be_negative(practice):
    for field in ("buffer_before_minutes", "buffer_after_minutes"):
        with pytest.raises(IntegrityError), transaction.atomic():
            _visit_type(practice, **{field: -5})


def test_visit_type_slug_unique_per_practice_only(practice, other_practice):
    _visit_type(practice)
    _visit_type(other_practice)
    with pytest.raises(IntegrityError), transaction.atomic():
        _visit_type(practice, name="Other name")


def test_availability_template_constraints(practice, provider, location):
    base = {"practice": practice, "provider": provider, "location": location, "weekday": 1}
    AvailabilityTemplate.objects.create(**base, starts_at=time(9), ends_at=time(12), effective_from=date(2030, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityTemplate.objects.create(
            **base, starts_at=time(12), ends_at=time(9), effective_from=date(2030, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityTemplate.objects.create(
            **base,
            starts_at=time(9),
            ends_at=time(12),
            effective_from=date(2030, 2, 1),
            effective_to=date(2030, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityTemplate.objects.create(
            **{**base, "weekday": 7}, starts_at=time(9), ends_at=time(12), effective_from=date(2030, 1, 1)
        )


def test_availability_exception_constraints(practice, provider, location):
    base = {"practice": practice, "provider": provider, "day": date(2030, 1, 8)}
    AvailabilityException.objects.create(**base, kind="off")  # the whole day off
    AvailabilityException.objects.create(**base, kind="extra", location=location, starts_at=time(18), ends_at=time(20))
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityException.objects.create(**base, kind="extra", starts_at=time(18), ends_at=time(20))
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityException.objects.create(**base, kind="extra", location=location)  # extra needs times
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityException.objects.create(**base, kind="off", starts_at=time(12), ends_at=time(11))
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityException.objects.create(**base, kind="sick")


def test_appointment_check_constraints(practice, patient, provider, location, visit_type):
    args = (practice, patient, provider, location, visit_type)
    bad = [
        {"status": "maybe"},
        {"booked_via": "fax"},
        {"end": TUESDAY_10, "blocked_end": TUESDAY_10},  # ends when it starts
        {"blocked_start": TUESDAY_10 + timedelta(minutes=5)},  # blocked range must cover the visit
        {"cancellation_reason": "weather"},  # a reason on an appointment that is not cancelled
        {"status": "cancelled", "cancellation_reason": "felt like it"},  # not a reason code
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            _raw_appointment(*args, TUESDAY_10, **fields)


def test_idempotency_key_unique_per_practice(practice, other_practice, patient, provider, location, visit_type):
    args = (practice, patient, provider, location, visit_type)
    _raw_appointment(*args, TUESDAY_10, idempotency_key="abc")
    _raw_appointment(*args, TUESDAY_10 + timedelta(hours=1))  # no key: any number allowed
    _raw_appointment(*args, TUESDAY_10 + timedelta(hours=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_appointment(*args, TUESDAY_10 + timedelta(hours=3), idempotency_key="abc")


def test_appointment_defaults(practice, patient, provider, location, visit_type):
    appointment = _raw_appointment(practice, patient, provider, location, visit_type, TUESDAY_10)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.sequence == 0
    assert appointment.uid is not None
    assert appointment.is_active


def test_no_double_booking_in_the_database_or_the_service(
    practice, patient, make_patient, provider, location, visit_type, make_provider
):
    """PostgreSQL refuses an overlapping active appointment itself; SQLite relies on the service."""
    args = (practice, patient, provider, location, visit_type)
    first = _raw_appointment(*args, TUESDAY_10, blocked_end=TUESDAY_10 + timedelta(minutes=40))
    overlapping = TUESDAY_10 + timedelta(minutes=35)  # inside the first one's clean-up buffer
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            _raw_appointment(*args, overlapping)
        # Touching is not overlapping: the ranges are half-open.
        _raw_appointment(*args, TUESDAY_10 + timedelta(minutes=40)).delete()
    else:
        assert connection.vendor == "sqlite"
        with pytest.raises(SlotTaken):
            book_appointment(
                practice=practice,
                patient=make_patient(practice),
                provider=provider,
                location=location,
                visit_type=visit_type,
                start=overlapping,
                booked_via="phone",
                now=NOW,
            )

    # Another provider at the same time: allowed on both.
    _raw_appointment(practice, patient, make_provider(), location, visit_type, TUESDAY_10)
    # Once the first is cancelled (or entered in error), its time is free again: allowed on both.
    first.status = AppointmentStatus.CANCELLED
    first.cancellation_reason = "patient_request"
    first.save()
    second = _raw_appointment(*args, overlapping)
    second.status = AppointmentStatus.ENTERED_IN_ERROR
    second.save()
    _raw_appointment(*args, overlapping)
    assert Appointment.objects.filter(provider=provider, status__in=["booked"]).count() == 1
