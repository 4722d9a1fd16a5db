"""cx.stories: patient success stories above practice achievements, touch points varied, deterministic."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx.stories import (
    REASON_NEW_TOUCHPOINT,
    REASON_OUTCOME,
    REASON_PRACTICE,
    REASON_RECOVERED,
    REASON_STAFF,
    REASONS,
    RankedStory,
    StoryCandidate,
    rank_stories,
    score_story,
)


def candidate(key, text, sentiment=0.7, touchpoint="visit", source="comment"):
    return StoryCandidate(key=key, text=text, sentiment=sentiment, touchpoint=touchpoint, source=source)


def test_a_patient_outcome_ranks_above_a_practice_achievement():
    chairs = candidate("chairs", "We got new chairs", sentiment=0.8, touchpoint="waiting")
    rash = candidate("rash", "they fit me in the same day and my rash was gone in a week", sentiment=0.6)
    ranked = rank_stories([chairs, rash])
    assert [r.candidate.key for r in ranked] == ["rash", "chairs"]
    assert REASON_OUTCOME in ranked[0].reasons
    assert REASON_PRACTICE in ranked[1].reasons


@pytest.mark.parametrize(
    "achievement",
    [
        "The renovated lobby looks amazing!",
        "Love the new building and the nice decor.",
        "Parking lot is so much bigger now, great job.",
        "The new website is beautiful.",
        "Me encanta la nueva sala de espera.",
    ],
)
@pytest.mark.parametrize(
    "outcome",
    [
        "The nurse took the time to explain everything and I finally felt heard.",
        "They called me back within an hour and my itch is finally gone.",
        "Me atendieron el mismo día y la doctora me explicó todo.",
        "Por fin mi piel está mejor, me escucharon de verdad.",
    ],
)
def test_outcomes_beat_achievements_in_both_languages(achievement, outcome):
    ranked = rank_stories([candidate("a", achievement, sentiment=0.9), candidate("o", outcome, sentiment=0.5)])
    assert ranked[0].candidate.key == "o"


def test_a_negative_comment_is_not_a_success_story():
    bad = candidate("bad", "They never called me back and my rash got worse.", sentiment=-0.6)
    plain = candidate("plain", "Nice visit, friendly people, would come again.", sentiment=0.4)
    assert rank_stories([bad, plain])[0].candidate.key == "plain"


def test_a_recovered_experience_is_credited():
    recovered = candidate(
        "rc", "Billing was wrong but they called me back and fixed it.", sentiment=0.3, source="recovery"
    )
    [story] = rank_stories([recovered])
    assert REASON_RECOVERED in story.reasons
    assert score_story(recovered)[0] > score_story(candidate("c", recovered.text, sentiment=0.3))[0]


def test_naming_who_helped_is_a_reason():
    _, reasons = score_story(candidate("n", "The nurse explained my aftercare and I felt safe."))
    assert REASON_STAFF in reasons
    _, reasons = score_story(candidate("s", "Everyone on the staff was friendly to me."))
    assert REASON_STAFF not in reasons


def test_the_top_three_prefer_different_touch_points():
    booking = [
        candidate(f"b{n}", "They fit me in the same day and explained everything, I felt heard.", touchpoint="booking")
        for n in range(3)
    ]
    visit = candidate("v", "The doctor listened and my skin finally cleared up.", sentiment=0.6, touchpoint="visit")
    checkin = candidate("c", "The receptionist called me back and got me in the same day.", 0.5, touchpoint="checkin")
    ranked = rank_stories([*booking, visit, checkin], limit=3)
    assert {r.candidate.touchpoint for r in ranked} == {"booking", "visit", "checkin"}
    assert REASON_NEW_TOUCHPOINT in ranked[1].reasons


def test_limit_and_empty_input():
    assert rank_stories([]) == []
    many = [candidate(str(n), "They fit me in the same day.", touchpoint=f"t{n}") for n in range(10)]
    assert len(rank_stories(many)) == 3
    assert len(rank_stories(many, limit=5)) == 5


def test_reasons_are_known_msgids():
    ranked = rank_stories(
        [
            candidate("1", "We got new chairs", touchpoint="a"),
            candidate("2", "Dr. Lee fit me in the same day", touchpoint="b", source="recovery"),
            candidate("3", "Great", sentiment=0.9, touchpoint="c"),
        ]
    )
    for story in ranked:
        assert set(story.reasons) <= set(REASONS)


texts = st.sampled_from(
    [
        "They fit me in the same day",
        "We got new chairs",
        "the nurse explained everything",
        "Parking lot is huge",
        "me atendieron el mismo día",
        "Great",
        "My rash was gone in a week",
    ]
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            candidate,
            key=st.text(alphabet="abcdef", min_size=1, max_size=4),
            text=texts,
            sentiment=st.floats(-1, 1),
            touchpoint=st.sampled_from(["booking", "visit", "checkin"]),
            source=st.sampled_from(["comment", "recovery"]),
        ),
        max_size=8,
        unique_by=lambda c: c.key,
    )
)
def test_ranking_is_deterministic_and_order_free(candidates):
    ranked = rank_stories(candidates)
    assert ranked == rank_stories(list(reversed(candidates)))
    assert len(ranked) == min(3, len(candidates))
    assert all(isinstance(r, RankedStory) for r in ranked)
    assert len({r.candidate.key for r in ranked}) == len(ranked)
