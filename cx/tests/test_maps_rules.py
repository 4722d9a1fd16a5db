"""The empathy map's rules from plain data (cx/empathy.py): topics → touch points, feelings, gaps."""

import pytest

from cx import empathy
from feedback.comments import TOUCHPOINT_NAMES
from journey.catalogue import BY_CODE


def test_every_topic_maps_to_catalogue_touch_points():
    assert set(empathy.TOPIC_TOUCHPOINTS) == set(TOUCHPOINT_NAMES)
    for topic, codes in empathy.TOPIC_TOUCHPOINTS.items():
        assert codes, topic
        assert set(codes) <= set(BY_CODE), topic


def test_topics_for_a_touch_point():
    assert empathy.topics_for("self-scheduling") == ("booking and access",)
    assert empathy.topics_for("phone-booking") == ("booking and access", "front desk and staff")
    assert empathy.topics_for("statement") == ("billing and cost",)
    assert empathy.topics_for("survey") == ()


@pytest.mark.parametrize(
    ("positive", "negative", "n", "expected"),
    [
        (16, 5, 30, "positive"),
        (15, 5, 30, "mixed"),  # exactly half is not more than half
        (5, 16, 30, "negative"),
        (10, 10, 30, "mixed"),
        (29, 0, 29, None),  # too few
    ],
)
def test_feeling_from_comments(positive, negative, n, expected):
    assert empathy.feeling_from_comments(positive=positive, negative=negative, n=n) == expected


@pytest.mark.parametrize(
    ("top_box", "expected"), [(70.0, "positive"), (69.9, "mixed"), (50.0, "mixed"), (49.9, "negative"), (None, None)]
)
def test_feeling_from_top_box(top_box, expected):
    assert empathy.feeling_from_top_box(top_box) == expected


def test_only_items_with_30_answers_count_towards_the_top_box():
    assert empathy.trusted_top_box([(90.0, 100), (10.0, 29)]) == 90.0
    assert empathy.trusted_top_box([(80.0, 30), (60.0, 45)]) == 70.0
    assert empathy.trusted_top_box([(80.0, 10)]) is None
    assert empathy.trusted_top_box([]) is None


@pytest.mark.parametrize(
    ("comments", "survey", "expected"),
    [
        ("negative", "negative", "negative"),
        ("positive", "negative", "mixed"),
        ("positive", None, "positive"),
        (None, "negative", "negative"),
        (None, None, None),
    ],
)
def test_overall_feeling(comments, survey, expected):
    assert empathy.overall_feeling(comments=comments, survey=survey) == expected


def test_gap():
    assert empathy.gap("positive", "negative").disagrees
    assert empathy.gap("positive", "mixed").disagrees
    assert not empathy.gap("mixed", "mixed").disagrees
    too_few = empathy.gap("positive", None)
    assert too_few.too_few and not too_few.disagrees
    with pytest.raises(ValueError):
        empathy.gap("ecstatic", "positive")
