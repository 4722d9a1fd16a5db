"""Replaying past days to score the wait estimate against when patients were really called in."""

from datetime import UTC, datetime

import pytest

from frontdesk.estimate_accuracy import EstimateAccuracy, replay_day, summarise
from frontdesk.estimates import FlowVisit, LateMark


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def three_visits(second_called: datetime | None = None) -> list[FlowVisit]:
    second_called = second_called or at(9, 35)
    return [
        FlowVisit(scheduled=at(9), arrived=at(8, 55), called=at(9, 10), ends=at(9, 20)),
        FlowVisit(scheduled=at(9, 20), arrived=at(9, 15), called=second_called, ends=at(9, 40)),
        # Came ten minutes late.
        FlowVisit(scheduled=at(9, 40), arrived=at(9, 50), called=at(9, 52), ends=at(10)),
    ]


def test_it_scores_a_day_as_worked_out_by_hand():
    scored = replay_day(three_visits())
    # 1st at 8:55: nobody called yet, expected 9:00 (naive too), called 9:10.
    # 2nd at 9:15: the 1st was called 10 late, expected 9:30 (naive 9:20), called 9:35.
    # 3rd at 9:50: the 2nd was called 15 late, expected 9:55 (naive: now, 9:50), called 9:52.
    assert [(s.error, s.naive_error) for s in scored] == [(10, 10), (5, 15), (3, 2)]
    assert summarise(scored) == EstimateAccuracy(n=3, mae_minutes=6.0, naive_mae_minutes=9.0)


def test_it_uses_nothing_from_after_the_arrival():
    # The 2nd patient's call happening much later cannot change the 1st patient's estimate.
    first_then = replay_day(three_visits())[0]
    first_now = replay_day(three_visits(second_called=at(10, 30)))[0]
    assert first_now == first_then


def test_it_counts_a_running_late_mark_only_from_when_it_was_made():
    early_mark = LateMark(minutes=30, marked_at=at(9, 12))
    late_mark = LateMark(minutes=30, marked_at=at(9, 40))
    # Marked at 9:12: the 2nd patient (arriving 9:15) is told 9:20 + 30 = 9:50 (the mark is a floor), called 9:35.
    assert replay_day(three_visits(), [early_mark])[1].error == 15
    # Marked at 9:40, after the 2nd patient arrived: their estimate is the one without it.
    assert replay_day(three_visits(), [late_mark])[1].error == 5


def test_it_skips_visits_without_an_arrival_or_a_call():
    day = [
        FlowVisit(scheduled=at(9), ends=at(9, 20)),  # a no-show
        FlowVisit(scheduled=at(9, 20), arrived=at(9, 10), ends=at(9, 40)),  # left without being seen
        FlowVisit(scheduled=at(9, 40), arrived=at(9, 30), called=at(9, 45), ends=at(10)),
    ]
    scored = replay_day(day)
    assert len(scored) == 1
    # At 9:30 the patient who came at 9:10 has waited 10 minutes past 9:20: expected 9:50, called 9:45.
    assert scored[0].error == pytest.approx(5)
    assert scored[0].naive_error == pytest.approx(5)
    assert summarise([]) == EstimateAccuracy(n=0, mae_minutes=None, naive_mae_minutes=None)
