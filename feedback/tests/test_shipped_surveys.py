"""The shipped survey templates: complete in English and Spanish, valid codes and touch points,
the five CG-CAHPS composites covered, and made into rows once however often they are asked for."""

import threading

import pytest
from django.db import connection

from feedback.models import Composite, Question, QuestionKind, Survey, SurveyKind, SurveyVersion
from feedback.services import surveys
from feedback.shipped import MAIN_TOUCHPOINT, POST_VISIT, SHIPPED
from journey.catalogue import BY_CODE

ALL_QUESTIONS = [q for spec in SHIPPED.values() for q in spec.questions]


def test_it_ships_one_template_for_every_kind_of_survey():
    assert set(SHIPPED) == set(SurveyKind.values)
    assert set(MAIN_TOUCHPOINT) == set(SurveyKind.values)
    assert all(code in BY_CODE for code in MAIN_TOUCHPOINT.values())


def test_it_has_every_question_in_english_and_spanish():
    for spec in SHIPPED.values():
        assert spec.name_en.strip() and spec.name_es.strip() and spec.name_en != spec.name_es
    for q in ALL_QUESTIONS:
        assert q.text_en.strip() and q.text_es.strip(), q.code
        assert q.text_en != q.text_es, q.code
        assert len(q.text_en) <= 300 and len(q.text_es) <= 300, q.code
        # Spanish questions open and close their question marks.
        if q.text_es.endswith("?"):
            assert "¿" in q.text_es, q.code


def test_it_gives_every_question_a_unique_code_a_valid_kind_touch_point_and_composite():
    codes = [q.code for q in ALL_QUESTIONS]
    assert len(codes) == len(set(codes))
    for q in ALL_QUESTIONS:
        assert surveys.CODE_RE.match(q.code), q.code
        assert q.kind in QuestionKind.values, q.code
        assert q.touchpoint in BY_CODE, q.code
        assert q.composite in Composite.values, q.code


def test_the_post_visit_survey_covers_the_five_cg_cahps_composites_with_their_scales():
    by_composite = {}
    for q in POST_VISIT.questions:
        by_composite.setdefault(q.composite, []).append(q)
    for composite in ("access", "communication", "office_staff", "coordination"):
        assert len(by_composite[composite]) >= 2, composite
        assert {q.kind for q in by_composite[composite]} == {QuestionKind.FREQUENCY}
    assert [q.kind for q in by_composite["provider_rating"]] == [QuestionKind.RATING]
    loose = by_composite[""]
    assert [q.kind for q in loose] == [QuestionKind.RECOMMEND, QuestionKind.TEXT]
    assert len(by_composite["communication"]) == 4
    assert any("15 minutes" in q.text_en for q in by_composite["access"])


def test_the_micro_surveys_are_one_or_two_questions_led_by_an_ease_question():
    for kind in ("after_booking", "after_check_in", "after_statement"):
        questions = SHIPPED[kind].questions
        assert 1 <= len(questions) <= 2
        assert questions[0].kind == QuestionKind.EASE
    assert SHIPPED["after_booking"].questions[0].text_en == "How easy was it to book your appointment online?"
    assert SHIPPED["after_statement"].questions[0].text_en == "How easy was your bill to understand?"
    assert [q.kind for q in SHIPPED["after_check_in"].questions] == [QuestionKind.EASE, QuestionKind.YES_NO]


@pytest.mark.django_db
def test_it_makes_the_shipped_survey_rows_once():
    first = surveys.shipped_survey(SurveyKind.POST_VISIT)
    again = surveys.shipped_survey(SurveyKind.POST_VISIT)
    assert first.pk == again.pk and first.practice_id is None
    assert Survey.objects.filter(practice__isnull=True, kind=SurveyKind.POST_VISIT).count() == 1
    version = surveys.current_version(first)
    assert version.number == 1
    stored = list(Question.objects.filter(version=version).order_by("position"))
    assert [q.code for q in stored] == [q.code for q in POST_VISIT.questions]
    assert [(q.text_es, q.touchpoint, q.composite) for q in stored] == [
        (q.text_es, q.touchpoint, q.composite) for q in POST_VISIT.questions
    ]
    assert SurveyVersion.objects.filter(survey=first).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_shipped_survey_when_two_requests_ask_at_once():
    barrier = threading.Barrier(2)
    made, failures = [], []

    def ask():
        try:
            barrier.wait(timeout=5)
            made.append(surveys.shipped_survey(SurveyKind.AFTER_BOOKING).pk)
        except Exception as error:  # noqa: BLE001 — reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert len(set(made)) == 1
    assert Survey.objects.filter(practice__isnull=True, kind=SurveyKind.AFTER_BOOKING).count() == 1
