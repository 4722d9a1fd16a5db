"""A slow htmx request shows that it is loading: the patient search (1.2 s in the walkthrough) and the
front desk's "Show open times" (2.2 s) showed nothing meanwhile. Each response is held back here
(Playwright holds the request) while the test looks at the page."""

import pytest
from playwright.sync_api import Page, expect

from practices.models import Role

from .axe import assert_no_axe_violations
from .pages import sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _hold_htmx_requests(page: Page) -> list:
    """Hold every htmx request (not page loads) until the test lets it go."""
    held = []

    def handle(route):
        if route.request.headers.get("hx-request") == "true":
            held.append(route)
        else:
            route.continue_()

    page.route("**/staff/**", handle)
    return held


def _release(page: Page, held: list) -> None:
    """Let the held requests go, and stop holding new ones."""
    page.unroute("**/staff/**")
    while held:
        held.pop().continue_()


def test_a_slow_search_and_a_slow_open_times_request_show_a_loading_state(desktop, site, make_staff, live_server):
    page = desktop
    sign_in_staff(page, make_staff(site.practice, Role.FRONT_DESK), live_server.url)
    held = _hold_htmx_requests(page)

    page.goto(f"/staff/{site.slug}/patients/")
    indicator, results = page.locator("#search-loading"), page.locator("#results")
    expect(indicator).to_be_hidden()
    page.locator("#patient-search").fill("Rivera")
    expect(indicator).to_be_visible()
    expect(indicator).to_have_text("Searching…")
    expect(indicator).to_have_attribute("role", "status")
    expect(results).to_have_attribute("aria-busy", "true")
    assert held, "the search request was not held"
    assert_no_axe_violations(page, "patient search, loading")
    _release(page, held)
    expect(indicator).to_be_hidden()
    expect(results).not_to_have_attribute("aria-busy", "true")
    expect(results).to_contain_text(site.patient.last_name)

    held = _hold_htmx_requests(page)
    page.goto(f"/staff/{site.slug}/patients/{site.patient.pk}/book/")
    indicator = page.locator("#times-loading")
    expect(indicator).to_be_hidden()
    page.locator("#id_day").fill("2030-01-08")  # a change of the picker asks for open times
    expect(indicator).to_be_visible()
    expect(indicator).to_have_text("Finding open times…")
    expect(page.locator("#times")).to_have_attribute("aria-busy", "true")
    _release(page, held)
    expect(indicator).to_be_hidden()
    expect(page.locator("#times")).not_to_have_attribute("aria-busy", "true")
