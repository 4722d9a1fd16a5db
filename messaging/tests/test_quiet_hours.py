"""Quiet hours (pure module): the window around a moment, deferral and pulling forward, across DST."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from messaging import quiet_hours as qh

CHICAGO = ZoneInfo("America/Chicago")
NIGHT = {"start": time(21), "end": time(8)}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc, arg-type]  # args: year to second, never a tzinfo


def test_it_knows_overnight_and_same_day_windows():
    assert qh.is_quiet(time(22), time(21), time(8))
    assert qh.is_quiet(time(7, 59), time(21), time(8))
    assert not qh.is_quiet(time(8), time(21), time(8))
    assert not qh.is_quiet(time(20, 59), time(21), time(8))
    assert qh.is_quiet(time(3), time(0), time(6))
    assert not qh.is_quiet(time(6), time(0), time(6))
    assert not qh.is_quiet(time(3), time(8), time(8)), "start == end means no quiet hours"


def test_it_finds_the_window_on_the_spring_forward_night():
    # Saturday 9 March 2030, 23:00 CST; the clocks jump from 02:00 to 03:00 on Sunday 10 March.
    planned = utc(2030, 3, 10, 5, 0)
    start, end = qh.quiet_window(planned, tz=CHICAGO, **NIGHT)
    assert start == utc(2030, 3, 10, 3, 0)  # 21:00 CST
    assert end == utc(2030, 3, 10, 13, 0)  # 08:00 CDT (UTC-5), not 14:00
    assert end - start == timedelta(hours=10)
    assert end.astimezone(CHICAGO).time() == time(8)


def test_it_finds_the_window_on_the_fall_back_night():
    # Saturday 2 November 2030, 23:00 CDT; the clocks go back from 02:00 to 01:00 on Sunday 3 November.
    planned = utc(2030, 11, 3, 4, 0)
    start, end = qh.quiet_window(planned, tz=CHICAGO, **NIGHT)
    assert start == utc(2030, 11, 3, 2, 0)  # 21:00 CDT
    assert end == utc(2030, 11, 3, 14, 0)  # 08:00 CST (UTC-6)
    assert end - start == timedelta(hours=12)


def test_both_occurrences_of_the_repeated_hour_are_quiet_and_end_at_eight():
    first, second = utc(2030, 11, 3, 6, 30), utc(2030, 11, 3, 7, 30)  # 01:30 CDT, then 01:30 CST
    assert first.astimezone(CHICAGO).time() == second.astimezone(CHICAGO).time() == time(1, 30)
    assert qh.quiet_window(first, tz=CHICAGO, **NIGHT)[1] == utc(2030, 11, 3, 14, 0)
    assert qh.quiet_window(second, tz=CHICAGO, **NIGHT)[1] == utc(2030, 11, 3, 14, 0)


def test_a_window_edge_in_the_spring_forward_gap_is_the_moment_the_clock_jumps_to():
    instant = qh.wall_time_instant(datetime(2030, 3, 10).date(), time(2, 30), CHICAGO)
    assert instant == utc(2030, 3, 10, 8, 30)
    assert instant.astimezone(CHICAGO).time() == time(3, 30)


def test_it_defers_a_reminder_to_the_end_of_quiet_hours():
    planned = utc(2030, 1, 8, 4, 0)  # Monday 7 January, 22:00 in Chicago
    visit = utc(2030, 1, 8, 22, 0)  # Tuesday 16:00
    assert qh.send_time(planned, tz=CHICAGO, visit_start=visit, **NIGHT) == utc(2030, 1, 8, 14, 0)


def test_it_leaves_a_reminder_outside_quiet_hours_alone():
    planned = utc(2030, 1, 7, 20, 0)  # 14:00
    assert qh.send_time(planned, tz=CHICAGO, visit_start=planned + timedelta(hours=2), **NIGHT) == planned


def test_it_brings_a_reminder_forward_when_the_morning_is_too_late():
    # Visit Tuesday 08:15: the two-hours-before reminder (06:15) cannot wait for 08:00 (under 30 minutes' notice).
    visit = utc(2030, 1, 8, 14, 15)
    planned = visit - timedelta(hours=2)
    assert qh.send_time(planned, tz=CHICAGO, visit_start=visit, **NIGHT) == utc(2030, 1, 8, 2, 59)  # Mon 20:59


def test_it_brings_a_reminder_forward_across_the_spring_forward_night():
    visit = utc(2030, 3, 10, 13, 15)  # Sunday 08:15 CDT
    sent = qh.send_time(visit - timedelta(hours=2), tz=CHICAGO, visit_start=visit, **NIGHT)
    assert sent == utc(2030, 3, 10, 2, 59)  # Saturday 20:59 CST
    assert sent.astimezone(CHICAGO).time() == time(20, 59)


def test_it_defers_across_the_fall_back_night_to_the_real_eight_oclock():
    visit = utc(2030, 11, 3, 17, 0)  # Sunday 11:00 CST
    sent = qh.send_time(utc(2030, 11, 3, 7, 0), tz=CHICAGO, visit_start=visit, **NIGHT)  # 01:00 CST (2nd)
    assert sent == utc(2030, 11, 3, 14, 0)
    assert sent.astimezone(CHICAGO).time() == time(8)


def test_it_uses_the_patients_zone_when_it_is_valid():
    assert qh.zone_or("America/Los_Angeles", "America/Chicago") == ZoneInfo("America/Los_Angeles")
    assert qh.zone_or("", "America/Chicago") == CHICAGO
    assert qh.zone_or("Mars/Olympus_Mons", "America/Chicago") == CHICAGO
    assert qh.zone_or("../etc/passwd", "America/Chicago") == CHICAGO


ZONES = st.sampled_from(["America/Chicago", "America/New_York", "America/Los_Angeles", "Europe/Madrid", "UTC"])
TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@settings(max_examples=300, deadline=None)
@given(
    zone=ZONES,
    planned=st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2031, 1, 1)),
    lead=st.integers(min_value=1, max_value=14 * 24 * 60),
    start=TIMES,
    end=TIMES,
)
def test_a_reminder_never_lands_in_quiet_hours_nor_after_the_visit(zone, planned, lead, start, end):
    tz = ZoneInfo(zone)
    planned = planned.replace(tzinfo=UTC)
    visit = planned + timedelta(minutes=lead)
    sent = qh.send_time(planned, tz=tz, start=start, end=end, visit_start=visit)
    assert sent < visit
    if sent != planned:
        assert not qh.is_quiet(sent.astimezone(tz).time(), start, end) or _edge_in_gap(sent, tz, start, end)
    else:
        assert not qh.is_quiet(planned.astimezone(tz).time(), start, end)


def _edge_in_gap(sent, tz, start, end) -> bool:
    """A window edge skipped by a spring-forward change lands where the clock jumps to: allowed."""
    local = sent.astimezone(tz)
    return local.utcoffset() != (local - timedelta(hours=2)).utcoffset()
