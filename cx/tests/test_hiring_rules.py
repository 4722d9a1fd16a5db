"""The default interview kits, the rubric check and the score summary (cx/hiring.py, no database)."""

import pytest

from cx import hiring
from cx.models import Competency, JobTitle


@pytest.mark.parametrize("job_title", JobTitle.values)
def test_every_role_gets_one_question_per_competency_with_a_four_step_rubric_in_both_languages(job_title):
    questions = hiring.default_questions(job_title)
    assert {q.competency for q in questions} == set(hiring.COMPETENCIES) == set(Competency.values)
    for q in questions:
        assert q.text_en.strip() and q.text_es.strip()
        assert q.text_en != q.text_es
        assert len(q.anchors_en) == len(q.anchors_es) == 4
        assert hiring.rubric_problem(q.anchors_en, required=True) is None
        assert hiring.rubric_problem(q.anchors_es, required=True) is None
        assert len(q.text_en) <= 600 and len(q.text_es) <= 600


def test_the_kits_are_behavioural_and_roles_get_their_own_question():
    wait = hiring.default_questions(JobTitle.OTHER)
    assert any("upset with a wait" in q.text_en for q in wait)
    assert all(q.text_en.startswith("Tell me") for q in wait)
    assert all(q.text_es.startswith("Cuénteme") for q in wait)
    receptionist = hiring.default_questions(JobTitle.RECEPTIONIST)
    assert len(receptionist) == len(wait) + 1
    assert "phone call" in receptionist[-1].text_en
    assert "bill" in hiring.default_questions(JobTitle.BILLING)[-1].text_en


def test_rubric_problems():
    good = ["a", "b", "c", "d"]
    assert hiring.rubric_problem(good, required=True) is None
    assert hiring.rubric_problem(["a", "b", "c"], required=True) == "count"
    assert hiring.rubric_problem(["a", "", "c", "d"], required=True) == "missing"
    assert hiring.rubric_problem(["", "", "", ""], required=True) == "missing"
    assert hiring.rubric_problem(["", "", "", ""], required=False) is None
    assert hiring.rubric_problem(["a", "", "", ""], required=False) == "missing"
    assert hiring.rubric_problem(["a", "b", "c", "d" * 301], required=True) == "long"


@pytest.mark.parametrize("value", [1, 2, 3, 4])
def test_valid_scores(value):
    assert hiring.valid_score(value)


@pytest.mark.parametrize("value", [0, 5, -1, 2.5, "3", None, True])
def test_invalid_scores(value):
    assert not hiring.valid_score(value)


def test_summary_per_competency_with_n_interviewers_and_range():
    scores = [
        hiring.Score(1, 10, hiring.LISTENING, 4),
        hiring.Score(2, 10, hiring.LISTENING, 2),
        hiring.Score(1, 11, hiring.LISTENING, 3),
        hiring.Score(2, 12, hiring.EMPATHY, 1),
    ]
    by = {s.competency: s for s in hiring.summarise(scores)}
    assert [s.competency for s in hiring.summarise(scores)] == list(hiring.COMPETENCIES)
    assert by[hiring.LISTENING].mean == 3.0 and by[hiring.LISTENING].n == 3
    assert by[hiring.LISTENING].interviewers == 2
    assert (by[hiring.LISTENING].lowest, by[hiring.LISTENING].highest) == (2, 4)
    assert by[hiring.EMPATHY].mean == 1.0 and by[hiring.EMPATHY].n == 1 and by[hiring.EMPATHY].interviewers == 1
    assert by[hiring.TEAMWORK].mean is None and by[hiring.TEAMWORK].n == 0


def test_summary_refuses_a_score_outside_1_to_4():
    with pytest.raises(ValueError):
        hiring.summarise([hiring.Score(1, 1, hiring.LISTENING, 5)])
