"""Live TNA reads the schedule once for all visit types, and answers exactly as the slot engine did per visit type.

The reference below is the plain way: for each visit type, ``schedules_for`` over the whole booking
horizon, the engine's ``open_slots`` per provider and ``tna.third_next_available``; no windows, no
shared reads.
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights import selectors, tna
from patients.models import Patient
from practices.models import Location, Practice, Provider
from scheduling import engine
from scheduling.models import (
    Appointment,
    AvailabilityException,
    AvailabilityTemplate,
    BookingHold,
    ExceptionKind,
    VisitType,
)
from scheduling.selectors import slots as slot_selectors
from scheduling.services.schedule import offer_visit_type

CHICAGO = ZoneInfo("America/Chicago")
# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
MONDAY = date(2030, 1, 7)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


def hours(
    practice: Practice, provider: Provider, location: Location, weekdays: Iterable[int], start: time, end: time
) -> None:
    for weekday in weekdays:
        AvailabilityTemplate.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=start,
            ends_at=end,
            effective_from=date(2029, 1, 1),
        )


def book(
    practice: Practice,
    patient: Patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    status: str = "booked",
) -> Appointment:
    end = start + timedelta(minutes=visit_type.duration_minutes)
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=end,
        blocked_start=start - timedelta(minutes=visit_type.buffer_before_minutes),
        blocked_end=end + timedelta(minutes=visit_type.buffer_after_minutes),
        status=status,
        booked_via="staff",
    )


def hold(
    practice: Practice,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    expires_at: datetime,
) -> BookingHold:
    end = start + timedelta(minutes=visit_type.duration_minutes)
    return BookingHold.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        expires_at=expires_at,
        token=uuid.uuid4().hex,
    )


def visit_type(
    practice: Practice, name: str, providers: Iterable[Provider], locations: Iterable[Location] = (), **fields: Any
) -> VisitType:
    fields.setdefault("duration_minutes", 30)
    made = VisitType.objects.create(practice=practice, name=name, slug=name.lower().replace(" ", "-"), **fields)
    offer_visit_type(visit_type=made, providers=providers, locations=locations)
    return made


@pytest.fixture
def clinic(practice, location, provider, patient):
    """Two locations, three active providers and a retired one, six visit types, bookings, holds, a closure."""
    north = Location.objects.create(practice=practice, name="North", timezone="America/Chicago")
    cole = provider
    park = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    diaz = Provider.objects.create(practice=practice, first_name="Ana", last_name="Diaz")
    gone = Provider.objects.create(practice=practice, first_name="Old", last_name="Gone", is_active=False)

    hours(practice, cole, location, range(5), time(9), time(12))
    hours(practice, park, north, (0, 1), time(9), time(17))
    hours(practice, park, north, (0,), time(17), time(19))  # late Mondays, never booked
    hours(practice, park, location, (3,), time(13), time(15))
    hours(practice, diaz, location, (0, 2), time(9), time(10))
    hours(practice, gone, location, range(5), time(9), time(17))

    skin = visit_type(practice, "Skin check", [cole, park, diaz, gone])
    procedure = visit_type(practice, "Procedure", [diaz], duration_minutes=60, buffer_before_minutes=10)
    cosmetic = visit_type(practice, "Cosmetic", [cole, park], daily_cap_per_provider=1)
    quick = visit_type(practice, "Quick", [cole], duration_minutes=15, max_days_ahead=10, min_notice_minutes=120)
    visit_type(practice, "North only", [park, diaz], [north], buffer_after_minutes=15)
    retired_only = visit_type(practice, "Retired only", [gone])

    # The practice closes the week of 14 January: every provider off all day.
    for day in range(14, 19):
        for someone in (cole, park, diaz, gone):
            AvailabilityException.objects.create(
                practice=practice, provider=someone, day=date(2030, 1, day), kind=ExceptionKind.OFF
            )
    # Cole takes Tuesday 22 January morning off; Diaz runs an extra Saturday clinic up north.
    AvailabilityException.objects.create(
        practice=practice,
        provider=cole,
        day=date(2030, 1, 22),
        kind=ExceptionKind.OFF,
        starts_at=time(9),
        ends_at=time(11),
    )
    AvailabilityException.objects.create(
        practice=practice,
        provider=diaz,
        location=north,
        day=date(2030, 2, 9),
        kind=ExceptionKind.EXTRA,
        starts_at=time(9),
        ends_at=time(12),
    )

    # Cole is fully booked Monday to Thursday of the first week (one cancellation frees Wednesday 10:00).
    for offset in range(4):
        for minute in range(0, 180, 30):
            start = local(MONDAY + timedelta(days=offset), 9) + timedelta(minutes=minute)
            status = "cancelled" if (offset, minute) == (2, 60) else "booked"
            book(practice, patient, cole, location, skin, start, status)
    # Park's Mondays and Tuesdays up north are full for three weeks, but for Tuesday 29 January.
    for day in (7, 8, 21, 22, 28):
        for minute in range(0, 480, 30):
            book(practice, patient, park, north, cosmetic, local(date(2030, 1, day), 9) + timedelta(minutes=minute))
    # Diaz's procedures: Monday 7th held (and one expired hold), the next ones booked until February.
    hold(practice, diaz, location, procedure, local(MONDAY, 9), expires_at=NOW + timedelta(minutes=10))
    hold(practice, diaz, location, procedure, local(date(2030, 1, 9), 9), expires_at=NOW - timedelta(minutes=1))
    for day in (date(2030, 1, 21), date(2030, 1, 23), date(2030, 1, 28), date(2030, 1, 30)):
        book(practice, patient, diaz, location, procedure, local(day, 9))
    book(practice, patient, cole, location, quick, local(date(2030, 1, 11), 9), status="arrived")
    return {
        "north": north,
        "location": location,
        "people": (cole, park, diaz, gone),
        "types": (skin, quick, retired_only),
    }


def reference(
    practice: Practice,
    now: datetime,
    *,
    visit_type_id: int | None = None,
    provider_id: int | None = None,
    location_id: int | None = None,
) -> dict[tuple[int, int | None], int | None]:
    """(visit type id, provider id or None) -> days, the engine asked once per visit type over its horizon."""
    today = practice.local_date(now)
    out: dict[tuple[int, int | None], int | None] = {}
    for vt in slot_selectors.visit_types(practice).order_by("name"):
        if visit_type_id is not None and vt.pk != visit_type_id:
            continue
        horizon = today + timedelta(days=vt.max_days_ahead)
        rule = slot_selectors.visit_rule(vt)
        gap = timedelta(minutes=vt.buffer_before_minutes + vt.buffer_after_minutes)
        per_provider = {
            schedule.provider_id: engine.open_slots(
                schedule, rule, now=now, first_day=today, last_day=horizon, location_id=location_id
            )
            for schedule in slot_selectors.schedules_for(practice, vt, first_day=today, last_day=horizon, now=now)
            if provider_id is None or schedule.provider_id == provider_id
        }

        def days(slots, gap=gap):
            open_slots = [tna.OpenSlot(start=s.start, end=s.end, resource=s.provider_id) for s in slots]
            return tna.third_next_available(open_slots, now=now, zone=practice.timezone, gap=gap)

        if provider_id is None:
            out[vt.pk, None] = days([s for slots in per_provider.values() for s in slots])
        out.update({(vt.pk, pid): days(slots) for pid, slots in per_provider.items()})
    return out


def live(practice: Practice, now: datetime, **filters: int | None) -> dict[tuple[int, int | None], int | None]:
    rows = selectors.live_third_next_available(practice=practice, now=now, **filters)
    result = {(row.visit_type.pk, row.provider.pk if row.provider else None): row.days for row in rows}
    assert len(result) == len(rows)
    return result


@pytest.mark.django_db
def test_live_tna_equals_the_engine_asked_visit_type_by_visit_type(practice, clinic):
    north, downtown = clinic["north"], clinic["location"]
    cole, park, diaz, gone = clinic["people"]
    skin, quick, retired_only = clinic["types"]
    nows = [NOW, NOW + timedelta(hours=3), NOW + timedelta(days=2, hours=5), NOW + timedelta(days=8)]
    filters = [
        {},
        {"location_id": north.pk},
        {"location_id": downtown.pk},
        *({"provider_id": p.pk} for p in (cole, park, diaz, gone)),
        {"visit_type_id": skin.pk},
        {"visit_type_id": quick.pk, "location_id": downtown.pk},
        {"provider_id": park.pk, "location_id": north.pk},
    ]
    values = set()
    for now in nows:
        for f in filters:
            expected = reference(practice, now, **f)
            assert live(practice, now, **f) == expected, (now, f)
            values.update(expected.values())
    # The data reaches every window of the search: today, the first week, the next three, beyond, and none.
    assert None in values
    assert 0 in values
    assert any(v is not None and 7 <= v < 28 for v in values)
    assert any(v is not None and v >= 28 for v in values)
    # Retired providers never appear; a visit type only they offer still has its any-provider row.
    assert all(pid != gone.pk for _vt, pid in live(practice, NOW))
    assert live(practice, NOW)[retired_only.pk, None] is None


@pytest.mark.django_db
def test_the_shared_calendar_gives_the_slots_of_open_slots_for(practice, clinic):
    today = practice.local_date(NOW)
    types = list(slot_selectors.visit_types(practice))
    calendar = slot_selectors.practice_calendar(
        practice, types, first_day=today, last_day=today + timedelta(days=40), now=NOW
    )
    for vt in types:
        for first, last in ((0, 6), (7, 27), (3, 40)):
            for location_id in (None, clinic["north"].pk):
                days = {"first_day": today + timedelta(days=first), "last_day": today + timedelta(days=last)}
                expected = slot_selectors.open_slots_for(practice, vt, now=NOW, location_id=location_id, **days)
                assert calendar.open_slots(vt, location_id=location_id, **days) == expected
    # Days it has not read are refused rather than answered from partial data.
    with pytest.raises(ValueError):
        calendar.open_slots(types[0], first_day=today, last_day=today + timedelta(days=41))


@pytest.mark.django_db
def test_the_shared_calendar_reads_only_its_practice(practice, other_practice, clinic):
    skin = clinic["types"][0]
    today = practice.local_date(NOW)
    calendar = slot_selectors.practice_calendar(other_practice, [skin], first_day=today, last_day=today, now=NOW)
    assert calendar.busy == {} and calendar.weekly == {}
    with pytest.raises(ValueError):
        calendar.schedules(skin)


def _practice_with_visit_types(
    make_practice: Callable[..., Practice], make_patient: Callable[..., Patient], count: int
) -> Practice:
    """A practice with one provider (09:00-10:00 on weekdays, four weeks booked) and ``count`` visit types."""
    practice = make_practice()
    location = Location.objects.create(practice=practice, name="Main", timezone="America/Chicago")
    provider = Provider.objects.create(practice=practice, first_name="Sam", last_name="Reyes")
    patient = make_patient(practice)
    hours(practice, provider, location, range(5), time(9), time(10))
    types = [
        visit_type(practice, f"Type {n}", [provider], daily_cap_per_provider=2 if n % 2 else None) for n in range(count)
    ]
    # The first four weeks are booked, so every visit type searches all three windows (the third
    # opening is Wednesday 6 February, 30 days on).
    for offset in range(29):
        day = MONDAY + timedelta(days=offset)
        if day.weekday() < 5:
            book(practice, patient, provider, location, types[0], local(day, 9))
            book(practice, patient, provider, location, types[0], local(day, 9, 30))
    return practice


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_visit_types(make_practice, make_patient):
    counted = {}
    for count in (2, 6):
        practice = _practice_with_visit_types(make_practice, make_patient, count)
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.live_third_next_available(practice=practice, now=NOW)
        assert len(rows) == 2 * count  # any provider and the one provider, per visit type
        assert {row.days for row in rows} == {30}  # the third window was read
        counted[count] = len(queries)
    assert counted[6] == counted[2]
    # Visit types, providers, offers (providers and locations); then per window: providers, hours,
    # exceptions, busy appointments, holds and one count for the daily caps.
    assert counted[2] == 4 + 3 * 6
