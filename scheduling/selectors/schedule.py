"""Reads for the staff schedule pages, scoped by practice.

The calendars show what the slot engine sees: a provider's working ranges of a day are computed by the
engine's own per-day code from the same ``WeeklyRange``/``DayException`` data ``slots.schedules_for``
gives it (templates merged with extra clinics, minus time off and blocks). Open capacity is the real
time (DST-aware) of those ranges not covered by active appointments with their buffers.

``calendar`` runs a constant number of queries whatever the number of providers or days: providers,
locations, templates, exceptions and appointments (with their patients), one query each.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import time_format
from django.utils.functional import Promise

from accounts.models import User
from practices.models import Location, Practice, Provider, Weekday

from .. import engine
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    AvailabilityTemplate,
    ExceptionKind,
    VisitType,
)
from . import slots as slot_selectors

# Row ids are 64-bit; SQLite raises OverflowError (a 500) when a query names a bigger one.
MAX_ROW_ID = 2**63 - 1
# Appointments that never took place are left off the calendar.
HIDDEN_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.ENTERED_IN_ERROR)


# Calendars open within this many years of today: a far date (9999-12-31, 0001-01-01) would overflow
# the window's datetimes and its previous/next links.
CALENDAR_YEARS = 100


def calendar_bounds(today: date) -> tuple[date, date]:
    """The first and last day a staff calendar opens on."""
    return date(today.year - CALENDAR_YEARS, 1, 1), date(today.year + CALENDAR_YEARS, 12, 31)


def _pk(value: str | int | None) -> int:
    if value is None:
        raise Http404
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ROW_ID:
        raise Http404
    return pk


# --- providers, locations, availability ------------------------------------------------------


def providers(practice: Practice, *, active_only: bool = False) -> QuerySet[Provider]:
    qs = Provider.objects.filter(practice=practice).prefetch_related("locations")
    return qs.filter(is_active=True) if active_only else qs


def locations(practice: Practice) -> QuerySet[Location]:
    return Location.objects.filter(practice=practice)


def provider_or_404(practice: Practice, pk: str | int) -> Provider:
    return get_object_or_404(Provider, practice=practice, pk=_pk(pk))


def location_or_404(practice: Practice, pk: str | int) -> Location:
    return get_object_or_404(Location, practice=practice, pk=_pk(pk))


def provider_for_user(practice: Practice, user: User) -> Provider | None:
    """The staff user's own provider profile at the practice, if they see patients."""
    return Provider.objects.filter(practice=practice, user=user).first()


def template_or_404(practice: Practice, provider: Provider, pk: str | int) -> AvailabilityTemplate:
    return get_object_or_404(
        AvailabilityTemplate.objects.select_related("location"), practice=practice, provider=provider, pk=_pk(pk)
    )


def exception_or_404(practice: Practice, provider: Provider, pk: str | int) -> AvailabilityException:
    return get_object_or_404(
        AvailabilityException.objects.select_related("location"), practice=practice, provider=provider, pk=_pk(pk)
    )


def weekly_hours(practice: Practice, provider: Provider) -> list[tuple[str | Promise, list[AvailabilityTemplate]]]:
    """The provider's weekly ranges grouped by weekday (Monday first), every weekday listed."""
    by_day: dict[int, list[AvailabilityTemplate]] = defaultdict(list)
    templates = AvailabilityTemplate.objects.filter(practice=practice, provider=provider).select_related("location")
    for t in templates.order_by("weekday", "starts_at", "effective_from"):
        by_day[t.weekday].append(t)
    return [(label, by_day[value]) for value, label in Weekday.choices]


def upcoming_exceptions(practice: Practice, provider: Provider, *, from_day: date) -> QuerySet[AvailabilityException]:
    return (
        AvailabilityException.objects.filter(practice=practice, provider=provider, day__gte=from_day)
        .select_related("location")
        .order_by("day", "starts_at")
    )


# --- visit types and policy ------------------------------------------------------------------


def visit_types_for_staff(practice: Practice) -> QuerySet[VisitType]:
    """Every visit type of the practice, offered or not, with who offers it where."""
    return VisitType.objects.filter(practice=practice).prefetch_related(
        Prefetch("providers", queryset=Provider.objects.filter(practice=practice)),
        Prefetch("locations", queryset=Location.objects.filter(practice=practice)),
    )


def visit_type_or_404(practice: Practice, pk: str | int) -> VisitType:
    return get_object_or_404(VisitType, practice=practice, pk=_pk(pk))


# --- calendars ------------------------------------------------------------------------------


@dataclass
class WorkRange:
    location: Location
    start: datetime  # aware, practice zone
    end: datetime
    label: str  # local wall-clock "9:00 AM–5:00 PM" (the language's time format)


@dataclass
class Block:
    exception: AvailabilityException
    label: str  # "All day" or "9:00 AM–12:00 PM" (the language's time format)


@dataclass
class DayCell:
    day: date
    ranges: list[WorkRange] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    extras: list[AvailabilityException] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    open_minutes: int = 0

    @property
    def open_label(self) -> str:
        hours, minutes = divmod(self.open_minutes, 60)
        if hours and minutes:
            return f"{hours} h {minutes} min"
        return f"{hours} h" if hours else f"{minutes} min"


@dataclass
class CalendarRow:
    provider: Provider
    cells: list[DayCell]


@dataclass
class Calendar:
    timezone: str
    days: list[date]
    rows: list[CalendarRow]

    @property
    def appointment_count(self) -> int:
        return sum(len(cell.appointments) for row in self.rows for cell in row.cells)


def _clock(minute: int) -> str:
    """A local minute of the day as the language writes times; the end of the day is midnight."""
    minute %= 24 * 60
    return time_format(time(minute // 60, minute % 60))


def _open_ranges(schedule: engine.ProviderSchedule, day: date, location_id: int | None) -> list[tuple[int, int, int]]:
    """The engine's open ranges of a local day: (location id, start minute, end minute).

    Uses the engine's per-day computation so the calendar and the booking pages agree. The rule and
    ``now`` do not affect open ranges (only the slots inside them).
    """
    return engine.working_ranges(schedule, day, location_id=location_id)


def _uncovered_minutes(start: datetime, end: datetime, busy: list[tuple[datetime, datetime]]) -> int:
    """Real minutes of ``[start, end)`` not covered by the (sorted, possibly overlapping) busy ranges."""
    free = 0.0
    cursor = start
    for b_start, b_end in busy:
        if b_end <= cursor:
            continue
        if b_start >= end:
            break
        if b_start > cursor:
            free += (b_start - cursor).total_seconds()
        cursor = max(cursor, b_end)
        if cursor >= end:
            break
    if cursor < end:
        free += (end - cursor).total_seconds()
    return int(free // 60)


def calendar(
    practice: Practice,
    *,
    first_day: date,
    last_day: date,
    provider: Provider | None = None,
    location: Location | None = None,
) -> Calendar:
    """Each provider's days: working ranges, blocks, extra clinics, appointments and open capacity.

    ``provider``: that provider only; ``location``: the active providers who work there, and only that
    location's hours and appointments; neither: every active provider, every location.
    """
    tz = ZoneInfo(practice.timezone)
    days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    chosen = Provider.objects.filter(practice=practice)
    if provider is not None:
        chosen = chosen.filter(pk=provider.pk)
    else:
        chosen = chosen.filter(is_active=True)
        if location is not None:
            chosen = chosen.filter(locations=location)
    people = list(chosen.order_by("last_name", "first_name", "pk"))
    ids = [p.pk for p in people]
    location_id = location.pk if location is not None else None
    places = {loc.pk: loc for loc in Location.objects.filter(practice=practice)}

    weekly = slot_selectors.weekly_ranges(practice, ids, first_day=first_day, last_day=last_day)

    exceptions: dict[int, list[engine.DayException]] = defaultdict(list)
    blocks: dict[tuple[int, date], list[Block]] = defaultdict(list)
    extras: dict[tuple[int, date], list[AvailabilityException]] = defaultdict(list)
    for x in AvailabilityException.objects.filter(
        practice=practice, provider_id__in=ids, day__gte=first_day, day__lte=last_day
    ).order_by("day", "starts_at"):
        x.location = places.get(x.location_id) if x.location_id is not None else None
        exceptions[x.provider_id].append(slot_selectors.engine_exception(x))
        if location_id is not None and x.location_id not in (None, location_id):
            continue
        if x.kind == ExceptionKind.OFF:
            # A block has both times or neither (the whole day).
            label = (
                f"{time_format(x.starts_at)}–{time_format(x.ends_at)}"
                if x.starts_at is not None and x.ends_at is not None
                else ""
            )
            blocks[(x.provider_id, x.day)].append(Block(exception=x, label=label))
        else:
            extras[(x.provider_id, x.day)].append(x)

    window_start = datetime.combine(first_day, time.min, tzinfo=tz)
    window_end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz)
    shown: dict[tuple[int, date], list[Appointment]] = defaultdict(list)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    appointments = (
        Appointment.objects.filter(
            practice=practice,
            provider_id__in=ids,
            blocked_start__lt=window_end + timedelta(days=1),
            blocked_end__gt=window_start - timedelta(days=1),
        )
        .exclude(status__in=HIDDEN_STATUSES)
        .select_related("patient")
        .order_by("start", "pk")
    )
    for a in appointments:
        if a.status in ACTIVE_STATUSES:
            busy[a.provider_id].append((a.blocked_start, a.blocked_end))
        local_start = a.start.astimezone(tz)
        if window_start <= local_start < window_end and (location_id is None or a.location_id == location_id):
            if (place := places.get(a.location_id)) is not None:
                a.location = place  # read with the others: no query per appointment
            shown[(a.provider_id, local_start.date())].append(a)

    rows = []
    for person in people:
        schedule = engine.ProviderSchedule(
            provider_id=person.pk,
            timezone=practice.timezone,
            weekly=tuple(weekly[person.pk]),
            exceptions=tuple(exceptions[person.pk]),
        )
        person_busy = sorted(busy[person.pk])
        cells = []
        for day in days:
            cell = DayCell(
                day=day,
                blocks=blocks[(person.pk, day)],
                extras=extras[(person.pk, day)],
                appointments=shown[(person.pk, day)],
            )
            for loc_id, first_minute, last_minute in _open_ranges(schedule, day, location_id):
                start = engine.wall_to_utc(tz, day, first_minute)
                end = engine.wall_to_utc(tz, day, last_minute)
                cell.ranges.append(
                    WorkRange(
                        location=places[loc_id],
                        start=start.astimezone(tz),
                        end=end.astimezone(tz),
                        label=f"{_clock(first_minute)}–{_clock(last_minute)}",
                    )
                )
                cell.open_minutes += _uncovered_minutes(start, end, person_busy)
            cell.ranges.sort(key=lambda r: (r.start, r.location.name))
            cells.append(cell)
        rows.append(CalendarRow(provider=person, cells=cells))
    return Calendar(timezone=practice.timezone, days=days, rows=rows)
