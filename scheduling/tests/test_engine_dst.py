"""The slot engine on daylight-saving days: exact UTC starts, no overlaps, the expected slot counts.

Semantics under test (see the engine's docstring): a wall-clock start that does not exist is never
offered; an ambiguous one is its first occurrence (fold=0); durations are real elapsed time; a range
boundary inside the gap is the transition instant; candidates of one range are at least `step` real
minutes apart.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.engine import (
    Busy,
    ProviderSchedule,
    VisitRule,
    WeeklyRange,
    days_with_openings,
    is_bookable,
    open_slots,
)

NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
SUNDAY = 6

NY_SPRING = date(2026, 3, 8)  # 02:00 EST -> 03:00 EDT (07:00 UTC)
NY_FALL = date(2026, 11, 1)  # 02:00 EDT -> 01:00 EST (06:00 UTC)
LH_BACK = date(2026, 4, 5)  # 02:00 +11:00 -> 01:30 +10:30 (15:00 UTC the day before)
LH_FORWARD = date(2026, 10, 4)  # 02:00 +10:30 -> 02:30 +11:00 (15:30 UTC the day before)


def sunday_schedule(tz: str, start: str, end: str, **kw) -> ProviderSchedule:
    def minute(text: str) -> int:
        h, m = text.split(":")
        return int(h) * 60 + int(m)

    rng = WeeklyRange(location_id=1, weekday=SUNDAY, start_minute=minute(start), end_minute=minute(end))
    return ProviderSchedule(provider_id=1, timezone=tz, weekly=(rng,), **kw)


def slots_on(sched, rule, day):
    now = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=10)
    return open_slots(sched, rule, now=now, first_day=day, last_day=day)


def utc(day: date, *times: str) -> list[datetime]:
    out = []
    for text in times:
        h, m = text.split(":")
        out.append(datetime(day.year, day.month, day.day, int(h), int(m), tzinfo=UTC))
    return out


def assert_no_overlap(slots):
    for earlier, later in zip(slots, slots[1:], strict=False):
        assert earlier.end <= later.start


def test_sanity_of_the_zone_data():
    assert datetime(2026, 3, 8, 3, 0, tzinfo=NEW_YORK).astimezone(UTC) == utc(NY_SPRING, "07:00")[0]
    assert datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=NEW_YORK).astimezone(UTC) == utc(NY_FALL, "06:00")[0]
    assert datetime(2026, 4, 5, 1, 30, fold=1, tzinfo=LORD_HOWE).utcoffset() == timedelta(hours=10, minutes=30)
    assert datetime(2026, 10, 4, 2, 30, tzinfo=LORD_HOWE).utcoffset() == timedelta(hours=11)


# ------------------------------------------------------------------------------------------------
# America/New_York
# ------------------------------------------------------------------------------------------------

NIGHT = sunday_schedule("America/New_York", "01:00", "04:00")
HALF_HOUR = VisitRule(duration=30, step=15)


def test_new_york_normal_sundays_have_eleven_slots():
    for day in (date(2026, 3, 1), date(2026, 11, 8)):  # EST both: 01:00 EST = 06:00 UTC
        slots = slots_on(NIGHT, HALF_HOUR, day)
        assert [s.start for s in slots] == [utc(day, "06:00")[0] + timedelta(minutes=15 * i) for i in range(11)]


def test_new_york_spring_forward_skips_the_missing_hour():
    slots = slots_on(NIGHT, HALF_HOUR, NY_SPRING)
    # 02:00, 02:15, 02:30, 02:45 do not exist: 4 fewer than a normal Sunday. The range is 2 real hours.
    assert [s.start for s in slots] == utc(NY_SPRING, "06:00", "06:15", "06:30", "06:45", "07:00", "07:15", "07:30")
    assert [s.start.astimezone(NEW_YORK).strftime("%H:%M") for s in slots] == [
        "01:00",
        "01:15",
        "01:30",
        "01:45",
        "03:00",
        "03:15",
        "03:30",
    ]
    # 01:45 EST + 30 real minutes = 03:15 EDT
    assert slots[3].end.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 15)
    assert_no_overlap(slots[::2])


def test_new_york_fall_back_offers_the_first_occurrence_only():
    slots = slots_on(NIGHT, HALF_HOUR, NY_FALL)
    # Same count as a normal Sunday: the wall-clock grid 01:00..03:30, with 01:xx read as EDT.
    # The repeated hour (01:00-01:59 EST, 06:00-06:59 UTC) starts nothing.
    assert [s.start for s in slots] == utc(
        NY_FALL, "05:00", "05:15", "05:30", "05:45", "07:00", "07:15", "07:30", "07:45", "08:00", "08:15", "08:30"
    )
    last_edt = slots[3]
    # 01:45 EDT + 30 real minutes = 01:15 EST, the second 01:15 of the night.
    end_local = last_edt.end.astimezone(NEW_YORK)
    assert (end_local.hour, end_local.minute, end_local.fold) == (1, 15, 1)
    assert end_local.utcoffset() == timedelta(hours=-5)


def test_new_york_fall_back_bookability_of_the_repeated_hour():
    now = datetime(2026, 10, 20, tzinfo=UTC)
    first = datetime(2026, 11, 1, 1, 15, tzinfo=NEW_YORK)  # fold=0: EDT
    second = datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NEW_YORK)  # EST
    assert is_bookable(NIGHT, HALF_HOUR, now=now, start=first, location_id=1)
    assert not is_bookable(NIGHT, HALF_HOUR, now=now, start=second, location_id=1)


def test_new_york_busy_time_in_the_repeated_hour_blocks_the_visits_that_run_into_it():
    busy = (Busy(start=datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=NEW_YORK), end=utc(NY_FALL, "06:30")[0]),)
    sched = sunday_schedule("America/New_York", "01:00", "04:00", busy=busy)
    slots = slots_on(sched, VisitRule(duration=60, step=15), NY_FALL)
    # Only 01:00 EDT (05:00-06:00 UTC) still fits before the busy 06:00-06:30 UTC; 01:15..01:45 EDT run into it.
    assert [s.start for s in slots][:2] == utc(NY_FALL, "05:00", "07:00")


def test_new_york_busy_times_are_ordered_as_instants_not_as_wall_clock_times():
    # Listed in wall-clock order (01:20 before 01:30), which is not the order of their instants.
    second = Busy(start=datetime(2026, 11, 1, 1, 20, fold=1, tzinfo=NEW_YORK), end=utc(NY_FALL, "07:10")[0])
    first = Busy(start=datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK), end=utc(NY_FALL, "05:40")[0])
    sched = sunday_schedule("America/New_York", "00:00", "04:00", busy=(second, first))
    slots = slots_on(sched, VisitRule(duration=30, step=30), NY_FALL)
    # 01:30 EDT (05:30 UTC) is busy; 02:00 EST (07:00 UTC) runs into the busy time until 07:10 UTC.
    assert [s.start for s in slots] == utc(NY_FALL, "04:00", "04:30", "05:00", "07:30", "08:00", "08:30")


def test_new_york_whole_day_counts_are_23_24_and_25_hour_aware():
    whole = sunday_schedule("America/New_York", "00:00", "24:00")
    hourly = VisitRule(duration=60, step=60)
    normal = slots_on(whole, hourly, date(2026, 3, 1))
    spring = slots_on(whole, hourly, NY_SPRING)
    fall = slots_on(whole, hourly, NY_FALL)
    assert len(normal) == 24
    assert len(spring) == 23  # 02:00 does not exist
    assert len(fall) == 24  # the wall-clock grid; the repeated 01:00 EST is not a start
    assert spring[2].start == utc(NY_SPRING, "07:00")[0]  # 03:00 EDT follows 01:00 EST
    assert fall[1].start == utc(NY_FALL, "05:00")[0] and fall[2].start == utc(NY_FALL, "07:00")[0]
    for slots in (normal, spring, fall):
        assert_no_overlap(slots)
    assert fall[-1].end == utc(NY_FALL + timedelta(days=1), "05:00")[0]  # 24:00 EST


def test_new_york_range_boundaries_inside_the_gap_are_the_transition_instant():
    starts_in_gap = sunday_schedule("America/New_York", "02:30", "04:00")
    assert [s.start for s in slots_on(starts_in_gap, HALF_HOUR, NY_SPRING)] == utc(NY_SPRING, "07:00", "07:15", "07:30")
    ends_in_gap = sunday_schedule("America/New_York", "00:00", "02:30")
    slots = slots_on(ends_in_gap, HALF_HOUR, NY_SPRING)
    assert slots[-1].start == utc(NY_SPRING, "06:30")[0] and slots[-1].end == utc(NY_SPRING, "07:00")[0]
    assert len(slots) == 7


def test_new_york_an_ambiguous_range_end_is_its_first_occurrence():
    sched = sunday_schedule("America/New_York", "00:00", "01:30")
    slots = slots_on(sched, HALF_HOUR, NY_FALL)
    assert slots[-1].end == utc(NY_FALL, "05:30")[0]  # 01:30 EDT
    assert len(slots) == 5


def test_new_york_spring_forward_with_a_step_that_does_not_divide_the_hour_never_overlaps():
    sched = sunday_schedule("America/New_York", "01:00", "05:00")
    rule = VisitRule(duration=45, step=45)
    normal = slots_on(sched, rule, date(2026, 3, 1))
    assert [s.start.astimezone(NEW_YORK).strftime("%H:%M") for s in normal] == [
        "01:00",
        "01:45",
        "02:30",
        "03:15",
        "04:00",
    ]
    spring = slots_on(sched, rule, NY_SPRING)
    # 02:30 does not exist; 03:15 EDT is only 30 real minutes after 01:45 EST, so it is dropped too.
    assert [s.start for s in spring] == utc(NY_SPRING, "06:00", "06:45", "08:00")
    assert_no_overlap(spring)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert not is_bookable(sched, rule, now=now, start=utc(NY_SPRING, "07:15")[0], location_id=1)


def test_new_york_days_with_openings_across_both_changes():
    sched = sunday_schedule("America/New_York", "01:00", "04:00")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    days = days_with_openings(
        [sched], VisitRule(duration=30, max_days_ahead=365), now=now, first_day=NY_SPRING, last_day=NY_FALL
    )
    assert days[0] == NY_SPRING and days[-1] == NY_FALL
    assert all(d.weekday() == SUNDAY for d in days)


# ------------------------------------------------------------------------------------------------
# Australia/Lord_Howe: a 30-minute shift
# ------------------------------------------------------------------------------------------------

LH_NIGHT = sunday_schedule("Australia/Lord_Howe", "01:00", "04:00")


def lh(day: date, *times: str) -> list[datetime]:
    """UTC instants on the day before ``day`` (Lord Howe is ahead of UTC)."""
    return utc(day - timedelta(days=1), *times)


@pytest.mark.parametrize(
    ("day", "first_utc"),
    [
        (date(2026, 3, 29), "14:00"),
        (date(2026, 4, 12), "14:30"),
        (date(2026, 9, 27), "14:30"),
        (date(2026, 10, 11), "14:00"),
    ],
)
def test_lord_howe_normal_sundays_have_eleven_slots(day, first_utc):
    slots = slots_on(LH_NIGHT, HALF_HOUR, day)
    assert [s.start for s in slots] == [lh(day, first_utc)[0] + timedelta(minutes=15 * i) for i in range(11)]


def test_lord_howe_falling_back_half_an_hour():
    slots = slots_on(LH_NIGHT, HALF_HOUR, LH_BACK)
    # 01:30-01:59 happens twice; the grid uses the first (+11:00), then 02:00 +10:30. Same count: 11.
    assert [s.start for s in slots] == lh(
        LH_BACK, "14:00", "14:15", "14:30", "14:45", "15:30", "15:45", "16:00", "16:15", "16:30", "16:45", "17:00"
    )
    end_local = slots[3].end.astimezone(LORD_HOWE)  # 01:45 +11:00 plus 30 minutes
    assert (end_local.hour, end_local.minute, end_local.fold) == (1, 45, 1)
    assert slots[-1].end == lh(LH_BACK, "17:30")[0]  # 04:00 +10:30
    assert_no_overlap(slots[::2])


def test_lord_howe_springing_forward_half_an_hour():
    slots = slots_on(LH_NIGHT, HALF_HOUR, LH_FORWARD)
    # 02:00 and 02:15 do not exist: 2 fewer than a normal Sunday. The range is 2.5 real hours.
    assert [s.start for s in slots] == lh(
        LH_FORWARD, "14:30", "14:45", "15:00", "15:15", "15:30", "15:45", "16:00", "16:15", "16:30"
    )
    assert [s.start.astimezone(LORD_HOWE).strftime("%H:%M") for s in slots][3:6] == ["01:45", "02:30", "02:45"]
    assert_no_overlap(slots[::2])


def test_lord_howe_springing_forward_with_a_45_minute_step():
    sched = sunday_schedule("Australia/Lord_Howe", "01:00", "05:00")
    rule = VisitRule(duration=45, step=45)
    assert len(slots_on(sched, rule, date(2026, 9, 27))) == 5
    slots = slots_on(sched, rule, LH_FORWARD)
    # 02:30 +11:00 is only 15 real minutes after 01:45 +10:30: dropped; 04:45 would end after 05:00.
    assert [s.start for s in slots] == lh(LH_FORWARD, "14:30", "15:15", "16:15", "17:00")
    assert_no_overlap(slots)


def test_lord_howe_whole_day_hourly_counts():
    whole = sunday_schedule("Australia/Lord_Howe", "00:00", "24:00")
    half_hourly = VisitRule(duration=30, step=30)
    assert len(slots_on(whole, half_hourly, date(2026, 3, 29))) == 48
    back = slots_on(whole, half_hourly, LH_BACK)
    forward = slots_on(whole, half_hourly, LH_FORWARD)
    assert len(back) == 48  # 01:30 and the grid; the second 01:30 is not a start
    assert len(forward) == 47  # 02:00 does not exist
    assert_no_overlap(back)
    assert_no_overlap(forward)


# ------------------------------------------------------------------------------------------------
# Properties on the change days themselves
# ------------------------------------------------------------------------------------------------

CHANGE_DAYS = [("America/New_York", NY_SPRING), ("America/New_York", NY_FALL), ("Australia/Lord_Howe", LH_BACK)]
CHANGE_DAYS += [("Australia/Lord_Howe", LH_FORWARD), ("Europe/London", date(2026, 3, 29))]
CHANGE_DAYS += [("Europe/London", date(2026, 10, 25))]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(CHANGE_DAYS),
    st.integers(min_value=0, max_value=24).map(lambda m: m * 5),  # start: 00:00..02:00
    st.integers(min_value=36, max_value=96).map(lambda m: m * 5),  # end: 03:00..08:00
    st.integers(min_value=1, max_value=24).map(lambda m: m * 5),
    st.integers(min_value=1, max_value=24).map(lambda m: m * 5),
)
def test_ranges_across_a_change_never_overlap_and_stay_inside(change, start, end, duration, step):
    tz, day = change
    rng = WeeklyRange(location_id=1, weekday=day.weekday(), start_minute=start, end_minute=end)
    sched = ProviderSchedule(provider_id=1, timezone=tz, weekly=(rng,))
    rule = VisitRule(duration=duration, step=max(step, duration))
    slots = slots_on(sched, rule, day)
    assert_no_overlap(slots)
    zone = ZoneInfo(tz)
    for s in slots:
        wall = s.start.astimezone(zone)
        assert wall.date() == day and start <= wall.hour * 60 + wall.minute < end
        assert wall.fold == 0 and wall.replace(tzinfo=None).replace(tzinfo=zone) == wall  # exists, first occurrence
        now = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=10)  # as in slots_on
        assert is_bookable(sched, rule, now=now, start=s.start, location_id=1)
