"""Reads for the waitlist, scoped by practice (and by patient on patient pages).

Whether a freed time is bookable for an entry's visit type is asked of the slot engine through
``slots.schedules_for`` and ``engine.is_bookable``: the same answer the booking service gives.
"""

import hashlib
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet

from patients.models import Patient
from practices.models import Location, Practice, Provider

from .. import engine
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    BookingPolicy,
    OfferStatus,
    VisitType,
    VisitTypeLocation,
    VisitTypeProvider,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from . import booking as booking_selectors
from . import slots as slot_selectors


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def policy_for(practice: Practice) -> BookingPolicy:
    """The practice's booking policy, or the defaults (unsaved) when it has none."""
    return BookingPolicy.objects.filter(practice=practice).first() or BookingPolicy(practice=practice)


# --- what a patient may choose -------------------------------------------------------------


def visit_types_for_waitlist(practice: Practice, *, patient_kind: str | None = None) -> QuerySet[VisitType]:
    """Visit types a patient may wait for online: active, bookable online, and (with ``patient_kind``) open
    to that kind of patient, as the online booking of an accepted offer requires."""
    return booking_selectors.online_visit_types(practice, kind=patient_kind)


def locations_for_visit_type(practice: Practice, visit_type: VisitType) -> QuerySet[Location]:
    """Open locations where the visit type is offered (all open locations when it names none)."""
    locations = Location.objects.filter(practice=practice, is_active=True)
    chosen = VisitTypeLocation.objects.filter(practice=practice, visit_type=visit_type).values("location_id")
    if chosen.exists():
        locations = locations.filter(pk__in=chosen)
    return locations.order_by("name")


def providers_for_visit_type(practice: Practice, visit_type: VisitType) -> QuerySet[Provider]:
    return Provider.objects.filter(
        practice=practice, is_active=True, pk__in=slot_selectors.visit_type_provider_ids(practice, visit_type)
    ).order_by("last_name", "first_name")


# --- entries --------------------------------------------------------------------------------


def entries_for_patient(practice: Practice, patient: Patient) -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(practice=practice, patient=patient, status=WaitlistStatus.ACTIVE)
        .select_related("visit_type", "location", "provider", "appointment")
        .order_by("created_at", "pk")
    )


def entries_for_appointment(appointment: Appointment) -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(
            practice_id=appointment.practice_id,
            patient_id=appointment.patient_id,
            appointment=appointment,
            status=WaitlistStatus.ACTIVE,
        )
        .select_related("location", "provider")
        .order_by("created_at", "pk")
    )


def entry_for_patient(practice: Practice, patient: Patient, pk: int) -> WaitlistEntry | None:
    return WaitlistEntry.objects.filter(practice=practice, patient=patient, pk=pk).first()


def candidate_entries(
    practice: Practice, *, provider: Provider, location_ids: list[int], first_day: date, last_day: date
) -> QuerySet[WaitlistEntry]:
    """Active entries that might take a time of ``provider`` at one of ``location_ids``, oldest first.

    A coarse database filter (visit types the provider sees, dates, location and provider, an
    email to write to); ``waitlist_matching.suits`` and the slot engine decide the rest.
    """
    return (
        WaitlistEntry.objects.filter(
            practice=practice,
            status=WaitlistStatus.ACTIVE,
            visit_type__in=VisitTypeProvider.objects.filter(practice=practice, provider=provider).values(
                "visit_type_id"
            ),
            visit_type__is_active=True,
            earliest_day__lte=last_day,
            latest_day__gte=first_day,
        )
        .filter(Q(provider__isnull=True) | Q(provider=provider))
        .filter(Q(location__isnull=True) | Q(location_id__in=location_ids))
        .filter(Q(appointment__isnull=True) | Q(appointment__status__in=ACTIVE_STATUSES))
        .exclude(patient__email="")
        .select_related("patient", "visit_type", "appointment")
        .order_by("created_at", "pk")
    )


def entries_with_live_offers(practice: Practice, *, now: datetime) -> set[int]:
    """Ids of entries that already have an offer out (one offer at a time per waiting patient)."""
    return set(
        WaitlistOffer.objects.filter(practice=practice, status=OfferStatus.SENT, expires_at__gt=now).values_list(
            "entry_id", flat=True
        )
    )


# --- the slot engine ---------------------------------------------------------------------------


def bookable_for(
    practice: Practice,
    visit_type: VisitType,
    *,
    provider_id: int,
    location_id: int,
    start: datetime,
    now: datetime,
    ignore_appointment_id: int | None = None,
) -> bool:
    """Whether the engine would book ``visit_type`` at ``start`` with this provider and location."""
    day = practice.local_date(start)
    schedules = slot_selectors.schedules_for(
        practice,
        visit_type,
        provider_ids=[provider_id],
        first_day=day,
        last_day=day,
        now=now,
        ignore_appointment_id=ignore_appointment_id,
    )
    if not schedules:
        return False
    return engine.is_bookable(
        schedules[0], slot_selectors.visit_rule(visit_type), now=now, start=start, location_id=location_id
    )


def open_starts_for(
    practice: Practice,
    visit_type: VisitType,
    *,
    provider_id: int,
    location_ids: list[int],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[tuple[datetime, int]]:
    """Open (start, location id) of the visit type with one provider whose visit fits in ``[start, end)``."""
    slots = slot_selectors.open_slots_for(
        practice,
        visit_type,
        first_day=practice.local_date(start),
        last_day=practice.local_date(end - timedelta(microseconds=1)),
        now=now,
        provider_ids=[provider_id],
    )
    return [
        (s.start, s.location_id) for s in slots if start <= s.start and s.end <= end and s.location_id in location_ids
    ]


# --- offers ----------------------------------------------------------------------------------


def offer_for_token(practice: Practice, token: str) -> WaitlistOffer | None:
    """The offer the emailed token names, in this practice; None for a forged or foreign token."""
    if not token or len(token) > 200:
        return None
    return (
        WaitlistOffer.objects.select_related(
            "entry__patient", "entry__visit_type", "entry__appointment", "provider", "location", "practice"
        )
        .filter(practice=practice, token_hash=token_hash(token))
        .first()
    )


def live_offer_count(practice: Practice, *, provider_id: int, start: datetime, now: datetime) -> int:
    return WaitlistOffer.objects.filter(
        practice=practice, provider_id=provider_id, start=start, status=OfferStatus.SENT, expires_at__gt=now
    ).count()


def time_was_accepted(practice: Practice, *, provider_id: int, start: datetime) -> bool:
    return WaitlistOffer.objects.filter(
        practice=practice, provider_id=provider_id, start=start, status=OfferStatus.ACCEPTED
    ).exists()


def last_batch(practice: Practice, *, provider_id: int, start: datetime) -> tuple[int, bool]:
    """(highest batch number sent for the time, whether any offer of that batch is still out)."""
    offers = WaitlistOffer.objects.filter(practice=practice, provider_id=provider_id, start=start)
    top = offers.order_by("-batch").values_list("batch", flat=True).first()
    if top is None:
        return 0, False
    return top, offers.filter(batch=top, status=OfferStatus.SENT).exists()


def expired_sent_offers(*, now: datetime) -> QuerySet[WaitlistOffer]:
    return WaitlistOffer.objects.filter(status=OfferStatus.SENT, expires_at__lte=now)
