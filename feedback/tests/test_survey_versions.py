"""A practice's surveys: copied from the shipped template once, switched off and on, edited in place
until answered, then versioned so every answer stays with the wording the patient saw."""

import pytest

from audit.models import AuditEntry
from feedback.models import Answer, Question, Survey, SurveyKind, SurveyVersion
from feedback.services import responses, surveys
from feedback.shipped import AFTER_BOOKING, POST_VISIT

pytestmark = pytest.mark.django_db


def test_it_copies_the_shipped_template_the_first_time_and_only_once(practice, other_practice):
    first = surveys.survey_for(practice=practice, kind=SurveyKind.POST_VISIT)
    again = surveys.survey_for(practice=practice, kind=SurveyKind.POST_VISIT)
    theirs = surveys.survey_for(practice=other_practice, kind=SurveyKind.POST_VISIT)
    shipped = surveys.shipped_survey(SurveyKind.POST_VISIT)
    assert first.pk == again.pk != theirs.pk
    assert first.practice == practice and first.copied_from == shipped and first.is_active
    assert Survey.objects.filter(practice=practice).count() == 1
    codes = list(Question.objects.filter(version__survey=first).order_by("position").values_list("code", flat=True))
    assert codes == [q.code for q in POST_VISIT.questions]
    assert surveys.current_version(first).number == 1


def test_it_returns_none_for_a_kind_the_practice_switched_off_and_the_same_survey_when_back_on(practice, owner):
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)
    surveys.set_sending(practice=practice, kind=SurveyKind.AFTER_BOOKING, on=False, actor_user=owner)
    assert surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING) is None
    assert Survey.objects.filter(practice=practice).count() == 1
    back = surveys.set_sending(practice=practice, kind=SurveyKind.AFTER_BOOKING, on=True, actor_user=owner)
    assert back.pk == survey.pk and surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING) == survey
    assert AuditEntry.objects.filter(practice=practice, object_type="feedback.survey").count() == 2


def test_switching_off_a_kind_never_sent_keeps_it_off(practice, owner):
    surveys.set_sending(practice=practice, kind=SurveyKind.AFTER_STATEMENT, on=False, actor_user=owner)
    assert surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_STATEMENT) is None


def test_a_copy_takes_the_place_of_the_survey_it_replaces_which_keeps_its_versions(practice, owner):
    old = surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)
    copy = surveys.copy_survey(practice=practice, source=old, actor_user=owner)
    old.refresh_from_db()
    assert not old.is_active and copy.is_active and copy.copied_from == old.copied_from
    assert surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING) == copy
    assert SurveyVersion.objects.filter(survey=old).count() == 1


def test_it_refuses_to_copy_another_practices_survey(practice, other_practice, owner):
    theirs = surveys.survey_for(practice=other_practice, kind=SurveyKind.AFTER_BOOKING)
    with pytest.raises(surveys.SurveyError):
        surveys.copy_survey(practice=practice, source=theirs, actor_user=owner)
    assert not Survey.objects.filter(practice=practice).exists()


def test_it_edits_an_unanswered_version_in_place(practice, owner):
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)
    data = surveys.questions_data(surveys.current_version(survey))
    data[0]["text_en"] = "Was booking online easy?"
    data.reverse()
    version = surveys.update_questions(survey=survey, questions_data=data, actor_user=owner)
    assert version.number == 1 and SurveyVersion.objects.filter(survey=survey).count() == 1
    stored = surveys.questions_data(version)
    assert [q["code"] for q in stored] == ["booking_comment", "booking_ease"]
    assert stored[1]["text_en"] == "Was booking online easy?"
    entry = AuditEntry.objects.get(practice=practice, actor_user=owner, object_type="feedback.survey")
    assert "edited" in entry.summary


def test_editing_an_answered_version_makes_a_new_one_and_old_answers_stay_with_theirs(
    practice, owner, survey_invitation
):
    survey = survey_invitation.invitation.version.survey
    v1 = survey_invitation.invitation.version
    response = responses.open_response(invitation=survey_invitation.invitation)
    explain = Question.objects.get(version=v1, code="cg_comm_explain")
    responses.save_answers(response=response, answers={explain.pk: "4"})

    data = surveys.questions_data(v1)
    data = [q for q in data if q["code"] != "cg_access_urgent"]  # remove one
    data[0]["text_en"] = "How often could you get a routine appointment when you wanted one?"
    data.append(
        {
            "code": "",
            "kind": "yes_no",
            "text_en": "Was parking easy?",
            "text_es": "¿Fue fácil estacionarse?",
            "touchpoint": "self-check-in",
            "composite": "",
            "required": False,
        }
    )
    v2 = surveys.update_questions(survey=survey, questions_data=data, actor_user=owner)

    assert v2.number == 2 and surveys.current_version(survey) == v2
    assert Question.objects.filter(version=v1).count() == len(POST_VISIT.questions)  # v1 untouched
    assert Question.objects.get(version=v1, code="cg_access_routine").text_en == POST_VISIT.questions[1].text_en
    assert not Question.objects.filter(version=v2, code="cg_access_urgent").exists()
    assert Question.objects.get(version=v2, code="cg_access_routine").text_en.startswith("How often could you")
    parking = Question.objects.get(version=v2, text_en="Was parking easy?")
    assert parking.code.startswith("was_parking_easy_") and parking.position == len(data) - 1
    answer = Answer.objects.get(response=response)
    assert answer.question == explain and answer.question.version == v1 and answer.value == 4
    entry = AuditEntry.objects.filter(object_type="feedback.survey", actor_user=owner).latest("pk")
    assert entry.changes["version"] == {"from": 1, "to": 2}


def test_a_question_whose_kind_changes_gets_a_new_code(practice, owner):
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)
    data = surveys.questions_data(surveys.current_version(survey))
    data[0]["kind"] = "rating"
    version = surveys.update_questions(survey=survey, questions_data=data, actor_user=owner)
    codes = [q["code"] for q in surveys.questions_data(version)]
    assert "booking_ease" not in codes and codes[1] == "booking_comment"
    assert Question.objects.get(version=version, position=0).kind == "rating"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text_es": ""}, "Spanish"),
        ({"kind": "stars"}, "kind"),
        ({"touchpoint": "moon"}, "touch point"),
        ({"composite": "vibes"}, "composite"),
        ({"code": "Bad Code!"}, "code"),
        ({"text_en": "x" * 301}, "longer"),
    ],
)
def test_it_refuses_bad_questions_and_changes_nothing(practice, owner, change, field):
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)
    data = surveys.questions_data(surveys.current_version(survey))
    data[0].update(change)
    with pytest.raises(surveys.SurveyError) as refused:
        surveys.update_questions(survey=survey, questions_data=data, actor_user=owner)
    assert field in str(refused.value)
    stored = surveys.questions_data(surveys.current_version(survey))
    assert [q["text_en"] for q in stored] == [q.text_en for q in AFTER_BOOKING.questions]
    assert not AuditEntry.objects.filter(object_type="feedback.survey").exists()


def test_it_refuses_an_empty_survey_and_duplicate_codes(practice, owner):
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)
    with pytest.raises(surveys.SurveyError):
        surveys.update_questions(survey=survey, questions_data=[], actor_user=owner)
    data = surveys.questions_data(surveys.current_version(survey))
    data[1]["code"] = data[0]["code"]
    data[1]["kind"] = data[0]["kind"]
    with pytest.raises(surveys.SurveyError):
        surveys.update_questions(survey=survey, questions_data=data, actor_user=owner)


def test_the_shipped_templates_cannot_be_edited(owner):
    shipped = surveys.shipped_survey(SurveyKind.AFTER_BOOKING)
    data = surveys.questions_data(surveys.current_version(shipped))
    data[0]["text_en"] = "Changed"
    with pytest.raises(surveys.SurveyError):
        surveys.update_questions(survey=shipped, questions_data=data, actor_user=owner)
    assert Question.objects.get(version__survey=shipped, code="booking_ease").text_en != "Changed"
