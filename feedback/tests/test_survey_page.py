"""The patient's survey link: answers saved as they are given, validated, sent once; used, expired,
forged and foreign links refused; the journey event carries numbers only; the listening hook runs
inside the same transaction."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation

from feedback.models import Answer, InvitationStatus, Question, Response, SurveyKind
from feedback.services import listening, responses, surveys
from feedback.shipped import POST_VISIT
from journey.models import JourneyEvent

pytestmark = pytest.mark.django_db


def q(invitation, code) -> Question:
    return Question.objects.get(version=invitation.version, code=code)


@pytest.fixture
def link(survey_invitation):
    return survey_invitation


def test_it_opens_the_survey_in_the_patients_language_without_caching(client, make_invitation, patient, visit_done):
    patient.preferred_language = "es"
    patient.save()
    link = make_invitation(patient, appointment=visit_done)
    page = client.get(link.path)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "same-origin"
    assert '<html lang="es">' in html
    assert POST_VISIT.questions[0].text_es in html and POST_VISIT.questions[0].text_en not in html
    assert "Hannah Cole, MD, FAAD" in html and "Skin check" not in html  # the provider, never the visit reason
    with translation.override("es"):
        assert f"<span>{translation.gettext('Never')}</span>" in html  # answer labels in the page's language
    response = Response.objects.get(invitation=link.invitation)
    assert (response.provider, response.location) == (visit_done.provider, visit_done.location)
    assert response.touchpoint == "survey" and response.language == "es" and response.completed_at is None
    link.invitation.refresh_from_db()
    assert link.invitation.status == InvitationStatus.STARTED and link.invitation.opened_at is not None


def test_the_language_the_patient_picks_on_the_site_wins(client, link):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(link.path).content.decode()
    assert POST_VISIT.questions[0].text_es in html


def test_it_lays_out_each_question_as_a_group_with_its_scale(client, link):
    html = client.get(link.path).content.decode()
    rating = q(link.invitation, "cg_provider_rating")
    assert html.count(f'name="q-{rating.pk}"') == 11
    assert "0 = worst" in html and "10 = best" in html
    explain = q(link.invitation, "cg_comm_explain")
    assert html.count(f'name="q-{explain.pk}"') == 4
    assert html.count("<fieldset") == len(POST_VISIT.questions) - 1  # the open question is a textarea
    assert 'maxlength="2000"' in html and "hx-post" in html


def test_each_answer_is_saved_as_it_is_given_and_shown_again(client, link):
    client.get(link.path)
    explain = q(link.invitation, "cg_comm_explain")
    saved = client.post(link.answer_path, {f"q-{explain.pk}": "3"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "Saved" in saved.content.decode()
    assert Answer.objects.get(question=explain).value == 3
    changed = client.post(link.answer_path, {f"q-{explain.pk}": "4"}, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200 and Answer.objects.get(question=explain).value == 4
    html = client.get(link.path).content.decode()
    assert f'id="q{explain.pk}-4" name="q-{explain.pk}" value="4" checked' in html
    assert Response.objects.get().completed_at is None


def test_a_cleared_comment_is_removed_but_other_answers_stay(client, link):
    comment, rating = q(link.invitation, "visit_comment"), q(link.invitation, "cg_provider_rating")
    client.post(link.answer_path, {f"q-{rating.pk}": "9"})
    client.post(link.answer_path, {f"q-{comment.pk}": "Dr. Cole was wonderful."})
    assert Answer.objects.get(question=comment).text == "Dr. Cole was wonderful."
    client.post(link.answer_path, {f"q-{comment.pk}": "  "})
    assert not Answer.objects.filter(question=comment).exists()
    assert Answer.objects.get(question=rating).value == 9


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("cg_provider_rating", "11", "Please choose one of the answers."),
        ("cg_comm_explain", "0", "Please choose one of the answers."),
        ("cg_comm_explain", "often", "Please choose one of the answers."),
        ("cg_provider_rating", "-1", "Please choose one of the answers."),
        ("visit_comment", "x" * 2001, "under 2000 characters"),
    ],
)
def test_it_refuses_a_bad_answer_and_saves_nothing(client, link, code, value, message):
    question = q(link.invitation, code)
    refused = client.post(link.answer_path, {f"q-{question.pk}": value})
    assert refused.status_code == 400 and message in refused.content.decode()
    assert not Answer.objects.exists()


def test_it_refuses_a_question_of_another_survey_and_keeps_nothing_from_that_post(
    client, link, make_invitation, make_patient, practice
):
    other = make_invitation(make_patient(practice), kind=SurveyKind.AFTER_BOOKING)
    foreign = Question.objects.filter(version=other.invitation.version).first()
    explain = q(link.invitation, "cg_comm_explain")
    page = client.post(link.path, {f"q-{explain.pk}": "4", f"q-{foreign.pk}": "5", "action": "save"})
    assert page.status_code == 400
    assert "Please check the answers marked below." in page.content.decode()
    assert not Answer.objects.exists()
    bogus = client.post(link.answer_path, {"q-abc": "5"})
    assert bogus.status_code == 400 and not Answer.objects.exists()


def test_the_service_refuses_a_number_for_a_comment_and_text_for_a_scale(link):
    response = responses.open_response(invitation=link.invitation)
    comment, rating = q(link.invitation, "visit_comment"), q(link.invitation, "cg_provider_rating")
    for answers in ({comment.pk: 7}, {rating.pk: True}, {rating.pk: 7.5}, {"1": 3}):
        with pytest.raises(responses.AnswersInvalid):
            responses.save_answers(response=response, answers=answers)
    assert not Answer.objects.exists()


def test_without_javascript_the_form_saves_everything_and_sends(client, link, monkeypatch):
    heard = []
    monkeypatch.setattr(listening, "response_completed", lambda *, response, now=None: heard.append(response.pk))
    inv = link.invitation
    recommend, comment = q(inv, "recommend_practice"), q(inv, "visit_comment")
    rating, explain = q(inv, "cg_provider_rating"), q(inv, "cg_comm_explain")
    client.get(link.path)
    later = client.post(link.path, {f"q-{explain.pk}": "4", f"q-{comment.pk}": "", "action": "save"})
    assert later.status_code == 302 and later["Location"] == link.path
    assert Answer.objects.count() == 1 and not heard
    sent = client.post(
        link.path,
        {
            f"q-{explain.pk}": "4",
            f"q-{rating.pk}": "8",
            f"q-{recommend.pk}": "9",
            f"q-{comment.pk}": "The front desk lost my referral; my rash is worse.",
            "action": "send",
        },
    )
    assert sent.status_code == 302 and sent["Location"] == link.thanks_path
    response = Response.objects.get(invitation=inv)
    assert response.completed_at is not None and heard == [response.pk]
    inv.refresh_from_db()
    assert inv.status == InvitationStatus.COMPLETED and inv.completed_at == response.completed_at
    event = JourneyEvent.objects.get(kind="survey.completed")
    assert event.touchpoint == "survey" and event.patient == inv.patient
    assert event.data == {"survey": "post_visit", "version": 1, "answered": 4, "recommend": 9, "provider_rating": 8}
    assert "rash" not in str(event.data) and "referral" not in str(event.data)
    thanks = client.get(link.thanks_path)
    assert thanks.status_code == 200 and "Thank you!" in thanks.content.decode()


def test_sending_with_nothing_answered_asks_for_an_answer(client, link):
    page = client.post(link.path, {"action": "send"})
    assert page.status_code == 400 and "at least one question" in page.content.decode()
    assert Response.objects.get().completed_at is None


def test_a_required_question_must_be_answered_before_sending(client, practice, owner, link):
    survey = link.invitation.version.survey
    data = surveys.questions_data(link.invitation.version)
    data[-2]["required"] = True  # likelihood to recommend
    surveys.update_questions(survey=survey, questions_data=data, actor_user=owner)
    explain = q(link.invitation, "cg_comm_explain")
    page = client.post(link.path, {f"q-{explain.pk}": "2", "action": "send"})
    assert page.status_code == 400 and "Please answer this question." in page.content.decode()
    assert Response.objects.get().completed_at is None
    assert Answer.objects.get().value == 2  # what was given is kept


def test_a_failing_listening_step_leaves_the_response_unsent(link, monkeypatch):
    def broken(*, response, now=None):
        raise RuntimeError("analysis failed")

    monkeypatch.setattr(listening, "response_completed", broken)
    response = responses.open_response(invitation=link.invitation)
    responses.save_answers(response=response, answers={q(link.invitation, "recommend_practice").pk: 3})
    with pytest.raises(RuntimeError):
        responses.complete_response(response=response)
    response.refresh_from_db()
    link.invitation.refresh_from_db()
    assert response.completed_at is None and link.invitation.status == InvitationStatus.STARTED
    assert not JourneyEvent.objects.filter(kind="survey.completed").exists()


def test_a_sent_survey_link_thanks_the_patient_and_takes_nothing_more(client, link):
    explain = q(link.invitation, "cg_comm_explain")
    client.post(link.path, {f"q-{explain.pk}": "4", "action": "send"})
    again = client.get(link.path)
    assert again.status_code == 200
    assert "Thank you — you already answered this survey" in again.content.decode()
    assert f'name="q-{explain.pk}"' not in again.content.decode()
    resend = client.post(link.path, {f"q-{explain.pk}": "1", "action": "send"})
    late = client.post(link.answer_path, {f"q-{explain.pk}": "1"})
    assert resend.status_code == 200 and late.status_code == 409
    assert Answer.objects.get().value == 4
    assert JourneyEvent.objects.filter(kind="survey.completed").count() == 1
    with pytest.raises(responses.SurveyClosed):
        responses.complete_response(response=Response.objects.get())


def test_an_expired_link_says_so_and_takes_nothing(client, make_invitation, patient, visit_done):
    link = make_invitation(patient, appointment=visit_done, now=timezone.now() - timedelta(days=15))
    page = client.get(link.path)
    assert page.status_code == 410 and "This survey link has expired" in page.content.decode()
    explain = q(link.invitation, "cg_comm_explain")
    assert client.post(link.answer_path, {f"q-{explain.pk}": "4"}).status_code == 410
    assert client.post(link.path, {f"q-{explain.pk}": "4", "action": "send"}).status_code == 410
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_it_expires_between_opening_and_sending(link):
    response = responses.open_response(invitation=link.invitation)
    later = link.invitation.expires_at + timedelta(seconds=1)
    with pytest.raises(responses.SurveyClosed):
        responses.save_answers(response=response, answers={q(link.invitation, "cg_comm_explain").pk: 4}, now=later)
    assert not Answer.objects.exists()


def test_a_forged_or_foreign_link_finds_nothing(client, link, other_practice):
    forged = link.path.replace(link.token, link.token[:-2] + ("AA" if not link.token.endswith("AA") else "BB"))
    assert client.get(forged).status_code == 404
    foreign = link.path.replace(f"/p/{link.invitation.practice.slug}/", f"/p/{other_practice.slug}/")
    assert client.get(foreign).status_code == 404
    assert client.post(foreign.rstrip("/") + "/answer/", {}).status_code == 404
    assert client.get(foreign + "thanks/").status_code == 404
    assert client.get(f"/p/{link.invitation.practice.slug}/s/{'x' * 300}/").status_code == 404
    assert not Response.objects.exists()


def test_a_link_that_was_never_sent_finds_nothing(client, link):
    link.invitation.status = InvitationStatus.SKIPPED
    link.invitation.save()
    assert client.get(link.path).status_code == 404


def test_the_thank_you_page_waits_for_the_survey_to_be_sent(client, link):
    page = client.get(link.thanks_path)
    assert page.status_code == 302 and page["Location"] == link.path
