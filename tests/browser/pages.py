"""Small helpers the browser tests share: language, patient sign-in, keyboard focus, phone layout."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User
from patients.models import Patient
from patients.services import issue_sign_in_link
from practices.models import Location, Practice, Provider
from tests.factories import PASSWORD


@dataclass
class Site:
    """The test practice (see the ``site`` fixture in conftest.py)."""

    practice: Practice
    location: Location
    provider: Provider
    patient: Patient

    @property
    def slug(self) -> str:
        return self.practice.slug


PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LANGUAGE_LABELS = {"en": "English", "es": "Español"}


def t(lang: str, message: str) -> str:
    """What the site shows for ``message`` in ``lang`` (Spanish wording is not pinned here)."""
    with translation.override(lang):
        return translation.gettext(message)


def switch_language(page: Page, lang: str) -> None:
    """Use the header's language switcher (select, then submit) and land back on the same page."""
    before = page.url
    page.locator("#language-select").select_option(label=LANGUAGE_LABELS[lang])
    with page.expect_navigation():
        page.locator(".language-switcher button[type=submit]").click()
    assert page.url == before, f"the language switcher should come back to {before}, went to {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", lang)


def sign_in_patient(page: Page, patient: Patient) -> None:
    """Sign in as ``patient`` the way the emailed link does (the link is made directly)."""
    token = issue_sign_in_link(patient=patient)
    page.goto(f"/p/{patient.practice.slug}/sign-in/{token}/")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.url.endswith(f"/p/{patient.practice.slug}/portal/"), page.url


# --- Keyboard ---------------------------------------------------------------------------------

_DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const name = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 40);
    const id = el.id ? '#' + el.id : '';
    const classes = el.className ? '.' + el.className.split(' ').join('.') : '';
    return `${el.tagName.toLowerCase()}${id}${classes} "${name}"`;
}"""


def focused(page: Page) -> str:
    """A short description of the focused element, for assertion messages."""
    return page.evaluate(_DESCRIBE_FOCUS)


def is_focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str, *, limit: int = 25) -> list[str]:
    """Press Tab until ``selector`` has focus; return the focus path. Fails after ``limit`` presses.

    Every element passed on the way must show a focus indicator that stands out (3:1).
    """
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(focused(page))
        assert_focus_visible(page)
        if is_focused(page, selector):
            return path
    raise AssertionError(f"Tab never reached {selector}; focus went: " + " -> ".join(path))


_FOCUS_STYLE = """() => {
    const el = document.activeElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const transparent = (c) => c === 'transparent' || (rgb(c).length === 4 && rgb(c)[3] === 0);
    let behind = 'rgb(255, 255, 255)';
    for (let n = el.parentElement; n; n = n.parentElement) {
        const c = getComputedStyle(n).backgroundColor;
        if (!transparent(c)) { behind = c; break; }
    }
    const lum = (c) => {
        const [r, g, b] = rgb(c).slice(0, 3).map(v => v / 255)
            .map(v => v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [hi, lo] = [lum(s.outlineColor), lum(behind)].sort((a, b) => b - a);
    return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, behind,
            contrast: (hi + 0.05) / (lo + 0.05), shadow: s.boxShadow,
            inView: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                    && r.left < innerWidth && r.top < innerHeight};
}"""


def assert_focus_visible(page: Page) -> None:
    """The focused element is on screen and has a focus ring with 3:1 contrast against what is
    behind it (WCAG 2.4.7 and 1.4.11). The skip link counts as its own indicator: it appears."""
    style = page.evaluate(_FOCUS_STYLE)
    where = focused(page)
    assert style["inView"], f"focused element is off screen: {where}"
    if is_focused(page, "a.skip-link"):
        return
    if style["outline"] != "none" and style["width"] > 0:
        assert style["contrast"] >= 3, (
            f"focus ring on {where} is {style['contrast']:.1f}:1 against its background: {style}"
        )
    else:
        assert style["shadow"] != "none", f"no visible focus indicator on {where}: {style}"


# --- Phone layout ------------------------------------------------------------------------------


def assert_fits_phone(page: Page, width: int = 360) -> None:
    """No sideways scrolling: nothing is wider than the phone's screen."""
    sizes = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
                  wide: [...document.querySelectorAll('body *')]
                      .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                      .slice(0, 5).map(el => el.outerHTML.slice(0, 120))})"""
    )
    assert sizes["client"] == width, f"expected a {width}px layout viewport, got {sizes}"
    assert sizes["scroll"] <= width, f"page scrolls sideways at {width}px ({sizes['scroll']}px wide): {sizes['wide']}"


def assert_checkbox_labels_beside_boxes(page: Page) -> None:
    """Each checkbox's label starts on the box's line, even when a long translation wraps."""
    apart = page.evaluate(
        """() => [...document.querySelectorAll('input[type=checkbox]')].filter(box => {
            const label = box.labels && box.labels[0];
            if (!label) return false;
            const b = box.getBoundingClientRect(), l = label.getClientRects()[0];
            return !l || l.top >= b.bottom || l.bottom <= b.top;
        }).map(box => box.id)"""
    )
    assert not apart, f"checkbox labels wrapped away from their boxes: {apart}"


def assert_tap_target(page: Page, selector: str, *, width: int = 360, min_size: int = 44) -> None:
    """Every element matching ``selector`` is visible, fully on screen horizontally and big enough to tap."""
    targets = page.locator(selector)
    count = targets.count()
    assert count, f"no {selector} on {page.url}"
    for i in range(count):
        target = targets.nth(i)
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box is not None, f"{selector} #{i} has no box"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{selector} #{i} sticks out: {box}"
        assert box["height"] >= min_size, f"{selector} #{i} is {box['height']}px tall, under {min_size}px"
        assert box["width"] >= min_size, f"{selector} #{i} is {box['width']}px wide, under {min_size}px"


# --- Staff -------------------------------------------------------------------------------------


def sign_in_staff(page: Page, user: User, base_url: str) -> None:
    """Put a signed-in staff session in the browser (no password form: Argon2 is slow)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def open_flow_board(page: Page, user, slug: str) -> None:
    """Sign ``user`` in through the sign-in form (PASSWORD) and open the practice's flow board."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(f"/staff/{slug}/flow/")
