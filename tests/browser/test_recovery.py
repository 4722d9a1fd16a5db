"""Staff listening pages in a real browser: axe-core finds nothing on the responses list, the recovery
cases list, a case page or the review-sites page, and a keyboard alone records a recovery step, closes the
case and reopens it."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from feedback.models import FeedbackSettings, RecoveryCase, ReviewSite
from feedback.services import listening
from patients.models import Patient
from practices.models import Role
from tests.factories import PASSWORD, make_response, make_survey

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, focused, is_focused, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def seed(site: Site, make_patient: Callable[..., Patient]) -> RecoveryCase:
    """A detractor with a mixed comment (opens a case, overdue) and a promoter with praise."""
    version = make_survey(site.practice)
    FeedbackSettings.objects.create(practice=site.practice, review_invitations=True)
    ReviewSite.objects.create(practice=site.practice, name="Google", url="https://g.page/clearskin/review")
    opened = timezone.now() - timedelta(hours=50)
    unhappy = make_response(
        version,
        site.patient,
        {
            "cg_access": 2,
            "provider_rating": 8,
            "recommend": 4,
            "comment": "The front desk was rude about my insurance card, but Dr. Cole was wonderful.",
        },
        completed_at=opened,
        provider=site.provider,
        location=site.location,
    )
    listening.response_completed(response=unhappy, now=opened)
    happy = make_response(
        version,
        make_patient(site.practice, first_name="Marisol", last_name="Fuentes"),
        {"recommend": 10, "comment": "Dr. Cole took the time to explain everything. Short wait, friendly staff."},
        completed_at=timezone.now() - timedelta(hours=3),
        provider=site.provider,
        location=site.location,
    )
    listening.response_completed(response=happy, now=happy.completed_at)
    return RecoveryCase.objects.get(response=unhappy)


def test_it_passes_axe_on_the_listening_pages(desktop, site, make_staff, make_patient):
    page = desktop
    owner = make_staff(site.practice, Role.OWNER)
    case = seed(site, make_patient)
    sign_in(page, owner)

    page.goto(f"/staff/{site.slug}/feedback/responses/")
    expect(page.locator("h1")).to_have_text("Responses and comments")
    expect(page.locator(".response")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Marisol Fuentes")
    assert_no_axe_violations(page, "responses and comments")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, "responses and comments [360px]")
    assert_fits_phone(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("a.correct-link").first.click()
    expect(page.locator("h1")).to_have_text("Correct a comment's reading")
    assert_no_axe_violations(page, "comment correction")

    page.goto(f"/staff/{site.slug}/feedback/recovery/")
    expect(page.locator("tr.overdue")).to_contain_text("Overdue by 2 hours")
    assert_no_axe_violations(page, "recovery cases")

    page.goto(f"/staff/{site.slug}/feedback/recovery/{case.pk}/")
    expect(page.locator("h1")).to_contain_text(site.patient.full_name)
    assert_no_axe_violations(page, "recovery case")

    page.goto(f"/staff/{site.slug}/feedback/review-sites/")
    assert_no_axe_violations(page, "review sites and settings")

    page.goto(f"/p/{site.slug}/reviews/")
    expect(page.locator("a.review-site")).to_have_text("Google")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, "patient review page [360px]")
    assert_fits_phone(page)


def test_it_records_a_step_and_closes_the_case_by_keyboard(desktop, site, make_staff, make_patient):
    page = desktop
    lead = make_staff(site.practice, Role.EXPERIENCE_LEAD)
    case = seed(site, make_patient)
    assert case.assigned_to == lead
    sign_in(page, lead)
    page.goto(f"/staff/{site.slug}/feedback/recovery/{case.pk}/")

    hear = "form[action$='/step/'] button[aria-describedby='step-heard']"
    tab_to(page, hear, limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Step recorded: Hear.")
    expect(page.locator(".step-done")).to_contain_text("Done")
    case.refresh_from_db()
    assert case.heard_at is not None

    # Closing needs an outcome: chosen with the keyboard from the select.
    page.locator("#id_outcome").focus()
    assert is_focused(page, "#id_outcome"), focused(page)
    page.locator("#id_outcome").select_option("resolved")
    page.keyboard.press("Tab")
    assert is_focused(page, "form[action$='/close/'] button[type=submit]"), focused(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Case closed.")
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "resolved"
    assert_no_axe_violations(page, "closed recovery case")

    # Reopened with the keyboard alone: open again, and the history keeps the earlier outcome.
    tab_to(page, "form[action$='/reopen/'] button[type=submit]", limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Case reopened. It is due again in 48 hours.")
    expect(page.locator(".case-history")).to_contain_text("Closed: Resolved")
    expect(page.locator(".case-history")).to_contain_text("Reopened (earlier outcome: Resolved)")
    expect(page.locator("form[action$='/close/']")).to_be_visible()
    case.refresh_from_db()
    assert case.status == "open" and case.outcome == "" and case.closed_at is None
    assert case.due_at > timezone.now() + timedelta(hours=47)
    assert_no_axe_violations(page, "reopened recovery case")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, "reopened recovery case [360px]")
    assert_fits_phone(page)
