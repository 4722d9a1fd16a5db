"""The team pulse's answering page on a 360-pixel phone, in English and Spanish: axe-clean, says what
is stored, fits the screen, and is answered with the keyboard alone (Tab between questions, arrows
within one, Enter to send)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from cx import anonymity
from cx.models import PulseAnswer, PulseParticipation, PulseRound
from cx.selectors import pulse as pulse_selectors
from practices.models import Role

from .axe import assert_no_axe_violations
from .pages import assert_fits_phone, sign_in_staff, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("lang", "heading", "stored", "thanks"),
    [
        ("en", "Team pulse", "What is stored", "no name and no time"),
        ("es", "Pulso del equipo", "Qué se guarda", "sin nombre y sin hora"),
    ],
)
def test_the_answering_page_on_a_phone_by_keyboard(phone, live_server, site, make_staff, lang, heading, stored, thanks):
    page = phone
    practice = site.practice
    today = practice.local_date(timezone.now())
    pulse_round = PulseRound.objects.create(
        practice=practice, quarter_start=pulse_selectors.quarter_start(today), closes_on=today + timedelta(days=7)
    )
    member = make_staff(practice, Role.CLINICIAN)
    sign_in_staff(page, member, live_server.url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
    page.goto(f"{live_server.url}/staff/{site.slug}/experience/pulse/{pulse_round.pk}/answer/")

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_contain_text(heading)
    expect(page.locator(".pulse-stored h2")).to_have_text(stored)
    assert_no_axe_violations(page, f"pulse answering page [{lang}, 360px]")
    assert_fits_phone(page)

    # The group: "prefer not to say" is chosen to start with; one arrow up picks the group above it.
    tab_to(page, "input[name=group]", limit=60)
    expect(page.locator("input[name=group]:checked")).to_have_value(anonymity.NOT_SAID)
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=group]:checked")).to_have_value(anonymity.MANAGEMENT)
    # 0-10: Space picks the focused 0, then nine steps right make it 9.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=recommend_work]:checked")).to_have_value("9")
    for name, steps in (("can_serve_patients", 3), ("systems_help", 4), ("recognised", 1)):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"input[name={name}]:checked")).to_have_value(str(1 + steps))
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator("main")).to_contain_text(thanks)
    assert PulseParticipation.objects.filter(round=pulse_round, user=member).count() == 1
    assert list(
        PulseAnswer.objects.filter(round=pulse_round).values_list(
            "group", "recommend_work", "can_serve_patients", "systems_help", "recognised"
        )
    ) == [(anonymity.MANAGEMENT, 9, 4, 5, 2)]
    assert_no_axe_violations(page, f"pulse list after answering [{lang}, 360px]")
    assert_fits_phone(page)
