"""The measures page in a real browser: charts drawn beside their tables, axe-clean, no CSP errors."""

from datetime import UTC, date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from frontdesk.estimate_accuracy import EstimateAccuracy
from frontdesk.models import Visit
from frontdesk.selectors import wait as wait_selectors
from practices.models import Role
from scheduling.models import Appointment, AvailabilityTemplate, VisitType
from scheduling.services.schedule import offer_visit_type
from tests.factories import PASSWORD

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(site: Site) -> None:
    practice, provider, location = site.practice, site.provider, site.location
    visit_type = VisitType.objects.create(practice=practice, name="Skin check", slug="skin-check", duration_minutes=30)
    offer_visit_type(visit_type=visit_type, providers=[provider], locations=[location])
    for weekday in range(5):
        AvailabilityTemplate.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=time(9),
            ends_at=time(12),
            effective_from=date(2020, 1, 1),
        )
    now = timezone.now()
    for days_ago in (1, 2, 8):
        start = (now - timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0, tzinfo=UTC)
        appointment = Appointment.objects.create(
            practice=practice,
            patient=site.patient,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=start,
            end=start + timedelta(minutes=30),
            blocked_start=start,
            blocked_end=start + timedelta(minutes=30),
            booked_via="staff",
            status="fulfilled",
            created_at=start - timedelta(days=days_ago),
        )
        Visit.objects.create(
            practice=practice,
            appointment=appointment,
            status="done",
            arrived_at=start - timedelta(minutes=5),
            roomed_at=start + timedelta(minutes=5),
            with_provider_at=start + timedelta(minutes=10 + days_ago),
            done_at=start + timedelta(minutes=40),
        )


def sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def test_it_draws_the_measures_charts_beside_their_tables(desktop, site, make_staff):
    page = desktop
    seed(site)
    sign_in(page, make_staff(site.practice, Role.EXPERIENCE_LEAD))

    page.goto(f"/staff/{site.slug}/measures/")
    expect(page.locator("h1")).to_have_text("Measures")
    canvases = page.locator("canvas[data-chart]")
    expect(canvases.first).to_be_visible()
    assert canvases.count() >= 8
    # Chart.js drew on every canvas (it registers each chart it made).
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))"
    )
    assert drawn
    cycle = page.locator("#chart-table-cycle")
    expect(cycle).to_be_attached()
    assert cycle.locator("tbody tr").count() == 28
    expect(page.locator("table.tna-table")).to_contain_text("Skin check")
    expect(page.locator("canvas[data-chart='chart-data-cycle']")).to_have_attribute(
        "aria-label", "Cycle time (arrival to departure), mean (minutes)"
    )
    assert_no_axe_violations(page, "measures")

    page.locator("#id_period").select_option("week")
    page.locator("#id_group_by").select_option("provider")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.locator("#chart-table-cycle thead")).to_contain_text("Hannah Cole")
    assert (
        page.evaluate("() => window.Chart.getChart(document.querySelector('canvas[data-chart]')).data.datasets.length")
        == 1
    )
    assert_no_axe_violations(page, "measures by provider per week")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, "measures [360px]")
    assert_fits_phone(page)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_wait_estimate_table_is_readable_with_and_without_enough_visits(
    desktop, site, make_staff, monkeypatch, live_server, lang
):
    page = desktop
    figures = EstimateAccuracy(
        n=120,
        mae_minutes=6.25,
        naive_mae_minutes=19.5,
        lag_mae_minutes=11.0,
        coverage=0.8,
        seen_n=12,
        seen_mae_minutes=9.75,
        seen_naive_mae_minutes=24.0,
        seen_lag_mae_minutes=14.5,
        seen_coverage=0.7,
    )
    monkeypatch.setattr(wait_selectors, "estimate_errors", lambda **kwargs: figures)
    sign_in(page, make_staff(site.practice, Role.FRONT_DESK))
    # Staff pages have no language switcher: the language cookie is what a staff member's browser sends.
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.goto(f"/staff/{site.slug}/measures/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    table = page.locator("table.estimate-table")
    expect(table).to_be_visible()
    # Enough visits for "called in": its figures; too few for "provider with them": the words instead.
    called, seen = table.locator("tbody tr").nth(0), table.locator("tbody tr").nth(1)
    expect(called).to_contain_text("120")
    expect(called).to_contain_text(t(lang, "as stated"))
    expect(seen.locator(".too-few")).to_have_text(t(lang, "too few to trust"))
    assert_no_axe_violations(page, f"measures, wait estimates [{lang}]")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"measures, wait estimates [{lang}, 360px]")
    assert_fits_phone(page)
