"""Every measure against hand-computed examples, on plain records (no database)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from insights import measures
from insights.measures import AppointmentRecord, Durations, by_period, summarize, totals

NY = ZoneInfo("America/New_York")
# Tuesday 15 January 2030, 18:00 in New York: everything below has happened.
NOW = datetime(2030, 1, 15, 18, tzinfo=NY)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY).replace(fold=fold)


def rec(start: datetime, **fields: Any) -> AppointmentRecord:
    fields.setdefault("created_at", start - timedelta(days=7))
    fields.setdefault("status", "booked")
    fields.setdefault("provider_id", 1)
    fields.setdefault("location_id", 1)
    fields.setdefault("visit_type_id", 1)
    return AppointmentRecord(start=start, **fields)


def visit(
    start: datetime,
    arrived: int | None,
    roomed: int | None = None,
    with_provider: int | None = None,
    checkout: int | None = None,
    done: int | None = None,
    **fields: Any,
) -> AppointmentRecord:
    """A visit with step times given as minutes after ``start``."""

    def at(minutes: int | None) -> datetime | None:
        return None if minutes is None else start + timedelta(minutes=minutes)

    fields.setdefault("status", "fulfilled" if done is not None else "arrived")
    return rec(
        start,
        arrived_at=at(arrived),
        roomed_at=at(roomed),
        with_provider_at=at(with_provider),
        checkout_at=at(checkout),
        done_at=at(done),
        **fields,
    )


def summary(records, now=NOW, cutoff_hours=24):
    return summarize(records, zone=NY, now=now, cutoff_hours=cutoff_hours)


def test_it_splits_the_cycle_time_into_waiting_and_care_team():
    day = local(2030, 1, 14, 9)
    records = [
        # arrived 0, roomed 10, with provider 25, checkout 45, done 50
        visit(day, 0, 10, 25, 45, 50),
        # checkout skipped: the care team's time runs to done
        visit(day + timedelta(hours=1), 0, 20, 30, None, 60),
        visit(day + timedelta(hours=2), 0, 5, 10, 40, 100),
        # left after arriving: no cycle time, no waiting-room time
        visit(day + timedelta(hours=3), 0, status="arrived"),
    ]
    s = summary(records)
    assert s.cycle.values == (50, 60, 100)
    assert (s.cycle.n, s.cycle.mean, s.cycle.median, s.cycle.p90) == (3, 70, 60, 100)
    assert s.waiting_room.values == (10, 20, 5)
    assert s.waiting_room.median == 10
    assert s.exam_room.values == (15, 10, 5)
    assert s.waiting.values == (25, 30, 10)
    assert s.care_team.values == (20, 30, 30)
    assert s.care_team.mean == pytest.approx(80 / 3)


def test_it_takes_the_90th_percentile_by_nearest_rank():
    assert Durations(tuple(range(1, 11))).p90 == 9
    assert Durations((10, 20)).p90 == 20
    assert Durations((7,)).p90 == 7
    assert Durations(()).p90 is None


def test_it_measures_real_minutes_on_the_fall_back_day():
    # Sunday 3 November 2030: 01:00-02:00 happens twice in New York. Arrived 01:30 EDT, roomed 01:50
    # EDT, with the provider 01:05 EST, done 01:10 EST: 40 real minutes, not minus 20.
    arrived = local(2030, 11, 3, 1, 30)
    r = rec(
        arrived,
        status="fulfilled",
        arrived_at=arrived,
        roomed_at=local(2030, 11, 3, 1, 50),
        with_provider_at=local(2030, 11, 3, 1, 5, fold=1),
        done_at=local(2030, 11, 3, 1, 10, fold=1),
    )
    s = summary([r], now=local(2030, 11, 4, 12))
    assert s.cycle.values == (40,)
    assert s.waiting_room.values == (20,)
    assert s.exam_room.values == (15,)
    assert s.care_team.values == (5,)


def test_it_measures_real_minutes_on_the_spring_forward_day():
    # Sunday 10 March 2030: 02:00 EST becomes 03:00 EDT. 01:50 to 03:10 is 20 real minutes.
    arrived = local(2030, 3, 10, 1, 50)
    r = rec(arrived, status="fulfilled", arrived_at=arrived, done_at=local(2030, 3, 10, 3, 10))
    assert summary([r], now=local(2030, 3, 11, 12)).cycle.values == (20,)


def test_it_groups_a_25_hour_day_as_one_day_by_the_practice_date():
    now = local(2030, 11, 5, 12)
    records = [
        rec(local(2030, 11, 3, 0, 30)),  # 04:30 UTC, Sunday
        rec(local(2030, 11, 3, 1, 30, fold=1)),  # the second 01:30, Sunday
        rec(local(2030, 11, 3, 23, 30)),  # Monday 04:30 UTC, still Sunday in New York
        rec(local(2030, 11, 4, 0, 30)),
    ]
    days = by_period(records, zone=NY, now=now, cutoff_hours=24)
    assert [(s.period, s.late_cancel.denominator) for s in days] == [(date(2030, 11, 3), 3), (date(2030, 11, 4), 1)]


def test_it_groups_a_23_hour_day_as_one_day():
    now = local(2030, 3, 12, 12)
    records = [rec(local(2030, 3, 10, 0, 30)), rec(local(2030, 3, 10, 3, 0)), rec(local(2030, 3, 10, 23, 45))]
    days = by_period(records, zone=NY, now=now, cutoff_hours=24)
    assert [(s.period, s.late_cancel.denominator) for s in days] == [(date(2030, 3, 10), 3)]


def test_it_starts_weeks_on_monday():
    records = [rec(local(2030, 1, 6, 10)), rec(local(2030, 1, 7, 10)), rec(local(2030, 1, 13, 16))]
    weeks = by_period(records, zone=NY, now=NOW, cutoff_hours=24, period=measures.WEEK)
    # Sunday 6 January belongs to the week of Monday 31 December; 7-13 January is one week.
    assert [(s.period, s.late_cancel.denominator) for s in weeks] == [(date(2029, 12, 31), 1), (date(2030, 1, 7), 2)]


def test_it_lists_every_period_of_the_range_and_marks_empty_ones_as_no_data():
    records = [visit(local(2030, 1, 8, 9), 0, 10, 20, 30, 40)]
    days = by_period(records, zone=NY, now=NOW, cutoff_hours=24, first_day=date(2030, 1, 7), last_day=date(2030, 1, 9))
    assert [s.period for s in days] == [date(2030, 1, 7), date(2030, 1, 8), date(2030, 1, 9)]
    empty = days[0]
    assert empty.is_empty
    assert empty.cycle.n == 0 and empty.cycle.mean is None and empty.cycle.median is None
    assert empty.no_show.value is None and empty.late_cancel.percent is None and empty.same_day.value is None
    assert days[1].cycle.mean == 40


def test_it_says_no_data_for_no_records_at_all():
    (s,) = totals([], zone=NY, now=NOW, cutoff_hours=24)
    assert s.is_empty
    assert s.lead_days.mean is None
    assert s.no_show.denominator == 0 and s.no_show.value is None


def test_it_counts_no_shows_over_the_appointments_that_were_due():
    past = local(2030, 1, 14, 9)
    records = [
        rec(past, status="fulfilled"),
        rec(past, status="noshow"),
        rec(past, status="booked", flow_status="no_show"),  # marked on the board
        rec(past, status="arrived"),
        rec(past, status="checked-in"),
        rec(past, status="booked", arrived_at=past, flow_status="left"),  # left without being seen: came
        rec(past, status="booked"),  # nobody marked it: in neither count
        rec(local(2030, 1, 16, 9), status="booked"),  # tomorrow: not due
        rec(past, status="cancelled", cancelled_at=past - timedelta(days=3)),
        rec(past, status="entered-in-error"),
    ]
    s = summary(records)
    assert (s.no_show.numerator, s.no_show.denominator) == (2, 6)
    assert s.no_show.percent == pytest.approx(100 / 3)


def test_it_counts_late_cancellations_over_everything_scheduled():
    start = local(2030, 1, 14, 9)
    records = [
        rec(start, status="cancelled", cancelled_at=start - timedelta(hours=2)),  # late
        rec(start, status="cancelled", cancelled_at=start - timedelta(hours=23, minutes=59)),  # late
        rec(start, status="cancelled", cancelled_at=start - timedelta(hours=24)),  # exactly on the line: not late
        rec(start, status="cancelled", cancelled_at=start - timedelta(days=3)),
        rec(start, status="cancelled"),  # time unknown: counted, not late
        rec(start, status="fulfilled"),
        rec(start, status="noshow"),
        rec(start, status="booked"),
        rec(start, status="entered-in-error", cancelled_at=start - timedelta(hours=1)),  # counts nowhere
    ]
    s = summary(records)
    assert (s.late_cancel.numerator, s.late_cancel.denominator) == (2, 8)
    assert s.late_cancel.value == 0.25
    assert summary(records, cutoff_hours=48).late_cancel.numerator == 3


def test_it_counts_a_late_cancellation_in_real_hours_across_a_clock_change():
    # Visit Sunday 3 November 2030 at 09:00 EST, cancelled Saturday 10:00 EDT: 23 hours by the wall
    # clock but 24 real hours, so not late with a 24-hour cutoff.
    start = local(2030, 11, 3, 9)
    r = rec(start, status="cancelled", cancelled_at=local(2030, 11, 2, 10))
    assert summary([r], now=local(2030, 11, 4, 9)).late_cancel.numerator == 0
    # Saturday 10:30 EDT is 23.5 real hours before: late.
    r = rec(start, status="cancelled", cancelled_at=local(2030, 11, 2, 10, 30))
    assert summary([r], now=local(2030, 11, 4, 9)).late_cancel.numerator == 1


def test_it_measures_lead_time_in_practice_calendar_days_and_same_day_access():
    records = [
        # booked 23:30 Monday for 08:00 Tuesday: 1 day although under 9 hours
        rec(local(2030, 1, 8, 8), created_at=local(2030, 1, 7, 23, 30)),
        # booked 00:30 for 16:00 the same day: 0 (same-day access)
        rec(local(2030, 1, 7, 16), created_at=local(2030, 1, 7, 0, 30)),
        # booked 22:00 Sunday New York time, which is already Monday in UTC: 1 day, not 0
        rec(local(2030, 1, 7, 9), created_at=datetime(2030, 1, 7, 3, tzinfo=UTC)),
        # ten days ahead
        rec(local(2030, 1, 11, 9), created_at=local(2030, 1, 1, 12)),
        # cancelled: left out of lead time and same-day access
        rec(local(2030, 1, 9, 9), created_at=local(2030, 1, 9, 8), status="cancelled"),
    ]
    s = summary(records)
    assert s.lead_days.values == (1, 0, 1, 10)
    assert s.lead_days.mean == 3 and s.lead_days.median == 1
    assert (s.same_day.numerator, s.same_day.denominator) == (1, 4)


def test_it_splits_by_a_dimension_and_totals_per_group():
    start = local(2030, 1, 14, 9)
    records = [
        visit(start, 0, 10, 20, 30, 40, provider_id=2),
        visit(start, 0, 10, 20, 30, 60, provider_id=1),
        rec(start, status="noshow", provider_id=2),
    ]
    per_day = by_period(records, zone=NY, now=NOW, cutoff_hours=24, dimension="provider")
    assert [(s.period, s.group, s.cycle.mean) for s in per_day] == [
        (date(2030, 1, 14), 1, 60),
        (date(2030, 1, 14), 2, 40),
    ]
    groups = totals(records, zone=NY, now=NOW, cutoff_hours=24, dimension="provider")
    assert [(s.group, s.no_show.numerator, s.no_show.denominator) for s in groups] == [(1, 0, 1), (2, 1, 2)]
    with pytest.raises(ValueError):
        by_period(records, zone=NY, now=NOW, cutoff_hours=24, dimension="patient")
