"""The demo's changes in how patients do business with the practice, for the "what changed" list.

The story: until ``SATURDAYS_ENDED_WEEKS`` weeks ago the main office took online bookings on Saturday
mornings, and a group of working patients booked only those, online, visit after visit. Then the
online booking page lost its Saturday times; since, the same patients have called to book weekday
visits. The change detector (``cx.services.signal_detection``) finds them as "booked online, now
books by phone", beside the lapses and other changes it finds in the rest of the demo's history.

The patients are added here (joined three years ago, with no other visits), so nothing else in their
history blurs the change; their new phone bookings are existing upcoming phone bookings made since
the change, handed over to them (with the booking's journey event), so no clinic time is
double-booked.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F, Value
from django.db.models.functions import Least
from faker import Faker

from accounts.models import User
from cx.models import ChangeSignal, SignalKind
from cx.services import signal_detection
from cx.services import signals as signal_services
from journey.catalogue import BY_CODE
from journey.models import JourneyEvent
from patients.models import Patient
from practices.models import Practice
from scheduling.models import Appointment, AppointmentStatus, BookedVia, VisitType

from .frontdesk import add_flow

SATURDAYS_ENDED_WEEKS = 8
SWITCHED_PATIENTS = 12
SATURDAY_VISITS = (5, 7)  # online Saturday visits each, before the change
PHONE_BOOKINGS = 2  # phone bookings each, since the change
SATURDAY_START = time(8, 0)
SLOT_MINUTES = 40
CARRIERS = ("Aetna", "Cigna", "UnitedHealthcare")  # employers' plans: these patients work weekdays


def _utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _saturdays(first: date, last: date) -> list[date]:
    day = first + timedelta(days=(5 - first.weekday()) % 7)
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(weeks=1)
    return days


def _working_patients(*, practice: Practice, seed: int, today: date) -> list[int]:
    fake = Faker("en_US")
    fake.seed_instance(f"{seed}-saturday-switch")
    joined = datetime.combine(today - timedelta(days=3 * 365), time(10), tzinfo=ZoneInfo(practice.timezone))
    patients = []
    for serial in range(SWITCHED_PATIENTS):
        first, last = fake.first_name(), fake.last_name()
        patients.append(
            Patient(
                practice=practice,
                first_name=first,
                last_name=last,
                date_of_birth=today - timedelta(days=365 * (28 + 2 * serial) + serial),
                phone=f"(512) 555-{9100 + serial:04d}",
                email=f"{first.lower()}.{last.lower()}.sat{serial}@example.com",
                email_consent=True,
                sms_consent=True,
                coverage="insurance",
                insurance_carrier=CARRIERS[serial % len(CARRIERS)],
                insurance_member_id=f"M{700_000_000 + serial}",
                referral_source="search",
                created_at=joined + timedelta(days=serial),
            )
        )
    created = Patient.objects.bulk_create(patients)
    registered = BY_CODE["referral-source"]
    JourneyEvent.objects.bulk_create(
        JourneyEvent(
            practice=practice,
            patient=patient,
            stage=registered.stage,
            touchpoint=registered.code,
            kind="patient.registered",
            occurred_at=patient.created_at,
            data={"source": "search"},
        )
        for patient in created
    )
    return [patient.pk for patient in created]


def plant_saturday_switch(*, practice: Practice, seed: int, today: date) -> list[int]:
    """Plant the patients who moved from online to phone booking; returns their ids."""
    rng = random.Random(f"{seed}-saturday-switch")
    tz = ZoneInfo(practice.timezone)
    changed_on = today - timedelta(weeks=SATURDAYS_ENDED_WEEKS)
    location = practice.locations.order_by("pk").first()
    if location is None:
        return []
    provider = location.providers.filter(is_active=True).order_by("pk").first()
    visit_type = (
        VisitType.objects.filter(practice=practice, bookable_online=True, is_active=True)
        .order_by("duration_minutes", "pk")
        .first()
    )
    if provider is None or visit_type is None:
        return []
    first_day = today - timedelta(days=540)
    patients = _working_patients(practice=practice, seed=seed, today=today)
    # Upcoming weekday visits booked by phone since the change, to hand over.
    phone_booked = list(
        Appointment.objects.filter(
            practice=practice,
            booked_via=BookedVia.PHONE,
            status=AppointmentStatus.BOOKED,
            sequence=0,
            created_at__gte=_utc(changed_on, time(0), tz),
            start__gte=_utc(today + timedelta(days=3), time(0), tz),
        )
        .order_by("pk")
        .values_list("pk", "patient_id", "created_at")
    )
    rng.shuffle(phone_booked)
    saturdays = _saturdays(first_day, changed_on - timedelta(days=1))
    duration = timedelta(minutes=visit_type.duration_minutes)
    appointments: list[Appointment] = []
    events: list[JourneyEvent] = []
    online = BY_CODE["self-scheduling"]
    for index, patient_id in enumerate(patients):
        count = rng.randint(*SATURDAY_VISITS)
        days = sorted(rng.sample(saturdays, k=min(count, len(saturdays))))
        for day in days:
            # Each patient has their own time of the Saturday clinic, so no two overlap.
            start = _utc(day, SATURDAY_START, tz) + timedelta(minutes=SLOT_MINUTES * index)
            created = start - timedelta(days=rng.randint(5, 20), hours=rng.randint(1, 9))
            appointments.append(
                Appointment(
                    practice=practice,
                    patient_id=patient_id,
                    provider=provider,
                    location=location,
                    visit_type=visit_type,
                    start=start,
                    end=start + duration,
                    blocked_start=start - timedelta(minutes=visit_type.buffer_before_minutes),
                    blocked_end=start + duration + timedelta(minutes=visit_type.buffer_after_minutes),
                    status=AppointmentStatus.FULFILLED,
                    booked_via=BookedVia.ONLINE,
                    uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    created_at=created,
                    updated_at=start + duration,
                )
            )
            events.append(
                JourneyEvent(
                    practice=practice,
                    patient_id=patient_id,
                    stage=online.stage,
                    touchpoint=online.code,
                    kind="appointment.booked",
                    occurred_at=created,
                    data={"channel": BookedVia.ONLINE, "lead_days": (day - created.astimezone(tz).date()).days},
                )
            )
        handed = phone_booked[index * PHONE_BOOKINGS : (index + 1) * PHONE_BOOKINGS]
        for appointment_id, old_patient, created in handed:
            Appointment.objects.filter(pk=appointment_id).update(patient_id=patient_id)
            JourneyEvent.objects.filter(
                practice=practice, patient_id=old_patient, kind="appointment.booked", occurred_at=created
            ).update(patient_id=patient_id)
    saturday_ids = [a.pk for a in Appointment.objects.bulk_create(appointments)]
    # bulk_create stamps auto_now fields with today; these visits last changed when they ended.
    Appointment.objects.filter(pk__in=saturday_ids).update(updated_at=F("end"))
    JourneyEvent.objects.bulk_create(events)
    add_flow(practice=practice, seed=seed, appointment_ids=saturday_ids)
    return patients


# What the front desk learned when they called (handled signals feed the governance agenda).
LESSONS = (
    "Saturday mornings are the only time she can come; the online booking page no longer shows them, so she calls.",
    "Works weekdays; couldn't find a Saturday online any more and phoned instead.",
    "Thought we had stopped Saturday clinics altogether. Told him Saturdays are still there by phone.",
)


def detect_and_handle(*, practice: Practice, today: date, switched: list[int]) -> int:
    """Run the change detector over the demo's history as the hourly job would, then handle a few of
    the Saturday patients' signals the way the front desk would after calling them."""
    tz = ZoneInfo(practice.timezone)
    # Events are recorded as they happen; the builders wrote them all just now (and a few are later
    # today: those were recorded before the run, as the hourly job would have found them).
    now = datetime.combine(today, time(6), tzinfo=tz)
    recorded = now - signal_detection.READ_LAG - timedelta(minutes=1)
    JourneyEvent.objects.filter(practice=practice).update(recorded_at=Least(F("occurred_at"), Value(recorded)))
    found = signal_detection.detect_changes(practice, now=now)
    desk = User.objects.get(email="frontdesk@demo.touchpoints.test")
    to_handle = ChangeSignal.objects.filter(
        practice=practice, patient_id__in=switched, kind=SignalKind.ONLINE_TO_PHONE
    ).order_by("pk")[: len(LESSONS)]
    for index, (signal, lesson) in enumerate(zip(to_handle, LESSONS, strict=False)):
        signal_services.handle_signal(
            signal, user=desk, lesson=lesson, now=now - timedelta(days=len(LESSONS) - index, hours=-3)
        )
    return found
