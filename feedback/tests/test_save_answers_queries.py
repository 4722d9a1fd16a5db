"""Saving a whole survey's answers costs a handful of queries, not a few per answer (the load run,
docs/loadtest.md, found the survey the dearest page outside booking while it cost four per answer)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.models import Answer, Question, QuestionKind
from feedback.services import responses

pytestmark = pytest.mark.django_db


def _valid(invitation, value: int) -> dict[int, object]:
    """Every question answered; ``value`` is one every scale takes (yes/no 0-1, frequency 1-4, ease 1-5)."""
    return {
        q.pk: "Kind staff" if q.kind == QuestionKind.TEXT else value
        for q in Question.objects.filter(version=invitation.version)
    }


def test_saving_every_answer_at_once_costs_the_same_for_new_and_changed_answers(survey_invitation):
    invitation = survey_invitation.invitation
    response = responses.open_response(invitation=invitation)
    answers = _valid(invitation, 1)
    assert len(answers) >= 8
    with CaptureQueriesContext(connection) as first:
        responses.save_answers(response=response, answers=answers)
    assert Answer.objects.filter(response=response).count() == len(answers)
    with CaptureQueriesContext(connection) as again:
        responses.save_answers(response=response, answers={**answers, **dict.fromkeys(list(answers)[:1], None)})
    assert Answer.objects.filter(response=response).count() == len(answers) - 1
    assert len(first) <= 10 and len(again) <= 15, (len(first), len(again))  # were 95 and 67
    stored = {a.question_id: (a.value, a.text) for a in Answer.objects.filter(response=response)}
    for question_id, given in list(answers.items())[1:]:
        assert stored[question_id] == ((None, given) if isinstance(given, str) else (given, ""))
