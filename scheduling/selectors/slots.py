"""What the slot engine (``engine.py``) reads: schedules, visit rules and open slots, scoped by practice.

Every other area (booking, front desk, waitlist, the staff schedule, insights) asks for open times here.

``schedules_for`` builds the engine's ``ProviderSchedule`` objects with a constant number of queries,
however many days or providers: one query each for the providers, the visit type's locations, the
weekly templates, the exceptions, the busy appointments, the unexpired holds and (when the visit type
has a daily cap) one aggregate of the day counts. ``practice_calendar`` reads the same data once for
every visit type (for reports over many visit types, such as the measures page's third next available).

Wall-clock availability is in the practice's time zone.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from practices.models import Practice, Provider

from .. import engine
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityException,
    AvailabilityTemplate,
    BookingHold,
    VisitType,
    VisitTypeLocation,
    VisitTypeProvider,
)


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def local_day_bounds(tz: ZoneInfo, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The aware instants at local midnight starting ``first_day`` and ending ``last_day``."""
    return (
        datetime.combine(first_day, time.min, tzinfo=tz),
        datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz),
    )


def weekly_ranges(
    practice: Practice, provider_ids: Iterable[int], *, first_day: date, last_day: date
) -> dict[int, list[engine.WeeklyRange]]:
    """Each provider's weekly hours in effect at some point between the two days, for the engine (one query)."""
    weekly: dict[int, list[engine.WeeklyRange]] = defaultdict(list)
    templates = AvailabilityTemplate.objects.filter(practice=practice, provider_id__in=provider_ids).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=first_day), effective_from__lte=last_day
    )
    for t in templates.order_by("weekday", "starts_at"):
        weekly[t.provider_id].append(
            engine.WeeklyRange(
                location_id=t.location_id,
                weekday=t.weekday,
                start_minute=_minutes(t.starts_at),
                end_minute=_minutes(t.ends_at),
                effective_from=t.effective_from,
                effective_to=t.effective_to,
            )
        )
    return weekly


def engine_exception(x: AvailabilityException) -> engine.DayException:
    """An ``AvailabilityException`` as the engine reads it (no times: the whole day)."""
    return engine.DayException(
        day=x.day,
        start_minute=_minutes(x.starts_at) if x.starts_at is not None else 0,
        end_minute=_minutes(x.ends_at) if x.ends_at is not None else 24 * 60,
        kind=x.kind,
        location_id=x.location_id,
    )


def day_exceptions(
    practice: Practice, provider_ids: Iterable[int], *, first_day: date, last_day: date
) -> dict[int, list[engine.DayException]]:
    """Each provider's time off and extra clinics on the days ``first_day..last_day``, for the engine (one query)."""
    exceptions: dict[int, list[engine.DayException]] = defaultdict(list)
    for x in AvailabilityException.objects.filter(
        practice=practice, provider_id__in=provider_ids, day__gte=first_day, day__lte=last_day
    ).order_by("day", "starts_at"):
        exceptions[x.provider_id].append(engine_exception(x))
    return exceptions


def _holds(
    practice: Practice,
    provider_ids: Iterable[int],
    now: datetime,
    window_start: datetime,
    window_end: datetime,
    ignore_token: str | None = None,
) -> QuerySet[BookingHold, tuple[int, datetime, datetime]]:
    """(provider id, blocked start, blocked end) of the unexpired holds touching the window (one query)."""
    holds = BookingHold.objects.filter(
        practice=practice,
        provider_id__in=provider_ids,
        expires_at__gt=now,
        blocked_start__lt=window_end,
        blocked_end__gt=window_start,
    )
    if ignore_token:
        holds = holds.exclude(token=ignore_token)
    return holds.values_list("provider_id", "blocked_start", "blocked_end")


def _busy_appointments(
    practice: Practice, provider_ids: Iterable[int], window_start: datetime, window_end: datetime
) -> QuerySet[Appointment]:
    """The providers' active appointments whose blocked time touches the window."""
    return Appointment.objects.filter(
        practice=practice,
        provider_id__in=provider_ids,
        status__in=ACTIVE_STATUSES,
        blocked_start__lt=window_end,
        blocked_end__gt=window_start,
    )


def _daily_counts(
    appointments: QuerySet[Appointment],
    visit_type_ids: Iterable[int],
    tz: ZoneInfo,
    window_start: datetime,
    window_end: datetime,
) -> dict[tuple[int, int], dict[date, int]]:
    """{(provider id, visit type id): {local day: appointments starting that day}} for daily caps (one query)."""
    booked: dict[tuple[int, int], dict[date, int]] = defaultdict(dict)
    rows = (
        appointments.filter(visit_type_id__in=list(visit_type_ids), start__gte=window_start, start__lt=window_end)
        .annotate(local_day=TruncDate("start", tzinfo=tz))
        .values("provider_id", "visit_type_id", "local_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        booked[row["provider_id"], row["visit_type_id"]][row["local_day"]] = row["n"]
    return dict(booked)


def visit_types(practice: Practice, *, online_only: bool = False) -> QuerySet[VisitType]:
    qs = VisitType.objects.filter(practice=practice, is_active=True)
    return qs.filter(bookable_online=True) if online_only else qs


def rule_for(visit_type: VisitType, location_ids: Iterable[int] | None) -> engine.VisitRule:
    ids = frozenset(location_ids or ())
    return engine.VisitRule(
        duration=visit_type.duration_minutes,
        buffer_before=visit_type.buffer_before_minutes,
        buffer_after=visit_type.buffer_after_minutes,
        min_notice=visit_type.min_notice_minutes,
        max_days_ahead=visit_type.max_days_ahead,
        daily_cap=visit_type.daily_cap_per_provider,
        # No locations chosen on the visit type means it is offered wherever the provider works.
        location_ids=ids or None,
    )


def visit_rule(visit_type: VisitType) -> engine.VisitRule:
    """The engine's rule for a visit type (one query for its locations)."""
    location_ids = VisitTypeLocation.objects.filter(
        practice_id=visit_type.practice_id, visit_type=visit_type
    ).values_list("location_id", flat=True)
    return rule_for(visit_type, list(location_ids))


def schedules_for(
    practice: Practice,
    visit_type: VisitType,
    *,
    provider_ids: Iterable[int] | None = None,
    first_day: date,
    last_day: date,
    now: datetime,
    ignore_hold_token: str | None = None,
    ignore_appointment_id: int | None = None,
) -> list[engine.ProviderSchedule]:
    """One ``ProviderSchedule`` per active provider of ``visit_type`` (optionally only ``provider_ids``).

    ``ignore_hold_token`` leaves out the caller's own hold and ``ignore_appointment_id`` the appointment
    being moved, so neither blocks itself.
    """
    if visit_type.practice_id != practice.pk:
        return []
    tz = ZoneInfo(practice.timezone)
    providers = Provider.objects.filter(
        practice=practice,
        is_active=True,
        pk__in=visit_type_provider_ids(practice, visit_type),
    )
    if provider_ids is not None:
        providers = providers.filter(pk__in=list(provider_ids))
    ids = list(providers.values_list("pk", flat=True))
    if not ids:
        return []

    # A day's slots may touch the neighbouring days (buffers, time zones): read one day either side.
    window_start, window_end = local_day_bounds(tz, first_day - timedelta(days=1), last_day + timedelta(days=1))

    weekly = weekly_ranges(practice, ids, first_day=first_day, last_day=last_day)

    exceptions = day_exceptions(practice, ids, first_day=first_day, last_day=last_day)

    busy: dict[int, list[engine.Busy]] = defaultdict(list)
    appointments = _busy_appointments(practice, ids, window_start, window_end)
    if ignore_appointment_id is not None:
        appointments = appointments.exclude(pk=ignore_appointment_id)
    # Appointments and holds in one statement: one snapshot, so a booking that turns a hold into an
    # appointment as this reads is seen as one or the other, never as neither.
    busy_rows = (
        appointments.values_list("provider_id", "blocked_start", "blocked_end")
        .order_by()
        .union(_holds(practice, ids, now, window_start, window_end, ignore_hold_token).order_by(), all=True)
        .order_by()
    )
    for provider_id, start, end in busy_rows:
        busy[provider_id].append(engine.Busy(start=start, end=end))

    booked: dict[int, dict[date, int]] | None = None
    if visit_type.daily_cap_per_provider:
        booked = defaultdict(dict)
        for (provider_id, _visit_type_id), days in _daily_counts(
            appointments, [visit_type.pk], tz, window_start, window_end
        ).items():
            booked[provider_id] = days

    return [
        engine.ProviderSchedule(
            provider_id=pid,
            timezone=practice.timezone,
            weekly=tuple(weekly[pid]),
            exceptions=tuple(exceptions[pid]),
            busy=tuple(sorted(busy[pid], key=lambda b: b.start)),
            booked_per_day=dict(booked[pid]) if booked is not None else None,
        )
        for pid in ids
    ]


class ProviderIdRow(TypedDict):
    provider_id: int


def visit_type_provider_ids(practice: Practice, visit_type: VisitType) -> QuerySet[VisitTypeProvider, ProviderIdRow]:
    """The ids of the providers who offer ``visit_type``, as a subquery (``pk__in=...``)."""
    return VisitTypeProvider.objects.filter(practice=practice, visit_type=visit_type).values("provider_id")


def open_slots_for(
    practice: Practice,
    visit_type: VisitType,
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    location_id: int | None = None,
) -> list[engine.Slot]:
    """Every open slot of the visit type between two local days, all providers (or some), in time order."""
    rule = visit_rule(visit_type)
    slots: list[engine.Slot] = []
    for schedule in schedules_for(
        practice, visit_type, provider_ids=provider_ids, first_day=first_day, last_day=last_day, now=now
    ):
        slots.extend(
            engine.open_slots(schedule, rule, now=now, first_day=first_day, last_day=last_day, location_id=location_id)
        )
    return sorted(slots, key=lambda s: (s.start, s.provider_id, s.location_id))


def first_available_for(
    practice: Practice,
    visit_type: VisitType,
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    location_id: int | None = None,
    limit: int = 1,
) -> list[engine.Slot]:
    rule = visit_rule(visit_type)
    schedules = schedules_for(
        practice, visit_type, provider_ids=provider_ids, first_day=first_day, last_day=last_day, now=now
    )
    return list(
        engine.first_available(
            schedules, rule, now=now, first_day=first_day, last_day=last_day, location_id=location_id, limit=limit
        )
    )


def days_with_openings_for(
    practice: Practice,
    visit_type: VisitType,
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    location_id: int | None = None,
) -> list[date]:
    """The local days between ``first_day`` and ``last_day`` with at least one open slot."""
    schedules = schedules_for(
        practice, visit_type, provider_ids=provider_ids, first_day=first_day, last_day=last_day, now=now
    )
    return engine.days_with_openings(
        schedules, visit_rule(visit_type), now=now, first_day=first_day, last_day=last_day, location_id=location_id
    )


# --- one read for many visit types -----------------------------------------------------------


@dataclass(frozen=True)
class VisitTypeOffers:
    """Who offers each visit type, and where: the links ``schedules_for`` and ``visit_rule`` read."""

    providers: Mapping[int, frozenset[int]]  # visit type id -> provider ids (active or not)
    locations: Mapping[int, tuple[int, ...]]  # visit type id -> its chosen location ids (none: anywhere)


def visit_type_offers(practice: Practice) -> VisitTypeOffers:
    """Every visit type's providers and locations (two queries)."""
    providers: dict[int, set[int]] = defaultdict(set)
    for visit_type_id, provider_id in VisitTypeProvider.objects.filter(practice=practice).values_list(
        "visit_type_id", "provider_id"
    ):
        providers[visit_type_id].add(provider_id)
    locations: dict[int, list[int]] = defaultdict(list)
    for visit_type_id, location_id in VisitTypeLocation.objects.filter(practice=practice).values_list(
        "visit_type_id", "location_id"
    ):
        locations[visit_type_id].append(location_id)
    return VisitTypeOffers(
        providers={vt: frozenset(ids) for vt, ids in providers.items()},
        locations={vt: tuple(ids) for vt, ids in locations.items()},
    )


@dataclass(frozen=True)
class PracticeCalendar:
    """A practice's schedule data over some local days, read once and shared by several visit types.

    What ``schedules_for`` reads for one visit type, read once for a set of visit types and providers
    (weekly hours, exceptions, active appointments, unexpired holds, the daily counts of the visit
    types with a cap). ``schedules`` and ``open_slots`` then answer per visit type without touching the
    database and give what ``schedules_for`` / ``open_slots_for`` give for those days. Read-only reports
    (the measures page) use it; the booking services keep reading ``schedules_for`` in their transaction.
    """

    timezone: str
    first_day: date
    last_day: date
    now: datetime
    visit_type_ids: frozenset[int]  # the visit types read for
    active_provider_ids: frozenset[int]  # the providers read for (active ones only)
    offers: VisitTypeOffers
    weekly: Mapping[int, tuple[engine.WeeklyRange, ...]]
    exceptions: Mapping[int, tuple[engine.DayException, ...]]
    busy: Mapping[int, tuple[engine.Busy, ...]]  # sorted by start
    # Active appointments of a capped visit type per (provider id, visit type id) and local day.
    booked: Mapping[tuple[int, int], Mapping[date, int]]

    def _check(self, visit_type: VisitType) -> None:
        if visit_type.pk not in self.visit_type_ids:
            raise ValueError(f"visit type {visit_type.pk} was not read for")

    def rule(self, visit_type: VisitType) -> engine.VisitRule:
        return rule_for(visit_type, self.offers.locations.get(visit_type.pk, ()))

    def provider_ids(self, visit_type: VisitType) -> frozenset[int]:
        """The active providers (of those read for) who offer ``visit_type``."""
        self._check(visit_type)
        return self.offers.providers.get(visit_type.pk, frozenset()) & self.active_provider_ids

    def schedules(
        self, visit_type: VisitType, *, provider_ids: Iterable[int] | None = None
    ) -> list[engine.ProviderSchedule]:
        """What ``schedules_for`` gives for ``visit_type`` (optionally only ``provider_ids``), by provider id."""
        ids = self.provider_ids(visit_type)
        if provider_ids is not None:
            ids = ids & frozenset(provider_ids)
        capped = bool(visit_type.daily_cap_per_provider)
        return [
            engine.ProviderSchedule(
                provider_id=pid,
                timezone=self.timezone,
                weekly=self.weekly.get(pid, ()),
                exceptions=self.exceptions.get(pid, ()),
                busy=self.busy.get(pid, ()),
                booked_per_day=dict(self.booked.get((pid, visit_type.pk), {})) if capped else None,
            )
            for pid in sorted(ids)
        ]

    def open_slots(
        self,
        visit_type: VisitType,
        *,
        first_day: date,
        last_day: date,
        provider_ids: Iterable[int] | None = None,
        location_id: int | None = None,
    ) -> list[engine.Slot]:
        """What ``open_slots_for`` gives, from the data read once; the days must lie within those read."""
        if first_day < self.first_day or last_day > self.last_day:
            raise ValueError(f"{first_day}..{last_day} is outside the days read ({self.first_day}..{self.last_day})")
        rule = self.rule(visit_type)
        slots: list[engine.Slot] = []
        for schedule in self.schedules(visit_type, provider_ids=provider_ids):
            slots.extend(
                engine.open_slots(
                    schedule, rule, now=self.now, first_day=first_day, last_day=last_day, location_id=location_id
                )
            )
        return sorted(slots, key=lambda s: (s.start, s.provider_id, s.location_id))


def practice_calendar(
    practice: Practice,
    visit_types: Iterable[VisitType],
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    offers: VisitTypeOffers | None = None,
) -> PracticeCalendar:
    """Read the schedule data of the local days ``first_day..last_day`` once for several visit types.

    The queries of ``schedules_for`` without the visit type, for every active provider offering one of
    ``visit_types`` (optionally only ``provider_ids``): the providers, the weekly templates, the
    exceptions, the busy appointments, the unexpired holds and, when some of the visit types have a
    daily cap, one aggregate of their day counts; plus ``visit_type_offers`` unless ``offers`` is given.
    However many visit types, providers or days.
    """
    types = [vt for vt in visit_types if vt.practice_id == practice.pk]
    if offers is None:
        offers = visit_type_offers(practice)
    tz = ZoneInfo(practice.timezone)
    offering = set().union(*(offers.providers.get(vt.pk, ()) for vt in types))
    if provider_ids is not None:
        offering &= set(provider_ids)
    ids = list(Provider.objects.filter(practice=practice, is_active=True, pk__in=offering).values_list("pk", flat=True))

    weekly: Mapping[int, list[engine.WeeklyRange]] = {}
    exceptions: Mapping[int, list[engine.DayException]] = {}
    busy: dict[int, list[engine.Busy]] = defaultdict(list)
    booked: dict[tuple[int, int], dict[date, int]] = {}
    if ids:
        # As ``schedules_for``: one day either side of the days asked for.
        window_start, window_end = local_day_bounds(tz, first_day - timedelta(days=1), last_day + timedelta(days=1))
        weekly = weekly_ranges(practice, ids, first_day=first_day, last_day=last_day)
        exceptions = day_exceptions(practice, ids, first_day=first_day, last_day=last_day)
        appointments = _busy_appointments(practice, ids, window_start, window_end)
        for provider_id, start, end in appointments.values_list("provider_id", "blocked_start", "blocked_end"):
            busy[provider_id].append(engine.Busy(start=start, end=end))
        for provider_id, start, end in _holds(practice, ids, now, window_start, window_end):
            busy[provider_id].append(engine.Busy(start=start, end=end))
        capped = [vt.pk for vt in types if vt.daily_cap_per_provider]
        if capped:
            booked = _daily_counts(appointments, capped, tz, window_start, window_end)

    return PracticeCalendar(
        timezone=practice.timezone,
        first_day=first_day,
        last_day=last_day,
        now=now,
        visit_type_ids=frozenset(vt.pk for vt in types),
        active_provider_ids=frozenset(ids),
        offers=offers,
        weekly={pid: tuple(ranges) for pid, ranges in weekly.items()},
        exceptions={pid: tuple(days) for pid, days in exceptions.items()},
        busy={pid: tuple(sorted(times, key=lambda b: b.start)) for pid, times in busy.items()},
        booked=booked,
    )
