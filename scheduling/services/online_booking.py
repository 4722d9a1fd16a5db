"""What patients do online by themselves: book on the public booking pages, and change or cancel through
the manage link.

A new patient is created and booked in one transaction. A returning patient matched with confidence
gets a link to confirm at the contact details on file (``ask_patient_to_confirm``, then
``confirm_online_booking``); anyone else leaves a ``BookingRequest`` for the front desk. The time stays
held meanwhile (``CONFIRM_MINUTES``). Changes through the manage link keep the practice's cutoff
(``online_change_refusal``). The bookings themselves go through ``booking``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import journey
from audit import services as audit
from audit.models import Action
from patients import selectors as patient_selectors
from patients import services as patient_services
from patients.models import Patient
from practices.models import Location, Practice, Provider

from .. import confirm_links
from ..models import (
    Appointment,
    BookedVia,
    BookingConfirmation,
    BookingHold,
    BookingRequest,
    PatientKind,
    VisitType,
)
from ..selectors import booking as booking_selectors
from ..signals import announce_booking_link
from .booking import (
    BookingError,
    BookingRefused,
    SlotTaken,
    book_appointment,
    cancel_appointment,
    check_patient_kind,
    check_same_practice,
    reschedule_appointment,
)
from .holds import place_hold

# How long a returning patient has to follow the link that confirms an online booking; the time stays
# held meanwhile (and for a request the front desk will handle, so that both look alike from outside).
CONFIRM_MINUTES = 30
# The journey event of a returning patient's online booking waiting for them (a known patient's start).
LINK_SENT = "booking.link_sent"


class ConfirmationExpired(BookingError):
    """The link to confirm an online booking was followed too late; nothing was booked."""


# --- booking on the public pages ---------------------------------------------------------------


@dataclass(frozen=True)
class OnlineBooking:
    """What ``book_online`` did: booked ``appointment`` (a new patient), left ``request`` for the front
    desk, or sent the matched patient a link to confirm (``confirmation``)."""

    appointment: Appointment | None = None
    request: BookingRequest | None = None
    confirmation: BookingConfirmation | None = None


class _KeyAlreadyUsed(Exception):
    """Rolls back a patient created by a request whose idempotency key another request just used."""

    def __init__(self, appointment: Appointment) -> None:
        self.appointment = appointment


def book_online(
    *,
    practice: Practice,
    patient_kind: str,
    visit_type: VisitType,
    provider: Provider,
    location: Location,
    start: datetime,
    details: dict[str, Any],
    idempotency_key: str,
    hold_token: str | None = None,
    now: datetime | None = None,
) -> OnlineBooking:
    """A patient books on the public booking pages.

    New patients (``details``: the ``Patient`` fields they typed) are created in the same
    transaction as the booking, so a refused booking (``SlotTaken``, ``BookingRefused``) leaves no
    patient behind, and a repeated ``idempotency_key`` returns the first booking without creating
    anyone. Returning patients (``details``: first_name, last_name, date_of_birth, phone, email,
    preferred_language) are matched with ``patients.selectors.match_returning_patient``: one
    confident match gets a link to confirm at the contact details on file (``ask_patient_to_confirm``;
    nothing is booked until it is followed); otherwise (no match, or doubtful) a ``BookingRequest`` is
    left for the front desk and nobody is created. Either way the time stays held for
    ``CONFIRM_MINUTES`` and the visitor is shown the same page. Emails the confirmation for a booking.
    """
    check_same_practice(practice, provider=provider, location=location, visit_type=visit_type)
    check_patient_kind(visit_type, patient_kind)
    if not idempotency_key:
        raise BookingRefused("An online booking needs an idempotency key.")
    if existing := booking_selectors.appointment_by_idempotency_key(practice, idempotency_key):
        return OnlineBooking(appointment=existing)
    booking: dict[str, Any] = {
        "practice": practice,
        "provider": provider,
        "location": location,
        "visit_type": visit_type,
        "start": start,
        "booked_via": BookedVia.ONLINE,
        "idempotency_key": idempotency_key,
        "hold_token": hold_token,
        "patient_kind": patient_kind,
        "notify": True,
        "now": now,
    }
    if patient_kind == PatientKind.NEW:
        try:
            with transaction.atomic():
                # A same-key request that won meanwhile is found by book_appointment under the provider's
                # lock; the patient made here is then rolled back with _KeyAlreadyUsed.
                patient = patient_services.create_patient_from_booking(practice=practice, **details)
                appointment = book_appointment(patient=patient, actor_patient=patient, **booking)
                if appointment.patient_id != patient.pk:
                    raise _KeyAlreadyUsed(appointment)
                return OnlineBooking(appointment=appointment)
        except _KeyAlreadyUsed as used:
            return OnlineBooking(appointment=used.appointment)

    match = patient_selectors.match_returning_patient(
        practice=practice,
        first_name=details.get("first_name", ""),
        last_name=details.get("last_name", ""),
        date_of_birth=details.get("date_of_birth"),
        phone=details.get("phone", ""),
        email=details.get("email", ""),
    )
    if match.kind == patient_selectors.CONFIDENT and match.patient is not None:
        confirmation = ask_patient_to_confirm(
            practice=practice,
            patient=match.patient,
            visit_type=visit_type,
            provider=provider,
            location=location,
            start=start,
            language=details.get("preferred_language") or "en",
            hold_token=hold_token,
            now=now,
        )
        return OnlineBooking(confirmation=confirmation)
    request = create_booking_request(
        practice=practice,
        visit_type=visit_type,
        location=location,
        provider=provider,
        start=start,
        details=details,
        hold_token=hold_token,
        now=now,
    )
    return OnlineBooking(request=request)


REQUEST_FIELDS = ("first_name", "last_name", "date_of_birth", "phone", "email", "preferred_language")


@transaction.atomic
def create_booking_request(
    *,
    practice: Practice,
    visit_type: VisitType,
    location: Location,
    provider: Provider | None,
    start: datetime,
    details: dict[str, Any],
    hold_token: str | None = None,
    now: datetime | None = None,
) -> BookingRequest:
    """Leave an online booking for the front desk to finish (a returning patient not matched with confidence).

    Audited; the journey event carries no detail. Keeps the time held for ``CONFIRM_MINUTES``, as for
    a matched patient's link (the two must look alike from outside); the front desk's booking of that
    time uses the hold, and afterwards books whatever time is then open.
    """
    check_same_practice(practice, provider=provider, location=location, visit_type=visit_type)
    now = now or timezone.now()
    fields = {name: details.get(name) or "" for name in REQUEST_FIELDS if name != "date_of_birth"}
    date_of_birth: Any = details.get("date_of_birth")  # None is refused by full_clean below
    request = BookingRequest(
        practice=practice,
        visit_type=visit_type,
        location=location,
        provider=provider,
        start=start,
        date_of_birth=date_of_birth,
        **fields,
    )
    request.preferred_language = request.preferred_language or "en"
    request.full_clean()
    if provider is not None:
        request.hold_token = _keep_time(
            practice=practice,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=start,
            hold_token=hold_token,
            now=now,
        )
    request.save()
    audit.record(
        practice=practice,
        action=Action.CREATE,
        target=request,
        summary="online booking request for the front desk",
    )
    journey.record(
        practice=practice,
        touchpoint="self-scheduling",
        kind="booking_request.created",
        at=now,
        data={"channel": BookedVia.ONLINE},
    )
    return request


def _keep_time(
    *,
    practice: Practice,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    hold_token: str | None,
    now: datetime,
) -> str:
    """Hold ``start`` until ``CONFIRM_MINUTES`` from now: the patient's own hold, extended, or a new one.

    Returns the hold's token; "" when the time could not be held (taken meanwhile: the link or the
    front desk will find out and offer other times).
    """
    until = now + timedelta(minutes=CONFIRM_MINUTES)
    if hold_token:
        kept = BookingHold.objects.filter(
            practice=practice, token=hold_token, provider=provider, start=start, expires_at__gt=now
        ).update(expires_at=until)
        if kept:
            return hold_token
    try:
        hold = place_hold(
            practice=practice,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=start,
            minutes=CONFIRM_MINUTES,
            now=now,
        )
    except SlotTaken:
        return ""
    return hold.token


@transaction.atomic
def ask_patient_to_confirm(
    *,
    practice: Practice,
    patient: Patient,
    visit_type: VisitType,
    provider: Provider,
    location: Location,
    start: datetime,
    language: str = "en",
    hold_token: str | None = None,
    now: datetime | None = None,
) -> BookingConfirmation:
    """A returning patient matched on the booking pages: keep the time and send a link to confirm it.

    The link (``confirm_links``) goes, by the ``booking_link`` signal after commit, to the patient's
    contact details on file; nothing is booked until it is followed (``confirm_online_booking``).
    Audited. When the link is sent, the journey log gets ``booking.link_sent`` for the patient with no
    detail (no visit type, time or place): a known patient who started booking online, which the
    change detector (``cx/change_detection.py``) calls abandoned when no booking follows within two
    hours. The booking pages still show the same page whatever the match; only staff read the log.
    """
    check_same_practice(practice, patient=patient, provider=provider, location=location, visit_type=visit_type)
    now = now or timezone.now()
    confirmation = BookingConfirmation.objects.create(
        practice=practice,
        patient=patient,
        visit_type=visit_type,
        provider=provider,
        location=location,
        start=start,
        hold_token=_keep_time(
            practice=practice,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=start,
            hold_token=hold_token,
            now=now,
        ),
        language=language if language in ("en", "es") else "en",
        expires_at=now + timedelta(minutes=CONFIRM_MINUTES),
        created_at=now,
    )
    audit.record(
        practice=practice,
        action=Action.CREATE,
        target=confirmation,
        patient=patient,
        summary="online booking waiting for the patient: link sent to the contact details on file",
    )
    # A stranger who knows a patient's details must not turn the booking pages into a way to fill the
    # patient's inbox: past the hourly allowance the page stays the same and no link is sent.
    sent_lately = BookingConfirmation.objects.filter(
        practice=practice, patient=patient, created_at__gt=now - timedelta(hours=1)
    ).count()
    if sent_lately <= settings.BOOKING_CONFIRM_LINKS_PER_HOUR:
        announce_booking_link(confirmation_id=confirmation.pk, link=confirm_links.url_for(confirmation))
        journey.record(practice=practice, touchpoint="self-scheduling", kind=LINK_SENT, patient=patient, at=now)
    return confirmation


def confirm_online_booking(*, confirmation: BookingConfirmation, now: datetime | None = None) -> Appointment:
    """The patient followed the link: book the time once (a second call returns that appointment).

    Raises ``ConfirmationExpired`` after ``expires_at``, ``SlotTaken`` (with the nearest times) when
    the time was lost meanwhile, ``BookingRefused`` when the visit type is no longer offered online.
    The patient's preferred language becomes the one they booked in (the confirmation email and later
    messages speak it).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            BookingConfirmation.objects.select_for_update(of=("self",))
            .select_related("practice", "patient", "provider", "location", "visit_type", "appointment")
            .get(pk=confirmation.pk)
        )
        if locked.appointment is not None:
            return locked.appointment
        if locked.expires_at <= now:
            raise ConfirmationExpired
        patient = locked.patient
        appointment = book_appointment(
            practice=locked.practice,
            patient=patient,
            provider=locked.provider,
            location=locked.location,
            visit_type=locked.visit_type,
            start=locked.start,
            booked_via=BookedVia.ONLINE,
            idempotency_key=f"confirm:{locked.pk}",
            actor_patient=patient,
            hold_token=locked.hold_token or None,
            patient_kind=PatientKind.RETURNING,
            notify=True,
            now=now,
        )
        locked.appointment = appointment
        locked.save(update_fields=["appointment"])
        if patient.preferred_language != locked.language:
            patient_services.update_patient(patient=patient, actor_patient=patient, preferred_language=locked.language)
        return appointment


# --- changes by the patient through the manage link -------------------------------------------

NOT_ACTIVE = "not_active"
PAST = "past"
TOO_CLOSE = "too_close"


def online_change_refusal(appointment: Appointment, *, now: datetime | None = None) -> str | None:
    """Why the patient may not change ``appointment`` online (NOT_ACTIVE, PAST, TOO_CLOSE), or None.

    The cutoff is the practice's ``BookingPolicy.online_change_cutoff_hours`` (24 without a policy row).
    """
    now = now or timezone.now()
    if not appointment.is_active:
        return NOT_ACTIVE
    if appointment.start <= now:
        return PAST
    policy = booking_selectors.booking_policy(appointment.practice)
    if appointment.start - now < timedelta(hours=policy.online_change_cutoff_hours):
        return TOO_CLOSE
    return None


def reschedule_by_patient(
    *, appointment: Appointment, start: datetime, provider: Provider, location: Location, now: datetime | None = None
) -> Appointment:
    """The patient moves their appointment through the manage link (policy checked, email sent)."""
    now = now or timezone.now()
    if online_change_refusal(appointment, now=now):
        raise BookingRefused("This appointment can no longer be changed online.")
    return reschedule_appointment(
        appointment=appointment,
        start=start,
        provider=provider,
        location=location,
        actor_patient=appointment.patient,
        notify=True,
        now=now,
    )


def cancel_by_patient(*, appointment: Appointment, reason: str, now: datetime | None = None) -> Appointment:
    """The patient cancels through the manage link (policy checked, email sent)."""
    now = now or timezone.now()
    if online_change_refusal(appointment, now=now):
        raise BookingRefused("This appointment can no longer be changed online.")
    return cancel_appointment(
        appointment=appointment, reason=reason, actor_patient=appointment.patient, notify=True, now=now
    )
