"""The scores page in a real browser: charts drawn beside their tables, the small-sample mark in words,
axe-clean, no CSP errors."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from feedback.models import Answer, Invitation, InvitationStatus, Question, Response, SurveyKind
from feedback.services import surveys
from practices.models import Role
from tests.factories import PASSWORD

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(site: Site) -> None:
    """Twelve responses over the last three months: enough to draw, too few to trust."""
    practice = site.practice
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.POST_VISIT)
    assert survey is not None  # the post-visit survey is on by default
    version = surveys.current_version(survey)
    questions = {q.kind: q for q in Question.objects.filter(version=version).exclude(kind="text")}
    now = timezone.now()
    for i in range(12):
        at = now - timedelta(days=2 + 7 * i)
        invitation = Invitation.objects.create(
            practice=practice,
            version=version,
            patient=site.patient,
            token_hash=f"browser-{i}",
            status=InvitationStatus.COMPLETED,
            created_at=at - timedelta(hours=2),
            expires_at=at + timedelta(days=14),
            completed_at=at,
        )
        response = Response.objects.create(
            practice=practice,
            invitation=invitation,
            version=version,
            patient=site.patient,
            provider=site.provider,
            location=site.location,
            touchpoint="survey",
            started_at=at,
            completed_at=at,
        )
        values = {"recommend": [10, 9, 6, 8][i % 4], "rating": 7 + i % 4, "frequency": 1 + i % 4}
        Answer.objects.bulk_create(
            Answer(practice_id=response.practice_id, response=response, question=question, value=values[kind])
            for kind, question in questions.items()
            if kind in values
        )


def sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def test_it_draws_the_score_charts_beside_their_tables(desktop, site, make_staff):
    page = desktop
    seed(site)
    sign_in(page, make_staff(site.practice, Role.EXPERIENCE_LEAD))

    page.goto(f"/staff/{site.slug}/feedback/scores/")
    expect(page.locator("h1")).to_have_text("Scores")
    # 6 promoters (10, 9), 3 passives (8), 3 detractors (6) of 12 → 50 − 25 = 25.
    expect(page.locator("#nps-card .big-figure")).to_have_text("25")
    expect(page.locator("#nps-card")).to_contain_text("too few to trust")
    expect(page.locator("#composites-table")).to_contain_text("How well the provider communicates")
    expect(page.locator("#providers-table")).to_contain_text("Hannah Cole")

    canvases = page.locator("canvas[data-chart]")
    expect(canvases.first).to_be_visible()
    assert canvases.count() == 2
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))"
    )
    assert drawn
    # The chart's numbers are the table's: months from the range, the NPS series per month.
    chart = page.evaluate(
        "() => { const c = window.Chart.getChart(document.querySelector(\"canvas[data-chart='scores-chart-nps']\"));"
        " return {labels: c.data.labels.length, data: c.data.datasets[0].data}; }"
    )
    rows = page.locator("#scores-table-nps tbody tr")
    assert rows.count() == chart["labels"] >= 3
    for i, value in enumerate(chart["data"]):
        if value is not None:
            expect(rows.nth(i).locator("td").first).to_have_text(str(int(value)))
    assert page.locator("#scores-table-composites thead th").count() == 1 + 2 * 5
    assert_no_axe_violations(page, "scores")

    page.locator("#id_period").select_option("week")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.locator("#trend-heading")).to_have_text("Week by week")
    assert page.locator("#scores-table-nps tbody tr").count() >= 12
    assert_no_axe_violations(page, "scores per week")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, "scores [360px]")
    assert_fits_phone(page)
