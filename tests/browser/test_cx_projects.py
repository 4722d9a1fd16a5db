"""An improvement project's page in a real browser, in English and Spanish: the verdict in words, the
weekly control chart drawn with the change marked and its numbers in the table, the warning about
another change on the same touch point; axe-clean, no CSP errors, fits a phone."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from cx.models import ImprovementProject
from practices.models import Role
from tests.factories import make_response, make_survey

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(site: Site) -> ImprovementProject:
    """Four weeks of answers on each side of the change: 30 of 60 top box before, 55 of 60 after."""
    practice = site.practice
    zone = ZoneInfo(practice.timezone)
    today = practice.local_date(timezone.now())
    live = today - timedelta(days=28)
    version = make_survey(practice)
    for sign, top in ((-1, 30), (1, 55)):
        for i in range(60):
            day = live - timedelta(days=i % 27 + 1) if sign < 0 else live + timedelta(days=i % 27)
            at = datetime.combine(day, time(11), tzinfo=zone).astimezone(UTC)
            make_response(version, site.patient, {"cg_access": 4 if i < top else 2, "recommend": 9}, completed_at=at)
    project = ImprovementProject.objects.create(
        practice=practice,
        title="New check-in instructions",
        change="Clearer online check-in instructions in the reminder email",
        touchpoints=["online-check-in", "reminders"],
        went_live_on=live,
        window_weeks=4,
        primary_measure="top_box:cg_access",
        secondary_measures=["nps", "waiting_minutes"],
    )
    ImprovementProject.objects.create(
        practice=practice,
        title="Shorter reminder texts",
        change="Two lines instead of five",
        touchpoints=["reminders"],
        went_live_on=live + timedelta(days=7),
        window_weeks=4,
        primary_measure="reminder_confirmation_rate",
    )
    return project


def open_project(page: Page, base_url: str, site: Site, user, project: ImprovementProject, lang: str) -> None:
    sign_in_staff(page, user, base_url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
    page.goto(f"/staff/{site.slug}/experience/projects/{project.pk}/")


@pytest.mark.parametrize(
    ("lang", "heading", "verdict", "warning"),
    [
        (
            "en",
            "New check-in instructions",
            "Better: 50 % → 92 % top box (difference +42 points, 95 % CI +",
            "Another change on the same touch point went live on",
        ),
        (
            "es",
            "New check-in instructions",
            "Mejor: 50 % → 92 % en la categoría más alta (diferencia +42 puntos, IC del 95 % +",
            "Otro cambio en el mismo punto de contacto entró en vigor el",
        ),
    ],
)
def test_the_project_page_shows_the_verdict_and_the_chart(
    desktop, live_server, site, make_staff, lang, heading, verdict, warning
):
    page = desktop
    project = seed(site)
    open_project(page, live_server.url, site, make_staff(site.practice, Role.FRONT_DESK), project, lang)

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("#m0-verdict")).to_contain_text(verdict)
    expect(page.locator(".project-warnings")).to_contain_text(warning)
    expect(page.locator("#m1-verdict")).to_be_visible()  # NPS, a secondary measure
    expect(page.locator("#m2-verdict")).to_be_visible()  # minutes waiting: no visits, too few to say

    # Minutes waiting has no visits at all: a sentence instead of an empty chart.
    expect(page.locator(".no-data-note")).to_have_count(1)
    canvases = page.locator("canvas[data-project-chart]")
    assert canvases.count() == 2
    expect(canvases.first).to_be_visible()
    assert page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-project-chart]')].every(c => window.Chart.getChart(c))"
    )
    chart = page.evaluate(
        "() => { const c = window.Chart.getChart("
        "document.querySelector(\"canvas[data-project-chart='m0-chart-data']\"));"
        " return {labels: c.data.labels.length, sets: c.data.datasets.map(d => d.data),"
        " names: c.data.datasets.map(d => d.label)}; }"
    )
    # The week's value, the centre line, the two limits and the change line's legend entry.
    assert len(chart["sets"]) == 5
    rows = page.locator("#m0-weeks tbody tr")
    assert rows.count() == chart["labels"] == 8
    # The first week after the change is marked in the table as it is on the chart.
    expect(rows.nth(4)).to_have_class("change-row")
    for i, value in enumerate(chart["sets"][0]):
        if value is not None:
            cell = rows.nth(i).locator("td").nth(1)
            expect(cell).to_have_text(f"{value:.1f}".replace(".", "," if lang == "es" else "."))
    assert_no_axe_violations(page, f"project page [{lang}]")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"project page [{lang}, 360px]")
    assert_fits_phone(page)


def test_the_list_and_the_form_pass_axe(desktop, live_server, site, make_staff):
    page = desktop
    project = seed(site)
    owner = make_staff(site.practice, Role.OWNER)
    open_project(page, live_server.url, site, owner, project, "en")
    page.goto(f"/staff/{site.slug}/experience/projects/")
    expect(page.locator("table.project-table")).to_contain_text("Better: 50 % → 92 % top box")
    assert_no_axe_violations(page, "project list")
    page.goto(f"/staff/{site.slug}/experience/projects/new/")
    page.locator("#id_title").fill("")
    with page.expect_navigation():
        page.locator("main form.project-form button[type=submit]").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    assert_no_axe_violations(page, "project form with errors")
