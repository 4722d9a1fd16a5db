"""Holds: a time kept for a few minutes while a patient finishes booking; others see it as busy.

``place_hold`` keeps the rules of a booking (``booking.time_is_bookable`` under the provider's lock);
a booking that names the hold's token uses it (``booking.book_appointment(hold_token=...)``). Holds
run out by themselves (``expires_at``) and the every-minute task deletes them.
"""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

import journey
from practices.models import Location, Practice, Provider

from ..models import BookingHold, VisitType
from .booking import (
    SlotTaken,
    check_same_practice,
    lead_days,
    lock_provider,
    nearest_alternatives,
    time_is_bookable,
    visit_times,
)

HOLD_MINUTES = 5


class _Gone(Exception):
    """Raised inside a transaction to roll it back; turned into SlotTaken outside it."""


def place_hold(
    *,
    practice: Practice,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    minutes: int = HOLD_MINUTES,
    now: datetime | None = None,
    client_key: str = "",
) -> BookingHold:
    """Hold a time for a few minutes while a patient finishes booking; others see it as busy."""
    check_same_practice(practice, provider=provider, location=location, visit_type=visit_type)
    now = now or timezone.now()
    times = visit_times(visit_type, start)
    try:
        with transaction.atomic():
            lock_provider(practice, provider)
            if not time_is_bookable(
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
def release_hold(*, practice: Practice, token: str) -> bool:
    deleted, _ = BookingHold.objects.filter(practice=practice, token=token).delete()
    return bool(deleted)


@transaction.atomic
def release_expired_holds(*, now: datetime | None = None) -> int:
    """Delete holds that have run out (they already stopped counting as busy when they expired)."""
    deleted, _ = BookingHold.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- holds placed from the booking pages ------------------------------------------------------


def record_booking_started(*, practice: Practice, source: str, now: datetime | None = None) -> None:
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
    practice: Practice,
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
        # The events first: the hold takes the provider's lock, held until this transaction commits,
        # so it comes last. A time taken meanwhile (SlotTaken) rolls the events back with it.
        if started_from:
            record_booking_started(practice=practice, source=started_from, now=now)
        journey.record(
            practice=practice,
            touchpoint="first-available" if first_available else "self-scheduling",
            kind="booking.time_held",
            at=now,
            data={"lead_days": lead_days(practice, visit_times(visit_type, start)["start"], now)},
        )
        return place_hold(
            practice=practice,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=start,
            now=now,
            client_key=client_key,
        )


def _release_oldest_holds(*, practice: Practice, client_key: str, keep: int, now: datetime) -> None:
    active = BookingHold.objects.filter(practice=practice, client_key=client_key, expires_at__gt=now)
    if keep <= 0:
        active.delete()
        return
    # One statement: the newest ``keep`` stay (a subquery with LIMIT, which SQLite and PostgreSQL allow).
    newest = active.order_by("-created_at", "-pk").values("pk")[:keep]
    active.exclude(pk__in=newest).delete()
