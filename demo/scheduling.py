"""The demo practice's scheduling history: visit types, weekly hours, time off, a year of appointments.

Called by ``demo.practices.build_demo`` once the practice, its providers and patients exist.
Deterministic from the seed (its own ``random.Random``, so the rest of the demo is unchanged) and
fast: every row goes in with ``bulk_create``; no services, no per-row validation.

Appointments are made by walking each provider-day's availability with the slot engine's rules
(``engine.py``): the open ranges of the day are the weekly ranges in effect plus "extra" exceptions
minus "off" exceptions; a visit starts on the 15-minute grid counted from the start of its range,
the visit itself lies inside the range, and its blocked time (the visit widened by its buffers) does
not overlap the blocked time of the provider's previous visit that day. Visits are laid out in time
order, so no two appointments of one provider ever overlap, buffers included, whatever their status.
Daily caps, allowed locations and the online channel follow the visit type.

The demo's "now" is local midnight at the start of ``today``: days before are history (fulfilled,
no-show, cancelled), ``today`` and the following 89 days are booked.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.db.models import F

from journey.catalogue import BY_CODE
from journey.models import JourneyEvent
from patients.models import Patient
from practices.models import Location, Practice, Provider
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    AvailabilityTemplate,
    BookedVia,
    BookingPolicy,
    BookingRequest,
    CancellationReason,
    ExceptionKind,
    PatientKind,
    VisitType,
    VisitTypeLocation,
    VisitTypeProvider,
    WaitlistEntry,
)

STEP = 15  # minutes between candidate starts, as in the engine's VisitRule
HISTORY_DAYS = 548  # about 18 months: the survey history covers the same span
FUTURE_DAYS = 90  # today and the next 89 days
NO_PROCEDURES = ("PA-C", "NP-C")  # physician assistants and nurse practitioners do not do procedures
BATCH = 5_000
WORKING_WEEKDAYS = range(5)  # Monday to Friday

# What every patient brings (a photo ID, the insurance card when insured, a list of medicines) is on the
# confirmation page already, asked of each patient as it applies; a visit's instructions add only its own.
WHAT_TO_BRING = "Please arrive 10 minutes early to check in."


@dataclass(frozen=True)
class DemoVisitType:
    slug: str
    name: str
    duration: int
    weight: int  # how often it is booked, relative to the others
    instructions: str
    buffer_before: int = 0
    buffer_after: int = 0
    max_days_ahead: int = 90
    bookable_online: bool = True
    patient_kind: str = PatientKind.BOTH
    daily_cap: int | None = None
    locations: tuple[int, ...] = ()  # indexes of the practice's locations; () = everywhere
    procedures: bool = False  # only physicians


VISIT_TYPES = (
    DemoVisitType(
        "full-body-skin-check",
        "Full-body skin check",
        30,
        22,
        WHAT_TO_BRING + " Please come without nail polish or makeup so that all of your skin can be seen.",
    ),
    DemoVisitType(
        "new-or-changing-mole",
        "New or changing mole",
        20,
        16,
        WHAT_TO_BRING + " If you have photos that show how the spot has changed, bring them along.",
    ),
    DemoVisitType(
        "acne", "Acne", 20, 13, WHAT_TO_BRING + " Bring the skin-care products you use now, or photos of their labels."
    ),
    DemoVisitType(
        "rash-or-itch",
        "Rash or itch",
        20,
        13,
        WHAT_TO_BRING + " If the rash comes and goes, photos of it at its worst are helpful.",
    ),
    DemoVisitType("follow-up", "Follow-up", 15, 20, WHAT_TO_BRING, patient_kind=PatientKind.RETURNING),
    DemoVisitType(
        "cosmetic-consultation",
        "Cosmetic consultation",
        30,
        6,
        WHAT_TO_BRING + " Cosmetic treatments are usually not covered by insurance; we will go over prices with you.",
        patient_kind=PatientKind.NEW,
        daily_cap=4,
        locations=(0, 1),
    ),
    DemoVisitType(
        "procedure",
        "Procedure",
        45,
        10,
        WHAT_TO_BRING
        + " Wear comfortable clothing, eat as usual, and plan for a ride home if we told you that you would need one."
        + " Please call us to book or change this visit.",
        buffer_before=10,
        buffer_after=10,
        max_days_ahead=120,
        bookable_online=False,
        procedures=True,
        locations=(0, 2),
    ),
)
MIN_NOTICE_MINUTES = 120

CHANNELS = ((BookedVia.ONLINE, 36), (BookedVia.PHONE, 46), (BookedVia.STAFF, 18))
CANCELLATION_REASONS = (
    (CancellationReason.PATIENT_REQUEST, 38),
    (CancellationReason.SCHEDULE_CONFLICT, 30),
    (CancellationReason.PROVIDER_UNAVAILABLE, 8),
    (CancellationReason.WEATHER, 5),
    (CancellationReason.PRACTICE_CLOSED, 2),
    (CancellationReason.DUPLICATE, 5),
    (CancellationReason.OTHER, 12),
)
CANCELLED_SHARE = 0.08
NOSHOW_SHARE = 0.06
RESCHEDULED_SHARE = 0.04


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _weighted(rng: random.Random, items: tuple[tuple[str, int], ...]):
    values = [v for v, _w in items]
    cum = list(accumulate(w for _v, w in items))
    total = cum[-1]
    return lambda: values[bisect(cum, rng.random() * total)]


def _uid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


# --- visit types ----------------------------------------------------------------------------------


def _visit_types(
    practice: Practice, providers: list[Provider], locations: list[Location]
) -> list[tuple[VisitType, DemoVisitType]]:
    made = VisitType.objects.bulk_create(
        [
            VisitType(
                practice=practice,
                name=spec.name,
                slug=spec.slug,
                duration_minutes=spec.duration,
                buffer_before_minutes=spec.buffer_before,
                buffer_after_minutes=spec.buffer_after,
                min_notice_minutes=MIN_NOTICE_MINUTES,
                max_days_ahead=spec.max_days_ahead,
                patient_kind=spec.patient_kind,
                bookable_online=spec.bookable_online,
                daily_cap_per_provider=spec.daily_cap,
                instructions_for_patient=spec.instructions,
            )
            for spec in VISIT_TYPES
        ]
    )
    links_p, links_l = [], []
    for visit_type, spec in zip(made, VISIT_TYPES, strict=True):
        for provider in providers:
            if not (spec.procedures and provider.credentials in NO_PROCEDURES):
                links_p.append(VisitTypeProvider(practice=practice, visit_type=visit_type, provider=provider))
        for index in spec.locations:
            if index < len(locations):
                links_l.append(VisitTypeLocation(practice=practice, visit_type=visit_type, location=locations[index]))
    VisitTypeProvider.objects.bulk_create(links_p)
    VisitTypeLocation.objects.bulk_create(links_l)
    return list(zip(made, VISIT_TYPES, strict=True))


# --- availability ---------------------------------------------------------------------------------


def _hours(location_index: int, weekday: int, *, half_day_friday: bool, late_wednesday: bool):
    """Wall-clock ranges (minutes) a provider works at a location on a weekday."""
    if location_index == 0:  # the main office closes for lunch
        morning, afternoon = (8 * 60, 12 * 60), (13 * 60, 17 * 60)
    else:
        morning, afternoon = (8 * 60 + 30, 12 * 60 + 30), (13 * 60 + 30, 17 * 60 + 30)
        if late_wednesday and weekday == 2:  # the late evening clinic (the location is open until 19:00)
            afternoon = (13 * 60 + 30, 19 * 60)
    if half_day_friday and weekday == 4:
        return [morning]
    return [morning, afternoon]


def _availability(practice: Practice, providers, locations, rng, today, weekdays=WORKING_WEEKDAYS):
    """Templates and exceptions; returns {provider id: (weekly, exceptions)} for the appointment walk."""
    index_of = {loc.pk: i for i, loc in enumerate(locations)}
    first_day = today - timedelta(days=HISTORY_DAYS + 35)
    templates, exceptions = [], []
    weekly: dict[int, dict[int, list[tuple[int, int, int]]]] = {}
    for n, provider in enumerate(providers):
        works_at = sorted(provider.locations.all(), key=lambda loc: loc.pk) or locations[:1]
        half_day_friday, late_wednesday = n % 5 == 4, n % 4 == 2
        days: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for weekday in weekdays:
            # Two locations: Monday, Wednesday and Friday at the first, Tuesday and Thursday at the second.
            location = works_at[weekday % 2] if len(works_at) > 1 else works_at[0]
            for a, b in _hours(
                index_of[location.pk], weekday, half_day_friday=half_day_friday, late_wednesday=late_wednesday
            ):
                days[weekday].append((location.pk, a, b))
                templates.append(
                    AvailabilityTemplate(
                        practice=practice,
                        provider=provider,
                        location=location,
                        weekday=weekday,
                        starts_at=time(a // 60, a % 60),
                        ends_at=time(b // 60, b % 60),
                        effective_from=first_day,
                    )
                )
        weekly[provider.pk] = days

        # Vacations: a week off in the past year for every third provider, and a coming one for some.
        weeks = []
        if n % 3 == 1:
            weeks.append(rng.randrange(-50, -2))
        if n % 6 == 1 or n == len(providers) - 1:
            weeks.append(rng.randrange(3, 11))
        monday = today - timedelta(days=today.weekday())
        for week in weeks:
            for weekday in range(5):
                exceptions.append(
                    AvailabilityException(
                        practice=practice,
                        provider=provider,
                        day=monday + timedelta(weeks=week, days=weekday),
                        kind=ExceptionKind.OFF,
                    )
                )
        if n == 0:  # an afternoon off for an appointment of their own
            day = monday + timedelta(weeks=2, days=3)
            exceptions.append(
                AvailabilityException(
                    practice=practice,
                    provider=provider,
                    day=day,
                    starts_at=time(12),
                    ends_at=time(19),
                    kind=ExceptionKind.OFF,
                )
            )

    # One extra Saturday clinic at the main office (open Saturday mornings), by a physician who works there.
    main = locations[0]
    extra_by = next(
        (p for p in providers if p.credentials not in NO_PROCEDURES and main in p.locations.all()),
        providers[0],
    )
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 14)
    exceptions.append(
        AvailabilityException(
            practice=practice,
            provider=extra_by,
            location=main,
            day=saturday,
            starts_at=time(9),
            ends_at=time(13),
            kind=ExceptionKind.EXTRA,
        )
    )
    AvailabilityTemplate.objects.bulk_create(templates)
    AvailabilityException.objects.bulk_create(exceptions)

    by_provider: dict[int, dict[date, list]] = defaultdict(lambda: defaultdict(list))
    for x in exceptions:
        by_provider[x.provider_id][x.day].append(x)
    return weekly, by_provider


def open_ranges(weekly_day: list[tuple[int, int, int]], day_exceptions) -> list[tuple[int, int, int]]:
    """(location id, start minute, end minute) open on one day, in time order (the engine's rule)."""
    by_location: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for loc, a, b in weekly_day:
        by_location[loc].append((a, b))
    offs = []
    for x in day_exceptions:
        a = _minutes(x.starts_at) if x.starts_at is not None else 0
        b = _minutes(x.ends_at) if x.ends_at is not None else 24 * 60
        if x.kind == ExceptionKind.EXTRA:
            by_location[x.location_id].append((a, b))
        else:
            offs.append((x.location_id, a, b))
    out: list[tuple[int, int, int]] = []
    for loc, ranges in by_location.items():
        merged: list[list[int]] = []
        for a, b in sorted(ranges):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for off_loc, cut_a, cut_b in offs:
            if off_loc is not None and off_loc != loc:
                continue
            kept = []
            for a, b in merged:
                if cut_b <= a or cut_a >= b:
                    kept.append([a, b])
                    continue
                if a < cut_a:
                    kept.append([a, cut_a])
                if cut_b < b:
                    kept.append([cut_b, b])
            merged = kept
        out.extend((loc, a, b) for a, b in merged)
    return sorted(out, key=lambda r: (r[1], r[2]))


# --- appointments -----------------------------------------------------------------------------------


class _History:
    """Lays out one practice's appointments and their journey events, provider-day by provider-day."""

    def __init__(
        self, *, practice: Practice, rng, today, booked_share, visit_types, location_ids, history_days=HISTORY_DAYS
    ):
        self.practice = practice
        self.history_days = history_days
        self.location_ids = location_ids  # {visit type id: location ids it is offered at, empty = all}
        self.rng = rng
        self.tz = ZoneInfo(practice.timezone)
        self.today = today
        self.now = datetime.combine(today, time.min, tzinfo=self.tz).astimezone(UTC)
        self.booked_share = booked_share
        self.visit_types = visit_types
        self.channel = _weighted(rng, CHANNELS)
        self.phone_channel = _weighted(rng, tuple((c, w) for c, w in CHANNELS if c != BookedVia.ONLINE))
        self.reason = _weighted(rng, CANCELLATION_REASONS)
        patients = Patient.objects.filter(practice=practice).order_by("created_at", "pk")
        rows = list(patients.values_list("pk", "created_at"))
        self.patient_ids = [pk for pk, _at in rows]
        self.patient_joined = [at for _pk, at in rows]
        self._offsets: dict[date, timedelta] = {}

    def _utc(self, day: date, minute: int) -> datetime:
        """The instant of a wall-clock minute; clinic hours never touch a daylight-saving change."""
        offset = self._offsets.get(day)
        if offset is None:
            noon_offset = datetime.combine(day, time(12), tzinfo=self.tz).utcoffset()
            assert noon_offset is not None  # an aware datetime always has one
            offset = self._offsets[day] = noon_offset
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute) - offset

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def provider(self, provider, weekly, exceptions) -> tuple[list[Appointment], list[JourneyEvent]]:
        random_ = self.rng.random
        offered = [
            (vt, spec)
            for vt, spec in self.visit_types
            if not (spec.procedures and provider.credentials in NO_PROCEDURES)
        ]
        location_ids = self.location_ids
        appointments: list[Appointment] = []
        events: list[JourneyEvent] = []
        for offset in range(-self.history_days, FUTURE_DAYS):
            day = self.today + timedelta(days=offset)
            day_exceptions = exceptions.get(day, ())
            weekly_day = weekly.get(day.weekday(), ())
            if not weekly_day and not day_exceptions:
                continue
            ranges = open_ranges(weekly_day, day_exceptions)
            if not ranges:
                continue
            share = self.booked_share
            if offset >= 0:  # the near future is fuller than the far future
                share *= 1.15 - 0.3 * offset / FUTURE_DAYS
            capped: dict[int, int] = defaultdict(int)
            blocked_until = -(10**6)  # the previous visit's blocked end, minutes after local midnight
            for loc, a, b in ranges:
                choices = [(vt, spec) for vt, spec in offered if not location_ids[vt.pk] or loc in location_ids[vt.pk]]
                cum = list(accumulate(spec.weight for _vt, spec in choices))
                follow_up = next((c for c in choices if c[1].slug == "follow-up"), None)
                cursor = a
                while cursor < b:
                    vt, spec = choices[bisect(cum, random_() * cum[-1])]
                    if spec.daily_cap is not None and capped[vt.pk] >= spec.daily_cap:
                        assert follow_up is not None  # capped visit types are offered where follow-ups are
                        vt, spec = follow_up
                    start = self._grid(a, max(cursor, blocked_until + spec.buffer_before))
                    if start + spec.duration > b and follow_up is not None:
                        vt, spec = follow_up
                        start = self._grid(a, max(cursor, blocked_until + spec.buffer_before))
                    if start + spec.duration > b:
                        break
                    fill = share + 0.15 if day.weekday() == 0 and start < 12 * 60 else share
                    if random_() >= fill:
                        cursor = start + spec.duration  # left open
                        continue
                    blocked_until = start + spec.duration + spec.buffer_after
                    cursor = start + spec.duration
                    capped[vt.pk] += 1
                    made = self._appointment(provider, loc, vt, spec, day, offset, start)
                    if made is not None:
                        appointments.append(made[0])
                        events.extend(made[1])
        return appointments, events

    @staticmethod
    def _grid(a: int, earliest: int) -> int:
        """The first candidate start at or after ``earliest`` on the grid counted from ``a``."""
        return a + max(0, -(-(earliest - a) // STEP)) * STEP

    def _appointment(self, provider, loc, vt, spec, day, offset, start_minute):
        rng = self.rng
        random_, randrange = rng.random, rng.randrange
        start = self._utc(day, start_minute)
        end = start + timedelta(minutes=spec.duration)
        if offset < 0:
            lead = int(rng.triangular(1, 40, 4))
        else:
            lead = offset + 1 + randrange(max(1, min(40, spec.max_days_ahead - offset - 1)))
        booked_day = day - timedelta(days=lead)
        created = self._utc(booked_day, randrange(8 * 60, 18 * 60))
        joined = bisect(self.patient_joined, created)
        if joined == 0:
            return None
        patient_id = self.patient_ids[randrange(joined)]
        channel = self.channel() if spec.bookable_online else self.phone_channel()
        status, reason, sequence, updated = AppointmentStatus.BOOKED, "", 0, created
        events = [
            JourneyEvent(
                practice=self.practice,
                patient_id=patient_id,
                stage=BY_CODE[_booking_touchpoint(channel)].stage,
                touchpoint=_booking_touchpoint(channel),
                kind="appointment.booked",
                occurred_at=created,
                data={"channel": channel, "lead_days": lead},
            )
        ]
        roll = random_()
        if roll < RESCHEDULED_SHARE:
            updated = created + (start - created) * random_() * 0.5
            events.append(self._change_event(patient_id, "appointment.rescheduled", updated, day))
            sequence = 1
        if offset < 0:
            roll = random_()
            if roll < CANCELLED_SHARE:
                status, reason = AppointmentStatus.CANCELLED, self.reason()
                updated = updated + (start - updated) * random_()
                events.append(self._change_event(patient_id, "appointment.cancelled", updated, day))
                sequence += 1
            elif roll < CANCELLED_SHARE + NOSHOW_SHARE:
                status, updated = AppointmentStatus.NOSHOW, end + timedelta(minutes=30)
            else:
                status, updated = AppointmentStatus.FULFILLED, end + timedelta(minutes=randrange(5, 40))
        appointment = Appointment(
            practice=self.practice,
            patient_id=patient_id,
            provider=provider,
            location_id=loc,
            visit_type=vt,
            start=start,
            end=end,
            blocked_start=start - timedelta(minutes=spec.buffer_before),
            blocked_end=end + timedelta(minutes=spec.buffer_after),
            status=status,
            booked_via=channel,
            cancellation_reason=reason,
            cancelled_at=updated if status == AppointmentStatus.CANCELLED else None,
            sequence=sequence,
            uid=_uid(rng),
            created_at=created,
            updated_at=updated,
        )
        return appointment, events

    def _change_event(self, patient_id, kind, at, day) -> JourneyEvent:
        by_patient = self.rng.random() < 0.55
        touchpoint = "manage-link" if by_patient else "phone-booking"
        return JourneyEvent(
            practice=self.practice,
            patient_id=patient_id,
            stage=BY_CODE[touchpoint].stage,
            touchpoint=touchpoint,
            kind=kind,
            occurred_at=at,
            data={"channel": "patient" if by_patient else "staff", "lead_days": (day - self._local_day(at)).days},
        )


def _booking_touchpoint(channel: str) -> str:
    return "self-scheduling" if channel == BookedVia.ONLINE else "phone-booking"


def build_schedule(
    *,
    practice: Practice,
    seed: int,
    today: date,
    booked_share: float = 0.8,
    weekdays: Sequence[int] = WORKING_WEEKDAYS,
    history_days: int = HISTORY_DAYS,
) -> None:
    """Add the scheduling history to a demo practice (its providers and patients already exist).

    ``weekdays``: the days of the week providers work (Monday 0); the load run's practices work every day,
    so a run on a weekend still has a day of visits to check in. ``history_days``: how far back the
    appointments go (the load run needs only a few weeks)."""
    rng = random.Random(f"scheduling:{seed}:{practice.slug}")
    locations = list(Location.objects.filter(practice=practice).order_by("pk"))
    providers = list(Provider.objects.filter(practice=practice).order_by("pk").prefetch_related("locations"))
    if not providers or not locations:
        return
    visit_types = _visit_types(practice, providers, locations)
    location_ids = {
        vt.pk: frozenset(locations[i].pk for i in spec.locations if i < len(locations)) for vt, spec in visit_types
    }
    weekly, exceptions = _availability(practice, providers, locations, rng, today, weekdays)
    history = _History(
        practice=practice,
        rng=rng,
        today=today,
        booked_share=booked_share,
        visit_types=visit_types,
        location_ids=location_ids,
        history_days=history_days,
    )
    for provider in providers:
        appointments, events = history.provider(provider, weekly[provider.pk], exceptions.get(provider.pk, {}))
        Appointment.objects.bulk_create(appointments, batch_size=BATCH)
        JourneyEvent.objects.bulk_create(events, batch_size=BATCH)
    # bulk_create stamps auto_now fields with today; history was last changed when it happened.
    Appointment.objects.filter(practice=practice).update(updated_at=F("created_at"))
    BookingPolicy.objects.create(practice=practice)
    _waitlist_and_requests(practice, rng, today)


def _waitlist_and_requests(practice: Practice, rng: random.Random, today: date) -> None:
    """A few patients waiting for an earlier time, and one online request the front desk must finish."""
    later = list(
        Appointment.objects.filter(
            practice=practice,
            status=AppointmentStatus.BOOKED,
            start__date__gte=today + timedelta(days=21),
            patient__email__gt="",
        ).order_by("start")[:200]
    )
    picks = rng.sample(later, min(6, len(later)))
    WaitlistEntry.objects.bulk_create(
        [
            WaitlistEntry(
                practice=practice,
                patient_id=appointment.patient_id,
                visit_type_id=appointment.visit_type_id,
                location_id=appointment.location_id if rng.random() < 0.5 else None,
                appointment=appointment,
                earliest_day=today,
                latest_day=_practice_local_day(practice, appointment.start) - timedelta(days=1),
                weekdays=sorted(rng.sample(range(5), rng.randint(2, 5))),
                day_parts=rng.choice((["morning"], ["afternoon"], [], ["morning", "afternoon"])),
            )
            for appointment in picks
        ]
    )
    open_visit = (
        Appointment.objects.filter(practice=practice, start__date__gte=today + timedelta(days=3))
        .select_related("patient")
        .order_by("start")
        .first()
    )
    if open_visit is not None:
        patient = open_visit.patient
        BookingRequest.objects.create(
            practice=practice,
            visit_type_id=open_visit.visit_type_id,
            location_id=open_visit.location_id,
            provider=None,
            start=open_visit.end + timedelta(hours=1),
            # A returning patient who typed a new phone number: the front desk confirms who they are.
            first_name=patient.first_name,
            last_name=patient.last_name,
            date_of_birth=patient.date_of_birth,
            phone="(512) 555-0199",
            email="",
            preferred_language=patient.preferred_language,
        )


def _practice_local_day(practice: Practice, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(practice.timezone)).date()
