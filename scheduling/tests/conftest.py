"""Scheduling fixtures: a visit type offered by the test provider, weekday hours, a fixed "now"."""

from datetime import UTC, date, datetime, time

import pytest

from practices.models import Provider
from scheduling.models import AvailabilityTemplate, VisitType
from scheduling.services.schedule import offer_visit_type

# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
# Tuesday 8 January 2030, 10:00 in Chicago.
TUESDAY_10 = datetime(2030, 1, 8, 16, 0, tzinfo=UTC)


def weekday_hours(practice, provider, location, *, starts_at=time(9), ends_at=time(17)) -> None:
    """Monday to Friday, 09:00-17:00 local, from 2029 on."""
    for weekday in range(5):
        AvailabilityTemplate.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            effective_from=date(2029, 1, 1),
        )


@pytest.fixture
def visit_type(practice, provider, location) -> VisitType:
    visit_type = VisitType.objects.create(
        practice=practice, name="Full-body skin check", slug="skin-check", duration_minutes=30
    )
    offer_visit_type(visit_type=visit_type, providers=[provider], locations=[location])
    weekday_hours(practice, provider, location)
    return visit_type


@pytest.fixture
def make_provider(practice, location, visit_type):
    """Another provider of the test practice who offers the visit type on the same hours."""

    def make(last_name: str = "Park") -> Provider:
        other = Provider.objects.create(practice=practice, first_name="Lee", last_name=last_name)
        other.locations.add(location)
        offer_visit_type(visit_type=visit_type, providers=[other])
        weekday_hours(practice, other, location)
        return other

    return make
