"""Every scheduling write: book, hold, reschedule, cancel.

Each write is one transaction with its audit entry and journey event. The slot engine's
``is_bookable`` decides whether a time may be booked, the same function that listed it as open.

Two bookings of one time cannot both succeed:

- SQLite: ``transaction_mode`` is IMMEDIATE (config/settings.py), so every atomic block takes the
  write lock when it begins; the re-check inside the block sees every booking committed before it.
- PostgreSQL: the provider's row is locked (``select_for_update``) before the re-check, so bookings
  for one provider queue up; the exclusion constraint (migration 0002) is the last line of defence,
  and its violation becomes ``SlotTaken``.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

import journey
from audit import services as audit
from audit.models import Action
from practices.models import Location, Provider

from . import engine, selectors
from .models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    BookedVia,
    BookingConfirmation,
    BookingHold,
    BookingRequest,
    CancellationReason,
    PatientKind,
    VisitType,
)
from .signals import announce_appointment_notice, announce_booking_link, announce_time_freed

HOLD_MINUTES = 5
# How long a returning patient has to follow the link that confirms an online booking; the time stays
# held meanwhile (and for a request the front desk will handle, so that both look alike from outside).
CONFIRM_MINUTES = 30
ALTERNATIVES = 3
ALTERNATIVE_DAYS = 14


class BookingError(Exception):
    """The booking cannot be made as asked."""


class BookingRefused(BookingError):
    """The request itself is wrong: another practice's records, an inactive appointment, a bad hold."""


class SlotTaken(BookingError):
    """The time is no longer bookable. ``alternatives``: the nearest open slots of the same visit type."""

    def __init__(self, alternatives: list[engine.Slot] | None = None):
        self.alternatives = list(alternatives or [])
        super().__init__("That time is no longer available.")


class ConfirmationExpired(BookingError):
    """The link to confirm an online booking was followed too late; nothing was booked."""


class _Gone(Exception):
    """Raised inside a transaction to roll it back; turned into SlotTaken outside it."""


# --- helpers ------------------------------------------------------------------------------


def _check_same_practice(practice, **objects) -> None:
    for name, obj in objects.items():
        if obj is not None and obj.practice_id != practice.pk:
            raise BookingRefused(f"The {name} does not belong to this practice.")


def _lead_days(practice, start: datetime, now: datetime) -> int:
    return max((practice.local_date(start) - practice.local_date(now)).days, 0)


def _times(visit_type: VisitType, start: datetime) -> dict:
    if timezone.is_naive(start):
        raise BookingRefused("The start time must carry a time zone.")
    start = start.astimezone(ZoneInfo("UTC"))
    end = start + timedelta(minutes=visit_type.duration_minutes)
    return {
        "start": start,
        "end": end,
        "blocked_start": start - timedelta(minutes=visit_type.buffer_before_minutes),
        "blocked_end": end + timedelta(minutes=visit_type.buffer_after_minutes),
    }


def _lock_provider(practice, provider: Provider) -> Provider:
    """Lock the provider's row: concurrent writes for one provider queue here (PostgreSQL)."""
    locked = Provider.objects.select_for_update().filter(practice=practice, pk=provider.pk).first()
    if locked is None:
        raise BookingRefused("The provider does not belong to this practice.")
    return locked


def _bookable(
    *,
    practice,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    now: datetime,
    override: bool,
    ignore_hold_token: str | None = None,
    ignore_appointment_id: int | None = None,
) -> bool:
    day = practice.local_date(start)
    if override:
        # Staff override: working hours, notice, horizon and caps do not apply; overlap still does.
        return not _overlaps(
            practice=practice,
            provider=provider,
            visit_type=visit_type,
            start=start,
            now=now,
            ignore_hold_token=ignore_hold_token,
            ignore_appointment_id=ignore_appointment_id,
        )
    schedules = selectors.schedules_for(
        practice,
        visit_type,
        provider_ids=[provider.pk],
        first_day=day,
        last_day=day,
        now=now,
        ignore_hold_token=ignore_hold_token,
        ignore_appointment_id=ignore_appointment_id,
    )
    if not schedules:
        return False
    return engine.is_bookable(
        schedules[0], selectors.visit_rule(visit_type), now=now, start=start, location_id=location.pk
    )


def _overlaps(*, practice, provider, visit_type, start, now, ignore_hold_token=None, ignore_appointment_id=None):
    times = _times(visit_type, start)
    appointments = Appointment.objects.filter(
        practice=practice,
        provider=provider,
        status__in=ACTIVE_STATUSES,
        blocked_start__lt=times["blocked_end"],
        blocked_end__gt=times["blocked_start"],
    )
    if ignore_appointment_id is not None:
        appointments = appointments.exclude(pk=ignore_appointment_id)
    holds = BookingHold.objects.filter(
        practice=practice,
        provider=provider,
        expires_at__gt=now,
        blocked_start__lt=times["blocked_end"],
        blocked_end__gt=times["blocked_start"],
    )
    if ignore_hold_token:
        holds = holds.exclude(token=ignore_hold_token)
    return appointments.exists() or holds.exists()


def nearest_alternatives(
    *, practice, visit_type: VisitType, start: datetime, now: datetime | None = None, limit: int = ALTERNATIVES
) -> list[engine.Slot]:
    """The open slots of the same visit type closest to ``start`` (any provider, any location).

    Looks day by day from the asked-for day (two weeks at most) and stops once ``limit`` slots at or
    after ``start`` are known: every later day is farther away.
    """
    now = now or timezone.now()
    first_day = max(practice.local_date(start), practice.local_date(now))
    last_day = first_day + timedelta(days=ALTERNATIVE_DAYS)
    rule = selectors.visit_rule(visit_type)
    schedules = selectors.schedules_for(practice, visit_type, first_day=first_day, last_day=last_day, now=now)
    found: list[engine.Slot] = []
    day = first_day
    while day <= last_day and sum(1 for s in found if s.start >= start) < limit:
        for schedule in schedules:
            found.extend(engine.open_slots(schedule, rule, now=now, first_day=day, last_day=day))
        day += timedelta(days=1)
    return sorted(found, key=lambda s: (abs(s.start - start), s.start, s.provider_id))[:limit]


def _touchpoint(booked_via: str) -> str:
    return "self-scheduling" if booked_via == BookedVia.ONLINE else "phone-booking"


# --- booking -------------------------------------------------------------------------------


def book_appointment(
    *,
    practice,
    patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    booked_via: str,
    idempotency_key: str | None = None,
    actor_user=None,
    actor_patient=None,
    hold_token: str | None = None,
    override_reason: str | None = None,
    patient_kind: str | None = None,
    notify: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Book ``start`` for ``patient``, or raise ``SlotTaken`` with the nearest alternatives.

    A repeated ``idempotency_key`` returns the appointment it booked. ``override_reason`` (staff
    only) books outside the visit rules and working hours, never over another appointment.
    ``patient_kind`` ("new" or "returning"): refuse a visit type that is not open to that kind of
    patient (always checked for online bookings; see ``_check_patient_kind``). ``notify``: email the
    confirmation with its calendar file once the booking commits.
    """
    _check_same_practice(practice, patient=patient, provider=provider, location=location, visit_type=visit_type)
    if booked_via not in BookedVia.values:
        raise BookingRefused(f"Unknown booking channel {booked_via!r}.")
    if not visit_type.is_active:
        raise BookingRefused("This visit type is no longer offered.")
    if booked_via == BookedVia.ONLINE and not visit_type.bookable_online:
        raise BookingRefused("This visit type cannot be booked online.")
    override_reason = (override_reason or "").strip()
    if override_reason and (actor_user is None or booked_via == BookedVia.ONLINE):
        raise BookingRefused("Only staff may book outside the rules.")
    if idempotency_key and (existing := _by_idempotency_key(practice, idempotency_key)):
        return existing
    if booked_via == BookedVia.ONLINE or patient_kind:
        _check_patient_kind(visit_type, patient_kind or selectors.patient_kind_of(practice, patient))
    now = now or timezone.now()
    times = _times(visit_type, start)
    try:
        with transaction.atomic():
            _lock_provider(practice, provider)
            if idempotency_key and (existing := _by_idempotency_key(practice, idempotency_key)):
                return existing
            if hold_token:
                _check_hold(
                    practice=practice,
                    token=hold_token,
                    provider=provider,
                    visit_type=visit_type,
                    start=times["start"],
                    now=now,
                )
            if not _bookable(
                practice=practice,
                provider=provider,
                location=location,
                visit_type=visit_type,
                start=times["start"],
                now=now,
                override=bool(override_reason),
                ignore_hold_token=hold_token,
            ):
                raise _Gone
            appointment = Appointment.objects.create(
                practice=practice,
                patient=patient,
                provider=provider,
                location=location,
                visit_type=visit_type,
                status=AppointmentStatus.BOOKED,
                booked_via=booked_via,
                idempotency_key=idempotency_key or None,
                **times,
            )
            if hold_token:
                BookingHold.objects.filter(practice=practice, token=hold_token).delete()
            if notify:
                _notify(appointment, "confirmation")
            summary = f"booked {booked_via}"
            if override_reason:
                summary += f"; outside the rules: {override_reason}"
            audit.record(
                practice=practice,
                action=Action.CREATE,
                target=appointment,
                patient=patient,
                actor_user=actor_user,
                actor_patient=actor_patient,
                summary=summary,
                changes={"start": {"from": None, "to": times["start"].isoformat()}},
            )
            journey.record(
                practice=practice,
                patient=patient,
                touchpoint=_touchpoint(booked_via),
                kind="appointment.booked",
                at=now,
                data={
                    "channel": booked_via,
                    "lead_days": _lead_days(practice, times["start"], now),
                    "appointment": appointment.pk,
                },
            )
            return appointment
    except _Gone:
        pass
    except IntegrityError:
        # A same-key request won the race, or (PostgreSQL) the exclusion constraint refused the overlap.
        if idempotency_key and (existing := _by_idempotency_key(practice, idempotency_key)):
            return existing
        if not _overlaps(practice=practice, provider=provider, visit_type=visit_type, start=start, now=now):
            raise
    raise SlotTaken(nearest_alternatives(practice=practice, visit_type=visit_type, start=times["start"], now=now))


def _check_patient_kind(visit_type: VisitType, kind: str) -> None:
    if kind not in (PatientKind.NEW, PatientKind.RETURNING):
        raise BookingRefused(f"Unknown kind of patient {kind!r}.")
    if visit_type.patient_kind not in (PatientKind.BOTH, kind):
        raise BookingRefused("This visit type is not open to this kind of patient.")


def _notify(appointment: Appointment, kind: str) -> None:
    """Tell the patient (by the messaging outbox, through a signal) once this transaction commits."""
    announce_appointment_notice(appointment_id=appointment.pk, kind=kind, sequence=appointment.sequence)


def _by_idempotency_key(practice, key: str) -> Appointment | None:
    return Appointment.objects.filter(practice=practice, idempotency_key=key).first()


def _check_hold(*, practice, token: str, provider, visit_type, start: datetime, now: datetime) -> BookingHold | None:
    hold = BookingHold.objects.filter(practice=practice, token=token, expires_at__gt=now).first()
    if hold is None:
        # Expired or unknown: book as if there had been no hold (the time may still be free).
        return None
    if hold.provider_id != provider.pk or hold.visit_type_id != visit_type.pk or hold.start != start:
        raise BookingRefused("The hold is for another time.")
    return hold


# --- holds -------------------------------------------------------------------------------


def place_hold(
    *,
    practice,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    minutes: int = HOLD_MINUTES,
    now: datetime | None = None,
    client_key: str = "",
) -> BookingHold:
    """Hold a time for a few minutes while a patient finishes booking; others see it as busy."""
    _check_same_practice(practice, provider=provider, location=location, visit_type=visit_type)
    now = now or timezone.now()
    times = _times(visit_type, start)
    try:
        with transaction.atomic():
            _lock_provider(practice, provider)
            if not _bookable(
                practice=practice,
                provider=provider,
                location=location,
                visit_type=visit_type,
                start=times["start"],
                now=now,
                override=False,
            ):
                raise _Gone
            return BookingHold.objects.create(
                practice=practice,
                provider=provider,
                location=location,
                visit_type=visit_type,
                expires_at=now + timedelta(minutes=minutes),
                token=secrets.token_urlsafe(32),
                client_key=client_key,
                **times,
            )
    except _Gone:
        pass
    raise SlotTaken(nearest_alternatives(practice=practice, visit_type=visit_type, start=times["start"], now=now))


@transaction.atomic
def release_hold(*, practice, token: str) -> bool:
    deleted, _ = BookingHold.objects.filter(practice=practice, token=token).delete()
    return bool(deleted)


@transaction.atomic
def release_expired_holds(*, now: datetime | None = None) -> int:
    """Delete holds that have run out (they already stopped counting as busy when they expired)."""
    deleted, _ = BookingHold.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- reschedule and cancel ------------------------------------------------------------------


def _lock_appointment(appointment: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().select_related("practice").get(pk=appointment.pk)
    if locked.status not in ACTIVE_STATUSES:
        raise BookingRefused("Only an active appointment can be changed.")
    return locked


def _change_touchpoint(actor_patient) -> str:
    return "manage-link" if actor_patient is not None else "phone-booking"


def reschedule_appointment(
    *,
    appointment: Appointment,
    start: datetime,
    provider: Provider | None = None,
    location: Location | None = None,
    actor_user=None,
    actor_patient=None,
    override_reason: str | None = None,
    notify: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Move an active appointment (same visit type); raises ``SlotTaken`` if the new time is gone.

    ``notify``: email the patient the new time with an updated calendar file once it commits.
    """
    practice = appointment.practice
    _check_same_practice(practice, provider=provider, location=location)
    override_reason = (override_reason or "").strip()
    if override_reason and actor_user is None:
        raise BookingRefused("Only staff may book outside the rules.")
    now = now or timezone.now()
    visit_type = appointment.visit_type
    times = _times(visit_type, start)
    try:
        with transaction.atomic():
            # Both providers' rows, always in id order, so two opposite moves cannot deadlock.
            locked_providers = {
                p.pk: _lock_provider(practice, p)
                for p in sorted({appointment.provider, provider or appointment.provider}, key=lambda p: p.pk)
            }
            new_provider = locked_providers[(provider or appointment.provider).pk]
            locked = _lock_appointment(appointment)
            new_location = location or locked.location
            if not _bookable(
                practice=practice,
                provider=new_provider,
                location=new_location,
                visit_type=visit_type,
                start=times["start"],
                now=now,
                override=bool(override_reason),
                ignore_appointment_id=locked.pk,
            ):
                raise _Gone
            before = {"start": locked.start.isoformat(), "provider": locked.provider_id, "location": locked.location_id}
            freed = {
                "practice_id": practice.pk,
                "provider_id": locked.provider_id,
                "location_id": locked.location_id,
                "start": locked.start,
                "end": locked.end,
            }
            locked.provider = new_provider
            locked.location = new_location
            for name, value in times.items():
                setattr(locked, name, value)
            locked.sequence += 1
            locked.save()
            after = {"start": locked.start.isoformat(), "provider": locked.provider_id, "location": locked.location_id}
            announce_time_freed(**freed)
            if notify:
                _notify(locked, "reschedule")
            summary = "rescheduled" + (f"; outside the rules: {override_reason}" if override_reason else "")
            audit.record(
                practice=practice,
                action=Action.UPDATE,
                target=locked,
                patient=locked.patient,
                actor_user=actor_user,
                actor_patient=actor_patient,
                summary=summary,
                changes={k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]},
            )
            journey.record(
                practice=practice,
                patient=locked.patient,
                touchpoint=_change_touchpoint(actor_patient),
                kind="appointment.rescheduled",
                at=now,
                data={
                    "channel": "patient" if actor_patient is not None else "staff",
                    "lead_days": _lead_days(practice, locked.start, now),
                },
            )
            return locked
    except _Gone:
        pass
    except IntegrityError:
        if not _overlaps(
            practice=practice,
            provider=provider or appointment.provider,
            visit_type=visit_type,
            start=start,
            now=now,
            ignore_appointment_id=appointment.pk,
        ):
            raise
    raise SlotTaken(nearest_alternatives(practice=practice, visit_type=visit_type, start=times["start"], now=now))


@transaction.atomic
def cancel_appointment(
    *,
    appointment: Appointment,
    reason: str,
    actor_user=None,
    actor_patient=None,
    notify: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Cancel an active appointment; ``reason`` is a ``CancellationReason`` code, never free text.

    ``notify``: email the patient the cancellation (calendar file with METHOD:CANCEL) once it commits.
    """
    if reason not in CancellationReason.values:
        raise BookingRefused(f"Unknown cancellation reason {reason!r}.")
    now = now or timezone.now()
    locked = _lock_appointment(appointment)
    before = locked.status
    locked.status = AppointmentStatus.CANCELLED
    locked.cancellation_reason = reason
    locked.cancelled_at = now
    locked.sequence += 1
    locked.save()
    announce_time_freed(
        practice_id=locked.practice_id,
        provider_id=locked.provider_id,
        location_id=locked.location_id,
        start=locked.start,
        end=locked.end,
    )
    if notify:
        _notify(locked, "cancel")
    audit.record(
        practice=locked.practice,
        action=Action.UPDATE,
        target=locked,
        patient=locked.patient,
        actor_user=actor_user,
        actor_patient=actor_patient,
        summary=f"cancelled ({reason})",
        changes={"status": {"from": before, "to": locked.status}},
    )
    journey.record(
        practice=locked.practice,
        patient=locked.patient,
        touchpoint=_change_touchpoint(actor_patient),
        kind="appointment.cancelled",
        at=now,
        data={
            "channel": "patient" if actor_patient is not None else "staff",
            "lead_days": _lead_days(locked.practice, locked.start, now),
        },
    )
    return locked


# --- visit types ------------------------------------------------------------------------------


@transaction.atomic
def offer_visit_type(*, visit_type: VisitType, providers=(), locations=()) -> None:
    """Link providers and locations of the same practice to a visit type."""
    practice = visit_type.practice
    _check_same_practice(practice, **{f"provider {p.pk}": p for p in providers})
    _check_same_practice(practice, **{f"location {loc.pk}": loc for loc in locations})
    if providers:
        visit_type.providers.add(*providers, through_defaults={"practice": practice})
    if locations:
        visit_type.locations.add(*locations, through_defaults={"practice": practice})


# --- online booking by patients ---------------------------------------------------------------


@dataclass(frozen=True)
class OnlineBooking:
    """What ``book_online`` did: booked ``appointment`` (a new patient), left ``request`` for the front
    desk, or sent the matched patient a link to confirm (``confirmation``)."""

    appointment: Appointment | None = None
    request: BookingRequest | None = None
    confirmation: BookingConfirmation | None = None


class _KeyAlreadyUsed(Exception):
    """Rolls back a patient created by a request whose idempotency key another request just used."""

    def __init__(self, appointment: Appointment):
        self.appointment = appointment


def book_online(
    *,
    practice,
    patient_kind: str,
    visit_type: VisitType,
    provider: Provider,
    location: Location,
    start: datetime,
    details: dict,
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
    from patients import selectors as patient_selectors
    from patients import services as patient_services

    _check_same_practice(practice, provider=provider, location=location, visit_type=visit_type)
    _check_patient_kind(visit_type, patient_kind)
    if not idempotency_key:
        raise BookingRefused("An online booking needs an idempotency key.")
    if existing := _by_idempotency_key(practice, idempotency_key):
        return OnlineBooking(appointment=existing)
    booking = {
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
    if match.kind == patient_selectors.CONFIDENT:
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
    practice,
    visit_type: VisitType,
    location: Location,
    provider: Provider | None,
    start: datetime,
    details: dict,
    hold_token: str | None = None,
    now: datetime | None = None,
) -> BookingRequest:
    """Leave an online booking for the front desk to finish (a returning patient not matched with confidence).

    Audited; the journey event carries no detail. Keeps the time held for ``CONFIRM_MINUTES``, as for
    a matched patient's link (the two must look alike from outside); the front desk's booking of that
    time uses the hold, and afterwards books whatever time is then open.
    """
    _check_same_practice(practice, provider=provider, location=location, visit_type=visit_type)
    now = now or timezone.now()
    fields = {name: details.get(name) or "" for name in REQUEST_FIELDS if name != "date_of_birth"}
    request = BookingRequest(
        practice=practice,
        visit_type=visit_type,
        location=location,
        provider=provider,
        start=start,
        date_of_birth=details.get("date_of_birth"),
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


def _keep_time(*, practice, provider, location, visit_type, start, hold_token, now) -> str:
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
    practice,
    patient,
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
    Audited; no journey event (the booking pages show the same page whatever the match).
    """
    from . import confirm_links

    _check_same_practice(practice, patient=patient, provider=provider, location=location, visit_type=visit_type)
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
    return confirmation


def confirm_online_booking(*, confirmation: BookingConfirmation, now: datetime | None = None) -> Appointment:
    """The patient followed the link: book the time once (a second call returns that appointment).

    Raises ``ConfirmationExpired`` after ``expires_at``, ``SlotTaken`` (with the nearest times) when
    the time was lost meanwhile, ``BookingRefused`` when the visit type is no longer offered online.
    The patient's preferred language becomes the one they booked in (the confirmation email and later
    messages speak it).
    """
    from patients import services as patient_services

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
    policy = selectors.booking_policy(appointment.practice)
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


def record_booking_started(*, practice, source: str, now: datetime | None = None) -> None:
    """A visitor started booking; ``source`` says from where ("widget", "page", "link", "direct").

    Recorded with the flow's first hold (``hold_for_patient(started_from=...)``), never when a page is
    only read: an anonymous GET must not write.
    """
    journey.record(
        practice=practice,
        touchpoint="booking-widget" if source == "widget" else "self-scheduling",
        kind="booking.started",
        at=now,
        data={"source": source},
    )


def hold_for_patient(
    *,
    practice,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    first_available: bool,
    started_from: str | None = None,
    now: datetime | None = None,
    client_key: str = "",
    holds_per_client: int | None = None,
) -> BookingHold:
    """``place_hold`` for a patient on the booking pages, with its journey event.

    With ``client_key`` and ``holds_per_client``, one client keeps at most that many active holds:
    placing another lets go of its oldest, so a flood from one address cannot take a day's times away.
    ``started_from``: this is the flow's first hold; record ``booking.started`` with that source too.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if client_key and holds_per_client:
            _release_oldest_holds(practice=practice, client_key=client_key, keep=holds_per_client - 1, now=now)
        hold = place_hold(
            practice=practice,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=start,
            now=now,
            client_key=client_key,
        )
        if started_from:
            record_booking_started(practice=practice, source=started_from, now=now)
        journey.record(
            practice=practice,
            touchpoint="first-available" if first_available else "self-scheduling",
            kind="booking.time_held",
            at=now,
            data={"lead_days": _lead_days(practice, hold.start, now)},
        )
    return hold


def _release_oldest_holds(*, practice, client_key: str, keep: int, now: datetime) -> None:
    active = BookingHold.objects.filter(practice=practice, client_key=client_key, expires_at__gt=now)
    newest = list(active.order_by("-created_at", "-pk").values_list("pk", flat=True)[: max(keep, 0)])
    active.exclude(pk__in=newest).delete()
