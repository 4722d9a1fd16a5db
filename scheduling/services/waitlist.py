"""Every waitlist write: join, withdraw, offer a freed time, accept, decline, expire.

How a freed time travels:

1. ``signals.time_freed`` (a cancellation or reschedule, after commit) or
   ``signals.waitlist_offer_due`` (``offer_time``: staff added hours; an offer came back) makes the
   app config (``apps.py``) enqueue ``tasks.offer_freed_time`` with ids and an ISO time only. This
   module never imports ``tasks``: the task imports it.
2. ``send_offers_for_time`` locks the provider's row (so two runs for one provider queue up), finds
   the active entries the time suits (``waitlist_matching.suits``; the slot engine confirms the
   visit type is bookable then), oldest first, and creates up to ``policy.waitlist_batch_size``
   offers. ``(entry, provider, start)`` is unique, so a retried run offers nobody twice; the email
   goes out on commit and only for an offer this run created.
3. ``accept_offer`` books (or moves the patient's visit) through ``booking``, whose slot-engine
   re-check under the provider lock means two acceptances can never both book. The other offers
   of that time become TAKEN and their patients get one kind email each (``outcome_notified_at``).
4. ``expire_offers_and_send_next_batches`` (every minute, ``tasks.py``) expires offers past their
   time and sends the next batch while the time is still free and nobody accepted it.

Emails and journey events carry the practice, date, time, place and provider, never the visit type.
"""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from patients.models import Patient
from practices.models import Location, Practice, Provider

from .. import signals
from ..models import (
    Appointment,
    BookedVia,
    DayPart,
    OfferStatus,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from ..selectors import waitlist as wl
from ..waitlist_matching import Wish, suits
from . import booking as booking_services

log = logging.getLogger(__name__)

TOUCHPOINT = "waitlist"
MAX_DAYS_AHEAD = 366


class WaitlistError(ValueError):
    """The waitlist request itself is wrong (another practice's records, impossible dates)."""


# --- joining and leaving ---------------------------------------------------------------------


def _clean_choices(
    weekdays: Iterable[int | str] | None, day_parts: Iterable[str] | None
) -> tuple[list[int], list[str]]:
    try:
        days = sorted({int(d) for d in weekdays or ()})
    except (TypeError, ValueError) as error:
        raise WaitlistError("Unknown weekday.") from error
    if any(not 0 <= d <= 6 for d in days):
        raise WaitlistError("Unknown weekday.")
    parts = sorted({str(p) for p in day_parts or ()})
    if any(p not in DayPart.values for p in parts):
        raise WaitlistError("Unknown time of day.")
    return days, parts


def join_waitlist(
    *,
    practice: Practice,
    patient: Patient,
    visit_type: VisitType,
    earliest_day: date,
    latest_day: date,
    weekdays: Iterable[int | str] = (),
    day_parts: Iterable[str] = (),
    location: Location | None = None,
    provider: Provider | None = None,
    appointment: Appointment | None = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put the patient on the waitlist. With ``appointment``, its one entry is replaced (never two)."""
    now = now or timezone.now()
    for name, obj in {"patient": patient, "visit type": visit_type, "location": location, "provider": provider}.items():
        if obj is not None and obj.practice_id != practice.pk:
            raise WaitlistError(f"The {name} does not belong to this practice.")
    if appointment is not None:
        if appointment.practice_id != practice.pk or appointment.patient_id != patient.pk:
            raise WaitlistError("The appointment is not this patient's.")
        if not appointment.is_active:
            raise WaitlistError("Only a booked visit can be moved earlier.")
        visit_type = appointment.visit_type
    if not visit_type.is_active:
        raise WaitlistError("This visit type is no longer offered.")
    today = practice.local_date(now)
    if earliest_day < today:
        earliest_day = today
    if latest_day < earliest_day:
        raise WaitlistError("The last day is before the first.")
    if latest_day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise WaitlistError("The last day is too far ahead.")
    days, parts = _clean_choices(weekdays, day_parts)
    with transaction.atomic():
        replaced = []
        if appointment is not None:
            replaced = list(
                WaitlistEntry.objects.select_for_update().filter(
                    practice=practice, appointment=appointment, status=WaitlistStatus.ACTIVE
                )
            )
        entry = WaitlistEntry.objects.create(
            practice=practice,
            patient=patient,
            visit_type=visit_type,
            location=location,
            provider=provider,
            appointment=appointment,
            earliest_day=earliest_day,
            latest_day=latest_day,
            weekdays=days,
            day_parts=parts,
            created_at=replaced[0].created_at if replaced else now,  # keeps its place in the queue
        )
        for old in replaced:
            _close_entry(old, status=WaitlistStatus.WITHDRAWN, now=now)
        audit.record(
            practice=practice,
            action=Action.CREATE,
            target=entry,
            patient=patient,
            actor_patient=patient,
            summary="joined the waitlist" + (" to move a visit earlier" if appointment else ""),
        )
        journey.record(
            practice=practice,
            patient=patient,
            touchpoint=TOUCHPOINT,
            kind="waitlist.joined",
            at=now,
            data={"moves_visit": appointment is not None, "days_wanted": (latest_day - earliest_day).days + 1},
        )
    return entry


def _close_entry(entry: WaitlistEntry, *, status: str, now: datetime) -> None:
    """Close an entry and take back its offers still out (each time goes on to the next patient)."""
    entry.status = status
    entry.save(update_fields=["status", "updated_at"])
    open_offers = list(WaitlistOffer.objects.select_for_update().filter(entry=entry, status=OfferStatus.SENT))
    for offer in open_offers:
        offer.status = OfferStatus.DECLINED
        offer.responded_at = now
        offer.save(update_fields=["status", "responded_at"])
        _offer_again_on_commit(offer)


def withdraw_entry(
    *,
    entry: WaitlistEntry,
    actor_patient: Patient | None = None,
    actor_user: User | None = None,
    now: datetime | None = None,
) -> bool:
    """Take the patient off the waitlist. False if the entry was no longer waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            WaitlistEntry.objects.select_for_update(of=("self",)).select_related("practice", "patient").get(pk=entry.pk)
        )
        if locked.status != WaitlistStatus.ACTIVE:
            return False
        _close_entry(locked, status=WaitlistStatus.WITHDRAWN, now=now)
        audit.record(
            practice=locked.practice,
            action=Action.UPDATE,
            target=locked,
            patient=locked.patient,
            actor_patient=actor_patient,
            actor_user=actor_user,
            summary="left the waitlist",
            changes={"status": {"from": WaitlistStatus.ACTIVE, "to": WaitlistStatus.WITHDRAWN}},
        )
        journey.record(
            practice=locked.practice, patient=locked.patient, touchpoint=TOUCHPOINT, kind="waitlist.withdrawn", at=now
        )
    return True


# --- offering a freed time ------------------------------------------------------------------


def offer_time(
    *,
    practice: Practice,
    provider: Provider,
    start: datetime,
    location: Location | None = None,
    end: datetime | None = None,
) -> None:
    """Offer a provider's newly free time to waiting patients, in the background, after commit.

    For callers outside the waitlist (the schedule editor when hours are added). ``start`` alone
    offers that one start; with ``end``, each waiting patient is offered the earliest start in
    ``[start, end)`` that suits them. ``location`` None means any location the provider works at.
    """
    if provider.practice_id != practice.pk or (location is not None and location.practice_id != practice.pk):
        raise WaitlistError("The provider or location does not belong to this practice.")
    if timezone.is_naive(start) or (end is not None and timezone.is_naive(end)):
        raise WaitlistError("Times must carry a time zone.")
    signals.announce_waitlist_offer_due(
        practice_id=practice.pk,
        provider_id=provider.pk,
        location_id=location.pk if location else None,
        start=start,
        end=end,
    )


def _offer_again_on_commit(offer: WaitlistOffer) -> None:
    """An offer came back (declined, withdrawn): the time may go to the next patient."""
    signals.announce_waitlist_offer_due(
        practice_id=offer.practice_id, provider_id=offer.provider_id, location_id=offer.location_id, start=offer.start
    )


def _wish(entry: WaitlistEntry, tz: ZoneInfo) -> Wish:
    return Wish(
        earliest_day=entry.earliest_day,
        latest_day=entry.latest_day,
        weekdays=frozenset(int(d) for d in entry.weekdays or ()),
        day_parts=frozenset(entry.day_parts or ()),
        location_id=entry.location_id,
        provider_id=entry.provider_id,
        appointment_start=entry.appointment.start.astimezone(tz) if entry.appointment is not None else None,
        excludes_short_notice=entry.visit_type.excludes_short_notice_offers,
    )


def send_offers_for_time(
    *,
    practice_id: int,
    provider_id: int,
    location_id: int | None,
    start: datetime,
    end: datetime | None = None,
    now: datetime | None = None,
) -> list[WaitlistOffer]:
    """Offer a free time to the next batch of suitable waiting patients; returns the offers created.

    Sends nothing while a batch for that time is still out or once someone accepted it; ``end``
    (optional) widens the single start to every start whose visit fits in ``[start, end)``.
    """
    now = now or timezone.now()
    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        return []
    tz = ZoneInfo(practice.timezone)
    policy = wl.policy_for(practice)
    created: list[WaitlistOffer] = []
    with transaction.atomic():
        provider = (
            Provider.objects.select_for_update().filter(practice=practice, pk=provider_id, is_active=True).first()
        )
        if provider is None:
            return []
        if location_id is not None:
            location_ids = list(Location.objects.filter(practice=practice, pk=location_id).values_list("pk", flat=True))
        else:
            location_ids = list(provider.locations.filter(is_active=True).values_list("pk", flat=True))
        if not location_ids:
            return []
        last = end - timedelta(microseconds=1) if end else start
        entries = wl.candidate_entries(
            practice,
            provider=provider,
            location_ids=location_ids,
            first_day=practice.local_date(start),
            last_day=practice.local_date(last),
        )
        busy_entries = wl.entries_with_live_offers(practice, now=now)
        capacity: dict[datetime, int] = {}
        batch_of: dict[datetime, int] = {}
        starts_cache: dict[tuple[int, int | None], list[tuple[datetime, int]]] = {}

        def room(at: datetime) -> int:
            if at not in capacity:
                if wl.time_was_accepted(practice, provider_id=provider.pk, start=at):
                    capacity[at] = 0
                else:
                    top, out = wl.last_batch(practice, provider_id=provider.pk, start=at)
                    live = wl.live_offer_count(practice, provider_id=provider.pk, start=at, now=now)
                    capacity[at] = max(policy.waitlist_batch_size - live, 0)
                    batch_of[at] = top if out else top + 1
            return capacity[at]

        def starts_for(entry: WaitlistEntry) -> list[tuple[datetime, int]]:
            ids = [entry.location_id] if entry.location_id else location_ids
            if end is None:
                return [(start, loc) for loc in ids if loc in location_ids]
            key = (entry.visit_type_id, entry.location_id)
            if key not in starts_cache:
                starts_cache[key] = wl.open_starts_for(
                    practice, entry.visit_type, provider_id=provider.pk, location_ids=ids, start=start, end=end, now=now
                )
            return starts_cache[key]

        offered_patients: set[int] = set()
        for entry in entries:
            if entry.pk in busy_entries or entry.patient_id in offered_patients:
                continue
            if end is None and room(start) == 0:
                break
            wish = _wish(entry, tz)
            for at, loc in starts_for(entry):
                if room(at) == 0:
                    continue
                if not suits(
                    wish,
                    start_local=at.astimezone(tz),
                    provider_id=provider.pk,
                    location_id=loc,
                    now=now,
                    short_notice_hours=policy.short_notice_hours,
                ):
                    continue
                if not wl.bookable_for(
                    practice,
                    entry.visit_type,
                    provider_id=provider.pk,
                    location_id=loc,
                    start=at,
                    now=now,
                    ignore_appointment_id=entry.appointment_id,
                ):
                    continue
                offer = _create_offer(
                    practice=practice,
                    entry=entry,
                    provider=provider,
                    location_id=loc,
                    start=at,
                    batch=batch_of[at],
                    expires_at=now + timedelta(minutes=policy.waitlist_offer_minutes),
                    now=now,
                )
                if offer is not None:
                    capacity[at] -= 1
                    created.append(offer)
                    offered_patients.add(entry.patient_id)
                break  # one offer per patient per freed time
    return created


def _create_offer(
    *,
    practice: Practice,
    entry: WaitlistEntry,
    provider: Provider,
    location_id: int,
    start: datetime,
    batch: int,
    expires_at: datetime,
    now: datetime,
) -> WaitlistOffer | None:
    """Create the offer and email it on commit; None if this entry was already offered this time."""
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            offer, made = WaitlistOffer.objects.get_or_create(
                entry=entry,
                provider=provider,
                start=start,
                defaults={
                    "practice": practice,
                    "location_id": location_id,
                    "batch": batch,
                    "token_hash": wl.token_hash(token),
                    "sent_at": now,
                    "expires_at": expires_at,
                },
            )
    except IntegrityError:
        return None  # a concurrent run made it first
    if not made:
        return None
    journey.record(
        practice=practice,
        patient=entry.patient,
        touchpoint=TOUCHPOINT,
        kind="waitlist.offer_sent",
        at=now,
        data={"batch": batch, "moves_visit": entry.appointment_id is not None},
    )
    signals.announce_waitlist_notice(offer_id=offer.pk, kind="offer", link=_offer_link(practice, token))
    return offer


# --- emails ---------------------------------------------------------------------------------------
# Scheduling only announces (``signals.waitlist_notice``, after commit); messaging writes the email
# into its outbox (state, retries, journey event, the patient's history).


def _offer_link(practice: Practice, token: str) -> str:
    return settings.SITE_URL + reverse("scheduling:waitlist_offer", args=[practice.slug, token])


# --- answering an offer ---------------------------------------------------------------------


class Outcome:
    BOOKED = "booked"  # this patient now has the time
    TAKEN = "taken"  # someone else was first, or the time is gone; still waiting
    EXPIRED = "expired"  # too late; still waiting
    DECLINED = "declined"  # the patient said no thanks; still waiting
    CLOSED = "closed"  # the patient is no longer on the waitlist


@dataclass
class OfferResult:
    outcome: str
    offer: WaitlistOffer
    appointment: Appointment | None = None


OUTCOME_OF_STATUS: dict[str, str] = {
    OfferStatus.ACCEPTED: Outcome.BOOKED,
    OfferStatus.TAKEN: Outcome.TAKEN,
    OfferStatus.EXPIRED: Outcome.EXPIRED,
    OfferStatus.DECLINED: Outcome.DECLINED,
}


def _lock_offer(offer: WaitlistOffer) -> WaitlistOffer:
    """Lock the provider first (the same order as booking), then the offer; re-read both."""
    Provider.objects.select_for_update().filter(pk=offer.provider_id).first()
    return (
        WaitlistOffer.objects.select_for_update(of=("self",))
        .select_related("practice", "provider", "location", "entry__patient", "entry__visit_type")
        .get(pk=offer.pk)
    )


def _mark_taken(offers: Iterable[WaitlistOffer], *, now: datetime) -> None:
    """These offers lost the time: mark them TAKEN and tell each patient once, after commit."""
    for other in offers:
        WaitlistOffer.objects.filter(pk=other.pk, status=OfferStatus.SENT).update(status=OfferStatus.TAKEN)
        told = WaitlistOffer.objects.filter(pk=other.pk, outcome_notified_at__isnull=True).update(
            outcome_notified_at=now
        )
        if told:
            signals.announce_waitlist_notice(offer_id=other.pk, kind="taken")


def _other_open_offers(offer: WaitlistOffer) -> list[WaitlistOffer]:
    return list(
        WaitlistOffer.objects.select_for_update()
        .filter(
            practice_id=offer.practice_id, provider_id=offer.provider_id, start=offer.start, status=OfferStatus.SENT
        )
        .exclude(pk=offer.pk)
    )


def accept_offer(*, offer: WaitlistOffer, now: datetime | None = None) -> OfferResult:
    """The patient takes the offered time. Books it (or moves their visit) or says kindly why not."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_offer(offer)
        if locked.status != OfferStatus.SENT:
            appointment = locked.appointment if locked.status == OfferStatus.ACCEPTED else None
            return OfferResult(OUTCOME_OF_STATUS[locked.status], locked, appointment)
        if locked.expires_at <= now:
            locked.status = OfferStatus.EXPIRED
            locked.save(update_fields=["status"])
            return OfferResult(Outcome.EXPIRED, locked)
        entry = (
            WaitlistEntry.objects.select_for_update(of=("self",))
            .select_related("appointment__practice", "appointment__visit_type")
            .get(pk=locked.entry_id)
        )
        if entry.status != WaitlistStatus.ACTIVE:
            return OfferResult(Outcome.CLOSED, locked)
        patient = locked.entry.patient
        if wl.time_was_accepted(locked.practice, provider_id=locked.provider_id, start=locked.start):
            appointment = None
        else:
            appointment = _book(locked, entry, patient, now)
        if appointment is None:
            # Someone else was first (or booked it another way): this offer and any still out lose it.
            # This patient reads it on the page, so no email; the others still out are told once.
            locked.status = OfferStatus.TAKEN
            locked.responded_at = now
            locked.outcome_notified_at = locked.outcome_notified_at or now
            locked.save(update_fields=["status", "responded_at", "outcome_notified_at"])
            _mark_taken(_other_open_offers(locked), now=now)
            return OfferResult(Outcome.TAKEN, locked)
        locked.status = OfferStatus.ACCEPTED
        locked.responded_at = now
        locked.appointment = appointment
        locked.save(update_fields=["status", "responded_at", "appointment"])
        entry.status = WaitlistStatus.BOOKED
        entry.save(update_fields=["status", "updated_at"])
        _mark_taken(_other_open_offers(locked), now=now)
        audit.record(
            practice=locked.practice,
            action=Action.UPDATE,
            target=locked,
            patient=patient,
            actor_patient=patient,
            summary="waitlist offer accepted",
            changes={"status": {"from": OfferStatus.SENT, "to": OfferStatus.ACCEPTED}},
        )
        journey.record(
            practice=locked.practice,
            patient=patient,
            touchpoint=TOUCHPOINT,
            kind="waitlist.offer_accepted",
            at=now,
            data={
                "batch": locked.batch,
                "moves_visit": entry.appointment_id is not None,
                "minutes_to_answer": int((now - locked.sent_at).total_seconds() // 60),
            },
        )
        return OfferResult(Outcome.BOOKED, locked, appointment)


def _book(offer: WaitlistOffer, entry: WaitlistEntry, patient: Patient, now: datetime) -> Appointment | None:
    """Book or move through the booking services; None when the slot engine says the time is gone."""
    try:
        if entry.appointment is not None:
            return booking_services.reschedule_appointment(
                appointment=entry.appointment,
                start=offer.start,
                provider=offer.provider,
                location=offer.location,
                actor_patient=patient,
                notify=True,
                now=now,
            )
        return booking_services.book_appointment(
            practice=offer.practice,
            patient=patient,
            provider=offer.provider,
            location=offer.location,
            visit_type=offer.entry.visit_type,
            start=offer.start,
            booked_via=BookedVia.ONLINE,
            idempotency_key=f"waitlist-offer-{offer.pk}",
            actor_patient=patient,
            notify=True,
            now=now,
        )
    except booking_services.BookingError:
        return None


def decline_offer(*, offer: WaitlistOffer, now: datetime | None = None) -> OfferResult:
    """No thanks: the patient stays on the waitlist and the time goes on to the next patient."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_offer(offer)
        if locked.status != OfferStatus.SENT:
            return OfferResult(OUTCOME_OF_STATUS[locked.status], locked, locked.appointment)
        if locked.expires_at <= now:
            locked.status = OfferStatus.EXPIRED
            locked.save(update_fields=["status"])
            return OfferResult(Outcome.EXPIRED, locked)
        locked.status = OfferStatus.DECLINED
        locked.responded_at = now
        locked.save(update_fields=["status", "responded_at"])
        journey.record(
            practice=locked.practice,
            patient=locked.entry.patient,
            touchpoint=TOUCHPOINT,
            kind="waitlist.offer_declined",
            at=now,
            data={"batch": locked.batch},
        )
        _offer_again_on_commit(locked)
        return OfferResult(Outcome.DECLINED, locked)


# --- the minute job ------------------------------------------------------------------------


def expire_offers_and_send_next_batches(*, now: datetime | None = None) -> int:
    """Expire offers past their time; offer each such time to the next batch if it is still free.

    Returns how many new offers went out. Safe to run twice: expiry is a conditional update and
    ``send_offers_for_time`` never offers an entry the same time twice.
    """
    now = now or timezone.now()
    times: set[tuple[int, int, int, datetime]] = set()
    for offer in list(wl.expired_sent_offers(now=now).select_related("practice", "entry__patient")):
        with transaction.atomic():
            if not WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.SENT).update(
                status=OfferStatus.EXPIRED
            ):
                continue
            journey.record(
                practice=offer.practice,
                patient=offer.entry.patient,
                touchpoint=TOUCHPOINT,
                kind="waitlist.offer_expired",
                at=now,
                data={"batch": offer.batch},
            )
        times.add((offer.practice_id, offer.provider_id, offer.location_id, offer.start))
    sent = 0
    for practice_id, provider_id, location_id, start in sorted(times, key=lambda t: (t[3], t[0], t[1])):
        if start <= now:
            continue
        sent += len(
            send_offers_for_time(
                practice_id=practice_id, provider_id=provider_id, location_id=location_id, start=start, now=now
            )
        )
    expire_past_entries(now=now)
    return sent


def expire_past_entries(*, now: datetime | None = None) -> int:
    """Entries whose last day has gone by (in every time zone) stop waiting."""
    now = now or timezone.now()
    yesterday_everywhere = (now - timedelta(days=1)).date()
    return WaitlistEntry.objects.filter(status=WaitlistStatus.ACTIVE, latest_day__lt=yesterday_everywhere).update(
        status=WaitlistStatus.EXPIRED, updated_at=now
    )
