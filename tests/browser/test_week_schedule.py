"""The week calendar fits a 1280-pixel screen with Sunday on it (it was 1,345 px wide, Sunday cut off),
and on a 360-pixel phone it scrolls sideways inside the calendar region only."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from patients.models import Patient
from practices.models import Provider, Role
from scheduling.models import Appointment, AppointmentStatus, AvailabilityTemplate, BookedVia, VisitType

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, Site, assert_fits_phone, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = date(2030, 1, 7)
SUNDAY = MONDAY + timedelta(days=6)

_GRID = """(day) => {
    const region = document.querySelector('.calendar-scroll') || document.querySelector('.calendar');
    const sunday = document.querySelector('thead time[datetime="' + day + '"]').closest('th').getBoundingClientRect();
    const box = region.getBoundingClientRect();
    return {scroll: region.scrollWidth, client: region.clientWidth, page: document.documentElement.scrollWidth,
            sundayLeft: sunday.left, sundayRight: sunday.right, regionLeft: box.left, regionRight: box.right};
}"""


def _busy_week(site: Site, make_patient: Callable[..., Patient]) -> None:
    """Two providers working every day of the week, with long names and a few appointments."""
    second = Provider.objects.create(
        practice=site.practice, first_name="Maximiliano", last_name="Echeverría-Santisteban", credentials="MD, FAAD"
    )
    second.locations.add(site.location)
    visit_type = VisitType.objects.create(practice=site.practice, name="Skin check", slug="skin", duration_minutes=30)
    for provider in (site.provider, second):
        for weekday in range(7):
            AvailabilityTemplate.objects.create(
                practice=site.practice,
                provider=provider,
                location=site.location,
                weekday=weekday,
                starts_at=time(8),
                ends_at=time(17),
                effective_from=date(2029, 1, 1),
            )
        for day in range(7):
            start = datetime.combine(MONDAY + timedelta(days=day), time(15), tzinfo=UTC)  # 9:00 in Austin
            patient = make_patient(site.practice, first_name="Anabelle", last_name="Rivera-Gutiérrez-Montenegro")
            Appointment.objects.create(
                practice=site.practice,
                patient=patient,
                provider=provider,
                location=site.location,
                visit_type=visit_type,
                start=start,
                end=start + timedelta(minutes=30),
                blocked_start=start,
                blocked_end=start + timedelta(minutes=30),
                status=AppointmentStatus.BOOKED,
                booked_via=BookedVia.STAFF,
            )


def test_the_week_fits_a_desktop_and_scrolls_within_itself_on_a_phone(
    desktop, site, make_staff, make_patient, live_server
):
    page = desktop
    _busy_week(site, make_patient)
    sign_in_staff(page, make_staff(site.practice, Role.OWNER), live_server.url)
    page.goto(f"/staff/{site.slug}/schedule/week/?date={MONDAY.isoformat()}")
    expect(page.locator(".calendar-week tbody tr")).to_have_count(2)

    grid = page.evaluate(_GRID, SUNDAY.isoformat())
    assert grid["scroll"] <= grid["client"], f"the week grid scrolls at 1280px: {grid}"
    assert grid["page"] <= DESKTOP["width"], f"the page is wider than the screen: {grid}"
    assert grid["regionLeft"] <= grid["sundayLeft"] and grid["sundayRight"] <= grid["regionRight"] + 0.5, grid
    assert grid["sundayRight"] <= DESKTOP["width"], f"Sunday is cut off: {grid}"
    expect(page.locator(f'[data-day="{SUNDAY.isoformat()}"]').first).to_be_in_viewport()
    assert_no_axe_violations(page, "week calendar")

    page.set_viewport_size(PHONE)
    assert_fits_phone(page)  # the page itself never scrolls sideways...
    grid = page.evaluate(_GRID, SUNDAY.isoformat())
    assert grid["scroll"] > grid["client"], grid  # ...the calendar region does
    region = page.locator(".calendar-scroll")
    region.focus()  # a keyboard user scrolls it with the arrow keys
    assert page.evaluate("() => document.activeElement.matches('.calendar-scroll')")
    for _ in range(40):
        page.keyboard.press("ArrowRight")
        if page.evaluate(
            "() => { const r = document.querySelector('.calendar-scroll');"
            " return r.scrollLeft + r.clientWidth >= r.scrollWidth - 1; }"
        ):
            break
        page.wait_for_timeout(50)
    grid = page.evaluate(_GRID, SUNDAY.isoformat())
    assert grid["regionLeft"] - 0.5 <= grid["sundayLeft"] and grid["sundayRight"] <= grid["regionRight"] + 0.5, grid
    assert_no_axe_violations(page, "week calendar [360px]")
