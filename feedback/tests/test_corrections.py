"""Staff correct a comment's sentiment and touch points; the machine's reading stays beside the correction,
the change is audited, and ``manage.py export_comment_corrections`` writes them out for the next training."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, AuditEntry
from feedback.models import CommentAnalysis
from feedback.services import listening
from practices.models import Role
from tests.factories import NOW, make_response, make_survey

pytestmark = pytest.mark.django_db

MIXED = "The front desk was rude but Dr. Lee was wonderful"


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD)


@pytest.fixture
def analysis(practice, patient) -> CommentAnalysis:
    response = make_response(make_survey(practice), patient, {"recommend": 8, "comment": MIXED})
    listening.response_completed(response=response, now=NOW)
    return CommentAnalysis.objects.get(answer__response=response)


def correct_url(analysis):
    return f"/staff/{analysis.practice.slug}/feedback/comments/{analysis.pk}/"


CORRECTION = {
    "sentiment": "negative",
    "tp_2": "negative",  # front desk and staff
    "tp_3": "positive",  # provider communication
    "tp_1": "negative",  # waiting
}


def test_it_shows_the_machine_reading_in_the_form(staff_client, lead, analysis):
    page = staff_client(lead).get(correct_url(analysis))
    body = page.content.decode()
    assert page.status_code == 200
    assert MIXED in body
    assert '<option value="mixed" selected>' in body
    assert AuditEntry.objects.filter(action=Action.VIEW, object_type="feedback.commentanalysis").count() == 1


def test_it_keeps_the_machine_reading_beside_the_correction(staff_client, lead, analysis):
    machine = (analysis.sentiment, analysis.score, analysis.touchpoints)
    response = staff_client(lead).post(correct_url(analysis), CORRECTION)
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert (analysis.sentiment, analysis.score, analysis.touchpoints) == machine
    assert analysis.corrected_sentiment == "negative"
    assert analysis.corrected_touchpoints == [
        {"name": "waiting", "sentiment": "negative"},
        {"name": "front desk and staff", "sentiment": "negative"},
        {"name": "provider communication", "sentiment": "positive"},
    ]
    assert analysis.corrected_by == lead and analysis.corrected_at is not None
    assert analysis.effective_sentiment == "negative"
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="feedback.commentanalysis")
    assert entry.changes["sentiment"] == ["mixed", "negative"]
    assert entry.patient == analysis.answer.response.patient
    assert "rude" not in entry.summary + json.dumps(entry.changes)


@pytest.mark.parametrize(
    "data",
    [{"sentiment": "furious"}, {"sentiment": "negative", "tp_0": "angry"}, {}],
    ids=["unknown-sentiment", "unknown-touchpoint-sentiment", "missing"],
)
def test_it_refuses_bad_input_and_changes_nothing(staff_client, lead, analysis, data):
    response = staff_client(lead).post(correct_url(analysis), data)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.corrected_at is None and analysis.corrected_sentiment == ""


def test_it_refuses_an_unknown_touch_point_in_the_service(lead, analysis):
    with pytest.raises(listening.CorrectionRefused):
        listening.correct_comment(
            analysis=analysis,
            sentiment="negative",
            touchpoints=[{"name": "parking", "sentiment": "negative"}],
            actor_user=lead,
        )
    with pytest.raises(listening.CorrectionRefused):
        listening.correct_comment(analysis=analysis, sentiment="angry", touchpoints=[], actor_user=lead)
    analysis.refresh_from_db()
    assert analysis.corrected_at is None


def test_it_lets_only_owners_and_leads_correct(staff_client, front_desk, practice, make_staff, analysis):
    assert staff_client(front_desk).post(correct_url(analysis), CORRECTION).status_code == 403
    assert staff_client(make_staff(practice, Role.CLINICIAN)).get(correct_url(analysis)).status_code == 403
    assert CommentAnalysis.objects.get(pk=analysis.pk).corrected_at is None


def test_it_answers_404_to_other_practices_staff(staff_client, other_practice, make_staff, analysis):
    stranger = staff_client(make_staff(other_practice, Role.OWNER))
    assert (
        stranger.post(f"/staff/{other_practice.slug}/feedback/comments/{analysis.pk}/", CORRECTION).status_code == 404
    )
    assert CommentAnalysis.objects.get(pk=analysis.pk).corrected_at is None


def export(**options) -> list[dict]:
    out = io.StringIO()
    call_command("export_comment_corrections", stdout=out, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_exports_the_corrections_as_jsonl(staff_client, lead, analysis, other_practice, make_patient, make_staff):
    staff_client(lead).post(correct_url(analysis), CORRECTION)
    other = make_response(make_survey(other_practice), make_patient(other_practice), {"comment": "Long wait."})
    listening.response_completed(response=other, now=NOW)
    elsewhere = CommentAnalysis.objects.get(answer__response=other)
    listening.correct_comment(
        analysis=elsewhere,
        sentiment="negative",
        touchpoints=[{"name": "waiting", "sentiment": "negative"}],
        actor_user=make_staff(other_practice, Role.OWNER),
    )
    # An uncorrected reading is never exported:
    version = analysis.answer.response.version
    uncorrected = make_response(version, analysis.answer.response.patient, {"comment": "Fine."})
    listening.response_completed(response=uncorrected, now=NOW)

    rows = export(practice=analysis.practice.slug)
    assert len(rows) == 1
    row = rows[0]
    assert row["text"] == MIXED
    assert row["machine"]["sentiment"] == "mixed"
    assert row["machine"]["touchpoints"][0] == {"name": "front desk and staff", "sentiment": "negative"}
    assert row["corrected"]["sentiment"] == "negative"
    assert {"name": "waiting", "sentiment": "negative"} in row["corrected"]["touchpoints"]
    assert "patient" not in json.dumps(row)
    assert len(export()) == 2
    entries = AuditEntry.objects.filter(action=Action.EXPORT, practice=analysis.practice)
    assert entries.count() == 2 and "1 rows" in entries.first().summary


def test_it_refuses_an_unknown_practice(analysis):
    with pytest.raises(CommandError, match="No practice"):
        export(practice="nope")
