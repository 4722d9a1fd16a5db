"""Front-desk writes: the audited views of appointments and booking requests, moving an appointment,
and finishing (or closing) an online booking request.

Booking, moving and cancelling themselves go through ``booking`` (one engine, one set of rules).
Resolving a booking request is one transaction: the new patient (if any), the appointment, the
request's new status and the audit entries commit together, or nothing does.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import services as audit
from audit.models import Action
from patients import services as patient_services
from patients.models import Patient
from practices.models import Location, Practice, Provider

from ..models import Appointment, BookedVia, BookingRequest, BookingRequestStatus
from ..selectors import front_desk as front_desk_selectors
from . import booking as booking_services
from . import holds as hold_services


class RequestAlreadyResolved(booking_services.BookingError):
    """The booking request was booked or closed already (by someone else, or by a double submit)."""


# --- audited views ------------------------------------------------------------------------------


def record_appointment_viewed(*, appointment: Appointment, actor_user: User) -> None:
    audit.record(
        practice=appointment.practice,
        action=Action.VIEW,
        target=appointment,
        patient=appointment.patient,
        actor_user=actor_user,
    )


def record_patient_appointments_viewed(*, practice: Practice, patient: Patient, actor_user: User, shown: int) -> None:
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=Appointment,
        patient=patient,
        actor_user=actor_user,
        summary=f"patient appointments, {shown} shown",
    )


def record_booking_requests_viewed(*, practice: Practice, actor_user: User, shown: int) -> None:
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=BookingRequest,
        actor_user=actor_user,
        summary=f"booking requests, {shown} shown",
    )


def record_booking_request_viewed(*, booking_request: BookingRequest, actor_user: User, candidates: int) -> None:
    audit.record(
        practice=booking_request.practice,
        action=Action.VIEW,
        target=booking_request,
        actor_user=actor_user,
        summary=f"booking request, {candidates} possible patient records shown",
    )


# --- moving ---------------------------------------------------------------------------------------


def move_appointment(
    *,
    appointment: Appointment,
    start: datetime,
    provider: Provider,
    location: Location,
    actor_user: User,
    override_reason: str = "",
    now: datetime | None = None,
) -> tuple[Appointment, bool]:
    """Move an appointment; returns (appointment, moved). Asking for where it already is changes nothing,
    so a repeated form submission does not move (and audit) it twice."""
    if appointment.start == start and appointment.provider_id == provider.pk and appointment.location_id == location.pk:
        return appointment, False
    moved = booking_services.reschedule_appointment(
        appointment=appointment,
        start=start,
        provider=provider,
        location=location,
        actor_user=actor_user,
        override_reason=override_reason or None,
        notify=True,
        now=now,
    )
    return moved, True


# --- booking requests -----------------------------------------------------------------------------


def _lock_open_request(booking_request: BookingRequest) -> BookingRequest:
    locked = (
        BookingRequest.objects.select_for_update(of=("self",))
        .select_related("practice", "visit_type", "location", "provider")
        .get(pk=booking_request.pk)
    )
    if locked.status != BookingRequestStatus.OPEN:
        raise RequestAlreadyResolved("This booking request has already been dealt with.")
    return locked


def _provider_for(
    *, booking_request: BookingRequest, provider: Provider | None, location: Location, start: datetime, now: datetime
) -> Provider:
    """The provider asked for, else the first provider who can take the time within the rules."""
    if provider is not None:
        return provider
    practice = booking_request.practice
    ids = front_desk_selectors.bookable_providers_at(
        practice=practice, visit_type=booking_request.visit_type, location=location, start=start, now=now
    )
    if not ids:
        raise booking_services.SlotTaken(
            booking_services.nearest_alternatives(
                practice=practice, visit_type=booking_request.visit_type, start=start, now=now
            )
        )
    return Provider.objects.get(practice=practice, pk=ids[0])


def _book_and_resolve(
    *,
    locked: BookingRequest,
    patient: Patient,
    start: datetime | None,
    provider: Provider | None,
    location: Location | None,
    actor_user: User,
    now: datetime,
) -> Appointment:
    practice = locked.practice
    location = location or locked.location
    start = start or locked.start
    if provider is None and start == locked.start and location.pk == locked.location_id:
        provider = locked.provider
    provider = _provider_for(booking_request=locked, provider=provider, location=location, start=start, now=now)
    # The request keeps its time held for a while (online_booking.CONFIRM_MINUTES): booking it uses the hold.
    same_time = start == locked.start and provider.pk == locked.provider_id
    appointment = booking_services.book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=locked.visit_type,
        start=start,
        booked_via=BookedVia.PHONE,
        actor_user=actor_user,
        hold_token=(locked.hold_token or None) if same_time else None,
        notify=True,
        now=now,
    )
    if locked.hold_token and not same_time:
        hold_services.release_hold(practice=practice, token=locked.hold_token)
    locked.status = BookingRequestStatus.BOOKED
    locked.appointment = appointment
    locked.resolved_at = now
    locked.save(update_fields=["status", "appointment", "resolved_at"])
    audit.record(
        practice=practice,
        action=Action.UPDATE,
        target=locked,
        patient=patient,
        actor_user=actor_user,
        summary="booking request booked",
        changes={"status": {"from": BookingRequestStatus.OPEN, "to": BookingRequestStatus.BOOKED}},
    )
    return appointment


def book_request_for_patient(
    *,
    booking_request: BookingRequest,
    patient: Patient,
    actor_user: User,
    start: datetime | None = None,
    provider: Provider | None = None,
    location: Location | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book the request for an existing patient record and mark it booked, in one transaction.

    By default the requested time, provider (or the first provider free then) and location; the front
    desk may pass another ``start``/``provider``/``location`` (an alternative) instead. Raises
    ``SlotTaken`` (request left open), ``RequestAlreadyResolved`` or ``BookingRefused``.
    """
    if patient.practice_id != booking_request.practice_id:
        raise booking_services.BookingRefused("The patient does not belong to this practice.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open_request(booking_request)
        return _book_and_resolve(
            locked=locked,
            patient=patient,
            start=start,
            provider=provider,
            location=location,
            actor_user=actor_user,
            now=now,
        )


def book_request_for_new_patient(
    *,
    booking_request: BookingRequest,
    actor_user: User,
    patient_fields: dict[str, Any],
    start: datetime | None = None,
    provider: Provider | None = None,
    location: Location | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Create the patient and book the request, in one transaction: a failed booking leaves no patient."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open_request(booking_request)
        patient = patient_services.create_patient(practice=locked.practice, actor_user=actor_user, **patient_fields)
        return _book_and_resolve(
            locked=locked,
            patient=patient,
            start=start,
            provider=provider,
            location=location,
            actor_user=actor_user,
            now=now,
        )


def close_request(*, booking_request: BookingRequest, actor_user: User, now: datetime | None = None) -> BookingRequest:
    """Close a request without booking (the patient was reached another way, a duplicate, ...)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open_request(booking_request)
        locked.status = BookingRequestStatus.CLOSED
        locked.resolved_at = now
        locked.save(update_fields=["status", "resolved_at"])
        if locked.hold_token:
            hold_services.release_hold(practice=locked.practice, token=locked.hold_token)
        audit.record(
            practice=locked.practice,
            action=Action.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="booking request closed without booking",
            changes={"status": {"from": BookingRequestStatus.OPEN, "to": BookingRequestStatus.CLOSED}},
        )
        return locked
