"""Booking, moving and cancelling appointments: the writes every channel goes through.

The staff (the front desk), the public booking pages (``online_booking``), the manage link and the
waitlist all book here. Each write is one transaction with its audit entry and journey event. The slot
engine's ``is_bookable`` decides whether a time may be booked, the same function that listed it as open.
The rules shared with holds (``holds``) are here too: ``check_same_practice``, ``visit_times``,
``lock_provider`` and ``time_is_bookable``.

Two bookings of one time cannot both succeed:

- SQLite: ``transaction_mode`` is IMMEDIATE (config/settings.py), so every atomic block takes the
  write lock when it begins; the re-check inside the block sees every booking committed before it.
- PostgreSQL: the provider's row is locked (``select_for_update``) before the re-check, so holds and
  bookings without a hold for one provider queue up; a booking that uses its own valid hold (the
  online pages) does not take the lock: the hold keeps the time from everyone else, and the checks
  read holds and appointments in one statement. The exclusion constraint (migration 0002) is the
  last line of defence, and its violation becomes ``SlotTaken``.
"""

from datetime import datetime, timedelta
from typing import Any, Protocol, TypedDict
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from patients.models import Patient
from practices.models import Location, Practice, Provider

from .. import engine
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    BookedVia,
    BookingHold,
    CancellationReason,
    PatientKind,
    VisitType,
)
from ..selectors import booking as booking_selectors
from ..selectors import slots as slot_selectors
from ..signals import announce_appointment_notice, announce_time_freed

ALTERNATIVES = 3
ALTERNATIVE_DAYS = 14


class BookingError(Exception):
    """The booking cannot be made as asked."""


class BookingRefused(BookingError):
    """The request itself is wrong: another practice's records, an inactive appointment, a bad hold."""


class SlotTaken(BookingError):
    """The time is no longer bookable. ``alternatives``: the nearest open slots of the same visit type."""

    def __init__(self, alternatives: list[engine.Slot] | None = None) -> None:
        self.alternatives = list(alternatives or [])
        super().__init__("That time is no longer available.")


class _Gone(Exception):
    """Raised inside a transaction to roll it back; turned into SlotTaken outside it."""


# --- the rules every write that takes a time keeps (holds use them too) ----------------------


class OfPractice(Protocol):
    """A record that belongs to one practice."""

    @property
    def practice_id(self) -> int: ...


class VisitTimes(TypedDict):
    """An appointment's (or hold's) times in UTC: the visit, and the visit widened by its buffers."""

    start: datetime
    end: datetime
    blocked_start: datetime
    blocked_end: datetime


def check_same_practice(practice: Practice, **objects: OfPractice | None) -> None:
    for name, obj in objects.items():
        if obj is not None and obj.practice_id != practice.pk:
            raise BookingRefused(f"The {name} does not belong to this practice.")


def lead_days(practice: Practice, start: datetime, now: datetime) -> int:
    return max((practice.local_date(start) - practice.local_date(now)).days, 0)


def visit_times(visit_type: VisitType, start: datetime) -> VisitTimes:
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


def lock_provider(practice: Practice, provider: Provider) -> Provider:
    """Lock the provider's row: concurrent writes for one provider queue here (PostgreSQL)."""
    locked = Provider.objects.select_for_update().filter(practice=practice, pk=provider.pk).first()
    if locked is None:
        raise BookingRefused("The provider does not belong to this practice.")
    return locked


def time_is_bookable(
    *,
    practice: Practice,
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
    schedules = slot_selectors.schedules_for(
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
        schedules[0], slot_selectors.visit_rule(visit_type), now=now, start=start, location_id=location.pk
    )


def _overlaps(
    *,
    practice: Practice,
    provider: Provider,
    visit_type: VisitType,
    start: datetime,
    now: datetime,
    ignore_hold_token: str | None = None,
    ignore_appointment_id: int | None = None,
) -> bool:
    times = visit_times(visit_type, start)
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
    *,
    practice: Practice,
    visit_type: VisitType,
    start: datetime,
    now: datetime | None = None,
    limit: int = ALTERNATIVES,
) -> list[engine.Slot]:
    """The open slots of the same visit type closest to ``start`` (any provider, any location).

    Looks day by day from the asked-for day (two weeks at most) and stops once ``limit`` slots at or
    after ``start`` are known: every later day is farther away.
    """
    now = now or timezone.now()
    first_day = max(practice.local_date(start), practice.local_date(now))
    last_day = first_day + timedelta(days=ALTERNATIVE_DAYS)
    rule = slot_selectors.visit_rule(visit_type)
    schedules = slot_selectors.schedules_for(practice, visit_type, first_day=first_day, last_day=last_day, now=now)
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
    practice: Practice,
    patient: Patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    booked_via: str,
    idempotency_key: str | None = None,
    actor_user: User | None = None,
    actor_patient: Patient | None = None,
    hold_token: str | None = None,
    override_reason: str | None = None,
    patient_kind: str | None = None,
    notify: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Book ``start`` for ``patient``, or raise ``SlotTaken`` with the nearest alternatives.

    A repeated ``idempotency_key`` returns the appointment it booked (found when its time turns out
    taken, or by the key's unique constraint, so a first booking never reads it). ``override_reason`` (staff
    only) books outside the visit rules and working hours, never over another appointment.
    ``patient_kind`` ("new" or "returning"): refuse a visit type that is not open to that kind of
    patient (always checked for online bookings; see ``check_patient_kind``). ``notify``: email the
    confirmation with its calendar file once the booking commits.
    """
    check_same_practice(practice, patient=patient, provider=provider, location=location, visit_type=visit_type)
    if booked_via not in BookedVia.values:
        raise BookingRefused(f"Unknown booking channel {booked_via!r}.")
    if not visit_type.is_active:
        raise BookingRefused("This visit type is no longer offered.")
    if booked_via == BookedVia.ONLINE and not visit_type.bookable_online:
        raise BookingRefused("This visit type cannot be booked online.")
    override_reason = (override_reason or "").strip()
    if override_reason and (actor_user is None or booked_via == BookedVia.ONLINE):
        raise BookingRefused("Only staff may book outside the rules.")
    if booked_via == BookedVia.ONLINE or patient_kind:
        check_patient_kind(visit_type, patient_kind or booking_selectors.patient_kind_of(practice, patient))
    now = now or timezone.now()
    times = visit_times(visit_type, start)
    try:
        with transaction.atomic():
            hold = None
            if hold_token:
                hold = _check_hold(
                    practice=practice,
                    token=hold_token,
                    provider=provider,
                    visit_type=visit_type,
                    start=times["start"],
                    now=now,
                )
            # A valid hold already keeps this time from everyone else (it was placed under the
            # provider's lock, and every check reads holds and appointments in one statement), so
            # the booking that uses it does not queue behind the provider's other bookings; on
            # PostgreSQL the exclusion constraint still refuses an overlap. A daily cap counts the
            # provider's other bookings of the day, which only the lock keeps in order.
            if hold is None or visit_type.daily_cap_per_provider:
                lock_provider(practice, provider)
            if not time_is_bookable(
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
                    "lead_days": lead_days(practice, times["start"], now),
                    "appointment": appointment.pk,
                },
            )
            return appointment
    except _Gone:
        # The key is read only when the time turns out taken: a repeated key's booking takes it.
        if idempotency_key and (existing := _by_idempotency_key(practice, idempotency_key)):
            return existing
    except IntegrityError:
        # The key was used already (the unique constraint), or (PostgreSQL) the exclusion constraint
        # refused the overlap.
        if idempotency_key and (existing := _by_idempotency_key(practice, idempotency_key)):
            return existing
        if not _overlaps(practice=practice, provider=provider, visit_type=visit_type, start=start, now=now):
            raise
    raise SlotTaken(nearest_alternatives(practice=practice, visit_type=visit_type, start=times["start"], now=now))


def check_patient_kind(visit_type: VisitType, kind: str) -> None:
    if kind not in (PatientKind.NEW, PatientKind.RETURNING):
        raise BookingRefused(f"Unknown kind of patient {kind!r}.")
    if visit_type.patient_kind not in (PatientKind.BOTH, kind):
        raise BookingRefused("This visit type is not open to this kind of patient.")


def _notify(appointment: Appointment, kind: str) -> None:
    """Tell the patient (by the messaging outbox, through a signal) once this transaction commits."""
    announce_appointment_notice(appointment_id=appointment.pk, kind=kind, sequence=appointment.sequence)


def _by_idempotency_key(practice: Practice, key: str) -> Appointment | None:
    return Appointment.objects.filter(practice=practice, idempotency_key=key).first()


def _check_hold(
    *, practice: Practice, token: str, provider: Provider, visit_type: VisitType, start: datetime, now: datetime
) -> BookingHold | None:
    hold = BookingHold.objects.filter(practice=practice, token=token, expires_at__gt=now).first()
    if hold is None:
        # Expired or unknown: book as if there had been no hold (the time may still be free).
        return None
    if hold.provider_id != provider.pk or hold.visit_type_id != visit_type.pk or hold.start != start:
        raise BookingRefused("The hold is for another time.")
    return hold


# --- reschedule and cancel ------------------------------------------------------------------


def _lock_appointment(appointment: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().select_related("practice").get(pk=appointment.pk)
    if locked.status not in ACTIVE_STATUSES:
        raise BookingRefused("Only an active appointment can be changed.")
    return locked


def _change_touchpoint(actor_patient: Patient | None) -> str:
    return "manage-link" if actor_patient is not None else "phone-booking"


def reschedule_appointment(
    *,
    appointment: Appointment,
    start: datetime,
    provider: Provider | None = None,
    location: Location | None = None,
    actor_user: User | None = None,
    actor_patient: Patient | None = None,
    override_reason: str | None = None,
    notify: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Move an active appointment (same visit type); raises ``SlotTaken`` if the new time is gone.

    ``notify``: email the patient the new time with an updated calendar file once it commits.
    """
    practice = appointment.practice
    check_same_practice(practice, provider=provider, location=location)
    override_reason = (override_reason or "").strip()
    if override_reason and actor_user is None:
        raise BookingRefused("Only staff may book outside the rules.")
    now = now or timezone.now()
    visit_type = appointment.visit_type
    times = visit_times(visit_type, start)
    try:
        with transaction.atomic():
            # Both providers' rows, always in id order, so two opposite moves cannot deadlock.
            locked_providers = {
                p.pk: lock_provider(practice, p)
                for p in sorted({appointment.provider, provider or appointment.provider}, key=lambda p: p.pk)
            }
            new_provider = locked_providers[(provider or appointment.provider).pk]
            locked = _lock_appointment(appointment)
            new_location = location or locked.location
            if not time_is_bookable(
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
            freed: dict[str, Any] = {
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
                    "lead_days": lead_days(practice, locked.start, now),
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
    actor_user: User | None = None,
    actor_patient: Patient | None = None,
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
            "lead_days": lead_days(locked.practice, locked.start, now),
        },
    )
    return locked
