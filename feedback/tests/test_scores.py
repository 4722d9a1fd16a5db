"""Scores by the CG-CAHPS and NPS rules, against examples worked out by hand (plain data, no database)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from feedback import scores
from feedback.scores import ScoredAnswer


def answers(code: str, kind: str, values, *, composite: str = "", first_response: int = 1, **extra):
    return [
        ScoredAnswer(response_id=first_response + i, code=code, kind=kind, value=v, composite=composite, **extra)
        for i, v in enumerate(values)
    ]


def only_item(rows):
    [item] = scores.item_scores(rows)
    return item


# --- top box and linear means ---------------------------------------------------------------------


def test_it_counts_9_and_10_as_the_top_box_of_a_rating():
    item = only_item(answers("provider_rating", "rating", [10, 9, 8, 0]))
    assert (item.n, item.top_box_count, item.top_box) == (4, 2, 50.0)
    assert item.linear_mean == pytest.approx((100 + 90 + 80 + 0) / 4)  # 67.5


def test_it_counts_only_always_as_the_top_box_of_a_frequency():
    item = only_item(answers("explained", "frequency", [4, 4, 3, 1]))
    assert item.top_box == 50.0
    # always 100, always 100, usually 66.67, never 0
    assert item.linear_mean == pytest.approx((100 + 100 + 200 / 3 + 0) / 4)


def test_it_counts_yes_as_the_top_box_of_a_yes_no_question():
    item = only_item(answers("knew_history", "yes_no", [1, 0, 1]))
    assert item.top_box == pytest.approx(200 / 3)
    assert item.linear_mean == pytest.approx(200 / 3)


def test_it_counts_only_5_as_the_top_box_of_ease():
    item = only_item(answers("booking_ease", "ease", [5, 4, 1]))
    assert item.top_box == pytest.approx(100 / 3)
    assert item.linear_mean == pytest.approx((100 + 75 + 0) / 3)  # 58.33


def test_it_ignores_text_answers_empty_values_and_values_outside_the_scale():
    rows = [
        *answers("wait", "ease", [5, 6, 0]),  # 6 and 0 are not on a 1–5 scale
        ScoredAnswer(response_id=9, code="comment", kind="text", value=None),
        ScoredAnswer(response_id=10, code="wait", kind="ease", value=None),
    ]
    [item] = scores.item_scores(rows)
    assert (item.code, item.n, item.top_box) == ("wait", 1, 100.0)


def test_an_item_nobody_answered_has_no_figures_rather_than_zero():
    item = scores.item_score("x", [])
    assert item.n == 0 and item.top_box is None and item.linear_mean is None and item.too_few


# --- composites -----------------------------------------------------------------------------------


def test_a_composite_is_the_mean_of_its_items_top_box_not_the_pooled_answers():
    rows = [
        # responses 1–4: 50 % always
        *answers("access_routine", "frequency", [4, 4, 3, 1], composite="access"),
        # responses 1, 2 and 5: 2 of 3 always
        *answers("access_urgent", "frequency", [4, 4], composite="access"),
        ScoredAnswer(response_id=5, code="access_urgent", kind="frequency", value=2, composite="access"),
        # another composite's item must not leak in
        *answers("staff_helpful", "frequency", [1, 1], composite="office_staff"),
    ]
    access = next(c for c in scores.composite_scores(rows) if c.composite == "access")
    assert access.top_box == pytest.approx((50 + 200 / 3) / 2)  # 58.33, where pooling would give 4/7 = 57.1
    assert access.n == 5  # responses 1–5 each answered at least one item
    assert [item.code for item in access.items] == ["access_routine", "access_urgent"]


def test_a_composite_without_answers_has_no_score_and_n_zero():
    [coordination] = scores.composite_scores(answers("rating", "rating", [10]), composites=["coordination"])
    assert coordination.top_box is None and coordination.n == 0 and coordination.too_few


# --- NPS ------------------------------------------------------------------------------------------


def nps(values):
    return scores.net_promoter(answers("recommend", "recommend", values))


def test_nps_is_promoters_minus_detractors_as_percentages():
    result = nps([10, 9, 10, 9, 9, 8, 7, 6, 3, 0])  # 5 promoters, 2 passives, 3 detractors
    assert (result.promoters, result.passives, result.detractors, result.n) == (5, 2, 3, 10)
    assert result.score == 20.0  # 50 % − 30 %


def test_nps_runs_from_minus_100_to_100():
    assert nps([9, 10, 10]).score == 100.0
    assert nps([0, 6, 3]).score == -100.0
    assert nps([7, 8, 8]).score == 0.0  # passives only
    assert nps([10, 0]).score == 0.0
    assert nps([]).score is None


def test_nps_rounds_halves_away_from_zero():
    up = nps([10, 10, 10, 0, 0, 7, 7, 7])  # (3 − 2) / 8 = 12.5 %
    down = nps([10, 10, 0, 0, 0, 7, 7, 7])  # −12.5 %
    third = nps([10, 7, 7])  # 33.33 %
    assert up.score == 12.5 and scores.round_half_up(up.score) == 13
    assert down.score == -12.5 and scores.round_half_up(down.score) == -13
    assert scores.round_half_up(third.score) == 33 and scores.round_half_up(third.score, 1) == 33.3


def test_nps_reads_only_the_likelihood_to_recommend():
    rows = [*answers("recommend", "recommend", [10]), *answers("provider_rating", "rating", [0], first_response=2)]
    assert scores.net_promoter(rows).n == 1 and scores.net_promoter(rows).score == 100.0


# --- too few to trust -----------------------------------------------------------------------------


def test_a_figure_from_29_responses_is_too_few_to_trust_and_from_30_it_is_not():
    assert nps([10] * 29).too_few is True
    assert nps([10] * 30).too_few is False
    assert only_item(answers("rate", "rating", [9] * 29)).too_few is True
    assert only_item(answers("rate", "rating", [9] * 30)).too_few is False


def test_a_composite_is_too_few_by_its_responses_not_its_answers():
    # 29 responses, two items each: 58 answers, still 29 people.
    rows = [
        *answers("a", "frequency", [4] * 29, composite="communication"),
        *answers("b", "frequency", [4] * 29, composite="communication"),
    ]
    [comm] = scores.composite_scores(rows, composites=["communication"])
    assert comm.n == 29 and comm.too_few
    rows.append(ScoredAnswer(response_id=30, code="b", kind="frequency", value=1, composite="communication"))
    [comm] = scores.composite_scores(rows, composites=["communication"])
    assert comm.n == 30 and not comm.too_few


# --- summaries and groups -------------------------------------------------------------------------


def test_a_summary_counts_responses_and_holds_every_figure():
    rows = [
        *answers("recommend", "recommend", [10, 6]),
        *answers("provider_rating", "rating", [9, 9], composite="provider_rating"),
    ]
    summary = scores.summarize(rows)
    assert summary.responses == 2 and summary.too_few
    assert summary.nps.score == 0.0
    assert [i.code for i in summary.items] == ["recommend", "provider_rating"]
    rating = next(c for c in summary.composites if c.composite == "provider_rating")
    assert rating.top_box == 100.0 and rating.n == 2
    assert summary.overall.top_box == 75.0  # recommend 50 %, rating 100 %
    assert summary.overall.linear_mean == pytest.approx(((100 + 60) / 2 + 90) / 2)  # 82.5


def test_a_touch_point_is_scored_as_the_mean_of_its_items_like_a_composite():
    rows = [
        *answers("wait_ok", "ease", [5, 5, 5, 1]),  # 75 %
        ScoredAnswer(response_id=9, code="seen_on_time", kind="frequency", value=1),  # 0 %, one answer
    ]
    score = scores.items_mean("wait-estimate", rows)
    assert score.top_box == 37.5 and score.n == 5  # not the pooled 3 of 5 = 60 %
    assert score.linear_mean == pytest.approx((75 + 0) / 2)


def test_it_groups_by_provider_location_and_touch_point():
    rows = [
        ScoredAnswer(1, "r", "rating", 10, touchpoint="visit", provider_id=1, location_id=7),
        ScoredAnswer(2, "r", "rating", 0, touchpoint="visit", provider_id=2, location_id=7),
        ScoredAnswer(2, "w", "ease", 5, touchpoint="waiting-room", provider_id=2, location_id=7),
    ]
    assert {k: len(v) for k, v in scores.by_provider(rows).items()} == {1: 1, 2: 2}
    assert list(scores.by_location(rows)) == [7]
    assert {k: scores.items_mean(k, v).top_box for k, v in scores.by_touchpoint(rows).items()} == {
        "visit": 50.0,
        "waiting-room": 100.0,
    }


def test_it_groups_by_the_practices_local_month_with_empty_months_kept():
    chicago = ZoneInfo("America/Chicago")
    rows = [
        # 03:00 UTC on 1 February is still 31 January in Chicago.
        ScoredAnswer(1, "rec", "recommend", 10, at=datetime(2025, 2, 1, 3, tzinfo=UTC)),
        ScoredAnswer(2, "rec", "recommend", 0, at=datetime(2025, 3, 10, 15, tzinfo=UTC)),
    ]
    result = scores.by_period(rows, period=scores.MONTH, zone=chicago, first=date(2025, 1, 5), last=date(2025, 3, 31))
    assert [start for start, _ in result] == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert [s.nps.score for _, s in result] == [100.0, None, -100.0]


def test_weeks_start_on_monday_and_december_rolls_into_january():
    assert scores.period_start(datetime(2025, 1, 1, 18, tzinfo=UTC), scores.WEEK, ZoneInfo("UTC")) == date(2024, 12, 30)
    assert scores.periods_between(date(2024, 11, 20), date(2025, 1, 2), scores.MONTH) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
    ]
