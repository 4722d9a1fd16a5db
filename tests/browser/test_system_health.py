"""The staff health page (monitoring): what each check says, readable and axe-clean wide and at
360 pixels, in English and Spanish."""

import pytest
from playwright.sync_api import expect

from practices.models import Role

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, sign_in_staff, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_health_page_names_each_check_and_what_is_wrong(desktop, site, make_staff, live_server, lang):
    page = desktop
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    sign_in_staff(page, make_staff(site.practice, Role.FRONT_DESK), live_server.url)

    page.goto("/staff/system/health/")
    expect(page.locator("h1")).to_have_text(t(lang, "System health"))
    # The tests run tasks inline (no worker to wait for), so every check works; each row names its
    # check and its state in words of the page's language (the failing states are tested in monitoring/).
    working = "Working" if lang == "en" else "Funciona"  # msgctxt "health check"
    for check, label in [
        ("database", "Database"),
        ("cache", "Shared cache"),
        ("queue", "Task queue"),
        ("worker", "Background worker"),
    ]:
        row = page.locator(f'tr[data-check="{check}"]')
        expect(row.locator("th")).to_contain_text(t(lang, label))
        expect(row.locator("td").first).to_have_text(working)
    expect(page.locator("main")).to_contain_text(t(lang, "Every check passed."))
    assert_no_axe_violations(page, f"system health [{lang}]")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"system health [{lang}, 360px]")
    # The table scrolls inside its own focusable region; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
