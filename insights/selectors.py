"""Scoped reads for the measures page: plain records for ``measures.py``, live and stored TNA.

Every function takes the practice and reads only its rows. ``appointment_records`` is one query
(appointments left-joined to their visits, ``values_list``) whatever the range.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Final, Literal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from practices.models import Location, Practice, Provider
from scheduling.engine import Slot
from scheduling.models import Appointment, AppointmentStatus, VisitType
from scheduling.selectors import booking as booking_selectors
from scheduling.selectors import slots as slot_selectors

from . import tna
from .measures import AppointmentRecord
from .models import ThirdNextAvailable

if TYPE_CHECKING:
    from frontdesk.estimate_accuracy import EstimateAccuracy

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
    practice: Practice,
    first_day: date,
    last_day: date,
    location_id: int | None = None,
    provider_id: int | None = None,
    visit_type_id: int | None = None,
) -> list[AppointmentRecord]:
    """The practice's appointments starting on the local days ``first_day..last_day``, with visit times."""
    start, end = slot_selectors.local_day_bounds(ZoneInfo(practice.timezone), first_day, last_day)
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


def cancellation_cutoff_hours(practice: Practice) -> int:
    """The practice's late-cancellation line: its cutoff for online changes (default 24 hours)."""
    return booking_selectors.booking_policy(practice).online_change_cutoff_hours


def providers(practice: Practice) -> QuerySet[Provider]:
    """Every provider, past ones too: their history still counts."""
    return Provider.objects.filter(practice=practice).order_by("last_name", "first_name")


def locations(practice: Practice) -> QuerySet[Location]:
    return Location.objects.filter(practice=practice).order_by("name")


def visit_types(practice: Practice) -> QuerySet[VisitType]:
    return VisitType.objects.filter(practice=practice).order_by("name")


def names(practice: Practice, dimension: str | None) -> dict[int, str]:
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


def _tna_from(slots: Iterable[Slot], visit_type: VisitType, *, now: datetime, zone: str) -> int | None:
    gap = timedelta(minutes=visit_type.buffer_before_minutes + visit_type.buffer_after_minutes)
    return tna.third_next_available(
        (tna.OpenSlot(start=s.start, end=s.end, resource=s.provider_id) for s in slots), now=now, zone=zone, gap=gap
    )


# Days of slots computed at a time: most visit types have three openings within the first week, so
# the engine is not asked for a 90-day horizon of every provider just to find them. The schedule data
# is read once per window for every visit type still searching, not once per visit type.
_TNA_WINDOWS = (7, 28)


class _Unknown(Enum):
    """Not settled yet (``None`` is a result: fewer than three openings)."""

    UNKNOWN = "unknown"


_UNKNOWN: Final = _Unknown.UNKNOWN


class _TnaSearch:
    """One visit type's third next available (any provider, each provider), found window by window."""

    def __init__(
        self, visit_type: VisitType, *, today: date, now: datetime, zone: str, provider_ids: list[int]
    ) -> None:
        self.visit_type = visit_type
        self.today, self.now, self.zone = today, now, zone
        self.horizon = today + timedelta(days=visit_type.max_days_ahead)
        self.provider_ids = provider_ids
        self.found: dict[int, list[Slot]] = {pid: [] for pid in provider_ids}
        self.per_provider: dict[int, int | None] = {}
        self.any_provider: int | None | Literal[_Unknown.UNKNOWN] = _UNKNOWN
        self.done = False

    def pending(self) -> list[int]:
        """The providers not settled yet."""
        return [pid for pid in self.provider_ids if pid not in self.per_provider]

    def last_day(self, size: int | None) -> date:
        """The last day of the window of ``size`` days from today (None: the booking horizon)."""
        return self.horizon if size is None else min(self.horizon, self.today + timedelta(days=size - 1))

    def step(
        self,
        calendar: slot_selectors.PracticeCalendar | None,
        *,
        first_day: date,
        last_day: date,
        location_id: int | None,
    ) -> None:
        """Add the open slots of ``first_day..last_day`` from ``calendar``; settle what is known."""
        pending = self.pending()
        if first_day <= last_day and pending:
            assert calendar is not None  # read whenever a search has providers pending in the window
            for slot in calendar.open_slots(
                self.visit_type, first_day=first_day, last_day=last_day, provider_ids=pending, location_id=location_id
            ):
                self.found[slot.provider_id].append(slot)
        final = last_day >= self.horizon
        # Every provider's slots up to ``last_day`` are known until one of them is settled, and the
        # union has three openings no later than the first provider's third: settle it first.
        if self.any_provider is _UNKNOWN:
            days = self._days([s for slots in self.found.values() for s in slots])
            if days is not None or final:
                self.any_provider = days
        for pid in pending:
            days = self._days(self.found[pid])
            if days is not None or final:
                self.per_provider[pid] = days
        self.done = final or len(self.per_provider) == len(self.provider_ids) and self.any_provider is not _UNKNOWN

    def _days(self, slots: Iterable[Slot]) -> int | None:
        return _tna_from(slots, self.visit_type, now=self.now, zone=self.zone)

    def result(self) -> tuple[int | None, dict[int, int | None]]:
        return (None if self.any_provider is _UNKNOWN else self.any_provider), self.per_provider


def live_third_next_available(
    *,
    practice: Practice,
    now: datetime,
    visit_type_id: int | None = None,
    provider_id: int | None = None,
    location_id: int | None = None,
) -> list[TnaRow]:
    """Today's TNA per offered visit type (any provider), and per visit type and provider.

    Open slots come from the slot engine exactly as patients see it (hours, exceptions, bookings,
    holds, minimum notice, daily caps, the booking horizon), through
    ``scheduling.selectors.slots.practice_calendar``: each window of days is read once for every visit type
    still searching, so the number of queries does not grow with the number of visit types.
    """
    chosen = slot_selectors.visit_types(practice).order_by("name")
    if visit_type_id is not None:
        chosen = chosen.filter(pk=visit_type_id)
    types = list(chosen)
    if not types:
        return []
    people = {p.pk: p for p in providers(practice) if p.is_active}
    wanted = [pid for pid in people if provider_id is None or pid == provider_id]
    offers = slot_selectors.visit_type_offers(practice)
    today = practice.local_date(now)
    searches = []
    for visit_type in types:
        offered = offers.providers.get(visit_type.pk, frozenset())
        ids = [pid for pid in wanted if pid in offered]
        searches.append(_TnaSearch(visit_type, today=today, now=now, zone=practice.timezone, provider_ids=ids))

    first_day = today
    for size in (*_TNA_WINDOWS, None):
        searching = [search for search in searches if not search.done]
        if not searching:
            break
        last_days = [search.last_day(size) for search in searching]
        # Every search still open has come this far (a search reaching its horizon is done), so the
        # window starts on the same day for all of them; read it once, as far as the longest needs.
        needed = {pid for search in searching for pid in search.pending()}
        calendar = None
        if needed and first_day <= max(last_days):
            calendar = slot_selectors.practice_calendar(
                practice,
                [search.visit_type for search in searching],
                first_day=first_day,
                last_day=max(last_days),
                now=now,
                provider_ids=needed,
                offers=offers,
            )
        for search, last_day in zip(searching, last_days, strict=True):
            search.step(calendar, first_day=first_day, last_day=last_day, location_id=location_id)
        if size is not None:
            first_day = today + timedelta(days=size)

    rows: list[TnaRow] = []
    for search in searches:
        visit_type = search.visit_type
        any_days, per_provider = search.result()
        if provider_id is None:
            rows.append(TnaRow(visit_type, None, any_days, visit_type.max_days_ahead))
        rows.extend(
            TnaRow(visit_type, people[pid], per_provider[pid], visit_type.max_days_ahead) for pid in search.provider_ids
        )
    return rows


def third_next_available_history(
    *,
    practice: Practice,
    first_day: date,
    last_day: date,
    visit_type_id: int | None = None,
    provider_id: int | None = None,
) -> QuerySet[ThirdNextAvailable]:
    """Stored daily TNA rows (any provider unless ``provider_id``)."""
    qs = ThirdNextAvailable.objects.filter(practice=practice, day__gte=first_day, day__lte=last_day)
    qs = qs.filter(provider_id=provider_id) if provider_id is not None else qs.filter(provider__isnull=True)
    if visit_type_id is not None:
        qs = qs.filter(visit_type_id=visit_type_id)
    return qs.select_related("visit_type").order_by("day", "visit_type__name")


def stored_today(practice: Practice, day: date) -> bool:
    return ThirdNextAvailable.objects.filter(practice=practice, day=day).exists()


def estimate_accuracy(
    *, practice: Practice, first_day: date, last_day: date, provider: Provider | None = None
) -> "EstimateAccuracy":
    """How far the live wait estimate was off over the local days ``first_day..last_day``."""
    from frontdesk.selectors.wait import estimate_errors

    start, end = slot_selectors.local_day_bounds(ZoneInfo(practice.timezone), first_day, last_day)
    return estimate_errors(practice=practice, start=start, end=end, provider=provider)
