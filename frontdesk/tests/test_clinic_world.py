"""The second world (benchmarks/clinic_world.py): deterministic, internally consistent clinic days with
the target shares, and written into a practice through the product's services with the world's times."""

from datetime import timedelta

import pytest
from django.db import connection

from benchmarks.clinic_world import PROFILES, WorldDay, generate
from benchmarks.clinic_world_db import write_through_services
from frontdesk.models import FlowStatus, Visit
from messaging.models import RunningLate
from practices.models import Provider
from scheduling.models import Appointment


@pytest.fixture(scope="module")
def worlds() -> dict[str, list[WorldDay]]:
    return {profile: generate(seed=1, profile=profile) for profile in PROFILES}


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def test_generate_is_deterministic_per_seed_and_differs_across_seeds():
    first = generate(seed=7, weeks=2, providers=3)
    assert first == generate(seed=7, weeks=2, providers=3)
    assert first != generate(seed=8, weeks=2, providers=3)


def test_days_are_weekdays_sorted_by_day_and_provider(worlds):
    days = worlds["two_rooms"]
    assert len(days) == 10 * 5 * 5
    assert all(d.day.weekday() < 5 for d in days)
    assert [(d.day, int(d.provider[1:])) for d in days] == sorted((d.day, int(d.provider[1:])) for d in days)
    for d in days:
        assert [v.scheduled for v in d.visits] == sorted(v.scheduled for v in d.visits)
        assert [m.marked_at for m in d.marks] == sorted(m.marked_at for m in d.marks)


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="profile"):
        generate(seed=1, profile="nope")


@pytest.mark.parametrize("profile", PROFILES)
def test_every_day_is_consistent(worlds, profile):
    for d in worlds[profile]:
        for v in d.visits:
            assert v.scheduled.tzinfo is not None and v.ends > v.scheduled
            assert v.kind in ("booked", "walk_in", "add_on")
            assert v.booked <= v.scheduled
            if v.kind == "booked":
                assert v.booked.date() < d.day
            else:
                assert v.booked.date() == d.day
            if v.kind == "walk_in":
                assert v.arrived is not None and abs(v.booked - v.arrived) <= timedelta(minutes=1)
            if v.arrived is None:
                assert v.roomed is v.with_provider is v.done is None
            else:
                assert v.roomed is not None and v.with_provider is not None and v.done is not None
                assert v.arrived <= v.roomed <= v.with_provider <= v.done
        seen = [v for v in d.visits if v.done is not None]
        # At no moment more patients in rooms than rooms; the provider with one patient at a time.
        changes = sorted([(v.roomed, 1) for v in seen] + [(v.done, -1) for v in seen], key=lambda c: (c[0], c[1]))
        in_rooms = 0
        for _at, change in changes:
            in_rooms += change
            assert in_rooms <= d.rooms
        with_provider = sorted((v.with_provider, v.done) for v in seen)
        for (_start, end), (next_start, _end) in zip(with_provider, with_provider[1:], strict=False):
            assert end <= next_start
        for mark in d.marks:
            assert 5 <= mark.minutes <= 240 and mark.minutes % 5 == 0
            assert any(
                v.arrived is not None
                and v.arrived <= mark.marked_at
                and _minutes(mark.marked_at - v.scheduled) >= 15
                and (v.with_provider is None or v.with_provider > mark.marked_at)
                for v in d.visits
            )


@pytest.mark.parametrize("profile", PROFILES)
def test_target_shares(worlds, profile):
    days = worlds[profile]
    visits = [v for d in days for v in d.visits]
    early = sum(1 for v in visits if v.arrived and _minutes(v.scheduled - v.arrived) >= 3) / len(visits)
    late = sum(1 for v in visits if v.arrived and _minutes(v.arrived - v.scheduled) >= 5) / len(visits)
    no_show = sum(1 for v in visits if v.arrived is None) / len(visits)
    assert 0.72 <= early <= 0.84
    assert 0.07 <= late <= 0.13
    assert 0.04 <= no_show <= 0.10
    assert any(v.kind == "walk_in" for v in visits) and any(v.kind == "add_on" for v in visits)
    late_days = sum(d.late_day for d in days) / len(days)
    assert 0.02 <= late_days <= 0.2
    assert sum(len(d.marks) for d in days) > 0


def test_profiles_behave_differently(worlds):
    def median_wait(profile: str, first: str, second: str) -> float:
        waits = sorted(
            _minutes(getattr(v, second) - getattr(v, first)) for d in worlds[profile] for v in d.visits if v.done
        )
        return waits[len(waits) // 2]

    # One room: the wait is in the waiting room; two rooms: much of it in the exam room; calm: little of either.
    assert median_wait("one_room_busy", "arrived", "roomed") > 2 * median_wait("two_rooms", "arrived", "roomed")
    assert median_wait("one_room_busy", "roomed", "with_provider") < median_wait("two_rooms", "roomed", "with_provider")
    assert median_wait("calm_big", "scheduled", "with_provider") < median_wait(
        "two_rooms", "scheduled", "with_provider"
    )
    assert {d.rooms for d in worlds["one_room_busy"]} == {1}
    assert {d.rooms for d in worlds["calm_big"]} == {3}


@pytest.mark.parametrize("double_booking", [False, True])
def test_write_through_services_keeps_the_world_times(practice, two_provider_clinic, double_booking):
    days = generate(seed=3, weeks=1, providers=2, double_booking=double_booking)
    if double_booking:  # make sure the direct path is exercised
        assert any(a.scheduled == b.scheduled for d in days for a, b in zip(d.visits, d.visits[1:], strict=False))

    if double_booking and connection.vendor == "postgresql":
        # PostgreSQL's no-overlap constraint refuses double-booked worlds: the writer says what to do.
        with pytest.raises(ValueError, match="double_booking=False"):
            write_through_services(practice, days)
        return

    report = write_through_services(practice, days)

    providers = list(Provider.objects.filter(practice=practice).order_by("pk"))
    assert (
        report.appointments == sum(len(d.visits) for d in days) == Appointment.objects.filter(practice=practice).count()
    )
    assert report.booked_through_service > 0
    if not double_booking:
        assert report.written_directly == 0
    for d in days:
        for index, v in enumerate(d.visits):
            appointment = Appointment.objects.get(pk=report.appointment_ids[(d.provider, d.day, index)])
            assert appointment.provider == providers[int(d.provider[1:]) - 1]
            assert (appointment.start, appointment.end, appointment.created_at) == (v.scheduled, v.ends, v.booked)
            visit = Visit.objects.get(appointment=appointment)
            if v.arrived is None:
                assert visit.status == FlowStatus.NO_SHOW
                assert visit.arrived_at is visit.roomed_at is visit.with_provider_at is visit.done_at is None
            else:
                assert visit.status == FlowStatus.DONE
                assert (visit.arrived_at, visit.roomed_at, visit.with_provider_at, visit.done_at) == (
                    v.arrived,
                    v.roomed,
                    v.with_provider,
                    v.done,
                )
        marks = RunningLate.objects.filter(practice=practice, provider=providers[int(d.provider[1:]) - 1], day=d.day)
        assert sorted((m.marked_at, m.minutes) for m in marks) == [(m.marked_at, m.minutes) for m in d.marks]
    assert report.marks == sum(len(d.marks) for d in days) > 0
