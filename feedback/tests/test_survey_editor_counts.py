"""The survey editor's version table counts questions, completed responses and answers per version
without joining answers with responses in one grouped query (that join made ~107 million rows on the
small demo and took about seven minutes per request), in a bounded number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import survey_links
from feedback.models import Answer, Invitation, Question, Response, SurveyKind, SurveyVersion
from feedback.selectors import surveys as survey_selectors
from feedback.services import surveys
from feedback.tests.editor_forms import formset_data

pytestmark = pytest.mark.django_db

# per version: (questions, completed responses, open responses, answers per response)
SHAPE = {1: (6, 9, 4, 5), 2: (4, 7, 0, 3), 3: (3, 0, 2, 1), 4: (2, 0, 0, 0)}


@pytest.fixture
def survey_with_history(practice, make_patient, owner):
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)
    SurveyVersion.objects.filter(survey=survey).delete()
    patients = [make_patient(practice) for _ in range(4)]
    now = timezone.now()
    for number, (n_questions, completed, open_, per_response) in SHAPE.items():
        version = SurveyVersion.objects.create(practice=practice, survey=survey, number=number, created_by=owner)
        questions = Question.objects.bulk_create(
            Question(
                practice=practice,
                version=version,
                code=f"q{i}",
                position=i,
                kind="rating",
                text_en=f"Q{i}",
                text_es=f"P{i}",
                touchpoint="survey",
            )
            for i in range(n_questions)
        )
        for r in range(completed + open_):
            invitation = Invitation.objects.create(
                practice=practice,
                version=version,
                patient=patients[r % 4],
                token_hash=survey_links.new_token()[1],
                expires_at=now + timedelta(days=14),
            )
            response = Response.objects.create(
                practice=practice,
                invitation=invitation,
                version=version,
                patient=patients[r % 4],
                touchpoint="survey",
                completed_at=now if r < completed else None,
            )
            Answer.objects.bulk_create(
                Answer(practice_id=response.practice_id, response=response, question=q, value=7)
                for q in questions[:per_response]
            )
    return survey


def test_it_counts_each_version_separately_and_right(survey_with_history):
    versions = {v.number: v for v in survey_selectors.versions_with_counts(survey_with_history)}
    assert list(versions) == [4, 3, 2, 1]
    for number, (n_questions, completed, open_, per_response) in SHAPE.items():
        version = versions[number]
        assert version.question_count == n_questions == Question.objects.filter(version=version).count()
        assert version.completed_count == completed
        assert version.answer_count == (completed + open_) * per_response
        assert version.answer_count == Answer.objects.filter(question__version=version).count()


def test_no_query_joins_answers_with_responses(survey_with_history):
    """Counting answers and responses through joins in one GROUP BY multiplies the rows (questions ×
    answers × responses per version); each relation is counted on its own."""
    with CaptureQueriesContext(connection) as captured:
        list(survey_selectors.versions_with_counts(survey_with_history))
    for query in captured.captured_queries:
        sql = query["sql"].replace('"', "").replace("`", "")
        joined = [table for table in ("feedback_answer", "feedback_response") if f"JOIN {table} " in sql]
        assert len(joined) <= 1, f"one query joins {joined}: {query['sql']}"


def test_the_editor_page_and_a_post_take_a_bounded_number_of_queries(
    staff_client, practice, owner, survey_with_history, django_assert_max_num_queries
):
    client = staff_client(owner)
    page_url = reverse("feedback:survey_edit", kwargs={"practice_slug": practice.slug, "pk": survey_with_history.pk})
    with django_assert_max_num_queries(20):
        page = client.get(page_url)
    assert page.status_code == 200
    html = page.content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert '<td class="num">6</td><td class="num">9</td><td class="num">65</td>' in rows[3]  # version 1
    with django_assert_max_num_queries(20):
        empty = client.post(page_url, {})
    assert empty.status_code == 400
    with django_assert_max_num_queries(40):
        saved = client.post(page_url, formset_data(survey_with_history, action="down:q0"))
    assert saved.status_code == 302
