"""Replaying past days to score both wait estimates, and fitting the model on the practice's own days."""

import random
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from scipy.optimize import linprog

from frontdesk import wait_model
from frontdesk.estimate_accuracy import ProviderDay, replay, score_day, summarise, training_rows
from frontdesk.estimates import FlowVisit, LateMark


def at(hour: int, minute: int = 0, day: date = date(2026, 3, 2)) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def three_visits(second_called: datetime | None = None) -> list[FlowVisit]:
    second_called = second_called or at(9, 35)
    return [
        FlowVisit(scheduled=at(9), arrived=at(8, 55), called=at(9, 10), ends=at(9, 20), seen=at(9, 12)),
        FlowVisit(scheduled=at(9, 20), arrived=at(9, 15), called=second_called, ends=at(9, 40), seen=at(9, 37)),
        # Came ten minutes late.
        FlowVisit(scheduled=at(9, 40), arrived=at(9, 50), called=at(9, 52), ends=at(10), seen=at(9, 55)),
    ]


def test_it_scores_a_day_as_worked_out_by_hand():
    day = ProviderDay(provider="1", day=date(2026, 3, 2), visits=three_visits())
    scored = score_day(day, wait_model.DEFAULT, tz=UTC)
    # Naive ("at my time", or now if late): 9:00 from 8:55, 9:20 from 9:15, now at 9:50.
    assert [s.called_naive for s in scored] == [10, 15, 2]
    assert [s.seen_naive for s in scored] == [12, 17, 5]
    # The default model's middle for "called in" is the rooming lag: 2nd patient at 9:15 sees the 1st
    # called 10 min late, so 9:30 (called 9:35: off by 5); the 3rd at 9:50 sees the 2nd called 15 late
    # on a 9:40 time: 9:55 (called 9:52: off by 3).
    assert [s.called for s in scored] == [10, 5, 3]
    summary = summarise(scored)
    assert summary.n == 3 and summary.seen_n == 3
    assert summary.mae_minutes == pytest.approx(6.0) and summary.naive_mae_minutes == pytest.approx(9.0)


def test_it_uses_nothing_from_after_the_arrival():
    # The 2nd patient's call happening much later cannot change the 1st patient's estimate.
    def first(visits):
        return score_day(ProviderDay("1", date(2026, 3, 2), visits), wait_model.DEFAULT, tz=UTC)[0]

    assert first(three_visits()) == first(three_visits(second_called=at(10, 30)))


def test_a_walk_in_booked_later_is_not_on_the_board_of_an_earlier_arrival():
    visits = three_visits()
    walk_in = FlowVisit(
        scheduled=at(9, 10), arrived=at(9, 30), called=at(9, 31), ends=at(9, 20), seen=at(9, 33), booked=at(9, 30)
    )
    before = score_day(ProviderDay("1", date(2026, 3, 2), visits), wait_model.DEFAULT, tz=UTC)
    after = score_day(ProviderDay("1", date(2026, 3, 2), [*visits, walk_in]), wait_model.DEFAULT, tz=UTC)
    assert after[:2] == before[:2]  # the two who arrived before 9:30 saw the same board


def test_the_mae_counts_only_visits_with_an_arrival_and_a_call():
    visits = [*three_visits(), FlowVisit(scheduled=at(10), ends=at(10, 20))]  # a no-show
    assert summarise(score_day(ProviderDay("1", date(2026, 3, 2), visits), wait_model.DEFAULT, tz=UTC)).n == 3
    assert summarise([]).mae_minutes is None


# --- the learned model --------------------------------------------------------------------------------


def rooms_world(weeks: int, seed: int = 3) -> list[ProviderDay]:
    """Days where patients are roomed on arrival (two rooms) and the provider runs about 12 minutes
    behind on Mondays and on time otherwise: the default model (rooming lag, provider lag) knows none
    of it on arrival; a model learned from earlier weeks should."""
    rng = random.Random(seed)
    days = []
    monday = date(2026, 1, 5)
    for week in range(weeks):
        for weekday in range(5):
            day = monday + timedelta(days=7 * week + weekday)
            behind = 12 if weekday == 0 else 0
            visits = []
            for i in range(16):
                start = at(9, 0, day) + timedelta(minutes=20 * i)
                arrived = start - timedelta(minutes=rng.uniform(2, 20))
                called = arrived + timedelta(minutes=rng.uniform(0, 2))
                seen = start + timedelta(minutes=behind + rng.uniform(-2, 4))
                visits.append(
                    FlowVisit(
                        scheduled=start, ends=start + timedelta(minutes=20), arrived=arrived, called=called, seen=seen
                    )
                )
            days.append(ProviderDay(provider="1", day=day, visits=visits))
    return days


def test_the_model_learned_from_earlier_weeks_beats_the_default_and_the_naive_guess(monkeypatch):
    monkeypatch.setattr(wait_model, "TRUST_ROWS", wait_model.MIN_ROWS)  # small worlds: trust what is learned
    days = rooms_world(weeks=6)
    scored = replay(days, tz=UTC)
    later = summarise([s for s in scored if s.learned])
    first_week = summarise([s for s in scored if not s.learned])
    # Two weeks to learn from: the first week's 80 visits are under MIN_ROWS.
    assert first_week.n == 2 * 5 * 16
    assert later.n == 4 * 5 * 16
    assert later.mae_minutes < 0.5 * later.naive_mae_minutes  # roomed on arrival, not at their time
    assert later.seen_mae_minutes < first_week.seen_mae_minutes
    # Asked again once in the room (roomed on arrival, the provider in at about their time, or 12 late on
    # Mondays): learned, it beats both the default and "at my appointment time".
    assert later.in_room_n == later.seen_n
    assert later.in_room_mae_minutes < first_week.in_room_mae_minutes
    assert later.in_room_mae_minutes < 0.6 * later.in_room_naive_mae_minutes
    assert 0.7 <= later.coverage <= 0.95 and 0.7 <= later.seen_coverage <= 0.95


def test_a_week_is_scored_with_a_model_fitted_only_on_the_weeks_before_it():
    fitted_on: list[set[date]] = []

    def spy(rows):
        fitted_on.append({r.reading.weekday for r in rows})
        return wait_model.fit(rows)

    days = rooms_world(weeks=3)
    replay(days, tz=UTC, fit=spy)
    assert len(fitted_on) == 3  # one model a week
    first_week_rows = training_rows(days[0], tz=UTC)
    assert len(first_week_rows) == 16


def test_the_usual_lag_is_learned_per_provider_weekday_and_hour():
    rows = [row for day in rooms_world(weeks=4) for row in training_rows(day, tz=UTC)]
    model = wait_model.fit(rows)
    monday = model.typical["1|0|10"]
    tuesday = model.typical["1|1|10"]
    assert monday > tuesday + 5  # about 12 behind on Mondays, shrunk towards the provider's usual
    assert model.n == len(rows)
    assert wait_model.WaitModel.from_json(model.as_json()) == model


def test_a_stored_model_from_another_version_is_refused():
    with pytest.raises(ValueError):
        wait_model.WaitModel.from_json({"coefficients": {"called": [[0.0]], "seen": [[0.0]]}})


def test_a_short_history_is_pulled_towards_the_default_in_proportion(monkeypatch):
    rows = [row for day in rooms_world(weeks=3) for row in training_rows(day, tz=UTC)]
    full_trust = wait_model.TRUST_ROWS
    assert wait_model.MIN_ROWS <= len(rows) < full_trust
    blended = wait_model.fit(rows)
    monkeypatch.setattr(wait_model, "TRUST_ROWS", len(rows))
    learned = wait_model.fit(rows)
    trust = len(rows) / full_trust
    for question in (wait_model.CALLED, wait_model.SEEN, wait_model.IN_ROOM):
        for got, own, default in zip(
            blended.coefficients[question],
            learned.coefficients[question],
            wait_model.DEFAULT.coefficients[question],
            strict=True,
        ):
            assert np.allclose(got, trust * np.array(own) + (1 - trust) * np.array(default))


def test_too_little_history_keeps_the_default():
    rows = training_rows(rooms_world(weeks=1)[0], tz=UTC)
    assert wait_model.fit(rows) is wait_model.DEFAULT


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_the_quantile_regression_matches_the_exact_linear_programme(q):
    rng = np.random.default_rng(7)
    n = 400
    x = np.column_stack([np.ones(n), rng.uniform(0, 30, n), rng.uniform(0, 30, n)])
    y = 2 + 0.8 * x[:, 1] + 0.1 * x[:, 2] + rng.gumbel(0, 4, n)
    beta = wait_model.quantile_regression(x, y, q)

    # min sum(q u+ + (1-q) u-) subject to x b + u+ - u- = y, u >= 0: the exact quantile regression.
    k = x.shape[1]
    cost = np.concatenate([np.zeros(k), np.full(n, q), np.full(n, 1 - q)])
    equality = np.hstack([x, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * k + [(0, None)] * (2 * n)
    exact = linprog(cost, A_eq=equality, b_eq=y, bounds=bounds, method="highs").x[:k]

    def loss(b):
        r = y - x @ b
        return np.sum(np.where(r >= 0, q * r, (q - 1) * r))

    assert loss(beta) <= loss(exact) * 1.01  # within 1 % of the optimum
    share_below = np.mean(y <= x @ beta)
    assert abs(share_below - q) < 0.04


def test_a_late_mark_in_the_history_teaches_the_model_what_a_mark_is_worth(monkeypatch):
    """A front desk that marks 30 minutes when the provider is really about 15 behind: the learned
    model should say less than the mark, the default (which believes the mark) more."""
    monkeypatch.setattr(wait_model, "TRUST_ROWS", wait_model.MIN_ROWS)
    rng = random.Random(5)
    days = []
    for week in range(4):
        for weekday in range(5):
            day = date(2026, 1, 5) + timedelta(days=7 * week + weekday)
            visits = []
            for i in range(16):
                start = at(9, 0, day) + timedelta(minutes=20 * i)
                arrived = start - timedelta(minutes=rng.uniform(0, 10))
                seen = start + timedelta(minutes=15 + rng.uniform(-3, 3))
                visits.append(
                    FlowVisit(
                        scheduled=start,
                        ends=start + timedelta(minutes=20),
                        arrived=arrived,
                        called=seen - timedelta(minutes=2),
                        seen=seen,
                    )
                )
            days.append(ProviderDay("1", day, visits, marks=[LateMark(minutes=30, marked_at=at(8, 30, day))]))
    scored = replay(days, tz=UTC)
    learned = summarise([s for s in scored if s.learned])
    default = summarise([s for s in scored if not s.learned])
    assert learned.seen_mae_minutes < default.seen_mae_minutes / 2


def test_the_margin_of_the_mean_error_counts_a_provider_day_as_one_cluster():
    from frontdesk.estimate_accuracy import mean_margin

    monday, tuesday = ("1", date(2026, 3, 2)), ("1", date(2026, 3, 3))
    # Independent visits: the cluster-robust margin equals the usual 1.96 s / sqrt(n) (with the g/(g-1)
    # correction), here with every visit its own cluster.
    errors = [2.0, 4.0, 6.0, 8.0]
    own = [(("1", date(2026, 3, 2 + i)), e) for i, e in enumerate(errors)]
    mean = 5.0
    by_hand = 1.96 * np.sqrt(sum((e - mean) ** 2 for e in errors) / 16 * 4 / 3)
    assert mean_margin(own) == pytest.approx(by_hand)
    # The same errors in two days that each ran together are less certain than four independent ones.
    together = [(monday, 2.0), (monday, 4.0), (tuesday, 6.0), (tuesday, 8.0)]
    assert mean_margin(together) > mean_margin(own)
    assert mean_margin([(monday, 3.0), (monday, 5.0)]) is None  # one cluster: no interval
    assert mean_margin([]) is None
