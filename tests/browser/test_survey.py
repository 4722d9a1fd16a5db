"""A patient takes the post-visit survey on a 360-pixel phone, in Spanish (their preferred language):
answers by keyboard and by touch, each answer saved as given (a reload shows it), sends, and sees the
thank-you. axe-core finds nothing on the survey, its error state, the thank-you and the used link,
in Spanish and in English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback import survey_links
from feedback.models import Answer, Invitation, InvitationStatus, Question, Response, SurveyKind
from feedback.services import surveys
from feedback.shipped import POST_VISIT
from practices.models import Role
from tests.factories import PASSWORD, make_fulfilled_appointment

from .axe import assert_no_axe_violations
from .pages import Site, assert_fits_phone, assert_tap_target, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def invite(site: Site, *, language: str) -> tuple[Invitation, str]:
    site.patient.preferred_language = language
    site.patient.save()
    visit = make_fulfilled_appointment(site.patient, site.provider, site.location)
    survey = surveys.survey_for(practice=site.practice, kind=SurveyKind.POST_VISIT)
    assert survey is not None  # the post-visit survey is on by default
    token, token_hash = survey_links.new_token()
    now = timezone.now()
    invitation = Invitation.objects.create(
        practice=site.practice,
        version=surveys.current_version(survey),
        patient=site.patient,
        appointment=visit,
        token_hash=token_hash,
        language=language,
        expires_at=now + timedelta(days=14),
    )
    return invitation, survey_links.survey_path(site.practice.slug, token)


def question(invitation: Invitation, code: str) -> Question:
    return Question.objects.get(version=invitation.version, code=code)


def saved_beside(page: Page, q: Question, lang: str) -> None:
    expect(page.locator(f"#q{q.pk}-saved")).to_have_text(t(lang, "Saved"))


def test_a_patient_takes_the_visit_survey_in_spanish_on_a_phone(phone, site):
    page = phone
    invitation, path = invite(site, language="es")
    routine, explain = question(invitation, "cg_access_routine"), question(invitation, "cg_comm_explain")
    rating, comment = question(invitation, "cg_provider_rating"), question(invitation, "visit_comment")

    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text(POST_VISIT.name_es)
    expect(page.locator(f"#q{routine.pk}-1").locator("xpath=ancestor::fieldset/legend")).to_have_text(
        POST_VISIT.questions[1].text_es
    )
    assert_fits_phone(page)
    assert_tap_target(page, ".scale-option")
    assert_tap_target(page, ".survey-send")
    # The 0–10 row wraps onto more than one line on a phone instead of running off the screen.
    tops = {
        round(box["y"])
        for box in (
            o.bounding_box()
            for o in page.locator(f"#q{rating.pk}-saved")
            .locator("xpath=ancestor::fieldset")
            .locator(".scale-option")
            .all()
        )
    }
    assert len(tops) >= 2
    assert_no_axe_violations(page, "survey page in Spanish")

    # Keyboard: Tab into the routine-care question, Space picks "never", the arrow moves to "sometimes".
    tab_to(page, f"#q{routine.pk}-1", limit=60)
    page.keyboard.press("Space")
    expect(page.locator(f"#q{routine.pk}-1")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#q{routine.pk}-2")).to_be_checked()
    saved_beside(page, routine, "es")

    # Touch: tap "always" and a 9.
    page.locator(f"label[for=q{explain.pk}-4]").tap()
    saved_beside(page, explain, "es")
    page.locator(f"label[for=q{rating.pk}-9]").tap()
    saved_beside(page, rating, "es")
    page.locator(f"#q{comment.pk}").fill("La recepcionista fue muy amable.")
    saved_beside(page, comment, "es")

    response = Response.objects.get(invitation=invitation)
    assert response.completed_at is None
    assert dict(Answer.objects.filter(response=response).values_list("question__code", "value")) == {
        "cg_access_routine": 2,
        "cg_comm_explain": 4,
        "cg_provider_rating": 9,
        "visit_comment": None,
    }

    # Closing the page loses nothing: a reload shows every choice again.
    page.reload()
    expect(page.locator(f"#q{routine.pk}-2")).to_be_checked()
    expect(page.locator(f"#q{explain.pk}-4")).to_be_checked()
    expect(page.locator(f"#q{rating.pk}-9")).to_be_checked()
    expect(page.locator(f"#q{comment.pk}")).to_have_value("La recepcionista fue muy amable.")

    tab_to(page, ".survey-send", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(t("es", "Thank you!"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_fits_phone(page)
    assert_no_axe_violations(page, "thank-you page in Spanish")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert Answer.objects.get(response=response, question=comment).text == "La recepcionista fue muy amable."

    # The link is used up: it thanks the patient again and shows no questions.
    page.goto(path)
    expect(page.locator("h1")).to_have_text(t("es", "Thank you — you already answered this survey"))
    expect(page.locator("input[type=radio]")).to_have_count(0)
    assert_no_axe_violations(page, "used survey link in Spanish")


def test_the_survey_pages_pass_axe_in_english(phone, site):
    page = phone
    invitation, path = invite(site, language="en")
    page.goto(path)
    expect(page.locator("h1")).to_have_text(POST_VISIT.name_en)
    assert_fits_phone(page)
    assert_no_axe_violations(page, "survey page in English")

    with page.expect_navigation():
        page.locator(".survey-send").click()
    expect(page.locator("#survey-errors")).to_contain_text("Please answer at least one question before sending.")
    assert_fits_phone(page)
    assert_no_axe_violations(page, "survey page with an error")

    recommend = question(invitation, "recommend_practice")
    page.locator(f"label[for=q{recommend.pk}-10]").click()
    saved_beside(page, recommend, "en")
    with page.expect_navigation():
        page.locator(".survey-send").click()
    expect(page.locator("h1")).to_have_text("Thank you!")
    assert_no_axe_violations(page, "thank-you page in English")


def test_an_expired_link_explains_itself_accessibly(phone, site):
    page = phone
    invitation, path = invite(site, language="en")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page.goto(path)
    expect(page.locator("h1")).to_have_text("This survey link has expired")
    assert_fits_phone(page)
    assert_no_axe_violations(page, "expired survey link")


def test_the_experience_lead_edits_and_previews_a_survey(desktop, site, make_staff):
    page = desktop
    lead = make_staff(site.practice, Role.EXPERIENCE_LEAD)
    survey = surveys.survey_for(practice=site.practice, kind=SurveyKind.AFTER_BOOKING)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(lead.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()

    page.goto(f"/staff/{site.slug}/feedback/surveys/")
    expect(page.locator("h1")).to_have_text("Surveys")
    assert_no_axe_violations(page, "survey list")
    with page.expect_navigation():
        page.get_by_role("link", name=survey.name_en).click()
    assert_no_axe_violations(page, "survey editor")

    with page.expect_navigation():
        page.get_by_role("button", name="Move down question 1").click()
    expect(page.locator(".messages")).to_contain_text("Survey saved.")
    codes = [q["code"] for q in surveys.questions_data(surveys.current_version(survey))]
    assert codes == ["booking_comment", "booking_ease"]

    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Español").first.click()
    expect(page.locator(".editor-preview")).to_contain_text("¿Qué tan fácil fue hacer su cita en línea?")
    assert_no_axe_violations(page, "survey preview in Spanish")
