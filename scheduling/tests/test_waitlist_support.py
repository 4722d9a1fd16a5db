"""Shared helpers for the waitlist tests (no tests here): times near today, entries, offers, mail.

The fixed ``NOW`` of conftest.py suits calls that take ``now=``; pages and tasks use the real clock,
so ``live`` gives the test provider hours around today and a free time a few days ahead.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from scheduling.models import Appointment, AvailabilityTemplate, BookedVia, WaitlistEntry
from scheduling.services import waitlist as waitlist_services
from scheduling.services.booking import book_appointment

OFFER_LINK = re.compile(r"https?://\S+/offer/(\S+)/")


def join(practice, patient, visit_type, *, now: datetime, **wishes) -> WaitlistEntry:
    """Put ``patient`` on the waitlist for the visit type, any day and time for 30 days, unless told."""
    today = now.astimezone(ZoneInfo(practice.timezone)).date()
    args = {
        "practice": practice,
        "patient": patient,
        "visit_type": visit_type,
        "earliest_day": today,
        "latest_day": today + timedelta(days=30),
        "now": now,
    }
    return waitlist_services.join_waitlist(**{**args, **wishes})


def offer_tokens(mailbox) -> dict[str, str]:
    """{recipient: offer token} of the offer emails in the mailbox."""
    tokens = {}
    for message in mailbox:
        found = OFFER_LINK.search(message.body)
        if found:
            tokens[message.to[0]] = found.group(1)
    return tokens


@dataclass
class Live:
    """Times near the real clock: ``start`` is a free 10:00 slot four days ahead (local)."""

    today: date
    start: datetime
    later: datetime  # a free 10:00 slot eight days ahead

    def at(self, days: int, hour: int, minute: int = 0, tz: str = "America/Chicago") -> datetime:
        local = datetime.combine(self.today + timedelta(days=days), time(hour, minute), tzinfo=ZoneInfo(tz))
        return local.astimezone(ZoneInfo("UTC"))


@pytest.fixture(name="live")
def live_fixture(practice, provider, location, visit_type) -> Live:
    """Every day 08:00-18:00 from a week ago to the end of 2028 (the conftest hours start in 2029)."""
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


def book(practice, patient, provider, location, visit_type, start, now=None) -> Appointment:
    return book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        booked_via=BookedVia.STAFF,
        now=now,
    )
