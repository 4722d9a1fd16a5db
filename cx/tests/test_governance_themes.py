"""Recurring themes (same survey touch point and comment topic, negative at least N times in the
window) and recurrences after a root-cause analysis's fixes."""

from datetime import timedelta

import pytest

from cx.models import RcaStatus
from cx.selectors.themes import recurrences, recurring_themes
from tests.factories import make_patient, make_survey
from tests.governance_data import analysis, comment, open_case, today, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(practice):
    return make_survey(practice), make_patient(practice), today(practice)


def test_a_theme_recurs_at_the_threshold_with_its_n_and_latest_day(practice, world):
    version, patient, day = world
    for ago in (2, 9, 20):
        comment(version, patient, day=day - timedelta(days=ago))
    found = recurring_themes(practice, today=day, threshold=3, window_days=30)
    assert [(t.touchpoint, t.topic, t.n, t.latest) for t in found] == [
        ("phone-booking", "waiting", 3, day - timedelta(days=2))
    ]
    assert recurring_themes(practice, today=day, threshold=4, window_days=30) == []


def test_only_the_window_counts(practice, world):
    version, patient, day = world
    for ago in (0, 29, 30, 45):  # 30 days ago is outside a 30-day window that includes today
        comment(version, patient, day=day - timedelta(days=ago))
    assert recurring_themes(practice, today=day, threshold=3, window_days=30) == []
    found = recurring_themes(practice, today=day, threshold=3, window_days=31)
    assert [t.n for t in found] == [3]
    assert [t.n for t in recurring_themes(practice, today=day, threshold=3, window_days=60)] == [4]
    # Comments after "today" are not counted either.
    earlier = day - timedelta(days=29)
    assert [t.n for t in recurring_themes(practice, today=earlier, threshold=2, window_days=60)] == [3]


def test_only_negative_topics_count_and_touch_points_are_separate(practice, world):
    version, patient, day = world
    mixed = [{"name": "waiting", "sentiment": "negative"}, {"name": "booking and access", "sentiment": "positive"}]
    for ago in (1, 2):
        comment(version, patient, day=day - timedelta(days=ago), tags=mixed, sentiment="mixed")
    comment(version, patient, day=day, tags=waiting("positive"), sentiment="positive")
    comment(version, patient, day=day, touchpoint="flow-board")
    found = recurring_themes(practice, today=day, threshold=2, window_days=30)
    assert [(t.touchpoint, t.topic, t.n) for t in found] == [("phone-booking", "waiting", 2)]


def test_the_staffs_correction_wins(practice, world):
    version, patient, day = world
    # The analyser said negative about the wait; staff corrected it: not a complaint.
    comment(version, patient, day=day, corrected=waiting("positive"), corrected_sentiment="positive")
    # The analyser missed it; staff corrected it to a negative wait.
    comment(
        version, patient, day=day, tags=[], sentiment="neutral", corrected=waiting(), corrected_sentiment="negative"
    )
    comment(version, patient, day=day)
    found = recurring_themes(practice, today=day, threshold=2, window_days=30)
    assert [(t.topic, t.n) for t in found] == [("waiting", 2)]


def test_another_practices_comments_never_count(practice, other_practice, world):
    version, patient, day = world
    other_version, other_patient = make_survey(other_practice), make_patient(other_practice)
    comment(version, patient, day=day)
    for _ in range(3):
        comment(other_version, other_patient, day=day)
    assert recurring_themes(practice, today=day, threshold=2, window_days=30) == []
    assert [t.n for t in recurring_themes(other_practice, today=day, threshold=2, window_days=30)] == [3]


def test_a_theme_that_comes_back_after_the_fixes_is_a_recurrence(practice, world):
    version, patient, day = world
    done_on = day - timedelta(days=10)
    rca = analysis(practice, status=RcaStatus.DONE, actions_done_on=done_on)
    comment(version, patient, day=done_on)  # the day the fixes were done: not after them
    comment(version, patient, day=day - timedelta(days=20))  # before
    comment(version, patient, day=day - timedelta(days=3), tags=[{"name": "billing and cost", "sentiment": "negative"}])
    comment(version, patient, day=day - timedelta(days=4), touchpoint="flow-board")  # another touch point
    assert recurrences(practice, today=day) == []
    comment(version, patient, day=day - timedelta(days=5))
    comment(version, patient, day=day - timedelta(days=1))
    (found,) = recurrences(practice, today=day)
    assert (found.rca, found.n, found.latest, found.since) == (rca, 2, day - timedelta(days=1), done_on)


def test_only_done_analyses_are_watched(practice, world):
    version, patient, day = world
    analysis(practice, status=RcaStatus.ACTIONS)
    analysis(practice, status=RcaStatus.OPEN)
    comment(version, patient, day=day)
    assert recurrences(practice, today=day) == []


def test_a_failed_experience_comes_back_as_a_new_case_or_a_negative_comment_at_its_touch_point(practice, world):
    version, patient, day = world
    done_on = day - timedelta(days=14)
    rca = analysis(practice, theme="", touchpoint="reminders", status=RcaStatus.DONE, actions_done_on=done_on)
    open_case(version, patient, opened_on=day - timedelta(days=20), touchpoint="reminders")  # before the fixes
    open_case(version, patient, opened_on=day - timedelta(days=2), touchpoint="self-scheduling")  # elsewhere
    assert recurrences(practice, today=day) == []
    open_case(version, patient, opened_on=day - timedelta(days=2), touchpoint="reminders")
    comment(version, patient, day=day - timedelta(days=1), touchpoint="reminders", tags=[], sentiment="negative")
    (found,) = recurrences(practice, today=day)
    assert (found.rca, found.n, found.theme) == (rca, 2, "")
