"""What changed in a real browser, in English and Spanish: the week's list with its filters and the
monthly chart drawn from the same numbers as its table, and a signal's page with its evidence and
responses; axe-clean, fits a 360 px phone, and handled by keyboard alone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from cx.models import ChangeSignal, SignalKind, SignalStatus, Strength, SuggestedResponse
from practices.models import Role
from tests.factories import make_patient

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, is_focused, sign_in_staff, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE = "Booked online 6 times since 2024; booked by phone on 3 Dec and 28 Nov."


def seed(site: Site) -> ChangeSignal:
    practice = site.practice
    today = practice.local_date(timezone.now())
    signal = ChangeSignal.objects.create(
        practice=practice,
        patient=site.patient,
        kind=SignalKind.ONLINE_TO_PHONE,
        strength=Strength.STRONG,
        evidence=EVIDENCE,
        changed_on=today - timedelta(days=2),
        location=site.location,
        provider=site.provider,
        suggested_response=SuggestedResponse.MICRO_SURVEY,
    )
    other = make_patient(practice, first_name="Guadalupe", last_name="Fernández-Castellanos")
    ChangeSignal.objects.create(
        practice=practice,
        patient=other,
        kind=SignalKind.LAPSED_RECALL,
        evidence="Came every 6 months since 2019; last visit 14 months ago.",
        changed_on=today - timedelta(days=40),
        status=SignalStatus.HANDLED,
        handled_at=timezone.now(),
        lesson="Moved to another town.",
    )
    return signal


def open_page(page: Page, base_url: str, user, path: str, lang: str) -> None:
    sign_in_staff(page, user, base_url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
    page.goto(path)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_change_list_shows_the_week_and_the_months(desktop, live_server, site, make_staff, lang):
    page = desktop
    seed(site)
    lead = make_staff(site.practice, Role.EXPERIENCE_LEAD)
    open_page(page, live_server.url, lead, f"/staff/{site.slug}/experience/what-changed/", lang)

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(t(lang, "What changed"))
    table = page.locator("table.signal-table")
    expect(table).to_contain_text(site.patient.full_name)
    expect(table).to_contain_text(EVIDENCE)
    expect(table).to_contain_text(t(lang, "Booked online, now books by phone"))
    # The lapse was detected this week too (detected_at is now), so two rows; filter to one kind.
    expect(table.locator("tbody tr")).to_have_count(2)
    page.locator("#id_kind").select_option(SignalKind.LAPSED_RECALL.value)
    with page.expect_navigation():
        page.locator("form.signal-filters button[type=submit]").click()
    expect(page.locator("table.signal-table tbody tr")).to_have_count(1)
    expect(page.locator("table.signal-table")).to_contain_text("Guadalupe")

    # The chart is drawn, from the same numbers as the table beside it.
    canvas = page.locator("canvas[data-chart='signal-months-data']")
    expect(canvas).to_be_visible()
    chart = page.evaluate(
        "() => { const c = window.Chart.getChart(document.querySelector(\"canvas[data-chart='signal-months-data']\"));"
        " return {labels: c.data.labels.length, sets: c.data.datasets.map(d => d.data)}; }"
    )
    rows = page.locator("#signal-months-table tbody tr")
    assert rows.count() == chart["labels"] == 12
    totals = [sum(values) for values in zip(*chart["sets"], strict=True)]
    for i, total in enumerate(totals):
        expect(rows.nth(i).locator("td").last).to_have_text(str(total))
    assert sum(totals) == 2
    assert_no_axe_violations(page, f"what changed [{lang}]")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"what changed [{lang}, 360px]")
    assert_fits_phone(page)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_signal_page_passes_axe_and_is_handled_by_keyboard(desktop, live_server, site, make_staff, lang):
    page = desktop
    signal = seed(site)
    desk = make_staff(site.practice, Role.FRONT_DESK)
    open_page(page, live_server.url, desk, f"/staff/{site.slug}/experience/what-changed/{signal.pk}/", lang)

    expect(page.locator("h1")).to_have_text(t(lang, "Booked online, now books by phone"))
    expect(page.locator(".signal-evidence")).to_have_text(EVIDENCE)
    expect(page.locator(".signal-question")).to_be_visible()
    assert_no_axe_violations(page, f"signal page [{lang}]")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"signal page [{lang}, 360px]")
    assert_fits_phone(page)

    # Keyboard only: Tab to what was learned, type it, Tab to Save, Enter.
    tab_to(page, "#id_lesson", limit=60)
    page.keyboard.type("The online booking page had no Saturday times.")
    tab_to(page, ".signal-handle-form button[type=submit]")
    assert is_focused(page, ".signal-handle-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(t(lang, "Marked handled. Thank you."))
    signal.refresh_from_db()
    assert signal.status == SignalStatus.HANDLED
    assert signal.lesson == "The online booking page had no Saturday times."
    assert_no_axe_violations(page, f"handled signal page [{lang}, 360px]")


def test_the_lessons_and_the_timeline_pass_axe(desktop, live_server, site, make_staff):
    page = desktop
    seed(site)
    owner = make_staff(site.practice, Role.OWNER)
    open_page(page, live_server.url, owner, f"/staff/{site.slug}/experience/what-changed/lessons/?q=town", "es")
    expect(page.locator(".lesson-list")).to_contain_text("Moved to another town.")
    assert_no_axe_violations(page, "lessons [es]")
    page.goto(f"/staff/{site.slug}/experience/what-changed/patient/{site.patient.pk}/")
    expect(page.locator(".signal-timeline")).to_contain_text(EVIDENCE)
    assert_no_axe_violations(page, "change timeline [es]")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page)
