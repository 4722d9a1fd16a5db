"""The 2×2 and RICE from plain data (cx/prioritise.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx import prioritise
from cx.prioritise import BIG_BET, FILL_IN, MONEY_PIT, QUICK_WIN, IdeaScores


@pytest.mark.parametrize(
    ("impact", "effort", "expected"),
    [
        (5, 1, QUICK_WIN),
        (3, 3, QUICK_WIN),  # noticeably better for a few days' work
        (3, 4, BIG_BET),
        (5, 5, BIG_BET),
        (2, 3, FILL_IN),
        (1, 1, FILL_IN),
        (2, 4, MONEY_PIT),
        (1, 5, MONEY_PIT),
    ],
)
def test_the_quadrant_follows_the_words_of_the_scales(impact, effort, expected):
    assert prioritise.quadrant(impact, effort) == expected


@pytest.mark.parametrize(("impact", "effort"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_the_quadrant_refuses_scores_off_the_scale(impact, effort):
    with pytest.raises(ValueError, match="1 to 5"):
        prioritise.quadrant(impact, effort)


def test_the_impact_weights_follow_rice():
    assert [prioritise.impact_weight(i) for i in range(1, 6)] == [0.25, 0.5, 1, 2, 3]


def test_rice_is_reach_times_weight_times_confidence_over_effort():
    # 400 patients a quarter, high impact (2), 80 % sure, 2 person-weeks: 400 × 2 × 0.8 / 2 = 320.
    assert prioritise.rice(reach=400, impact=4, confidence=80, effort_weeks=2) == pytest.approx(320)
    assert prioritise.rice(reach=400, impact=1, confidence=50, effort_weeks=0.5) == pytest.approx(100)
    assert prioritise.rice(reach=0, impact=5, confidence=100, effort_weeks=1) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reach": -1}, "reach"),
        ({"confidence": 101}, "confidence"),
        ({"confidence": -5}, "confidence"),
        ({"effort_weeks": 0}, "effort"),
        ({"impact": 7}, "impact"),
    ],
)
def test_rice_refuses_bad_input(fields, message):
    kwargs = {"reach": 10, "impact": 3, "confidence": 50, "effort_weeks": 1.0, **fields}
    with pytest.raises(ValueError, match=message):
        prioritise.rice(**kwargs)


def test_prioritise_ranks_by_rice_and_keeps_ties_in_order():
    ideas = [
        IdeaScores(key=1, impact=3, effort=3, confidence=100, effort_weeks=1),  # 100 × 1 = 100
        IdeaScores(key=2, impact=5, effort=2, confidence=50, effort_weeks=1),  # 100 × 3 × .5 = 150
        IdeaScores(key=3, impact=2, effort=1, confidence=100, effort_weeks=0.5),  # 100 × .5 / .5 = 100
        IdeaScores(key=4, impact=4, effort=5, confidence=80, effort_weeks=8),  # 100 × 2 × .8 / 8 = 20
    ]
    ranked = prioritise.prioritise(ideas, reach=100)
    assert [(p.idea.key, p.rank) for p in ranked] == [(2, 1), (1, 2), (3, 3), (4, 4)]
    assert [p.quadrant for p in ranked] == [QUICK_WIN, QUICK_WIN, FILL_IN, BIG_BET]
    assert ranked[0].rice == pytest.approx(150)


def test_by_quadrant_has_every_corner():
    ranked = prioritise.prioritise([IdeaScores(key=9, impact=5, effort=1, confidence=90, effort_weeks=1)], reach=10)
    corners = prioritise.by_quadrant(ranked)
    assert list(corners) == [QUICK_WIN, BIG_BET, FILL_IN, MONEY_PIT]
    assert [p.idea.key for p in corners[QUICK_WIN]] == [9]
    assert corners[MONEY_PIT] == []


scores = st.integers(min_value=1, max_value=5)


@given(impact=scores, effort=scores, more=st.integers(min_value=0, max_value=4))
def test_more_impact_never_moves_an_idea_towards_the_low_corners(impact, effort, more):
    higher = min(5, impact + more)
    low = {FILL_IN, MONEY_PIT}
    if prioritise.quadrant(impact, effort) not in low:
        assert prioritise.quadrant(higher, effort) not in low


@given(
    reach=st.integers(min_value=0, max_value=100_000),
    impact=scores,
    confidence=st.integers(min_value=0, max_value=100),
    weeks=st.floats(min_value=0.1, max_value=100, allow_nan=False),
)
def test_rice_grows_with_reach_and_shrinks_with_effort(reach, impact, confidence, weeks):
    base = prioritise.rice(reach=reach, impact=impact, confidence=confidence, effort_weeks=weeks)
    assert base >= 0
    assert prioritise.rice(reach=reach + 1, impact=impact, confidence=confidence, effort_weeks=weeks) >= base
    assert prioritise.rice(reach=reach, impact=impact, confidence=confidence, effort_weeks=weeks * 2) <= base
