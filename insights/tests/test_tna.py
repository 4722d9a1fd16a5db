"""Time to third next available appointment (IHI definition), from plain slot times."""

from collections.abc import Hashable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from insights.tna import OpenSlot, bookable_starts, days_to_nth, third_next_available

NY = ZoneInfo("America/New_York")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY).replace(fold=fold)


# Monday 7 January 2030, 09:00 in New York.
MONDAY_9 = local(2030, 1, 7, 9, 0)


def test_it_counts_slots_today_as_day_zero():
    starts = [local(2030, 1, 7, 10), local(2030, 1, 7, 11), local(2030, 1, 7, 12)]
    assert days_to_nth(starts, now=MONDAY_9, zone=NY) == 0


def test_it_uses_the_third_slot_not_the_first():
    starts = [local(2030, 1, 7, 10), local(2030, 1, 9, 10), local(2030, 1, 11, 10), local(2030, 1, 14, 10)]
    assert days_to_nth(starts, now=MONDAY_9, zone=NY) == 4
    assert days_to_nth(starts, now=MONDAY_9, zone=NY, nth=1) == 0


def test_it_counts_several_slots_on_one_day_separately():
    starts = [local(2030, 1, 8, 9), local(2030, 1, 8, 9, 30), local(2030, 1, 8, 10), local(2030, 1, 10, 9)]
    assert days_to_nth(starts, now=MONDAY_9, zone=NY) == 1


def test_it_counts_weekend_days_as_calendar_days():
    friday_4pm = local(2030, 1, 11, 16)
    starts = [local(2030, 1, 11, 16, 30), local(2030, 1, 14, 9), local(2030, 1, 14, 9, 30)]
    assert days_to_nth(starts, now=friday_4pm, zone=NY) == 3


def test_it_sorts_the_slots_and_ignores_those_already_begun():
    starts = [local(2030, 1, 9, 10), local(2030, 1, 7, 8), local(2030, 1, 10, 10), local(2030, 1, 8, 10)]
    starts.append(local(2030, 1, 7, 8, 30))
    # 08:00 and 08:30 today have begun: the third open one is Thursday's.
    assert days_to_nth(starts, now=MONDAY_9, zone=NY) == 3


def test_it_answers_none_when_fewer_than_three_slots():
    assert days_to_nth([local(2030, 1, 8, 9), local(2030, 1, 9, 9)], now=MONDAY_9, zone=NY) is None
    assert days_to_nth([], now=MONDAY_9, zone=NY) is None


def test_it_counts_calendar_days_in_a_spring_forward_week_not_24_hour_blocks():
    # Clocks jump from 02:00 to 03:00 on Sunday 10 March 2030. Saturday noon to Monday 11:30 is 46.5
    # real hours (under two 24-hour blocks) but two calendar days.
    saturday_noon = local(2030, 3, 9, 12)
    starts = [local(2030, 3, 9, 15), local(2030, 3, 11, 9), local(2030, 3, 11, 11, 30)]
    assert (starts[2].astimezone(UTC) - saturday_noon.astimezone(UTC)).total_seconds() / 3600 == 46.5
    assert days_to_nth(starts, now=saturday_noon, zone=NY) == 2


def test_it_uses_the_practice_day_not_the_utc_day_across_a_fall_back():
    # Sunday 3 November 2030 is 25 hours long in New York. 23:30 EST that Sunday is Monday 04:30 UTC.
    saturday_9 = local(2030, 11, 2, 9)
    late_sunday = local(2030, 11, 3, 23, 30)
    assert late_sunday.astimezone(UTC).date().day == 4
    starts = [local(2030, 11, 2, 10), local(2030, 11, 3, 1, 30, fold=1), late_sunday]
    assert days_to_nth(starts, now=saturday_9, zone="America/New_York") == 1


def test_it_refuses_a_naive_now():
    with pytest.raises(ValueError):
        days_to_nth([], now=datetime(2030, 1, 7, 9), zone=NY)


def _slot(start: datetime, minutes: int, resource: Hashable) -> OpenSlot:
    return OpenSlot(start=start, end=start + timedelta(minutes=minutes), resource=resource)


def test_it_counts_overlapping_choices_of_one_provider_once():
    # 30-minute visits offered every 15 minutes: 09:00, 09:15, 09:30 are two appointments, not three.
    slots = [_slot(local(2030, 1, 8, 9, m), 30, "lee") for m in (0, 15, 30)]
    assert bookable_starts(slots) == [local(2030, 1, 8, 9).astimezone(UTC), local(2030, 1, 8, 9, 30).astimezone(UTC)]


def test_it_counts_slots_of_different_providers_separately():
    slots = [_slot(local(2030, 1, 8, 9), 30, "lee"), _slot(local(2030, 1, 8, 9), 30, "park")]
    assert bookable_starts(slots) == [local(2030, 1, 8, 9), local(2030, 1, 8, 9)]


def test_it_keeps_the_buffers_between_two_appointments():
    slots = [_slot(local(2030, 1, 8, 9, m), 30, "lee") for m in (0, 15, 30, 45)]
    assert bookable_starts(slots, gap=timedelta(minutes=10)) == [local(2030, 1, 8, 9), local(2030, 1, 8, 9, 45)]


def test_it_finds_the_third_appointment_a_patient_could_book():
    # Monday 09:30-10:30 free for a 30-minute visit: the engine shows 09:30, 09:45, 10:00 (three
    # choices, two appointments); the third appointment is Tuesday's.
    slots = [_slot(local(2030, 1, 7, 9, 30), 30, 1), _slot(local(2030, 1, 7, 9, 45), 30, 1)]
    slots += [_slot(local(2030, 1, 7, 10), 30, 1), _slot(local(2030, 1, 8, 14), 30, 1)]
    assert third_next_available(slots, now=MONDAY_9, zone=NY) == 1
