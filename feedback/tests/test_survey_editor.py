"""The staff survey editor: owner and experience lead only, scoped to their practice; questions
added, removed, reordered and reworded through versions; sending switched on and off; previews."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from feedback.models import Answer, Question, Survey, SurveyKind
from feedback.services import responses, surveys
from feedback.shipped import AFTER_BOOKING, POST_VISIT
from practices.models import Role

from .editor_forms import formset_data

pytestmark = pytest.mark.django_db


def url(name, practice, **kwargs):
    return reverse(f"feedback:{name}", kwargs={"practice_slug": practice.slug, **kwargs})


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD)


@pytest.fixture
def booking_survey(practice):
    return surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_BOOKING)


@pytest.mark.parametrize("role", [Role.OWNER, Role.EXPERIENCE_LEAD])
def test_it_lists_the_practices_surveys_by_kind_for_owner_and_experience_lead(
    staff_client, practice, make_staff, booking_survey, role
):
    page = staff_client(make_staff(practice, role)).get(url("surveys", practice))
    html = page.content.decode()
    assert page.status_code == 200
    for label in ("After the visit", "After booking online", "After check-in and the wait", "After a statement"):
        assert label in html
    assert url("survey_edit", practice, pk=booking_survey.pk) in html
    assert POST_VISIT.name_en in html  # the shipped template a never-used kind will copy


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING])
def test_other_roles_are_refused(staff_client, practice, make_staff, booking_survey, role):
    client = staff_client(make_staff(practice, role))
    assert client.get(url("surveys", practice)).status_code == 403
    assert client.get(url("survey_edit", practice, pk=booking_survey.pk)).status_code == 403
    post = client.post(
        url("survey_edit", practice, pk=booking_survey.pk),
        formset_data(booking_survey, action="remove:booking_comment"),
    )
    assert post.status_code == 403
    off = client.post(url("survey_sending", practice), {"kind": "after_booking", "action": "off"})
    assert off.status_code == 403
    assert Question.objects.filter(version__survey=booking_survey).count() == 2
    assert Survey.objects.get(pk=booking_survey.pk).is_active


def test_strangers_learn_nothing(staff_client, practice, other_practice, make_staff, booking_survey, client):
    stranger = staff_client(make_staff(other_practice, Role.OWNER))
    assert stranger.get(url("surveys", practice)).status_code == 404
    assert stranger.get(url("survey_edit", practice, pk=booking_survey.pk)).status_code == 404
    # Their own practice's URLs do not open our survey either.
    assert stranger.get(url("survey_edit", other_practice, pk=booking_survey.pk)).status_code == 404
    assert stranger.get(url("survey_preview", other_practice, pk=booking_survey.pk)).status_code == 404
    copy = stranger.post(url("survey_copy", other_practice), {"source": booking_survey.pk})
    assert copy.status_code == 404 and not Survey.objects.filter(practice=other_practice).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, practice):
    assert client.get(url("surveys", practice)).status_code == 302


def test_it_saves_reworded_questions_in_place_while_nobody_has_answered(staff_client, practice, lead, booking_survey):
    client = staff_client(lead)
    change = {0: {"text_en": "Was it easy to book online?", "text_es": "¿Fue fácil hacer su cita en línea?"}}
    saved = client.post(url("survey_edit", practice, pk=booking_survey.pk), formset_data(booking_survey, change=change))
    assert saved.status_code == 302
    question = Question.objects.get(version__survey=booking_survey, code="booking_ease")
    assert question.text_en == "Was it easy to book online?" and question.version.number == 1
    assert AuditEntry.objects.filter(actor_user=lead, object_type="feedback.survey").exists()


def test_it_makes_a_new_version_once_answered_and_shows_the_counts(
    staff_client, practice, owner, make_invitation, patient
):
    link = make_invitation(patient, kind=SurveyKind.AFTER_BOOKING)
    survey = link.invitation.version.survey
    response = responses.open_response(invitation=link.invitation)
    ease = Question.objects.get(version=link.invitation.version, code="booking_ease")
    responses.save_answers(response=response, answers={ease.pk: 5})
    responses.complete_response(response=response)
    client = staff_client(owner)
    saved = client.post(
        url("survey_edit", practice, pk=survey.pk), formset_data(survey, action="remove:booking_comment")
    )
    assert saved.status_code == 302
    page = client.get(saved["Location"])
    html = page.content.decode()
    assert "Saved as version 2" in html
    assert surveys.current_version(survey).number == 2
    assert list(Question.objects.filter(version__number=2, version__survey=survey).values_list("code", flat=True)) == [
        "booking_ease"
    ]
    assert Answer.objects.get().question == ease and ease.version.number == 1
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = table.split("<tr>")[1:]
    assert '>2 <span class="badge">' in rows[0] and '<td class="num">0</td><td class="num">0</td>' in rows[0]
    assert '<td class="num">2</td><td class="num">1</td><td class="num">1</td>' in rows[1]


def test_it_moves_questions_up_and_down(staff_client, practice, owner, booking_survey):
    client = staff_client(owner)
    client.post(
        url("survey_edit", practice, pk=booking_survey.pk), formset_data(booking_survey, action="down:booking_ease")
    )
    assert [q["code"] for q in surveys.questions_data(surveys.current_version(booking_survey))] == [
        "booking_comment",
        "booking_ease",
    ]
    client.post(
        url("survey_edit", practice, pk=booking_survey.pk), formset_data(booking_survey, action="up:booking_ease")
    )
    assert [q["code"] for q in surveys.questions_data(surveys.current_version(booking_survey))] == [
        q.code for q in AFTER_BOOKING.questions
    ]


def test_it_adds_a_question(staff_client, practice, owner, booking_survey):
    added = staff_client(owner).post(
        url("survey_edit", practice, pk=booking_survey.pk),
        {
            "action": "add",
            "new-text_en": "Did you find a time that suited you?",
            "new-text_es": "¿Encontró un horario que le convenía?",
            "new-kind": "yes_no",
            "new-touchpoint": "first-available",
            "new-composite": "",
        },
    )
    assert added.status_code == 302
    last = surveys.questions_data(surveys.current_version(booking_survey))[-1]
    assert last["kind"] == "yes_no" and last["touchpoint"] == "first-available" and last["code"].startswith("did_you")


def test_it_refuses_bad_edits_and_changes_nothing(staff_client, practice, owner, booking_survey):
    client = staff_client(owner)
    edit = url("survey_edit", practice, pk=booking_survey.pk)
    before = surveys.questions_data(surveys.current_version(booking_survey))
    empty = client.post(edit, formset_data(booking_survey, change={0: {"text_es": ""}}))
    assert empty.status_code == 400 and "Nothing was changed." in empty.content.decode()
    bad_kind = client.post(edit, formset_data(booking_survey, change={0: {"kind": "stars"}}))
    assert bad_kind.status_code == 400
    tampered = client.post(edit, formset_data(booking_survey, change={0: {"code": "someone_elses"}}))
    assert tampered.status_code == 400 and "while you were editing" in tampered.content.decode()
    no_management = client.post(edit, {"action": "save"})
    assert no_management.status_code == 400
    unknown = client.post(edit, formset_data(booking_survey, action="remove:nope"))
    assert unknown.status_code == 400
    assert client.post(edit, {"action": "add", "new-text_en": "Only English"}).status_code == 400
    assert surveys.questions_data(surveys.current_version(booking_survey)) == before


def test_removing_the_last_question_is_refused(staff_client, practice, owner, booking_survey):
    client = staff_client(owner)
    edit = url("survey_edit", practice, pk=booking_survey.pk)
    client.post(edit, formset_data(booking_survey, action="remove:booking_comment"))
    last = client.post(edit, formset_data(booking_survey, action="remove:booking_ease"))
    assert last.status_code == 400 and "at least one question" in last.content.decode()


def test_it_switches_a_kind_off_and_on(staff_client, practice, lead):
    client = staff_client(lead)
    off = client.post(url("survey_sending", practice), {"kind": "after_statement", "action": "off"})
    assert off.status_code == 302
    assert surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_STATEMENT) is None
    assert "Not sent" in client.get(url("surveys", practice)).content.decode()
    client.post(url("survey_sending", practice), {"kind": "after_statement", "action": "on"})
    assert surveys.survey_for(practice=practice, kind=SurveyKind.AFTER_STATEMENT).is_active
    bad = client.post(url("survey_sending", practice), {"kind": "whenever", "action": "off"})
    assert bad.status_code == 302 and Survey.objects.filter(practice=practice).count() == 1


def test_it_starts_again_from_the_shipped_template(staff_client, practice, owner, booking_survey):
    shipped = surveys.shipped_survey(SurveyKind.AFTER_BOOKING)
    made = staff_client(owner).post(url("survey_copy", practice), {"source": shipped.pk})
    copy = Survey.objects.get(practice=practice, is_active=True, kind=SurveyKind.AFTER_BOOKING)
    assert copy.pk != booking_survey.pk and made["Location"] == url("survey_edit", practice, pk=copy.pk)
    assert staff_client(owner).post(url("survey_copy", practice), {"source": "x"}).status_code == 404


def test_it_previews_a_survey_as_patients_see_it_in_either_language(staff_client, practice, owner, booking_survey):
    client = staff_client(owner)
    english = client.get(url("survey_preview", practice, pk=booking_survey.pk), {"lang": "en"}).content.decode()
    spanish = client.get(url("survey_preview", practice, pk=booking_survey.pk), {"lang": "es"}).content.decode()
    assert AFTER_BOOKING.questions[0].text_en in english and AFTER_BOOKING.questions[0].text_es not in english
    assert AFTER_BOOKING.questions[0].text_es in spanish and 'lang="es"' in spanish
    assert "hx-post" not in spanish  # a preview saves nothing
    shipped = surveys.shipped_survey(SurveyKind.POST_VISIT)
    assert client.get(url("survey_preview", practice, pk=shipped.pk), {"lang": "es"}).status_code == 200
    assert client.get(url("survey_preview", practice, pk=booking_survey.pk), {"version": "9"}).status_code == 404
