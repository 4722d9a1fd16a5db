"""The staff menu fits a 1280-pixel screen and a 360-pixel phone, for every role: each entry is on
screen (or one "Menu" / "Practice settings" opening away), reachable with Tab and opened with Enter,
and axe finds nothing. (It was 1,728 px wide for the owner: Locations, Team, Settings and the audit
log were off screen.)"""

import pytest
from playwright.sync_api import Page, expect

from practices.models import Role

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, assert_fits_phone, assert_focus_visible, focused, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRIES = "#staff-nav a, #staff-nav summary"

_ON_SCREEN = """(el) => {
    el.scrollIntoView({block: 'nearest', inline: 'nearest'});
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: innerWidth, height: innerHeight,
            visible: r.width > 0 && r.height > 0, unclipped: !!hit && (hit === el || el.contains(hit))};
}"""


def _assert_on_screen(page: Page, selector: str, where: str) -> None:
    entries = page.locator(selector)
    assert entries.count(), f"no {selector} ({where})"
    for i in range(entries.count()):
        entry = entries.nth(i)
        box = entry.evaluate(_ON_SCREEN)
        name = entry.inner_text().strip()
        assert box["visible"], f"{name!r} is not shown ({where}): {box}"
        assert box["left"] >= 0 and box["right"] <= box["width"] + 0.5, f"{name!r} is off screen ({where}): {box}"
        assert box["unclipped"], f"{name!r} is covered or clipped ({where}): {box}"


def _nav_targets(page: Page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "#staff-nav a", "links => Object.fromEntries(links.map(a => [a.getAttribute('href'), a.innerText.trim()]))"
    )


def _tab_through_the_menu(page: Page, *, phone: bool) -> list[str]:
    """From the top of the page, with the keyboard only: open the menu (on a phone) and the practice
    group with Enter, and Tab through every entry. Returns the hrefs focused, in order."""
    page.locator("body").focus()
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        state = page.evaluate(
            """() => { const el = document.activeElement;
                return {inNav: !!el.closest('#staff-nav'), toggle: el.matches('.nav-toggle'),
                        summary: el.matches('#staff-nav summary'), href: el.getAttribute('href'),
                        expanded: el.getAttribute('aria-expanded'), open: !!el.closest('details[open]')}; }"""
        )
        if state["toggle"]:
            assert phone, "the Menu button is for narrow screens only"
            assert state["expanded"] == "false"
            page.keyboard.press("Enter")
            expect(page.locator(".nav-toggle")).to_have_attribute("aria-expanded", "true")
            expect(page.locator("#staff-nav")).to_be_visible()
        elif state["summary"]:
            if not state["open"]:
                page.keyboard.press("Enter")
                expect(page.locator("#staff-nav details")).to_have_attribute("open", "")
        elif state["inNav"]:
            reached.append(state["href"])
        elif reached:
            return reached  # focus has left the menu
    raise AssertionError(f"Tab never left the menu; last focus {focused(page)}; reached {reached}")


@pytest.mark.parametrize("role", [Role.OWNER, Role.FRONT_DESK, Role.EXPERIENCE_LEAD, Role.CLINICIAN, Role.BILLING])
def test_it_fits_the_staff_menu_on_a_desktop_and_a_phone(desktop, site, make_staff, live_server, role):
    page = desktop
    sign_in_staff(page, make_staff(site.practice, role), live_server.url)
    page.goto(f"/staff/{site.slug}/")
    targets = _nav_targets(page)
    group = page.locator("#staff-nav details")

    # 1280 px: one row, every top-level entry on screen; the practice group opens in place.
    widths = page.evaluate(
        "() => ({list: [document.querySelector('.staff-nav > ul').scrollWidth,"
        " document.querySelector('.staff-nav > ul').clientWidth], page: document.documentElement.scrollWidth})"
    )
    assert widths["page"] <= DESKTOP["width"], widths
    assert widths["list"][0] <= widths["list"][1], widths
    expect(page.locator(".nav-toggle")).to_be_hidden()
    _assert_on_screen(page, ".staff-nav-list > li > a, .nav-group summary", f"{role} at 1280px")
    reached = _tab_through_the_menu(page, phone=False)
    assert set(reached) == set(targets), f"keyboard missed {set(targets) - set(reached)}"
    _assert_on_screen(page, ENTRIES, f"{role} at 1280px, group open")
    assert_no_axe_violations(page, f"staff menu, {role}, group open")
    # Enter on a focused entry opens it (the last one reached sits in the group).
    with page.expect_navigation():
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
    assert page.url.endswith(reached[-1]), (page.url, reached[-1])

    # 360 px: the menu folds behind the Menu button, which works by keyboard.
    page.set_viewport_size(PHONE)
    page.goto(f"/staff/{site.slug}/")
    expect(page.locator("#staff-nav")).to_be_hidden()
    assert_fits_phone(page)
    assert_no_axe_violations(page, f"staff menu, {role}, 360px closed")
    reached = _tab_through_the_menu(page, phone=True)
    assert set(reached) == set(targets), f"keyboard missed {set(targets) - set(reached)} at 360px"
    expect(group).to_have_attribute("open", "")
    _assert_on_screen(page, ENTRIES, f"{role} at 360px, menu open")
    assert_fits_phone(page)
    assert_no_axe_violations(page, f"staff menu, {role}, 360px open")
    # Escape closes the group, then the menu, and gives focus back to the button.
    page.locator(".nav-group summary").focus()
    page.keyboard.press("Escape")
    expect(group).not_to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(page.locator("#staff-nav")).to_be_hidden()
    expect(page.locator(".nav-toggle")).to_be_focused()
