"""The hook run when a survey is completed: comments analysed and stored, and the rules that open a
service-recovery case (detractor, bottom box, strongly negative comment), once per response."""

from datetime import timedelta

import pytest

from audit.models import Action, AuditEntry
from feedback.comments import analyze
from feedback.models import CaseReason, CommentAnalysis, FeedbackSettings, RecoveryCase
from feedback.services import listening
from journey.models import JourneyEvent
from practices.models import Role
from tests.factories import NOW, make_response, make_survey

pytestmark = pytest.mark.django_db

HAPPY = {"cg_access": 4, "provider_rating": 9, "ease_booking": 5, "after_hours": 1, "recommend": 10}
RUDE = "The receptionist was rude and dismissive, I waited two hours and nobody apologized. Terrible."


@pytest.fixture
def version(practice):
    return make_survey(practice)


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD)


def complete(version, patient, **answers):
    response = make_response(version, patient, {**HAPPY, **answers})
    listening.response_completed(response=response, now=NOW)
    return response


TEXT = "The front desk was rude but Dr. Lee was wonderful"


def test_it_stores_the_analysis_of_each_comment(version, patient):
    response = complete(version, patient, comment=TEXT)
    analysis = CommentAnalysis.objects.get(answer__response=response)
    assert analysis.practice_id == response.practice_id
    assert analysis.sentiment == "mixed"  # clearly positive and clearly negative clauses
    assert analysis.score == pytest.approx(analyze(TEXT, language="en").score)
    assert analysis.touchpoints == [
        {"name": "front desk and staff", "sentiment": "negative"},
        {"name": "provider communication", "sentiment": "positive"},
    ]
    assert analysis.model_version.startswith("sentiment/1-")
    assert analysis.analysed_at == NOW


def test_it_skips_blank_comments(version, patient):
    complete(version, patient, comment="   ")
    assert not CommentAnalysis.objects.exists()


def test_it_opens_a_case_for_a_detractor_assigned_to_the_experience_lead(version, patient, owner, lead):
    response = complete(version, patient, recommend=6)
    case = RecoveryCase.objects.get(response=response)
    assert case.reason == CaseReason.DETRACTOR
    assert case.assigned_to == lead
    assert case.patient == patient
    assert case.opened_at == NOW
    assert case.due_at == NOW + timedelta(hours=48)
    entry = AuditEntry.objects.get(object_type="feedback.recoverycase", action=Action.CREATE)
    assert entry.patient == patient and "detractor" in entry.summary
    event = JourneyEvent.objects.get(kind="recovery.opened")
    assert event.touchpoint == "service-recovery"
    assert event.data == {"case_reason": "detractor"}


def test_it_opens_no_case_for_a_passive(version, patient, lead):
    complete(version, patient, recommend=7)
    complete(version, patient, recommend=8)
    assert not RecoveryCase.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [{"cg_access": 1}, {"provider_rating": 6}, {"provider_rating": 0}, {"ease_booking": 1}],
    ids=["frequency-never", "rating-6", "rating-0", "ease-1"],
)
def test_it_opens_a_case_for_a_bottom_box_answer(version, patient, lead, answers):
    response = complete(version, patient, **answers)
    assert RecoveryCase.objects.get(response=response).reason == CaseReason.BOTTOM_BOX


@pytest.mark.parametrize(
    "answers",
    [{"cg_access": 2}, {"provider_rating": 7}, {"ease_booking": 2}, {"after_hours": 0}],
    ids=["frequency-sometimes", "rating-7", "ease-2", "yes-no-no"],
)
def test_it_opens_no_case_just_above_the_bottom_box(version, patient, lead, answers):
    complete(version, patient, **answers)
    assert not RecoveryCase.objects.exists()


def test_it_opens_a_case_for_a_strongly_negative_comment(version, patient, lead):
    response = complete(version, patient, recommend=9, comment=RUDE)
    assert CommentAnalysis.objects.get(answer__response=response).score <= listening.STRONGLY_NEGATIVE
    assert RecoveryCase.objects.get(response=response).reason == CaseReason.NEGATIVE_COMMENT


def test_it_opens_no_case_for_a_mild_suggestion(version, patient, lead):
    response = complete(version, patient, comment="Parking could be easier.")
    assert CommentAnalysis.objects.get(answer__response=response).score > listening.STRONGLY_NEGATIVE
    assert not RecoveryCase.objects.exists()


def test_it_gives_the_first_reason_that_applies(version, patient, lead):
    response = complete(version, patient, recommend=2, cg_access=1, comment=RUDE)
    assert RecoveryCase.objects.get(response=response).reason == CaseReason.DETRACTOR
    response = complete(version, patient, cg_access=1, comment=RUDE)
    assert RecoveryCase.objects.get(response=response).reason == CaseReason.BOTTOM_BOX


def test_it_opens_one_case_and_one_analysis_when_the_hook_runs_twice(version, patient, lead):
    response = complete(version, patient, recommend=3, comment=RUDE)
    listening.response_completed(response=response, now=NOW + timedelta(minutes=1))
    assert RecoveryCase.objects.filter(response=response).count() == 1
    assert CommentAnalysis.objects.filter(answer__response=response).count() == 1
    assert JourneyEvent.objects.filter(kind="recovery.opened").count() == 1
    assert RecoveryCase.objects.get().opened_at == NOW


def test_it_keeps_a_correction_when_the_hook_runs_again(version, patient, lead):
    response = complete(version, patient, comment=RUDE)
    analysis = CommentAnalysis.objects.get()
    listening.correct_comment(analysis=analysis, sentiment="neutral", touchpoints=[], actor_user=lead)
    listening.response_completed(response=response, now=NOW)
    analysis.refresh_from_db()
    assert analysis.corrected_sentiment == "neutral" and analysis.sentiment == "negative"


def test_it_assigns_the_settings_choice_first(version, patient, practice, owner, lead, make_staff):
    other_lead = make_staff(practice, Role.EXPERIENCE_LEAD)
    FeedbackSettings.objects.create(practice=practice, recovery_assignee=other_lead)
    response = complete(version, patient, recommend=0)
    assert RecoveryCase.objects.get(response=response).assigned_to == other_lead


def test_it_ignores_a_settings_choice_who_left_the_practice(version, patient, practice, owner, lead, make_staff):
    gone = make_staff(practice, Role.EXPERIENCE_LEAD)
    gone.memberships.update(is_active=False)
    FeedbackSettings.objects.create(practice=practice, recovery_assignee=gone)
    response = complete(version, patient, recommend=0)
    assert RecoveryCase.objects.get(response=response).assigned_to == lead


def test_it_assigns_the_owner_when_there_is_no_experience_lead(version, patient, owner, front_desk):
    response = complete(version, patient, recommend=0)
    assert RecoveryCase.objects.get(response=response).assigned_to == owner


def test_it_keeps_comment_words_out_of_the_audit_and_journey(version, patient, lead):
    complete(version, patient, recommend=1, comment=RUDE)
    for entry in AuditEntry.objects.all():
        assert "receptionist" not in (entry.summary + str(entry.changes)).lower()
    for event in JourneyEvent.objects.all():
        assert "receptionist" not in str(event.data).lower()
