"""The wait-estimate algorithm on hand-computed days (pure: no database)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from frontdesk.estimates import (
    FlowVisit,
    LateMark,
    expected_call,
    naive_call,
    open_minutes,
    provider_lag_minutes,
    shown_minutes,
    wait_minutes,
)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def test_it_sees_no_lag_for_a_provider_on_time():
    first = FlowVisit(scheduled=at(9), arrived=at(8, 52), called=at(8, 58))
    me = FlowVisit(scheduled=at(9, 20), arrived=at(9, 10))
    lag = provider_lag_minutes([first, me], now=at(9, 10))
    assert lag == 0
    assert expected_call(me, lag_minutes=lag, now=at(9, 10)) == at(9, 20)
    assert naive_call(me, now=at(9, 10)) == at(9, 20)


def test_it_takes_the_lag_of_the_last_patient_called():
    first = FlowVisit(scheduled=at(9), arrived=at(8, 55), called=at(9, 20))
    me = FlowVisit(scheduled=at(9, 30), arrived=at(9, 25))
    lag = provider_lag_minutes([first, me], now=at(9, 25))
    assert lag == 20
    call = expected_call(me, lag_minutes=lag, now=at(9, 25))
    assert call == at(9, 50)
    assert wait_minutes(call, at(9, 25)) == 25
    assert shown_minutes(wait_minutes(call, at(9, 25))) == 25


def test_it_grows_the_lag_while_patients_wait_past_their_time_and_nobody_is_called():
    waiting = FlowVisit(scheduled=at(9), arrived=at(8, 50))
    assert provider_lag_minutes([waiting], now=at(8, 59)) == 0
    assert provider_lag_minutes([waiting], now=at(9, 12)) == 12
    assert provider_lag_minutes([waiting], now=at(9, 30)) == 30


def test_it_does_not_count_a_late_arrival_as_provider_lag():
    late_patient = FlowVisit(scheduled=at(9), arrived=at(9, 15), called=at(9, 17))
    assert provider_lag_minutes([late_patient], now=at(9, 20)) == 2


def test_it_counts_a_running_late_mark_made_after_the_last_call_only():
    called = FlowVisit(scheduled=at(9), arrived=at(8, 55), called=at(9, 5))
    after = LateMark(minutes=15, marked_at=at(9, 10))
    before = LateMark(minutes=15, marked_at=at(9))
    assert provider_lag_minutes([called], now=at(9, 12), late_mark=after) == 15
    assert provider_lag_minutes([called], now=at(9, 12), late_mark=before) == 5
    # A mark made later than "now" is not known yet.
    assert provider_lag_minutes([called], now=at(9, 8), late_mark=after) == 5


def test_it_never_expects_a_call_before_now():
    overdue = FlowVisit(scheduled=at(9), arrived=at(8, 55))
    assert expected_call(overdue, lag_minutes=0, now=at(9, 30)) == at(9, 30)
    assert naive_call(overdue, now=at(9, 30)) == at(9, 30)
    assert wait_minutes(at(9, 30), at(9, 30)) == 0


def test_it_takes_open_time_before_the_appointment_off_the_lag():
    # Called 20 late at 9:20, so at 9:25 the provider is at 9:05 of the schedule.
    first = FlowVisit(scheduled=at(9), arrived=at(8, 55), called=at(9, 20), ends=at(9, 20))
    long_visit = FlowVisit(scheduled=at(9, 25), arrived=at(9, 20), ends=at(10))
    me = FlowVisit(scheduled=at(10), arrived=at(9, 25), ends=at(10, 15))
    day = [first, long_visit, me]
    lag = provider_lag_minutes(day, now=at(9, 25))
    assert lag == 20
    # Open from 9:20 to 9:25 only: five of the twenty minutes are made up.
    assert open_minutes(day, start=at(9, 5), end=at(10), now=at(9, 25)) == 5
    assert expected_call(me, lag_minutes=lag, now=at(9, 25), day=day) == at(10, 15)
    # Without the long visit the provider catches up entirely in the gap.
    assert expected_call(me, lag_minutes=lag, now=at(9, 25), day=[first, me]) == at(10)
    # A patient past their time and not here (a no-show) takes none of the provider's time.
    absent = FlowVisit(scheduled=at(9, 10), ends=at(9, 50))
    assert open_minutes([first, absent, me], start=at(9, 5), end=at(10), now=at(9, 25)) == 40


def test_it_keeps_the_whole_lag_when_booked_ends_are_unknown():
    first = FlowVisit(scheduled=at(9), arrived=at(8, 55), called=at(9, 20))
    me = FlowVisit(scheduled=at(10), arrived=at(9, 25))
    assert open_minutes([first, me], start=at(9, 5), end=at(10), now=at(9, 25)) is None
    assert expected_call(me, lag_minutes=20, now=at(9, 25), day=[first, me]) == at(10, 20)


def test_it_rounds_minutes_up_to_fives_for_people():
    assert [shown_minutes(m) for m in (0, -3, 0.5, 1, 15, 16, 29.9)] == [0, 0, 5, 5, 15, 20, 30]


minutes = st.integers(min_value=-60, max_value=240)


@st.composite
def days(draw):
    visits = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        scheduled = at(8) + timedelta(minutes=draw(st.integers(0, 480)))
        arrived = draw(st.one_of(st.none(), minutes.map(lambda m, s=scheduled: s + timedelta(minutes=m))))
        called = None
        if arrived is not None:
            called = draw(st.one_of(st.none(), st.integers(0, 120).map(lambda m, a=arrived: a + timedelta(minutes=m))))
        ends = scheduled + timedelta(minutes=draw(st.sampled_from((15, 20, 30, 45))))
        visits.append(FlowVisit(scheduled=scheduled, arrived=arrived, called=called, ends=ends))
    return visits


@given(day=days(), now_minute=st.integers(0, 600), me=st.integers(0, 7), mark=st.integers(1, 240))
def test_it_never_expects_a_call_before_now_or_before_a_declared_lag(day, now_minute, me, mark):
    now = at(8) + timedelta(minutes=now_minute)
    visit = day[me % len(day)]
    late_mark = LateMark(minutes=mark, marked_at=now)
    lag = provider_lag_minutes(day, now=now, late_mark=late_mark)
    assert lag >= mark
    call = expected_call(visit, lag_minutes=lag, now=now)
    assert call >= now
    assert call >= visit.scheduled + timedelta(minutes=mark)
    with_gaps = expected_call(visit, lag_minutes=lag, now=now, day=day)
    assert now <= with_gaps <= call
    assert with_gaps >= visit.scheduled


@given(day=days(), now_minute=st.integers(0, 600), later=st.integers(1, 120))
def test_it_grows_no_smaller_lag_while_nothing_happens(day, now_minute, later):
    # Nothing new (no arrival, no call) between the two moments: the lag can only grow.
    now = at(8) + timedelta(minutes=now_minute)
    then = now + timedelta(minutes=later)
    known = [
        FlowVisit(
            scheduled=v.scheduled,
            arrived=v.arrived if v.arrived is not None and v.arrived <= now else None,
            called=v.called if v.called is not None and v.called <= now else None,
            ends=v.ends,
        )
        for v in day
    ]
    assert provider_lag_minutes(known, now=then) >= provider_lag_minutes(known, now=now)


def test_it_takes_open_time_off_the_lag_but_never_below_a_running_late_mark():
    first = FlowVisit(scheduled=at(9), arrived=at(8, 55), called=at(9, 5), ends=at(9, 20))
    me = FlowVisit(scheduled=at(10), arrived=at(9, 25), ends=at(10, 15))
    mark = LateMark(minutes=15, marked_at=at(9, 10))
    lag = provider_lag_minutes([first, me], now=at(9, 25), late_mark=mark)
    assert lag == 15
    assert expected_call(me, lag_minutes=lag, now=at(9, 25), day=[first, me]) == at(10)
    assert expected_call(me, lag_minutes=lag, now=at(9, 25), day=[first, me], late_mark=mark) == at(10, 15)
