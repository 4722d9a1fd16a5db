"""After a failed submit, focus lands on the error summary (static/js/error-summary.js; the CSP allows no
inline script), so a keyboard or screen-reader user starts at what to fix: booking details, sign-in and
the arrival kiosk, at 360 px with axe, in English and Spanish."""

import pytest
from playwright.sync_api import Page, expect

from frontdesk.services.setup import flow_settings

from .axe import assert_no_axe_violations
from .pages import assert_fits_phone, switch_language, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_SUMMARY = "document.activeElement && document.activeElement.hasAttribute('data-error-summary')"


def _assert_focus_on_the_summary(page: Page, where: str) -> None:
    summary = page.locator("[data-error-summary]").first
    expect(summary).to_be_visible()
    assert page.evaluate(FOCUSED_SUMMARY), f"{where}: focus is on {page.evaluate('document.activeElement.outerHTML')}"
    assert_fits_phone(page)
    assert_no_axe_violations(page, where)


def test_booking_details_with_a_bad_birthday_focus_the_errors(phone, site, skin_check):
    page = phone
    page.goto(f"/p/{site.slug}/book/?kind=new&vt={skin_check.pk}&prov=any")
    page.locator("a.booking-day").first.click()
    page.locator("button.booking-time").first.click()
    expect(page.locator("h1")).to_have_text("Your details")
    assert not page.evaluate(FOCUSED_SUMMARY)  # nothing failed yet
    page.locator("#id_first_name").fill("Maya")
    page.locator("#id_last_name").fill("Lopez")
    page.locator("#id_date_of_birth").fill("31/31/1990")
    page.locator("#id_phone").fill("(512) 555-0111")
    page.locator("button.booking-submit").click()
    expect(page.locator("#id_date_of_birth_error")).to_contain_text("Enter your date of birth like this: 04/12/1985")
    _assert_focus_on_the_summary(page, "details with errors")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sign_in_with_a_bad_email_focuses_the_errors(phone, site, lang):
    page = phone
    page.goto(f"/p/{site.slug}/sign-in/")
    if lang != "en":
        switch_language(page, lang)
    page.locator("#id_email").fill("not-an-email")
    page.locator("main button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(t(lang, "Please check the fields marked below."))
    _assert_focus_on_the_summary(page, f"sign-in with errors ({lang})")


def test_the_arrival_kiosk_focuses_the_errors(phone, site):
    page = phone
    page.goto(f"/p/{site.slug}/arrive/{flow_settings(site.practice).arrival_key}/?kiosk=1")
    page.locator("#id_year").fill("19x5")
    page.locator("#id_last_name_start").fill("Riv")
    page.locator("main button[type=submit]").click()
    _assert_focus_on_the_summary(page, "arrival with errors")
