"""Scheduling fixtures: a frozen clock, the booking pages' visit type, another provider, hours around
the real clock for the waitlist pages, and the offer links in the sent mail.

The visit type, practice, patient, provider and location come from the root conftest.py; the fixed
instants (``NOW``, ``TUESDAY_10``) and the rows from tests/factories.py.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from practices.models import Provider
from scheduling.models import Appointment, AvailabilityTemplate, BookedVia, VisitType
from scheduling.services import schedule as schedule_services
from tests import factories
from tests.factories import NOW, TUESDAY_10

OFFER_LINK = re.compile(r"https?://\S+/offer/(\S+)/")


@pytest.fixture
def frozen(monkeypatch) -> datetime:
    """Every "now" in the views and services is NOW: Monday 7 January 2030, 09:00 in Chicago."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def online(visit_type, frozen) -> VisitType:
    """The visit type as the booking pages show it, with instructions for the patient, at NOW."""
    visit_type.instructions_for_patient = "Remove nail polish before the visit."
    visit_type.save()
    return visit_type


@pytest.fixture
def appointment(practice, patient, provider, location, visit_type, frozen) -> Appointment:
    """Booked online at NOW for Thursday 10 January 2030, 10:00 in Chicago: three days ahead, well
    outside the 24-hour cutoff for changes. A test module may define its own ``appointment``."""
    thursday_10 = TUESDAY_10 + timedelta(days=2)
    return factories.book_appointment(
        patient, provider, location, visit_type, start=thursday_10, booked_via=BookedVia.ONLINE, now=NOW
    )


@pytest.fixture
def make_provider(practice, location, visit_type):
    """Another provider of the test practice who offers the visit type on the same hours."""

    def make(last_name: str = "Park") -> Provider:
        other = factories.make_provider(practice, locations=[location], first_name="Lee", last_name=last_name)
        schedule_services.offer_visit_type(visit_type=visit_type, providers=[other])
        factories.make_weekday_hours(other, location)
        return other

    return make


@dataclass
class Live:
    """Times near the real clock: ``start`` is a free 10:00 slot four days ahead (local)."""

    today: date
    start: datetime
    later: datetime  # a free 10:00 slot eight days ahead

    def at(self, days: int, hour: int, minute: int = 0, tz: str = "America/Chicago") -> datetime:
        local = datetime.combine(self.today + timedelta(days=days), time(hour, minute), tzinfo=ZoneInfo(tz))
        return local.astimezone(ZoneInfo("UTC"))


@pytest.fixture
def live(practice, provider, location, visit_type) -> Live:
    """Every day 08:00-18:00 from a week ago to the end of 2028 (the weekday hours start in 2029), for
    the pages and tasks, which use the real clock."""
    tz = ZoneInfo(practice.timezone)
    today = timezone.now().astimezone(tz).date()
    for weekday in range(7):
        AvailabilityTemplate.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=time(8),
            ends_at=time(18),
            effective_from=today - timedelta(days=7),
            effective_to=date(2028, 12, 31),
        )
    made = Live(today=today, start=datetime.now(tz), later=datetime.now(tz))
    made.start = made.at(4, 10)
    made.later = made.at(8, 10)
    return made


@pytest.fixture
def offer_tokens(mailoutbox: list[EmailMessage]):
    """``offer_tokens()``: {recipient: offer token} of the waitlist offer emails sent so far."""

    def tokens() -> dict[str, str]:
        found = {}
        for message in mailoutbox:
            link = OFFER_LINK.search(str(message.body))
            if link:
                found[message.to[0]] = link.group(1)
        return found

    return tokens
