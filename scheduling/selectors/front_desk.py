"""Front-desk reads: a patient's appointments, one appointment and its history, the booking-request
queue and the patient records that may match a request, and the open times for the staff picker.

Every read is scoped by practice (and by patient where the page is one patient's). Open times come
from the one slot engine (``engine.py`` through ``slots.schedules_for``), so the front desk is
offered exactly what the booking service accepts.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from audit.models import AuditEntry
from patients.models import Patient
from practices.models import Location, Practice, Provider

from .. import engine
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    BookingRequest,
    BookingRequestStatus,
    VisitType,
    VisitTypeProvider,
)
from . import booking as booking_selectors
from . import slots as slot_selectors

APPOINTMENT_OBJECT_TYPE = Appointment._meta.label_lower
FIRST_AVAILABLE_LIMIT = 8
OPENING_DAYS = 14
CANDIDATE_LIMIT = 20


# --- choices for the picker ---------------------------------------------------------------------


def visit_types_for_front_desk(*, practice: Practice, patient_kind: str | None = None) -> QuerySet[VisitType]:
    """Every offered visit type, phone-only ones included (the front desk books them all); with
    ``patient_kind``, only those open to that kind of patient (no follow-up for a new patient)."""
    visit_types = slot_selectors.visit_types(practice)
    if patient_kind:
        visit_types = visit_types.filter(patient_kind__in=booking_selectors.kinds_allowed(patient_kind))
    return visit_types


def locations_for_booking(*, practice: Practice) -> QuerySet[Location]:
    return Location.objects.filter(practice=practice, is_active=True).order_by("name")


def providers_for_booking(*, practice: Practice) -> QuerySet[Provider]:
    return Provider.objects.filter(practice=practice, is_active=True).order_by("last_name", "first_name")


def provider_offers(*, practice: Practice, visit_type: VisitType, provider: Provider) -> bool:
    return VisitTypeProvider.objects.filter(practice=practice, visit_type=visit_type, provider=provider).exists()


# --- open times -----------------------------------------------------------------------------------


def _schedules(
    practice: Practice,
    visit_type: VisitType,
    *,
    provider_ids: Iterable[int] | None,
    first_day: date,
    last_day: date,
    now: datetime,
    ignore_appointment_id: int | None,
) -> list[engine.ProviderSchedule]:
    return slot_selectors.schedules_for(
        practice,
        visit_type,
        provider_ids=provider_ids,
        first_day=first_day,
        last_day=last_day,
        now=now,
        ignore_appointment_id=ignore_appointment_id,
    )


def slots_on_day(
    *,
    practice: Practice,
    visit_type: VisitType,
    day: date,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    location_id: int | None = None,
    ignore_appointment_id: int | None = None,
) -> list[engine.Slot]:
    """The open slots of one local day (all providers, or some), in time order.

    ``ignore_appointment_id``: the appointment being moved does not block its own new time.
    """
    rule = slot_selectors.visit_rule(visit_type)
    slots: list[engine.Slot] = []
    for schedule in _schedules(
        practice,
        visit_type,
        provider_ids=provider_ids,
        first_day=day,
        last_day=day,
        now=now,
        ignore_appointment_id=ignore_appointment_id,
    ):
        slots.extend(engine.open_slots(schedule, rule, now=now, first_day=day, last_day=day, location_id=location_id))
    return sorted(slots, key=lambda s: (s.start, s.provider_id, s.location_id))


def first_available(
    *,
    practice: Practice,
    visit_type: VisitType,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    location_id: int | None = None,
    ignore_appointment_id: int | None = None,
    limit: int = FIRST_AVAILABLE_LIMIT,
) -> list[engine.Slot]:
    """The earliest open slots from today up to the visit type's horizon."""
    today = now.astimezone(ZoneInfo(practice.timezone)).date()
    last_day = today + timedelta(days=visit_type.max_days_ahead)
    rule = slot_selectors.visit_rule(visit_type)
    schedules = _schedules(
        practice,
        visit_type,
        provider_ids=provider_ids,
        first_day=today,
        last_day=last_day,
        now=now,
        ignore_appointment_id=ignore_appointment_id,
    )
    return engine.first_available(
        schedules, rule, now=now, first_day=today, last_day=last_day, location_id=location_id, limit=limit
    )


def days_with_openings(
    *,
    practice: Practice,
    visit_type: VisitType,
    first_day: date,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    location_id: int | None = None,
    ignore_appointment_id: int | None = None,
    days: int = OPENING_DAYS,
) -> list[date]:
    last_day = first_day + timedelta(days=days - 1)
    schedules = _schedules(
        practice,
        visit_type,
        provider_ids=provider_ids,
        first_day=first_day,
        last_day=last_day,
        now=now,
        ignore_appointment_id=ignore_appointment_id,
    )
    return engine.days_with_openings(
        schedules,
        slot_selectors.visit_rule(visit_type),
        now=now,
        first_day=first_day,
        last_day=last_day,
        location_id=location_id,
    )


def bookable_providers_at(
    *, practice: Practice, visit_type: VisitType, location: Location, start: datetime, now: datetime
) -> list[int]:
    """Ids of the providers (in id order) who could take ``start`` at ``location`` within the rules."""
    day = start.astimezone(ZoneInfo(practice.timezone)).date()
    rule = slot_selectors.visit_rule(visit_type)
    return [
        schedule.provider_id
        for schedule in slot_selectors.schedules_for(practice, visit_type, first_day=day, last_day=day, now=now)
        if engine.is_bookable(schedule, rule, now=now, start=start, location_id=location.pk)
    ]


# --- appointments ---------------------------------------------------------------------------------


def _appointments(practice: Practice) -> QuerySet[Appointment]:
    return Appointment.objects.filter(practice=practice).select_related("provider", "location", "visit_type", "patient")


def appointments_for_patient(
    *, practice: Practice, patient: Patient, now: datetime
) -> tuple[list[Appointment], list[Appointment]]:
    """(upcoming active appointments, soonest first; everything else, latest first)."""
    appointments = _appointments(practice).filter(patient=patient)
    upcoming = list(appointments.filter(status__in=ACTIVE_STATUSES, end__gte=now).order_by("start"))
    past = list(appointments.exclude(pk__in=[a.pk for a in upcoming]).order_by("-start")[:50])
    return upcoming, past


def appointment_or_404(*, practice: Practice, pk: int) -> Appointment:
    return get_object_or_404(_appointments(practice), pk=pk)


def appointment_history(*, practice: Practice, appointment: Appointment) -> QuerySet[AuditEntry]:
    """The appointment's audit entries, oldest first (their changes are stored masked)."""
    return (
        AuditEntry.objects.filter(practice=practice, object_type=APPOINTMENT_OBJECT_TYPE, object_id=str(appointment.pk))
        .select_related("actor_user")
        .order_by("at", "id")
    )


# --- booking requests -----------------------------------------------------------------------------


def open_booking_requests(*, practice: Practice) -> QuerySet[BookingRequest]:
    return (
        BookingRequest.objects.filter(practice=practice, status=BookingRequestStatus.OPEN)
        .select_related("visit_type", "location", "provider")
        .order_by("created_at", "pk")
    )


def open_booking_request_count(*, practice: Practice) -> int:
    return BookingRequest.objects.filter(practice=practice, status=BookingRequestStatus.OPEN).count()


def booking_request_or_404(*, practice: Practice, pk: int) -> BookingRequest:
    return get_object_or_404(
        BookingRequest.objects.filter(practice=practice).select_related("visit_type", "location", "provider"), pk=pk
    )


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _same_phone(a: str, b: str) -> bool:
    """Phones match on their last ten digits (a leading country code 1 and punctuation ignored)."""
    a, b = _digits(a)[-10:], _digits(b)[-10:]
    return len(a) >= 7 and a == b


@dataclass
class Candidate:
    patient: Patient
    reasons: list[str] = field(default_factory=list)

    @property
    def strong(self) -> bool:
        return "name_and_birth_date" in self.reasons


def _name(value: str) -> str:
    """Case, accents, spaces, hyphens and apostrophes do not count: "Rivera-Gutiérrez" = "rivera gutierrez"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))


def candidate_patients(
    *, practice: Practice, booking_request: BookingRequest, limit: int = CANDIDATE_LIMIT
) -> list[Candidate]:
    """Patient records of the practice that may be the requester: last name + date of birth, phone, email.

    Best first: a name and birth-date match, then the number of things that match.
    """
    query = Q(date_of_birth=booking_request.date_of_birth)
    email = booking_request.email.strip()
    if email:
        query |= Q(email__iexact=email)
    phone = _digits(booking_request.phone)[-10:]
    if len(phone) >= 7:
        # Narrow in the database on the last four digits; compare all digits here (stored phones are free text).
        query |= Q(phone__endswith=phone[-4:])
    wanted_last = _name(booking_request.last_name)
    found: list[Candidate] = []
    for p in Patient.objects.filter(practice=practice).filter(query).order_by("last_name", "first_name", "pk")[:500]:
        reasons = []
        if wanted_last and _name(p.last_name) == wanted_last and p.date_of_birth == booking_request.date_of_birth:
            reasons.append("name_and_birth_date")
        if email and p.email.strip().casefold() == email.casefold():
            reasons.append("email")
        if booking_request.phone and _same_phone(p.phone, booking_request.phone):
            reasons.append("phone")
        if reasons:
            found.append(Candidate(patient=p, reasons=reasons))
    found.sort(key=lambda c: (not c.strong, -len(c.reasons), c.patient.last_name, c.patient.pk))
    return found[:limit]


def candidate_patient_or_none(
    *, practice: Practice, booking_request: BookingRequest, patient_id: int
) -> Patient | None:
    """A patient the front desk picked for a request: only one of the offered candidates, in this practice."""
    for candidate in candidate_patients(practice=practice, booking_request=booking_request, limit=200):
        if candidate.patient.pk == patient_id:
            return candidate.patient
    return None
