"""The demo practice's scheduling history: real hours, no double booking, bookable times, the same for one seed."""

import hashlib
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from demo import practices as demo
from demo.scheduling import HISTORY_DAYS
from journey.models import JourneyEvent
from practices.models import Practice
from scheduling import engine
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    AvailabilityTemplate,
    BookedVia,
    CancellationReason,
    ExceptionKind,
    VisitType,
    VisitTypeLocation,
    VisitTypeProvider,
)
from scheduling.selectors.slots import rule_for

TODAY = date(2026, 3, 2)  # a Monday; the coming 90 days cross the spring-forward change (8 March)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tiny_size(monkeypatch):
    monkeypatch.setitem(demo.SIZES, "tiny", demo.DemoSize(locations=2, providers=3, patients=300, booked_share=0.3))
    return "tiny"


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _schedule_digest(practice: Practice) -> str:
    """A digest of the schedule by stable values (never primary keys, which differ between databases)."""
    parts = [
        Appointment.objects.filter(practice=practice)
        .order_by("uid")
        .values_list(
            "uid",
            "patient__email",
            "patient__last_name",
            "provider__last_name",
            "location__name",
            "visit_type__slug",
            "start",
            "end",
            "status",
            "booked_via",
            "cancellation_reason",
            "sequence",
            "created_at",
            "updated_at",
        ),
        AvailabilityTemplate.objects.filter(practice=practice)
        .order_by("provider__last_name", "provider__first_name", "weekday", "starts_at")
        .values_list("provider__last_name", "location__name", "weekday", "starts_at", "ends_at", "effective_from"),
        AvailabilityException.objects.filter(practice=practice)
        .order_by("day", "provider__last_name", "starts_at")
        .values_list("provider__last_name", "day", "kind", "starts_at", "ends_at"),
        JourneyEvent.objects.filter(practice=practice, kind__startswith="appointment.")
        .order_by("occurred_at", "kind", "patient__email", "patient__last_name")
        .values_list("kind", "touchpoint", "occurred_at", "data", "patient__email"),
    ]
    digest = hashlib.sha256()
    for rows in parts:
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _digest_on_fresh_database(*, size: str, seed: int) -> str:
    with transaction.atomic():
        assert not Practice.objects.exists() and not get_user_model().objects.exists()
        digest = _schedule_digest(demo.build_demo(size=size, seed=seed, today=TODAY))
        transaction.set_rollback(True)
    return digest


def _assert_no_overlaps(practice: Practice) -> int:
    """No two active appointments of one provider overlap, buffers included (checked in Python)."""
    by_provider = defaultdict(list)
    visit_types = {vt.pk: vt for vt in VisitType.objects.filter(practice=practice)}
    for a in Appointment.objects.filter(practice=practice, status__in=ACTIVE_STATUSES):
        vt = visit_types[a.visit_type_id]
        # blocked_start/blocked_end are what the services would have computed.
        assert a.end - a.start == timedelta(minutes=vt.duration_minutes)
        assert a.blocked_start == a.start - timedelta(minutes=vt.buffer_before_minutes)
        assert a.blocked_end == a.end + timedelta(minutes=vt.buffer_after_minutes)
        by_provider[a.provider_id].append((a.blocked_start, a.blocked_end))
    count = 0
    for ranges in by_provider.values():
        ranges.sort()
        for (_s1, e1), (s2, _e2) in zip(ranges, ranges[1:], strict=False):
            assert s2 >= e1, f"overlap at {s2}"
        count += len(ranges)
    return count


def _assert_future_bookings_are_bookable(practice: Practice) -> int:
    """Every booked appointment is a slot the engine would offer with that appointment left out."""
    tz = ZoneInfo(practice.timezone)
    now = datetime.combine(TODAY, time.min, tzinfo=tz)
    weekly = defaultdict(list)
    for t in AvailabilityTemplate.objects.filter(practice=practice):
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
    exceptions = defaultdict(list)
    for x in AvailabilityException.objects.filter(practice=practice):
        exceptions[(x.provider_id, x.day)].append(
            engine.DayException(
                day=x.day,
                start_minute=_minutes(x.starts_at) if x.starts_at else 0,
                end_minute=_minutes(x.ends_at) if x.ends_at else 1440,
                kind=x.kind,
                location_id=x.location_id,
            )
        )
    locations = defaultdict(set)
    for vt_id, loc_id in VisitTypeLocation.objects.filter(practice=practice).values_list("visit_type", "location"):
        locations[vt_id].add(loc_id)
    offered = set(VisitTypeProvider.objects.filter(practice=practice).values_list("visit_type", "provider"))
    rules = {vt.pk: (vt, rule_for(vt, locations[vt.pk])) for vt in VisitType.objects.filter(practice=practice)}

    by_day = defaultdict(list)
    for a in Appointment.objects.filter(practice=practice, status__in=ACTIVE_STATUSES):
        by_day[(a.provider_id, a.start.astimezone(tz).date())].append(a)
    checked = 0
    for (provider_id, day), appointments in by_day.items():
        for a in appointments:
            vt, rule = rules[a.visit_type_id]
            assert (vt.pk, provider_id) in offered
            others = [b for b in appointments if b.pk != a.pk]
            schedule = engine.ProviderSchedule(
                provider_id=provider_id,
                timezone=practice.timezone,
                weekly=tuple(weekly[provider_id]),
                exceptions=tuple(exceptions[(provider_id, day)]),
                busy=tuple(engine.Busy(b.blocked_start, b.blocked_end) for b in others),
                booked_per_day={day: sum(1 for b in others if b.visit_type_id == vt.pk)},
            )
            assert engine.is_bookable(schedule, rule, now=now, start=a.start, location_id=a.location_id), (
                f"{vt.slug} at {a.start.astimezone(tz)} by provider {provider_id} is not a slot the engine offers"
            )
            checked += 1
    return checked


@pytest.mark.django_db
def test_small_demo_has_a_living_schedule():
    practice = demo.build_demo(size="small", seed=7, today=TODAY)
    tz = ZoneInfo(practice.timezone)
    now = datetime.combine(TODAY, time.min, tzinfo=tz)

    # Visit types of a dermatology practice, with their rules.
    visit_types = {vt.slug: vt for vt in VisitType.objects.filter(practice=practice)}
    assert len(visit_types) == 7
    procedure, cosmetic = visit_types["procedure"], visit_types["cosmetic-consultation"]
    assert not procedure.bookable_online and procedure.buffer_before_minutes == procedure.buffer_after_minutes == 10
    assert procedure.max_days_ahead == 120 and cosmetic.daily_cap_per_provider and cosmetic.bookable_online
    assert all(vt.instructions_for_patient and vt.min_notice_minutes == 120 for vt in visit_types.values())
    procedure_credentials = set(
        VisitTypeProvider.objects.filter(visit_type=procedure).values_list("provider__credentials", flat=True)
    )
    assert procedure_credentials and not procedure_credentials & {"PA-C", "NP-C"}

    # Weekly hours, time off and one extra Saturday clinic.
    assert AvailabilityTemplate.objects.filter(practice=practice).values("provider").distinct().count() == 5
    assert AvailabilityException.objects.filter(practice=practice, kind=ExceptionKind.OFF).exists()
    extra = AvailabilityException.objects.get(practice=practice, kind=ExceptionKind.EXTRA)
    assert extra.day.weekday() == 5

    # A year of history and the coming 90 days.
    appointments = Appointment.objects.filter(practice=practice)
    past, future = appointments.filter(start__lt=now), appointments.filter(start__gte=now)
    statuses = Counter(past.values_list("status", flat=True))
    assert set(statuses) == {AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED}
    total = sum(statuses.values())
    assert 0.04 < statuses[AppointmentStatus.NOSHOW] / total < 0.08
    assert 0.06 < statuses[AppointmentStatus.CANCELLED] / total < 0.10
    assert not past.filter(status=AppointmentStatus.CANCELLED, cancellation_reason="").exists()
    assert set(future.values_list("status", flat=True)) == {AppointmentStatus.BOOKED}
    assert past.earliest("start").start.astimezone(tz).date() >= TODAY - timedelta(days=HISTORY_DAYS)
    assert future.latest("start").start.astimezone(tz).date() < TODAY + timedelta(days=90)
    assert set(appointments.values_list("booked_via", flat=True)) == set(BookedVia.values)
    assert not appointments.filter(visit_type=procedure, booked_via=BookedVia.ONLINE).exists()
    assert set(appointments.values_list("sequence", flat=True)) <= {0, 1, 2}
    assert appointments.values("uid").distinct().count() == appointments.count()
    for a in appointments.order_by("?")[:500]:
        lead = (a.start.astimezone(tz).date() - a.created_at.astimezone(tz).date()).days
        assert a.created_at < now and 1 <= lead <= a.visit_type.max_days_ahead
        assert a.created_at <= a.updated_at

    # Busier on Monday mornings.
    mondays = [a.start.astimezone(tz) for a in future.filter(start__lt=now + timedelta(days=28))]
    monday_morning = sum(1 for s in mondays if s.weekday() == 0 and s.hour < 12)
    thursday_morning = sum(1 for s in mondays if s.weekday() == 3 and s.hour < 12)
    assert monday_morning > thursday_morning

    # Never double-booked, and every booked time is one the engine would offer.
    assert _assert_no_overlaps(practice) == future.count() > 1_000
    assert _assert_future_bookings_are_bookable(practice) == future.count()
    other = Practice.objects.get(slug=demo.SECOND_SLUG)
    _assert_no_overlaps(other)
    _assert_future_bookings_are_bookable(other)

    # Journey events: one booking per appointment, cancellations, and nothing but channel and lead days.
    events = JourneyEvent.objects.filter(practice=practice, kind__startswith="appointment.")
    booked = events.filter(kind="appointment.booked")
    assert booked.count() == appointments.count()
    assert events.filter(kind="appointment.cancelled").count() == statuses[AppointmentStatus.CANCELLED]
    assert set(booked.filter(touchpoint="self-scheduling").values_list("data__channel", flat=True)) == {"online"}
    assert set(booked.filter(touchpoint="phone-booking").values_list("data__channel", flat=True)) == {"phone", "staff"}
    for data in events.values_list("data", flat=True):
        assert set(data) == {"channel", "lead_days"}
        assert isinstance(data["lead_days"], int) and data["lead_days"] >= 0
    reasons = set(appointments.exclude(cancellation_reason="").values_list("cancellation_reason", flat=True))
    assert reasons <= set(CancellationReason.values) and len(reasons) >= 4


@pytest.mark.django_db
def test_same_seed_gives_the_same_schedule(tiny_size):
    first = _digest_on_fresh_database(size=tiny_size, seed=7)
    again = _digest_on_fresh_database(size=tiny_size, seed=7)
    other = _digest_on_fresh_database(size=tiny_size, seed=8)

    assert first == again
    assert other != first


def test_open_ranges_follow_the_engine():
    """The demo's own walk of a day's availability agrees with the engine's rule."""
    from demo.scheduling import open_ranges

    class X:
        def __init__(self, kind, starts_at=None, ends_at=None, location_id=None):
            self.kind, self.starts_at, self.ends_at, self.location_id = kind, starts_at, ends_at, location_id

    weekly = [(1, 480, 720), (1, 780, 1020)]
    assert open_ranges(weekly, []) == [(1, 480, 720), (1, 780, 1020)]
    assert open_ranges(weekly, [X("off")]) == []
    assert open_ranges(weekly, [X("off", time(12), time(19))]) == [(1, 480, 720)]
    assert open_ranges([], [X("extra", time(9), time(13), 2)]) == [(2, 540, 780)]
    assert open_ranges(weekly, [X("extra", time(12), time(13), 1)]) == [(1, 480, 1020)]


@pytest.mark.django_db
def test_it_gives_the_demo_a_waitlist_a_booking_request_and_patient_billing_details():
    from patients.models import Patient
    from scheduling.models import BookingPolicy, BookingRequest, WaitlistEntry, WaitlistStatus

    practice = demo.build_demo(size="small", seed=7, today=TODAY)

    assert BookingPolicy.objects.filter(practice=practice).exists()
    entries = list(WaitlistEntry.objects.filter(practice=practice).select_related("appointment"))
    assert entries, "the demo has patients waiting for an earlier time"
    for entry in entries:
        assert entry.status == WaitlistStatus.ACTIVE
        assert entry.appointment.patient_id == entry.patient_id
        assert entry.earliest_day <= entry.latest_day < entry.appointment.start.date()
    assert BookingRequest.objects.filter(practice=practice, status="open").count() == 1
    patients = Patient.objects.filter(practice=practice)
    assert patients.exclude(coverage="").count() == patients.count()
    assert patients.filter(coverage="insurance").exclude(insurance_carrier="").exists()
    assert patients.filter(coverage="self_pay", insurance_carrier="").exists()
    assert patients.exclude(referral_source="").count() == patients.count()


@pytest.mark.django_db
def test_the_demo_clinician_is_a_provider_with_a_schedule_of_her_own(tiny_size, client):
    practice = demo.build_demo(size=tiny_size, seed=3, today=TODAY)
    clinician = get_user_model().objects.get(email="clinician@demo.touchpoints.test")
    provider = practice.providers.get(user=clinician)
    assert (provider.first_name, provider.last_name) == ("Hannah", "Cole")
    assert AvailabilityTemplate.objects.filter(practice=practice, provider=provider).exists()
    assert Appointment.objects.filter(practice=practice, provider=provider, start__date__gte=TODAY).exists()

    client.force_login(clinician)
    page = client.get(f"/staff/{practice.slug}/schedule/week/?date={TODAY.isoformat()}").content.decode()
    assert f"provider={provider.pk}" in page and "My calendar" in page
    home = client.get(f"/staff/{practice.slug}/").content.decode()
    assert "Welcome, Dr. Cole." in home
