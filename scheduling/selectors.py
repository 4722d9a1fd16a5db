"""Reads for scheduling, scoped by practice. Feeds the pure slot engine (``engine.py``).

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
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from practices.models import Location, Provider

from . import engine
from .manage_links import token_for
from .models import (
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


def weekly_ranges(practice, provider_ids, *, first_day: date, last_day: date) -> dict[int, list[engine.WeeklyRange]]:
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


def day_exceptions(practice, provider_ids, *, first_day: date, last_day: date) -> dict[int, list[engine.DayException]]:
    """Each provider's time off and extra clinics on the days ``first_day..last_day``, for the engine (one query)."""
    exceptions: dict[int, list[engine.DayException]] = defaultdict(list)
    for x in AvailabilityException.objects.filter(
        practice=practice, provider_id__in=provider_ids, day__gte=first_day, day__lte=last_day
    ).order_by("day", "starts_at"):
        exceptions[x.provider_id].append(engine_exception(x))
    return exceptions


def _holds(practice, provider_ids, now: datetime, window_start: datetime, window_end: datetime, ignore_token=None):
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


def _busy_appointments(practice, provider_ids, window_start: datetime, window_end: datetime):
    """The providers' active appointments whose blocked time touches the window."""
    return Appointment.objects.filter(
        practice=practice,
        provider_id__in=provider_ids,
        status__in=ACTIVE_STATUSES,
        blocked_start__lt=window_end,
        blocked_end__gt=window_start,
    )


def _daily_counts(
    appointments, visit_type_ids, tz: ZoneInfo, window_start: datetime, window_end: datetime
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


def visit_types(practice, *, online_only: bool = False):
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
    practice,
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

    busy: dict[int, list] = defaultdict(list)
    appointments = _busy_appointments(practice, ids, window_start, window_end)
    if ignore_appointment_id is not None:
        appointments = appointments.exclude(pk=ignore_appointment_id)
    for provider_id, start, end in appointments.values_list("provider_id", "blocked_start", "blocked_end"):
        busy[provider_id].append(engine.Busy(start=start, end=end))
    for provider_id, start, end in _holds(practice, ids, now, window_start, window_end, ignore_hold_token):
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


def visit_type_provider_ids(practice, visit_type: VisitType):
    return VisitTypeProvider.objects.filter(practice=practice, visit_type=visit_type).values("provider_id")


def open_slots_for(
    practice,
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
    practice,
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


# --- one read for many visit types -----------------------------------------------------------


@dataclass(frozen=True)
class VisitTypeOffers:
    """Who offers each visit type, and where: the links ``schedules_for`` and ``visit_rule`` read."""

    providers: Mapping[int, frozenset[int]]  # visit type id -> provider ids (active or not)
    locations: Mapping[int, tuple[int, ...]]  # visit type id -> its chosen location ids (none: anywhere)


def visit_type_offers(practice) -> VisitTypeOffers:
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
    practice,
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

    weekly: Mapping[int, list] = {}
    exceptions: Mapping[int, list] = {}
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


def appointment_for(practice, *, pk: int) -> Appointment | None:
    return Appointment.objects.filter(practice=practice, pk=pk).first()


# --- online booking --------------------------------------------------------------------------


def weekdays_with_online_booking(practice, *, today: date | None = None) -> dict[int, set[int]]:
    """Location id -> the weekdays on which the booking pages can offer times there: some active provider
    who sees a visit type patients may book online has weekly hours at the location, in effect today or
    later. The public page checks its opening hours against this (one query); a one-off extra clinic
    (an ``AvailabilityException``) does not make a weekday bookable."""
    today = today or timezone.localtime(timezone.now(), ZoneInfo(practice.timezone)).date()
    online_providers = VisitTypeProvider.objects.filter(
        practice=practice, visit_type__is_active=True, visit_type__bookable_online=True
    ).values("provider_id")
    rows = (
        AvailabilityTemplate.objects.filter(
            practice=practice, provider__is_active=True, provider_id__in=online_providers
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .values_list("location_id", "weekday")
        .distinct()
    )
    weekdays: dict[int, set[int]] = defaultdict(set)
    for location_id, weekday in rows:
        weekdays[location_id].add(weekday)
    return weekdays


def patient_kind_of(practice, patient) -> str:
    """ "returning" once the patient has had (or has) a visit that was not cancelled, else "new"."""
    from .models import AppointmentStatus, PatientKind

    had_visit = (
        Appointment.objects.filter(practice=practice, patient=patient)
        .exclude(status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.ENTERED_IN_ERROR))
        .exists()
    )
    return PatientKind.RETURNING if had_visit else PatientKind.NEW


def kinds_allowed(kind: str) -> tuple[str, ...]:
    """The ``VisitType.patient_kind`` values open to a patient of ``kind`` ("new" or "returning")."""
    from .models import PatientKind

    return (PatientKind.BOTH, kind)


def online_visit_types(practice, *, kind: str | None = None):
    """Active visit types patients may book online, optionally only those open to ``kind``."""
    qs = visit_types(practice, online_only=True)
    if kind:
        qs = qs.filter(patient_kind__in=kinds_allowed(kind))
    return qs.order_by("name")


def online_visit_type(practice, *, pk, kind: str | None = None) -> VisitType | None:
    """One online visit type of this practice by id, or None (unknown, foreign, inactive, wrong kind)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return online_visit_types(practice, kind=kind).filter(pk=pk).first()


def booking_locations(practice, visit_type: VisitType):
    """Open locations where ``visit_type`` is offered (all open locations when it names none)."""
    from practices.models import Location

    locations = Location.objects.filter(practice=practice, is_active=True)
    chosen = VisitTypeLocation.objects.filter(practice=practice, visit_type=visit_type).values("location_id")
    if chosen.exists():
        locations = locations.filter(pk__in=chosen)
    return locations.order_by("name")


def booking_providers(practice, visit_type: VisitType, location):
    """Active providers who see ``visit_type`` and work at ``location``."""
    return (
        Provider.objects.filter(
            practice=practice,
            is_active=True,
            pk__in=visit_type_provider_ids(practice, visit_type),
        )
        .filter(Q(locations=location) | Q(availability__location=location))
        .distinct()
        .order_by("last_name", "first_name")
    )


def days_with_openings_for(
    practice,
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


DAYS_SHOWN = 10  # days with openings per page of the patient's day choice


def booking_days_page(
    practice,
    visit_type: VisitType,
    *,
    provider_ids: Iterable[int] | None,
    location_id: int | None,
    start_day: date,
    today: date,
    now: datetime,
) -> tuple[list[date], date | None]:
    """Up to DAYS_SHOWN days with openings from ``start_day`` (never before ``today``, never past the
    visit type's horizon), and the day the next page starts from (or None)."""
    last_day = today + timedelta(days=visit_type.max_days_ahead)
    days = days_with_openings_for(
        practice,
        visit_type,
        first_day=max(start_day, today),
        last_day=last_day,
        now=now,
        provider_ids=provider_ids,
        location_id=location_id,
    )
    more = days[DAYS_SHOWN] if len(days) > DAYS_SHOWN else None
    return days[:DAYS_SHOWN], more


def active_providers_and_locations(practice) -> tuple[dict[int, Provider], dict[int, Location]]:
    """The practice's active providers and locations by id, for labelling times (the nearest
    alternatives to a time may be with another provider or at another location)."""
    from practices.selectors import locations_for_practice, providers_for_practice

    providers = {p.pk: p for p in providers_for_practice(practice=practice, active_only=True)}
    locations = {loc.pk: loc for loc in locations_for_practice(practice=practice, active_only=True)}
    return providers, locations


def booking_policy(practice):
    """The practice's ``BookingPolicy``, or an unsaved one with the defaults when it has none."""
    from .models import BookingPolicy

    return BookingPolicy.objects.filter(practice=practice).first() or BookingPolicy(practice=practice)


def appointment_by_idempotency_key(practice, key: str) -> Appointment | None:
    if not key:
        return None
    return Appointment.objects.filter(practice=practice, idempotency_key=key).first()


def booking_snippets(practice, request) -> dict[str, str]:
    """The two ways a practice puts "Book online" on its own website, as HTML to paste.

    ``link``: a plain link to the booking pages. ``widget``: a script tag and the element it turns
    into an accessible "Book online" link (no iframe: our pages refuse to be framed).
    """
    from django.urls import reverse
    from django.utils.html import escape

    book_url = request.build_absolute_uri(reverse("scheduling:book", kwargs={"practice_slug": practice.slug}))
    widget_url = request.build_absolute_uri(reverse("scheduling:book_widget", kwargs={"practice_slug": practice.slug}))
    return {
        "link": f'<a href="{escape(book_url)}">Book online</a>',
        "widget": f'<script src="{escape(widget_url)}" defer></script>\n<div data-touchpoints-book></div>',
    }


def booking_providers_any_location(practice, visit_type: VisitType):
    """Active providers of the practice who see ``visit_type`` (wherever they work)."""
    return Provider.objects.filter(
        practice=practice, is_active=True, pk__in=visit_type_provider_ids(practice, visit_type)
    ).order_by("last_name", "first_name")


def upcoming_appointments_for_patient(practice, patient, *, now: datetime | None = None, limit: int = 10):
    """The patient's own active appointments from now on, soonest first, each with its manage link token."""
    appointments = list(
        Appointment.objects.filter(
            practice=practice, patient=patient, status__in=ACTIVE_STATUSES, end__gt=now or timezone.now()
        )
        .select_related("provider", "location")
        .order_by("start")[:limit]
    )
    for appointment in appointments:
        appointment.manage_token = token_for(appointment)
    return appointments
