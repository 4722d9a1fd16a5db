"""The pure matching rules: does a freed time suit a waiting patient?"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduling.waitlist_matching import AFTERNOON, EVENING, MORNING, Wish, day_part, suits

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2030, 1, 7, 9, 0, tzinfo=CHICAGO)  # Monday 09:00
TUESDAY_10 = datetime(2030, 1, 8, 10, 0, tzinfo=CHICAGO)
WIDE = Wish(earliest_day=date(2030, 1, 7), latest_day=date(2030, 2, 7))


def ok(wish: Wish, start: datetime = TUESDAY_10, *, provider_id=1, location_id=1, short_notice_hours=48) -> bool:
    return suits(
        wish,
        start_local=start,
        provider_id=provider_id,
        location_id=location_id,
        now=NOW,
        short_notice_hours=short_notice_hours,
    )


def wish(**changes) -> Wish:
    return replace(WIDE, **changes)


def test_it_accepts_any_time_when_nothing_is_narrowed():
    assert ok(WIDE)


@pytest.mark.parametrize(
    ("hour", "minute", "part"),
    [(8, 0, MORNING), (11, 59, MORNING), (12, 0, AFTERNOON), (16, 45, AFTERNOON), (17, 0, EVENING), (19, 30, EVENING)],
)
def test_it_names_the_part_of_the_day(hour, minute, part):
    assert day_part(datetime(2030, 1, 8, hour, minute, tzinfo=CHICAGO)) == part


def test_it_keeps_to_the_chosen_weekdays():
    assert ok(wish(weekdays=frozenset({1})))  # Tuesday
    assert not ok(wish(weekdays=frozenset({0, 2, 3, 4})))


def test_it_keeps_to_the_chosen_day_parts():
    assert ok(wish(day_parts=frozenset({MORNING})))
    assert not ok(wish(day_parts=frozenset({AFTERNOON, EVENING})))
    assert ok(wish(day_parts=frozenset({AFTERNOON})), TUESDAY_10.replace(hour=14))


def test_it_judges_the_weekday_and_day_part_in_local_time():
    # Tuesday 20:00 in Chicago is Wednesday 02:00 UTC: still a Tuesday evening for the patient.
    late = datetime(2030, 1, 9, 2, 0, tzinfo=UTC).astimezone(CHICAGO)
    assert ok(wish(weekdays=frozenset({1}), day_parts=frozenset({EVENING})), late)
    assert not ok(wish(weekdays=frozenset({2})), late)


def test_it_keeps_within_the_dates():
    assert ok(wish(earliest_day=date(2030, 1, 8), latest_day=date(2030, 1, 8)))
    assert not ok(wish(latest_day=date(2030, 1, 7)))
    assert not ok(wish(earliest_day=date(2030, 1, 9), latest_day=date(2030, 1, 20)))


def test_it_keeps_to_the_chosen_location_and_provider():
    assert ok(wish(location_id=1, provider_id=1))
    assert not ok(wish(location_id=2))
    assert not ok(wish(provider_id=2))
    assert ok(wish(location_id=None, provider_id=None), location_id=7, provider_id=9)


def test_it_offers_only_times_earlier_than_the_visit_to_move():
    assert ok(wish(appointment_start=TUESDAY_10 + timedelta(days=3)))
    assert not ok(wish(appointment_start=TUESDAY_10))
    assert not ok(wish(appointment_start=TUESDAY_10 - timedelta(hours=1)))


def test_it_leaves_out_short_notice_times_only_for_visit_types_that_ask():
    assert ok(wish(excludes_short_notice=False))  # 25 hours ahead
    assert not ok(wish(excludes_short_notice=True))
    assert ok(wish(excludes_short_notice=True), short_notice_hours=24)
    assert ok(wish(excludes_short_notice=True), TUESDAY_10 + timedelta(days=1))  # 49 hours ahead


def test_it_never_offers_a_time_already_past():
    assert not ok(WIDE, NOW - timedelta(minutes=15))


def test_it_refuses_naive_times():
    with pytest.raises(ValueError):
        suits(
            WIDE,
            start_local=TUESDAY_10.replace(tzinfo=None),
            provider_id=1,
            location_id=1,
            now=NOW,
            short_notice_hours=1,
        )


@given(
    weekdays=st.frozensets(st.integers(0, 6)),
    parts=st.frozensets(st.sampled_from([MORNING, AFTERNOON, EVENING])),
    minutes=st.integers(0, 14 * 24 * 60),
)
def test_it_only_ever_says_yes_to_what_was_chosen(weekdays, parts, minutes):
    start = (NOW + timedelta(minutes=minutes)).astimezone(CHICAGO)
    if ok(wish(weekdays=weekdays, day_parts=parts), start):
        assert not weekdays or start.weekday() in weekdays
        assert not parts or day_part(start) in parts
        assert start > NOW
