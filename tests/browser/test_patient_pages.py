"""Every patient-facing page, in English and Spanish, on a 360-pixel phone: axe-core finds no
WCAG 2.0/2.1 A or AA violation, nothing scrolls sideways, and the main controls are big enough
to tap. Then the same page, widened to a desktop screen, passes axe again.
"""

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from patients import services as patient_services

from .axe import assert_no_axe_violations
from .pages import (
    DESKTOP,
    Site,
    assert_checkbox_labels_beside_boxes,
    assert_fits_phone,
    assert_tap_target,
    sign_in_patient,
    switch_language,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = Path(os.environ.get("BROWSER_SCREENSHOT_DIR", tempfile.gettempdir()))
SCREENSHOTS = {"public-page", "portal"}
HEADER_CONTROLS = "#language-select, .language-switcher button[type=submit]"


def _post_bad_email(page: Page, site: Site) -> None:
    page.locator("#id_email").fill("not an email")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")


def _post_good_email(page: Page, site: Site) -> None:
    page.locator("#id_email").fill(site.patient.email)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.locator("main .card[role=status]")).to_be_visible()


def _post_bad_phone(page: Page, site: Site) -> None:
    page.locator("#id_phone").fill("call me maybe")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.locator("#id_phone_error")).to_be_visible()


def _used_link(site: Site) -> str:
    token = patient_services.issue_sign_in_link(patient=site.patient)
    assert patient_services.redeem_sign_in_link(practice=site.practice, token=token) is not None
    return f"/p/{site.slug}/sign-in/{token}/"


def _usable_link(site: Site) -> str:
    return f"/p/{site.slug}/sign-in/{patient_services.issue_sign_in_link(patient=site.patient)}/"


@dataclass
class Scenario:
    url: Callable[[Site], str]
    status: int = 200
    signed_in: bool = False
    switcher: bool = True  # the page has the header language switcher
    act: Callable[[Page, Site], None] | None = None  # what the patient does on the page first
    tap_targets: list[str] = field(default_factory=list)


SCENARIOS = {
    "landing": Scenario(lambda s: "/", tap_targets=["main a.button"]),
    "public-page": Scenario(lambda s: f"/p/{s.slug}/", tap_targets=[".hero-actions .button"]),
    "sign-in": Scenario(lambda s: f"/p/{s.slug}/sign-in/", tap_targets=["#id_email", "main button[type=submit]"]),
    "sign-in-error": Scenario(
        lambda s: f"/p/{s.slug}/sign-in/", act=_post_bad_email, tap_targets=["#id_email", "main button[type=submit]"]
    ),
    "sign-in-sent": Scenario(lambda s: f"/p/{s.slug}/sign-in/", act=_post_good_email),
    "sign-in-link": Scenario(_usable_link, tap_targets=["main button[type=submit]"]),
    "sign-in-link-used": Scenario(_used_link, status=410, tap_targets=["main a.button"]),
    "portal": Scenario(lambda s: f"/p/{s.slug}/portal/", signed_in=True, tap_targets=["main .button"]),
    "portal-details": Scenario(
        lambda s: f"/p/{s.slug}/portal/details/",
        signed_in=True,
        tap_targets=["main input:not([type=checkbox]):not([type=hidden])", "main select", "main .button"],
    ),
    "portal-details-error": Scenario(
        lambda s: f"/p/{s.slug}/portal/details/",
        signed_in=True,
        act=_post_bad_phone,
        tap_targets=["#id_phone", "main .button"],
    ),
    "not-found": Scenario(lambda s: "/p/no-such-practice/", status=404, switcher=False),
    "staff-sign-in": Scenario(
        lambda s: "/accounts/login/", tap_targets=["main input:not([type=hidden])", "main button[type=submit]"]
    ),
}


def open_scenario(page: Page, site: Site, name: str, lang: str) -> None:
    scenario = SCENARIOS[name]
    if scenario.signed_in:
        sign_in_patient(page, site.patient)
    if lang != "en" and not scenario.switcher:
        page.goto("/")
        switch_language(page, lang)
    response = page.goto(scenario.url(site))
    assert response is not None and response.status == scenario.status, f"{name}: HTTP {response and response.status}"
    if lang != "en" and scenario.switcher:
        switch_language(page, lang)
    if scenario.act:
        scenario.act(page, site)
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_patient_page(phone, site, name, lang):
    open_scenario(phone, site, name, lang)

    assert_no_axe_violations(phone, f"{name} [{lang}, 360px]")
    assert_fits_phone(phone)
    assert_checkbox_labels_beside_boxes(phone)
    expect(phone.locator("h1")).to_have_count(1)
    expect(phone.locator("h1")).to_be_in_viewport()
    for selector in SCENARIOS[name].tap_targets + ([HEADER_CONTROLS] if SCENARIOS[name].switcher else []):
        assert_tap_target(phone, selector)
    if name in SCREENSHOTS and lang == "en":
        # For people to look at (the design at phone width); nothing compares them.
        phone.screenshot(path=SCREENSHOT_DIR / f"touchpoints-{name}-360.png", full_page=True)

    # The wide layout (two- and three-column grids) of the very same page.
    phone.set_viewport_size(DESKTOP)
    expect(phone.locator("html")).to_have_attribute("lang", lang)
    assert_no_axe_violations(phone, f"{name} [{lang}, {DESKTOP['width']}px]")
