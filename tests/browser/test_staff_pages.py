"""Staff sign-in leads to the dashboard and patient list; axe checks those once (in English),
wide and at 360 pixels."""

import pytest
from playwright.sync_api import expect

from practices.models import Role
from tests.factories import PASSWORD

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_dashboard_and_patient_list(desktop, site, make_staff):
    page = desktop
    owner = make_staff(site.practice, Role.OWNER)

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(owner.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.url.endswith(f"/staff/{site.slug}/"), page.url
    expect(page.locator("h1")).to_have_text(site.practice.name)
    assert_no_axe_violations(page, "staff dashboard")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, "staff dashboard [360px]")
    assert_fits_phone(page)

    page.goto(f"/staff/{site.slug}/patients/")
    expect(page.locator("main")).to_contain_text(site.patient.last_name)
    assert_no_axe_violations(page, "patient list [360px]")
    assert_fits_phone(page)
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page, "patient list")
