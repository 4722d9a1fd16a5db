"""Scoped reads for the measures page: plain records for ``measures.py``, live and stored TNA.

Every function takes the practice and reads only its rows. ``appointment_records`` is one query
(appointments left-joined to their visits, ``values_list``) whatever the range.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from practices.models import Location, Provider
from scheduling import selectors as scheduling_selectors
from scheduling.models import Appointment, AppointmentStatus, VisitType

from . import tna
from .measures import AppointmentRecord
from .models import ThirdNextAvailable

_RECORD_FIELDS = (
    "start",
    "created_at",
    "status",
    "provider_id",
    "location_id",
    "visit_type_id",
    "cancelled_at",
    "visit__status",
    "visit__arrived_at",
    "visit__roomed_at",
    "visit__with_provider_at",
    "visit__checkout_at",
    "visit__done_at",
)


def appointment_records(
    *,
    practice,
    first_day: date,
    last_day: date,
    location_id: int | None = None,
    provider_id: int | None = None,
    visit_type_id: int | None = None,
) -> list[AppointmentRecord]:
    """The practice's appointments starting on the local days ``first_day..last_day``, with visit times."""
    start, end = scheduling_selectors.local_day_bounds(ZoneInfo(practice.timezone), first_day, last_day)
    qs = Appointment.objects.filter(practice=practice, start__gte=start, start__lt=end).exclude(
        status=AppointmentStatus.ENTERED_IN_ERROR
    )
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    if visit_type_id is not None:
        qs = qs.filter(visit_type_id=visit_type_id)
    return [AppointmentRecord(*row[:7], *row[7:]) for row in qs.order_by("start", "pk").values_list(*_RECORD_FIELDS)]


def cancellation_cutoff_hours(practice) -> int:
    """The practice's late-cancellation line: its cutoff for online changes (default 24 hours)."""
    return scheduling_selectors.booking_policy(practice).online_change_cutoff_hours


def providers(practice) -> QuerySet[Provider]:
    """Every provider, past ones too: their history still counts."""
    return Provider.objects.filter(practice=practice).order_by("last_name", "first_name")


def locations(practice) -> QuerySet[Location]:
    return Location.objects.filter(practice=practice).order_by("name")


def visit_types(practice) -> QuerySet[VisitType]:
    return VisitType.objects.filter(practice=practice).order_by("name")


def names(practice, dimension: str | None) -> dict[int, str]:
    """Display names of the dimension's ids (one query)."""
    if dimension == "provider":
        return {p.pk: p.display_name for p in providers(practice)}
    if dimension == "location":
        return dict(locations(practice).values_list("pk", "name"))
    if dimension == "visit_type":
        return dict(visit_types(practice).values_list("pk", "name"))
    return {}


@dataclass(frozen=True)
class TnaRow:
    visit_type: VisitType
    provider: Provider | None  # None: any provider
    days: int | None  # None: fewer than three open appointments within the booking horizon
    horizon_days: int


def _tna_from(slots, visit_type: VisitType, *, now: datetime, zone: str) -> int | None:
    gap = timedelta(minutes=visit_type.buffer_before_minutes + visit_type.buffer_after_minutes)
    return tna.third_next_available(
        (tna.OpenSlot(start=s.start, end=s.end, resource=s.provider_id) for s in slots), now=now, zone=zone, gap=gap
    )


# Days of slots computed at a time: most visit types have three openings within the first week, so
# the engine is not asked for a 90-day horizon of every provider just to find them.
_TNA_WINDOWS = (7, 28)
_UNKNOWN = object()


def _tna_for_visit_type(practice, visit_type: VisitType, *, now: datetime, provider_ids: list[int], location_id):
    """(any-provider days, {provider id: days}) for one visit type, searching widening windows."""
    today = practice.local_date(now)
    horizon = today + timedelta(days=visit_type.max_days_ahead)
    found: dict[int, list] = {pid: [] for pid in provider_ids}
    per_provider: dict[int, int | None] = {}
    any_provider = _UNKNOWN
    first_day = today
    for size in (*_TNA_WINDOWS, None):
        last_day = horizon if size is None else min(horizon, today + timedelta(days=size - 1))
        pending = [pid for pid in provider_ids if pid not in per_provider]
        if first_day <= last_day and pending:
            for slot in scheduling_selectors.open_slots_for(
                practice,
                visit_type,
                first_day=first_day,
                last_day=last_day,
                now=now,
                provider_ids=pending,
                location_id=location_id,
            ):
                found[slot.provider_id].append(slot)
        final = last_day >= horizon
        # Every provider's slots up to ``last_day`` are known until one of them is settled, and the
        # union has three openings no later than the first provider's third: settle it first.
        if any_provider is _UNKNOWN:
            days = _tna_from(
                [s for slots in found.values() for s in slots], visit_type, now=now, zone=practice.timezone
            )
            if days is not None or final:
                any_provider = days
        for pid in pending:
            days = _tna_from(found[pid], visit_type, now=now, zone=practice.timezone)
            if days is not None or final:
                per_provider[pid] = days
        if final or len(per_provider) == len(provider_ids) and any_provider is not _UNKNOWN:
            break
        first_day = last_day + timedelta(days=1)
    return (None if any_provider is _UNKNOWN else any_provider), per_provider


def live_third_next_available(
    *,
    practice,
    now: datetime,
    visit_type_id: int | None = None,
    provider_id: int | None = None,
    location_id: int | None = None,
) -> list[TnaRow]:
    """Today's TNA per offered visit type (any provider), and per visit type and provider.

    Open slots come from ``scheduling.selectors.open_slots_for``: the slot engine exactly as patients
    see it (hours, exceptions, bookings, holds, minimum notice, daily caps, the booking horizon).
    """
    types = scheduling_selectors.visit_types(practice).order_by("name")
    if visit_type_id is not None:
        types = types.filter(pk=visit_type_id)
    people = {p.pk: p for p in providers(practice) if p.is_active}
    rows: list[TnaRow] = []
    for visit_type in types:
        offered = set(
            scheduling_selectors.visit_type_provider_ids(practice, visit_type).values_list("provider_id", flat=True)
        )
        ids = [pid for pid in people if pid in offered and (provider_id is None or pid == provider_id)]
        any_days, per_provider = _tna_for_visit_type(
            practice, visit_type, now=now, provider_ids=ids, location_id=location_id
        )
        if provider_id is None:
            rows.append(TnaRow(visit_type, None, any_days, visit_type.max_days_ahead))
        rows.extend(TnaRow(visit_type, people[pid], per_provider[pid], visit_type.max_days_ahead) for pid in ids)
    return rows


def third_next_available_history(
    *, practice, first_day: date, last_day: date, visit_type_id: int | None = None, provider_id: int | None = None
) -> QuerySet[ThirdNextAvailable]:
    """Stored daily TNA rows (any provider unless ``provider_id``)."""
    qs = ThirdNextAvailable.objects.filter(practice=practice, day__gte=first_day, day__lte=last_day)
    qs = qs.filter(provider_id=provider_id) if provider_id is not None else qs.filter(provider__isnull=True)
    if visit_type_id is not None:
        qs = qs.filter(visit_type_id=visit_type_id)
    return qs.select_related("visit_type").order_by("day", "visit_type__name")


def stored_today(practice, day: date) -> bool:
    return ThirdNextAvailable.objects.filter(practice=practice, day=day).exists()


def estimate_accuracy(*, practice, first_day: date, last_day: date, provider=None):
    """How far the live wait estimate was off over the local days ``first_day..last_day``."""
    from frontdesk.estimate_accuracy import estimate_errors

    start, end = scheduling_selectors.local_day_bounds(ZoneInfo(practice.timezone), first_day, last_day)
    return estimate_errors(practice=practice, start=start, end=end, provider=provider)
