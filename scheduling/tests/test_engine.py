"""The pure slot engine: plain data, no database."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scheduling.engine import (
    Busy,
    DayException,
    ProviderSchedule,
    Slot,
    VisitRule,
    WeeklyRange,
    days_with_openings,
    first_available,
    is_bookable,
    open_slots,
)

CHICAGO = ZoneInfo("America/Chicago")
MON = date(2026, 6, 1)  # a Monday, no DST change nearby
NOW = datetime(2026, 5, 25, 8, 0, tzinfo=CHICAGO)  # the Monday before


def local(day: date, hh: int, mm: int = 0, tz=CHICAGO) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz)


def hm(slots, tz=CHICAGO) -> list[str]:
    return [s.start.astimezone(tz).strftime("%H:%M") for s in slots]


def weekly(start_h, end_h, *, location=1, weekday=0, **kw) -> WeeklyRange:
    return WeeklyRange(location_id=location, weekday=weekday, start_minute=start_h * 60, end_minute=end_h * 60, **kw)


def schedule(*ranges, provider=1, tz="America/Chicago", **kw) -> ProviderSchedule:
    return ProviderSchedule(provider_id=provider, timezone=tz, weekly=tuple(ranges), **kw)


def day_slots(sched, rule, day=MON, now=NOW, **kw):
    return open_slots(sched, rule, now=now, first_day=day, last_day=day, **kw)


# ------------------------------------------------------------------------------------------------
# Unit tests
# ------------------------------------------------------------------------------------------------


def test_a_plain_morning_on_the_step_grid_in_utc():
    slots = day_slots(schedule(weekly(9, 11)), VisitRule(duration=30, step=30))
    assert hm(slots) == ["09:00", "09:30", "10:00", "10:30"]
    assert slots[0] == Slot(
        start=datetime(2026, 6, 1, 14, 0, tzinfo=UTC),
        end=datetime(2026, 6, 1, 14, 30, tzinfo=UTC),
        provider_id=1,
        location_id=1,
    )
    assert all(s.start.utcoffset() == timedelta(0) for s in slots)


def test_a_lunch_break_splits_the_day_and_each_range_has_its_own_grid():
    sched = schedule(
        WeeklyRange(location_id=1, weekday=0, start_minute=9 * 60, end_minute=12 * 60),
        WeeklyRange(location_id=1, weekday=0, start_minute=13 * 60 + 10, end_minute=14 * 60 + 30),
    )
    slots = day_slots(sched, VisitRule(duration=30, step=30))
    assert hm(slots) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "13:10", "13:40"]


def test_touching_ranges_merge_into_one():
    sched = schedule(weekly(9, 10), weekly(10, 11))
    assert hm(day_slots(sched, VisitRule(duration=60, step=30))) == ["09:00", "09:30", "10:00"]


def test_a_visit_longer_than_the_range_is_never_offered():
    assert day_slots(schedule(weekly(9, 10)), VisitRule(duration=90)) == []


def test_other_weekdays_offer_nothing():
    assert day_slots(schedule(weekly(9, 12, weekday=1)), VisitRule(duration=30)) == []


def test_effective_dates_are_inclusive():
    sched = schedule(
        weekly(9, 10, effective_from=date(2026, 6, 8), effective_to=date(2026, 6, 15)),
    )
    rule = VisitRule(duration=60)
    found = open_slots(sched, rule, now=NOW, first_day=date(2026, 6, 1), last_day=date(2026, 6, 30))
    assert [s.start.astimezone(CHICAGO).date() for s in found] == [date(2026, 6, 8), date(2026, 6, 15)]


def test_time_off_removes_part_of_a_day():
    off = DayException(day=MON, start_minute=10 * 60, end_minute=11 * 60, kind="off")
    slots = day_slots(schedule(weekly(9, 12), exceptions=(off,)), VisitRule(duration=30, step=30))
    assert hm(slots) == ["09:00", "09:30", "11:00", "11:30"]


def test_whole_day_off_without_location_applies_to_every_location():
    off = DayException(day=MON, start_minute=0, end_minute=1440, kind="off")
    sched = schedule(weekly(9, 12, location=1), weekly(13, 15, location=2), exceptions=(off,))
    assert day_slots(sched, VisitRule(duration=30)) == []


def test_time_off_at_one_location_leaves_the_other():
    off = DayException(day=MON, start_minute=0, end_minute=1440, kind="off", location_id=1)
    sched = schedule(weekly(9, 10, location=1), weekly(13, 14, location=2), exceptions=(off,))
    slots = day_slots(sched, VisitRule(duration=30, step=30))
    assert [(s.location_id, t) for s, t in zip(slots, hm(slots), strict=True)] == [(2, "13:00"), (2, "13:30")]


def test_an_extra_clinic_adds_a_day_and_extends_another():
    tuesday = MON + timedelta(days=1)
    extras = (
        DayException(day=tuesday, start_minute=8 * 60, end_minute=9 * 60, kind="extra", location_id=3),
        DayException(day=MON, start_minute=11 * 60, end_minute=12 * 60, kind="extra", location_id=1),
    )
    sched = schedule(weekly(10, 11), exceptions=extras)
    rule = VisitRule(duration=60, step=60)
    assert hm(day_slots(sched, rule)) == ["10:00", "11:00"]
    assert [(s.location_id, t) for s, t in zip(day_slots(sched, rule, day=tuesday), ["08:00"], strict=True)] == [
        (3, "08:00")
    ]


def test_an_extra_clinic_needs_a_location():
    bad = DayException(day=MON, start_minute=0, end_minute=60, kind="extra")
    with pytest.raises(ValueError, match="location"):
        day_slots(schedule(weekly(9, 10), exceptions=(bad,)), VisitRule(duration=30))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        day_slots(schedule(weekly(9, 10)), VisitRule(duration=30), now=datetime(2026, 5, 25, 8))


def test_min_notice_counts_from_now():
    now = local(MON, 9, 5)
    slots = day_slots(schedule(weekly(9, 12)), VisitRule(duration=30, step=30, min_notice=60), now=now)
    assert hm(slots) == ["10:30", "11:00", "11:30"]  # 10:05 at the earliest, so 10:30


def test_nothing_in_the_past():
    slots = day_slots(schedule(weekly(9, 12)), VisitRule(duration=30, step=30), now=local(MON, 10, 0))
    assert hm(slots) == ["10:00", "10:30", "11:00", "11:30"]
    assert day_slots(schedule(weekly(9, 12)), VisitRule(duration=30), day=MON - timedelta(days=14)) == []


def test_max_days_ahead_counts_local_days_from_today():
    sched = schedule(*(weekly(9, 10, weekday=d) for d in range(7)))
    # 23:30 on Sunday 31 May in Chicago is already 1 June in UTC: "today" is the local day.
    now = local(date(2026, 5, 31), 23, 30)
    rule = VisitRule(duration=60, max_days_ahead=3)
    found = open_slots(sched, rule, now=now, first_day=date(2026, 5, 1), last_day=date(2026, 7, 1))
    assert [s.start.astimezone(CHICAGO).date() for s in found] == [
        date(2026, 6, 1),
        date(2026, 6, 2),
        date(2026, 6, 3),
    ]


def test_the_daily_cap_closes_the_day():
    rule = VisitRule(duration=30, daily_cap=2)
    assert day_slots(schedule(weekly(9, 10), booked_per_day={MON: 2}), rule) == []
    assert len(day_slots(schedule(weekly(9, 10), booked_per_day={MON: 1}), rule)) == 3
    assert len(day_slots(schedule(weekly(9, 10)), rule)) == 3


def test_location_filters_by_rule_and_by_argument():
    sched = schedule(weekly(9, 10, location=1), weekly(10, 11, location=2), weekly(11, 12, location=3))
    rule = VisitRule(duration=60, location_ids=frozenset({1, 2}))
    assert [s.location_id for s in day_slots(sched, rule)] == [1, 2]
    assert [s.location_id for s in day_slots(sched, rule, location_id=2)] == [2]
    assert day_slots(sched, rule, location_id=3) == []
    assert [s.location_id for s in day_slots(sched, VisitRule(duration=60), location_id=3)] == [3]


def test_buffers_block_neighbours_but_need_not_fit_in_availability():
    busy = (Busy(start=local(MON, 10, 0), end=local(MON, 10, 30)),)
    sched = schedule(weekly(9, 12), busy=busy)
    rule = VisitRule(duration=30, step=15, buffer_before=15, buffer_after=10)
    slots = day_slots(sched, rule)
    # 09:00 opens the day even though its prep time is before opening; a slot must end 10 min before 10:00
    # and start 15 min after 10:30.
    assert hm(slots) == ["09:00", "09:15", "10:45", "11:00", "11:15", "11:30"]


def test_busy_touching_is_not_overlapping_and_busy_in_other_zones_counts():
    busy = (Busy(start=datetime(2026, 6, 1, 15, 0, tzinfo=UTC), end=datetime(2026, 6, 1, 15, 30, tzinfo=UTC)),)
    slots = day_slots(schedule(weekly(9, 12), busy=busy), VisitRule(duration=30, step=30))
    assert hm(slots) == ["09:00", "09:30", "10:30", "11:00", "11:30"]


def test_busy_in_any_order_and_spanning_days_counts_on_every_day_it_covers():
    rule = VisitRule(duration=30, step=30)
    sched = schedule(
        *(weekly(9, 12, weekday=d) for d in range(3)),
        busy=(
            Busy(start=local(MON + timedelta(days=2), 9), end=local(MON + timedelta(days=2), 11)),
            Busy(start=local(MON - timedelta(days=5), 0), end=local(MON + timedelta(days=1), 10)),
            Busy(start=datetime(2026, 6, 1, 3, 0, tzinfo=UTC), end=datetime(2026, 6, 1, 4, 0, tzinfo=UTC)),
        ),
    )
    found = open_slots(sched, rule, now=NOW, first_day=MON, last_day=MON + timedelta(days=2))
    assert [(s.start.astimezone(CHICAGO).day, t) for s, t in zip(found, hm(found), strict=True)] == [
        (2, "10:00"),
        (2, "10:30"),
        (2, "11:00"),
        (2, "11:30"),
        (3, "11:00"),
        (3, "11:30"),
    ]
    assert not is_bookable(sched, rule, now=NOW, start=local(MON + timedelta(days=1), 9, 30), location_id=1)


def test_is_bookable_agrees_with_open_slots():
    busy = (Busy(start=local(MON, 10, 0), end=local(MON, 10, 30)),)
    sched = schedule(weekly(9, 12), busy=busy)
    rule = VisitRule(duration=30, step=30)
    assert is_bookable(sched, rule, now=NOW, start=local(MON, 9, 30), location_id=1)
    assert is_bookable(sched, rule, now=NOW, start=datetime(2026, 6, 1, 14, 30, tzinfo=UTC), location_id=1)
    assert not is_bookable(sched, rule, now=NOW, start=local(MON, 9, 30), location_id=2)  # wrong location
    assert not is_bookable(sched, rule, now=NOW, start=local(MON, 9, 45), location_id=1)  # off the grid
    assert not is_bookable(sched, rule, now=NOW, start=local(MON, 10, 0), location_id=1)  # busy
    assert not is_bookable(sched, rule, now=NOW, start=local(MON, 11, 45), location_id=1)  # runs past 12
    assert not is_bookable(sched, rule, now=local(MON, 9, 31), start=local(MON, 9, 30), location_id=1)
    with_seconds = local(MON, 9, 30) + timedelta(seconds=1)
    assert not is_bookable(sched, rule, now=NOW, start=with_seconds, location_id=1)


def test_first_available_picks_the_earliest_across_providers_and_respects_limit():
    rule = VisitRule(duration=30, step=30)
    a = schedule(weekly(10, 11), provider=7)
    b = schedule(weekly(9, 10), provider=8, busy=(Busy(start=local(MON, 9), end=local(MON, 9, 30)),))
    c = schedule(weekly(9, 10), provider=9)
    args = {"now": NOW, "first_day": MON, "last_day": MON + timedelta(days=30)}
    assert [(s.provider_id, t) for s, t in zip(first_available([a, b, c], rule, **args), ["09:00"], strict=True)] == [
        (9, "09:00")
    ]
    four = first_available([a, b, c], rule, **args, limit=4)
    # ties (09:30) go to the lower provider id
    assert [(s.provider_id, t) for s, t in zip(four, hm(four), strict=True)] == [
        (9, "09:00"),
        (8, "09:30"),
        (9, "09:30"),
        (7, "10:00"),
    ]
    assert first_available([a, b, c], rule, **args, limit=0) == []
    assert first_available([], rule, **args) == []


def test_first_available_looks_past_empty_days_and_across_zones():
    rule = VisitRule(duration=30, step=30)
    chicago = schedule(weekly(9, 10, weekday=2), provider=1)  # Wednesday 14:00 UTC
    tokyo = schedule(weekly(23, 24, weekday=2), provider=2, tz="Asia/Tokyo")  # Wednesday 14:00 UTC too
    found = first_available([chicago, tokyo], rule, now=NOW, first_day=MON, last_day=MON + timedelta(days=9), limit=3)
    assert [(s.provider_id, s.start) for s in found] == [
        (1, datetime(2026, 6, 3, 14, 0, tzinfo=UTC)),
        (2, datetime(2026, 6, 3, 14, 0, tzinfo=UTC)),
        (1, datetime(2026, 6, 3, 14, 30, tzinfo=UTC)),
    ]


def test_days_with_openings():
    rule = VisitRule(duration=60)
    a = schedule(weekly(9, 10, weekday=0), provider=1)
    b = schedule(weekly(9, 10, weekday=2), provider=2, busy=(Busy(start=local(MON, 0), end=local(MON, 23)),))
    full = schedule(weekly(9, 10, weekday=4), provider=3, booked_per_day={MON + timedelta(days=4): 1})
    got = days_with_openings(
        [a, b, full], VisitRule(duration=60, daily_cap=1), now=NOW, first_day=MON, last_day=MON + timedelta(days=7)
    )
    assert got == [MON, MON + timedelta(days=2), MON + timedelta(days=7)]
    assert days_with_openings([], rule, now=NOW, first_day=MON, last_day=MON) == []


# ------------------------------------------------------------------------------------------------
# Property tests
# ------------------------------------------------------------------------------------------------

ZONES = ["UTC", "America/New_York", "Australia/Lord_Howe", "Europe/London", "America/Chicago"]
# Start days near DST changes in those zones (and an ordinary week) so the properties cover them.
BASE_DAYS = [
    date(2026, 3, 6),
    date(2026, 3, 27),
    date(2026, 4, 3),
    date(2026, 6, 1),
    date(2026, 10, 2),
    date(2026, 10, 23),
    date(2026, 10, 30),
]

minutes = st.integers(min_value=0, max_value=1440 // 5).map(lambda m: m * 5)


@st.composite
def minute_range(draw):
    a = draw(minutes)
    b = min(1440, a + draw(st.integers(min_value=0, max_value=12 * 12).map(lambda m: m * 5)))
    return a, b


@st.composite
def scenarios(draw):
    tz = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(BASE_DAYS))
    span = draw(st.integers(min_value=0, max_value=4))
    first_day, last_day = base, base + timedelta(days=span)
    locations = st.integers(min_value=1, max_value=3)
    days = st.integers(min_value=0, max_value=span).map(lambda d: base + timedelta(days=d))
    weekly = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        a, b = draw(minute_range())
        eff_from = draw(st.none() | days)
        eff_to = draw(st.none() | days)
        if eff_from is not None and eff_to is not None and eff_to < eff_from:
            eff_from, eff_to = draw(st.sampled_from([(eff_to, eff_from), (eff_from, eff_to)]))
        weekly.append(
            WeeklyRange(
                location_id=draw(locations),
                # mostly a weekday inside the requested days, so that something is usually open
                weekday=draw(st.integers(min_value=0, max_value=6) | days.map(date.weekday) | days.map(date.weekday)),
                start_minute=a,
                end_minute=b,
                effective_from=eff_from,
                effective_to=eff_to,
            )
        )
    exceptions = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        a, b = draw(minute_range())
        kind = draw(st.sampled_from(["off", "extra"]))
        loc = draw(locations) if kind == "extra" else draw(st.none() | locations)
        exceptions.append(DayException(day=draw(days), start_minute=a, end_minute=b, kind=kind, location_id=loc))
    zone = ZoneInfo(tz)
    window_start = datetime(base.year, base.month, base.day, tzinfo=zone) - timedelta(hours=2)
    offsets = st.integers(min_value=0, max_value=(span + 1) * 24 * 60 + 240)
    busy = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        start = window_start + timedelta(minutes=draw(offsets), seconds=draw(st.sampled_from([0, 0, 0, 30])))
        length = draw(st.integers(min_value=1, max_value=180))
        busy.append(Busy(start=start.astimezone(UTC), end=(start + timedelta(minutes=length)).astimezone(UTC)))
    booked = draw(st.dictionaries(days, st.integers(min_value=0, max_value=3), max_size=3))
    sched = ProviderSchedule(
        provider_id=draw(st.integers(min_value=1, max_value=5)),
        timezone=tz,
        weekly=tuple(weekly),
        exceptions=tuple(exceptions),
        busy=tuple(busy),
        booked_per_day=booked or None,
    )
    rule = VisitRule(
        duration=draw(st.integers(min_value=1, max_value=24).map(lambda m: m * 5)),
        buffer_before=draw(st.sampled_from([0, 0, 5, 10, 15, 30])),
        buffer_after=draw(st.sampled_from([0, 0, 5, 10, 15, 30])),
        min_notice=draw(st.sampled_from([0, 0, 60, 24 * 60])),
        max_days_ahead=draw(st.sampled_from([90, 90, 10, 4, 2, 1, 0])),
        step=draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90])),
        daily_cap=draw(st.none() | st.none() | st.integers(min_value=0, max_value=3)),
        location_ids=draw(st.none() | st.frozensets(locations, min_size=1)),
    )
    now = window_start + timedelta(minutes=draw(st.integers(min_value=-3 * 24 * 60, max_value=(span + 1) * 24 * 60)))
    now = draw(st.sampled_from([window_start - timedelta(days=1), now]))
    location_id = draw(st.sampled_from([None, None, 1, 2, 3]))
    return sched, rule, now.astimezone(UTC), first_day, last_day, location_id


def _open_wall_minutes(sched: ProviderSchedule, day: date, location: int) -> set[int]:
    """Independent oracle: the open wall-clock minutes of one location on one day, minute by minute."""
    open_minutes: set[int] = set()
    for w in sched.weekly:
        if (
            w.location_id == location
            and w.weekday == day.weekday()
            and (w.effective_from is None or w.effective_from <= day)
            and (w.effective_to is None or day <= w.effective_to)
        ):
            open_minutes.update(range(w.start_minute, w.end_minute))
    for x in sched.exceptions:
        if x.day == day and x.kind == "extra" and x.location_id == location:
            open_minutes.update(range(x.start_minute, x.end_minute))
    for x in sched.exceptions:
        if x.day == day and x.kind == "off" and x.location_id in (None, location):
            open_minutes.difference_update(range(x.start_minute, x.end_minute))
    return open_minutes


def _wall_instant(zone: ZoneInfo, day: date, minute: int) -> datetime | None:
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware.astimezone(UTC)


def _real_intervals(sched: ProviderSchedule, day: date, location: int) -> list[tuple[datetime, datetime]]:
    """The oracle's open runs as real-time intervals (fold=0; gap boundaries move to the transition)."""
    zone = ZoneInfo(sched.timezone)
    open_minutes = _open_wall_minutes(sched, day, location)

    def boundary(m):
        while (instant := _wall_instant(zone, day, m)) is None:
            m += 1
        return instant

    runs = []
    m = 0
    while m < 1440:
        if m in open_minutes:
            a = m
            while m in open_minutes:
                m += 1
            runs.append((boundary(a), boundary(m)))
        m += 1
    return runs


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(scenarios())
def test_properties_of_offered_slots(scenario):
    sched, rule, now, first_day, last_day, location_id = scenario
    zone = ZoneInfo(sched.timezone)
    slots = open_slots(sched, rule, now=now, first_day=first_day, last_day=last_day, location_id=location_id)

    assert slots == sorted(slots)
    assert len(set(slots)) == len(slots)
    today = now.astimezone(zone).date()
    intervals = {}
    for s in slots:
        day = s.start.astimezone(zone).date()
        assert s.start.tzinfo == UTC and s.end - s.start == timedelta(minutes=rule.duration)
        assert s.provider_id == sched.provider_id
        # min notice, horizon, the requested days, caps, locations
        assert s.start >= now + timedelta(minutes=rule.min_notice)
        assert first_day <= day <= last_day and day <= today + timedelta(days=rule.max_days_ahead)
        assert rule.daily_cap is None or (sched.booked_per_day or {}).get(day, 0) < rule.daily_cap
        assert rule.location_ids is None or s.location_id in rule.location_ids
        assert location_id is None or s.location_id == location_id
        # (1) never overlaps busy time, buffers included
        lo = s.start - timedelta(minutes=rule.buffer_before)
        hi = s.end + timedelta(minutes=rule.buffer_after)
        assert not any(b.start < hi and b.end > lo for b in sched.busy)
        # (3) the visit lies inside one open range of its location
        if (day, s.location_id) not in intervals:
            intervals[day, s.location_id] = _real_intervals(sched, day, s.location_id)
        assert any(a <= s.start and s.end <= b for a, b in intervals[day, s.location_id])
        # its start is an existing wall-clock time, first occurrence
        wall = s.start.astimezone(zone)
        assert _wall_instant(zone, day, wall.hour * 60 + wall.minute) == s.start
        # (2) offered means bookable
        assert is_bookable(sched, rule, now=now, start=s.start, location_id=s.location_id)

    # (4) with step >= duration, slots at one location never overlap in real time (DST days included)
    if rule.step >= rule.duration:
        by_location: dict[int, list[Slot]] = {}
        for s in slots:
            by_location.setdefault(s.location_id, []).append(s)
        for same in by_location.values():
            for earlier, later in zip(same, same[1:], strict=False):
                assert earlier.end <= later.start


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_a_time_not_offered_is_not_bookable(scenario, data):
    sched, rule, now, first_day, last_day, location_id = scenario
    zone = ZoneInfo(sched.timezone)
    slots = open_slots(sched, rule, now=now, first_day=first_day, last_day=last_day, location_id=location_id)
    offered = {(s.start, s.location_id) for s in slots}
    day_start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=zone).astimezone(UTC)
    span = (last_day - first_day).days + 1
    samples = [(s.start + timedelta(minutes=data.draw(st.sampled_from([-5, 5, 60]))), s.location_id) for s in slots[:5]]
    for _ in range(12):
        start = day_start + timedelta(minutes=5 * data.draw(st.integers(min_value=0, max_value=span * 24 * 12)))
        samples.append((start, data.draw(st.integers(min_value=1, max_value=3))))
    for start, loc in samples:
        if not first_day <= start.astimezone(zone).date() <= last_day:
            continue
        if location_id is not None and loc != location_id:
            continue
        assert is_bookable(sched, rule, now=now, start=start, location_id=loc) == ((start, loc) in offered)


@settings(PROPERTY_SETTINGS, max_examples=75)
@given(st.lists(scenarios(), min_size=1, max_size=3), st.integers(min_value=1, max_value=6))
def test_first_available_and_days_with_openings_agree_with_open_slots(scenarios_, limit):
    sched0, rule, now, first_day, last_day, location_id = scenarios_[0]
    schedules = [s for s, *_ in scenarios_]
    assume(len({s.provider_id for s in schedules}) == len(schedules))
    everything = [
        s
        for sched in schedules
        for s in open_slots(sched, rule, now=now, first_day=first_day, last_day=last_day, location_id=location_id)
    ]
    expected = sorted(everything, key=lambda s: (s.start, s.provider_id, s.location_id))[:limit]
    got = first_available(
        schedules, rule, now=now, first_day=first_day, last_day=last_day, location_id=location_id, limit=limit
    )
    assert got == expected
    days = days_with_openings(schedules, rule, now=now, first_day=first_day, last_day=last_day, location_id=location_id)
    zones = {s.provider_id: ZoneInfo(s.timezone) for s in schedules}
    assert days == sorted({s.start.astimezone(zones[s.provider_id]).date() for s in everything})
