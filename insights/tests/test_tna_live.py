"""TNA from the real slot engine, and the daily record of it."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from insights import selectors, services
from insights.models import ThirdNextAvailable
from patients.models import Patient
from practices.models import Location, Practice, Provider
from scheduling.models import Appointment, AvailabilityTemplate, VisitType
from scheduling.services.schedule import offer_visit_type

CHICAGO = ZoneInfo("America/Chicago")
# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


def hours(practice: Practice, provider: Provider, location: Location, *, until: time = time(10)) -> None:
    """Monday to Friday from 09:00 (local) until ``until``."""
    for weekday in range(5):
        AvailabilityTemplate.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=time(9),
            ends_at=until,
            effective_from=date(2029, 1, 1),
        )


@pytest.fixture
def visit_type(practice: Practice, provider: Provider, location: Location) -> VisitType:
    """30-minute visits; the provider works 09:00-10:00 on weekdays: two appointments a day."""
    visit_type = VisitType.objects.create(practice=practice, name="Skin check", slug="skin-check", duration_minutes=30)
    offer_visit_type(visit_type=visit_type, providers=[provider], locations=[location])
    hours(practice, provider, location)
    return visit_type


def book(
    practice: Practice,
    patient: Patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    day: date,
    hour: int,
    minute: int,
) -> Appointment:
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)
    end = start + timedelta(minutes=visit_type.duration_minutes)
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        booked_via="staff",
    )


def tna_of(practice: Practice, now: datetime = NOW, **filters: int | None) -> dict[tuple[str, str | None], int | None]:
    rows = selectors.live_third_next_available(practice=practice, now=now, **filters)
    return {(row.visit_type.slug, row.provider.last_name if row.provider else None): row.days for row in rows}


@pytest.mark.django_db
def test_it_finds_the_day_of_the_third_open_appointment(practice, visit_type):
    # Monday 09:00 and 09:30 are open (the engine also shows 09:15, which overlaps both), then Tuesday 09:00.
    assert tna_of(practice) == {("skin-check", None): 1, ("skin-check", "Cole"): 1}


@pytest.mark.django_db
def test_it_skips_booked_time_and_counts_the_weekend_as_calendar_days(
    practice, visit_type, provider, location, patient
):
    monday = date(2030, 1, 7)
    for offset in range(4):  # Monday to Thursday fully booked
        for minute in (0, 30):
            book(practice, patient, provider, location, visit_type, monday + timedelta(days=offset), 9, minute)
    # Open: Friday 09:00, Friday 09:30, then Monday 14 January 09:00: 7 days.
    assert tna_of(practice)[("skin-check", None)] == 7
    # A cancelled appointment frees its time again.
    Appointment.objects.filter(start=datetime(2030, 1, 8, 15, 30, tzinfo=UTC)).update(status="cancelled")
    assert tna_of(practice)[("skin-check", None)] == 4


@pytest.mark.django_db
def test_it_gives_each_provider_and_any_provider(practice, visit_type, location):
    other = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    offer_visit_type(visit_type=visit_type, providers=[other])
    hours(practice, other, location, until=time(17))
    assert tna_of(practice) == {("skin-check", None): 0, ("skin-check", "Cole"): 1, ("skin-check", "Park"): 0}
    assert tna_of(practice, provider_id=other.pk) == {("skin-check", "Park"): 0}


@pytest.mark.django_db
def test_it_says_none_when_fewer_than_three_fall_within_the_booking_horizon(practice, visit_type):
    VisitType.objects.filter(pk=visit_type.pk).update(max_days_ahead=1)
    # Monday and Tuesday are bookable (today and one day ahead) but Tuesday's two appointments make
    # four in all, so shrink the day to one appointment: the horizon then holds two.
    AvailabilityTemplate.objects.filter(practice=practice).update(ends_at=time(9, 30))
    assert tna_of(practice) == {("skin-check", None): None, ("skin-check", "Cole"): None}


@pytest.mark.django_db
def test_it_does_not_read_another_practice(practice, other_practice, visit_type):
    assert selectors.live_third_next_available(practice=other_practice, now=NOW) == []
    assert tna_of(practice, visit_type_id=visit_type.pk) == {("skin-check", None): 1, ("skin-check", "Cole"): 1}


@pytest.mark.django_db
def test_it_records_one_row_per_day_and_replaces_it_on_a_second_run(practice, visit_type, provider, location, patient):
    assert services.record_third_next_available(practice=practice, now=NOW) == 2
    book(practice, patient, provider, location, visit_type, date(2030, 1, 8), 9, 0)
    later_today = NOW + timedelta(hours=1)  # 10:00: Monday's slots are past; Tuesday 09:30, Wednesday x2
    assert services.record_third_next_available(practice=practice, now=later_today) == 2
    rows = ThirdNextAvailable.objects.filter(practice=practice)
    assert {r.provider_id: (r.day, r.days, r.measured_at) for r in rows} == {
        None: (date(2030, 1, 7), 2, later_today),
        provider.pk: (date(2030, 1, 7), 2, later_today),
    }
    assert rows.count() == 2
    services.record_third_next_available(practice=practice, now=NOW + timedelta(days=1))
    assert ThirdNextAvailable.objects.filter(practice=practice, day=date(2030, 1, 8)).count() == 2
    assert ThirdNextAvailable.objects.filter(practice=practice).count() == 4


@pytest.mark.django_db
def test_it_records_each_practice_once_a_day_from_the_morning(practice, other_practice, visit_type):
    early = datetime(2030, 1, 7, 11, 0, tzinfo=UTC)  # 05:00 in Chicago
    assert services.record_due_third_next_available(now=early) == 0
    assert not ThirdNextAvailable.objects.exists()
    assert services.record_due_third_next_available(now=NOW) == 1  # the other practice offers no visit types
    assert ThirdNextAvailable.objects.filter(practice=practice, day=date(2030, 1, 7)).count() == 2
    assert services.record_due_third_next_available(now=NOW + timedelta(hours=1)) == 0
