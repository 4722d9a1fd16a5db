"""The experience moment in a real browser, in English and Spanish: axe-core finds nothing on the lead's
review page, the meeting-room screen (whose sections the keyboard steps through) or the print view (with
print media emulated), and the browser reports no CSP or script error."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from cx.models import ExperienceMoment, Recognition, RecognitionStatus
from cx.selectors import moments as moment_selectors
from cx.services import moments as moment_services
from feedback.models import Answer, CommentAnalysis, Invitation, InvitationStatus, Question, Response
from practices.models import Role
from tests.factories import PASSWORD, make_response, make_survey

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, Site, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"en": "en-US", "es": "es-ES"}


def sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def _answers(site: Site, question: Question, values: list[int], at) -> None:
    version, practice, patient = question.version, site.practice, site.patient
    invitations = Invitation.objects.bulk_create(
        Invitation(
            practice=practice,
            version=version,
            patient=patient,
            token_hash=f"moment-browser-{at:%Y%m%d}-{i:04d}".ljust(64, "x"),
            status=InvitationStatus.COMPLETED,
            created_at=at,
            expires_at=at + timedelta(days=14),
            completed_at=at,
        )
        for i in range(len(values))
    )
    responses = Response.objects.bulk_create(
        Response(
            practice=practice,
            invitation=invitation,
            version=version,
            patient=patient,
            touchpoint="survey",
            started_at=at,
            completed_at=at,
        )
        for invitation in invitations
    )
    Answer.objects.bulk_create(
        Answer(practice_id=response.practice_id, response=response, question=question, value=value)
        for response, value in zip(responses, values, strict=True)
    )


def seed(site: Site, lead: User, front_desk: User, make_patient: Callable) -> ExperienceMoment:
    """A moment for tomorrow's meeting: a story, a failed experience, a confirmed and an ambiguous
    recognition, and a top box that rose beyond its control limits."""
    practice = site.practice
    meeting = moment_selectors.local_today(practice) + timedelta(days=1)
    start, end = moment_selectors.moment_period(practice, meeting)
    version = make_survey(practice)
    said = start + timedelta(days=3)
    for text, sentiment, score in (
        (
            "They fit me in the same day and Sam at the desk found my records. The itch was gone in a week.",
            "positive",
            0.9,
        ),
        ("The waiting room was full and nobody told me why I waited forty minutes.", "negative", -0.8),
    ):
        response = make_response(
            version, make_patient(practice), {"comment": text}, completed_at=said, provider=site.provider
        )
        CommentAnalysis.objects.create(
            practice=practice, answer=response.answers.get(), sentiment=sentiment, score=score
        )
    rating = version.questions.get(code="provider_rating")
    for back in range(1, 13):
        _answers(site, rating, [10] * 15 + [5] * 15, said - timedelta(days=7 * back))
    _answers(site, rating, [10] * 29 + [5], said)
    Recognition.objects.create(
        practice=practice,
        user=front_desk,
        mention="Sam",
        evidence="Sam at the desk found my records.",
        said_at=said,
        status=RecognitionStatus.CONFIRMED,
    )
    Recognition.objects.create(
        practice=practice,
        mention="the nurse",
        evidence="The nurse was very gentle.",
        said_at=said,
        status=RecognitionStatus.AMBIGUOUS,
        possible_users=[front_desk.pk, lead.pk],
    )
    moment = moment_services.prepare_moment(practice=practice, actor_user=lead, meeting_date=meeting)
    assert moment.story_quote and moment.lesson_quote
    assert end > timezone.now()
    return moment


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_moment_page_screen_and_print_view_pass_axe(
    lang, browser: Browser, browser_context_args: dict, console_watch, site, make_staff, make_patient
):
    lead = make_staff(site.practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")
    front_desk = make_staff(site.practice, Role.FRONT_DESK, full_name="Sam Rivers")
    moment = seed(site, lead, front_desk, make_patient)
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP, "locale": LOCALES[lang]})
    try:
        page = context.new_page()
        console_watch.attach(page)
        walk_through(page, site, lead, moment, lang)
    finally:
        context.close()


def walk_through(page, site, lead, moment, lang):
    sign_in(page, lead)
    base = f"/staff/{site.slug}/experience/moments/"

    page.goto(base)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(t(lang, "Experience moments"))
    assert_no_axe_violations(page, f"moment history [{lang}]")

    page.goto(f"{base}{moment.pk}/")
    expect(page.locator("#story blockquote").first).to_contain_text("fit me in the same day")
    expect(page.locator("table.moment-moves tbody tr")).to_have_count(1)
    assert_no_axe_violations(page, f"moment review page [{lang}]")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"moment review page [{lang}, 360px]")
    page.set_viewport_size(DESKTOP)

    page.goto(f"{base}{moment.pk}/screen/")
    expect(page.locator(".staff-nav")).to_have_count(0)
    assert_no_axe_violations(page, f"moment screen [{lang}]")
    # The keyboard steps through the sections, focus moving with them.
    page.keyboard.press("ArrowRight")
    expect(page.locator("#screen-story")).to_be_focused()
    page.keyboard.press("PageDown")
    expect(page.locator("#screen-recognition")).to_be_focused()
    expect(page.locator("#screen-recognition")).to_contain_text("Sam Rivers")
    page.keyboard.press("End")
    expect(page.locator("#screen-actions")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#screen-movement")).to_be_focused()
    assert_no_axe_violations(page, f"moment screen, movement focused [{lang}]")

    page.goto(f"{base}{moment.pk}/print/")
    page.emulate_media(media="print")
    expect(page.locator(".print-back")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, f"moment print view [{lang}]")
    page.emulate_media(media="screen")


def test_the_team_sees_the_moment_read_only(desktop, site, make_staff, make_patient):
    lead = make_staff(site.practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")
    front_desk = make_staff(site.practice, Role.FRONT_DESK, full_name="Sam Rivers")
    moment = seed(site, lead, front_desk, make_patient)
    page = desktop
    sign_in(page, front_desk)
    page.goto(f"/staff/{site.slug}/experience/moments/{moment.pk}/")
    expect(page.locator("main textarea")).to_have_count(0)
    expect(page.locator("#meeting")).to_contain_text("Not recorded yet.")
    assert_no_axe_violations(page, "moment read-only page")
