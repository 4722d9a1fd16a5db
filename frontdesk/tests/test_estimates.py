"""Reading the flow board for the wait estimates, on hand-built days (pure: no database)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from frontdesk import wait_model
from frontdesk.estimates import (
    FlowVisit,
    LateMark,
    as_known_at,
    break_between,
    mark_in_force,
    observed_provider_lag,
    open_minutes,
    rooming_lag,
    shown_minutes,
)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def slot(hour: int, minute: int = 0, length: int = 20, **times: datetime) -> FlowVisit:
    start = at(hour, minute)
    return FlowVisit(scheduled=start, ends=start + timedelta(minutes=length), **times)


def reading(day: list[FlowVisit], me: FlowVisit, now: datetime, mark: LateMark | None = None) -> wait_model.Reading:
    board = as_known_at(day, now)
    own = FlowVisit(scheduled=me.scheduled, arrived=me.arrived, ends=me.ends, booked=me.booked)
    return wait_model.read(board, own, now=now, mark=mark, provider="1", weekday=0, hour=me.scheduled.hour)


def waits(day: list[FlowVisit], me: FlowVisit, now: datetime, mark: LateMark | None = None) -> wait_model.TwoWaits:
    return wait_model.predict(wait_model.DEFAULT, reading(day, me, now, mark))


def two_rooms_forty_late() -> list[FlowVisit]:
    """Two exam rooms; from 10:00 the provider is 40 minutes behind, but patients are still roomed on
    time (a room frees when the provider leaves it, and two rooms keep the queue in the rooms)."""
    return [
        slot(10, 0, arrived=at(9, 50), called=at(10, 0), seen=at(10, 40)),
        slot(10, 20, arrived=at(10, 5), called=at(10, 20), seen=at(11, 0)),
        slot(10, 40, arrived=at(10, 30), called=at(10, 40)),
    ]


def test_a_late_provider_with_two_rooms_is_read_in_the_exam_room_not_the_waiting_room():
    day = two_rooms_forty_late()
    me = slot(11, 0, arrived=at(10, 50))
    now = at(10, 50)
    board = as_known_at([*day, me], now)
    assert rooming_lag(board, now=now) == 0  # everyone called in on time
    assert observed_provider_lag(board, now=now) == 40  # the last seen 40 min after their time
    estimate = waits([*day, me], me, now)
    # Roomed at about 11:00, the provider in at about 11:40.
    assert estimate.called.middle == 10
    assert 45 <= estimate.seen.middle <= 55
    assert estimate.seen.low <= 50 <= estimate.seen.high


def test_a_running_late_mark_counts_for_the_provider_until_lunch_and_not_after():
    # Booked 9:00-12:00 in 20-minute slots, lunch until 13:30.
    first = slot(9, 0, arrived=at(8, 50), called=at(9, 2))
    me_morning = slot(10, 0, arrived=at(9, 45))
    others = [slot(h, m) for h in (9, 10, 11) for m in (0, 20, 40) if (h, m) not in ((9, 0), (10, 0))]
    me_afternoon = slot(13, 30, arrived=at(13, 20))
    mark = LateMark(minutes=30, marked_at=at(9, 20))
    day = [first, *others, me_morning, me_afternoon]
    # 9:45: nobody seen yet, the mark (30 min) is the best evidence about the provider.
    assert mark_in_force(as_known_at(day, at(9, 45)), mark, now=at(9, 45), until=me_morning.scheduled) == 30
    assert waits(day, me_morning, at(9, 45), mark).seen.middle >= 45
    # The 12:00-13:30 lunch lies between the mark and the 13:30 patient: the mark no longer counts.
    assert break_between(day, mark.marked_at, me_afternoon.scheduled)
    assert mark_in_force(as_known_at(day, at(11, 10)), mark, now=at(11, 10), until=me_afternoon.scheduled) == 0
    # The morning ran 30 minutes late to the end; lunch absorbed it.
    ran_late = [
        slot(h, m, arrived=at(h, m), called=at(h, m) + timedelta(minutes=25), seen=at(h, m) + timedelta(minutes=30))
        for h in (9, 10, 11)
        for m in (0, 20, 40)
    ]
    afternoon = waits([*ran_late, me_afternoon], me_afternoon, at(13, 20), mark)
    assert afternoon.seen.middle <= 15  # not 13:30 + 30 = 40 min away


def test_a_mark_stops_counting_once_the_provider_is_seen_to_have_caught_up():
    mark = LateMark(minutes=30, marked_at=at(9, 20))
    caught_up = slot(9, 40, arrived=at(9, 35), called=at(9, 40), seen=at(9, 45))  # 5 min late, not 30
    me = slot(10, 0, arrived=at(9, 50))
    day = [slot(9, 0, arrived=at(8, 55), called=at(9, 0), seen=at(9, 30)), caught_up, me]
    assert mark_in_force(as_known_at(day, at(9, 50)), mark, now=at(9, 50), until=me.scheduled) == 0
    before = as_known_at(day, at(9, 30))
    assert mark_in_force(before, mark, now=at(9, 30), until=me.scheduled) == 30


def test_a_mark_stops_counting_after_two_hours():
    mark = LateMark(minutes=20, marked_at=at(9))
    day = [slot(h, m) for h in (9, 10, 11, 12) for m in (0, 20, 40)]
    assert mark_in_force(day, mark, now=at(10, 59), until=at(11, 20)) == 20
    assert mark_in_force(day, mark, now=at(11, 1), until=at(11, 20)) == 0


def test_a_walk_in_put_ahead_pushes_the_wait_back_and_is_unknown_before_it_was_booked():
    # The provider is 20 min behind; a walk-in is slotted at 10:20, just before me at 10:40.
    first = slot(10, 0, arrived=at(9, 55), called=at(10, 20), seen=at(10, 20))
    walk_in = slot(10, 20, arrived=at(10, 15), booked=at(10, 15))
    me = slot(10, 40, arrived=at(10, 25))
    assert len(as_known_at([first, walk_in, me], at(10, 10))) == 2  # not on the board before it was booked
    with_walk_in = waits([first, walk_in, me], me, at(10, 25))
    without = waits([first, me], me, at(10, 25))
    # Without the walk-in the 10:20 slot is open and the provider catches up in it.
    assert with_walk_in.seen.middle > without.seen.middle
    assert reading([first, walk_in, me], me, at(10, 25)).waiting_ahead == 1


def test_a_no_show_ahead_lets_the_provider_catch_up():
    first = slot(9, 0, arrived=at(8, 55), called=at(9, 20), seen=at(9, 20))  # 20 min behind
    missed = slot(9, 20)  # never came
    me = slot(9, 40, arrived=at(9, 30))
    now = at(9, 35)
    came = FlowVisit(scheduled=missed.scheduled, ends=missed.ends, arrived=at(9, 15))
    with_no_show = waits([first, missed, me], me, now)
    had_they_come = waits([first, came, me], me, now)
    assert open_minutes(as_known_at([first, missed, me], now), start=at(9, 15), end=at(9, 40), now=now) == 20
    assert with_no_show.seen.middle < had_they_come.seen.middle
    assert with_no_show.seen.middle <= 10  # seen about on time


def test_once_called_in_only_the_provider_wait_remains_and_never_comes_before_the_call():
    day = two_rooms_forty_late()
    me = slot(11, 0, arrived=at(10, 50))
    r = reading([*day, me], me, at(10, 50))
    roomed = wait_model.predict(wait_model.DEFAULT, r, already_called=True)
    assert roomed.called == wait_model.WaitRange(0.0, 0.0, 0.0)
    waiting = wait_model.predict(wait_model.DEFAULT, r)
    assert waiting.seen.low >= waiting.called.low and waiting.seen.middle >= waiting.called.middle


def test_the_range_shown_to_people_is_to_five_minutes_and_never_a_point():
    assert wait_model.shown_range(wait_model.WaitRange(0, 1, 2)) == (0, 5)
    assert wait_model.shown_range(wait_model.WaitRange(18, 25, 36)) == (20, 35)
    assert wait_model.shown_range(wait_model.WaitRange(21, 21, 21)) == (20, 25)
    assert shown_minutes(11) == 15 and shown_minutes(0) == 0


@given(
    arrive=st.integers(min_value=-30, max_value=20),
    called_after=st.integers(min_value=0, max_value=60),
    now_offset=st.integers(min_value=0, max_value=120),
)
def test_the_board_at_a_moment_never_shows_what_came_after_it(arrive, called_after, now_offset):
    arrived = at(10) + timedelta(minutes=arrive)
    visit = slot(10, arrived=arrived, called=arrived + timedelta(minutes=called_after))
    now = at(9, 30) + timedelta(minutes=now_offset)
    (known,) = as_known_at([visit], now)
    for moment in (known.arrived, known.called):
        assert moment is None or moment <= now
    # The estimate never puts the call in the past.
    assert waits([visit], visit, max(now, arrived)).called.low >= 0
