"""Keyboard alone, in English and Spanish: sign in from the practice's sign-in page to the portal
(through the emailed link), then update contact details and see them saved.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from patients.services import issue_sign_in_link

from .pages import focused, is_focused, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "es"]


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_language_by_keyboard(page: Page, lang: str) -> None:
    """With the switcher focused: arrow to the language, Tab to its button, Enter."""
    assert is_focused(page, "#language-select"), focused(page)
    for _ in range(5):
        if page.locator("#language-select").input_value() == lang:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#language-select").input_value() == lang
    tab_to(page, ".language-switcher button[type=submit]")
    press_enter_and_wait(page)
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_by_keyboard(desktop, site, mailoutbox, lang):
    page = desktop
    page.goto(f"/p/{site.slug}/sign-in/")

    # The first Tab lands on the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    assert is_focused(page, "a.skip-link"), f"first focus should be the skip link, was {focused(page)}"
    expect(page.locator("a.skip-link")).to_be_in_viewport()

    # The language switcher comes before the form, in the header.
    path = tab_to(page, "#language-select")
    assert not any("#id_email" in step for step in path), path
    if lang != "en":
        choose_language_by_keyboard(page, lang)
        assert page.url.endswith(f"/p/{site.slug}/sign-in/"), page.url

    tab_to(page, "#id_email")
    page.keyboard.type(site.patient.email)
    press_enter_and_wait(page)

    expect(page.locator("h1")).to_have_text(t(lang, "Check your email"))
    expect(page.locator("html")).to_have_attribute("lang", lang)

    # The email really went out; its link signs in with the keyboard too.
    assert [m.to for m in mailoutbox] == [[site.patient.email]]
    link = re.search(r"https?://\S+/sign-in/\S+/", mailoutbox[0].body).group(0)
    page.goto(urlsplit(link).path)
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    assert page.url.endswith(f"/p/{site.slug}/portal/"), page.url
    expect(page.locator("h1")).to_be_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_update_contact_details_by_keyboard(desktop, site, lang):
    page = desktop
    page.goto(f"/p/{site.slug}/sign-in/{issue_sign_in_link(patient=site.patient)}/")
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    assert page.url.endswith(f"/p/{site.slug}/portal/"), page.url
    if lang != "en":
        tab_to(page, "#language-select")
        choose_language_by_keyboard(page, lang)

    # Skip the header, then reach "Update your contact details" and follow it.
    page.keyboard.press("Tab")
    assert is_focused(page, "a.skip-link"), focused(page)
    page.keyboard.press("Enter")
    edit_link = f"a[href='/p/{site.slug}/portal/details/']"
    path = tab_to(page, edit_link)
    assert not any("language-select" in step for step in path), f"the skip link did not skip the header: {path}"
    expect(page.locator(edit_link)).to_have_text(t(lang, "Update your contact details"))
    press_enter_and_wait(page)
    assert page.url.endswith(f"/p/{site.slug}/portal/details/"), page.url

    # A mistake first: the error is announced with the field, and the patient can fix it.
    tab_to(page, "#id_phone")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("call me")
    press_enter_and_wait(page)
    expect(page.locator("#id_phone")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile("^" + re.escape(t(lang, "Error:"))))

    tab_to(page, "#id_phone")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("+1 512 555 0123")
    tab_to(page, "#id_sms_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_sms_consent")).to_be_checked()
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)

    assert page.url.endswith(f"/p/{site.slug}/portal/"), page.url
    expect(page.locator(".messages")).to_have_text(t(lang, "Your details are saved."))
    expect(page.locator("main")).to_contain_text("+1 512 555 0123")
    site.patient.refresh_from_db()
    assert site.patient.phone == "+1 512 555 0123"
    assert site.patient.sms_consent is True
