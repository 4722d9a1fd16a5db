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


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_results_and_the_systems_checklists_pass_axe(desktop, live_server, site, make_staff, lang):
    """A closed round with groups and the quarter before it, and the checklists page."""
    from datetime import date

    from cx.services import pulse as pulse_services

    page = desktop
    practice = site.practice
    today = practice.local_date(timezone.now())
    rounds = []
    for start, recommend in ((date(2026, 4, 1), 6), (date(2026, 7, 1), 9)):
        pulse_round = PulseRound.objects.create(practice=practice, quarter_start=start, closes_on=today)
        for i in range(12):
            group = anonymity.FRONT_OFFICE if i < 6 else (anonymity.CLINICAL if i < 10 else anonymity.NOT_SAID)
            pulse_services.answer_round(
                practice=practice,
                user=make_staff(practice, Role.FRONT_DESK),
                pulse_round=pulse_round,
                scores=pulse_services.Scores(group, recommend if i % 2 else 10, 4 + i % 2, 3, 5),
                today=today,
            )
        pulse_round.closed = True
        pulse_round.save()
        rounds.append(pulse_round)
    sign_in_staff(page, make_staff(practice, Role.OWNER), live_server.url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
    page.goto(f"{live_server.url}/staff/{site.slug}/experience/pulse/{rounds[1].pk}/")
    expect(page.locator(".pulse-groups h3")).to_have_count(2)
    expect(page.locator(".pulse-compare")).to_be_visible()
    assert_no_axe_violations(page, f"pulse results [{lang}]")
    page.goto(f"{live_server.url}/staff/{site.slug}/experience/pulse/")
    assert_no_axe_violations(page, f"pulse rounds [{lang}]")
    page.goto(f"{live_server.url}/staff/{site.slug}/experience/systems/")
    expect(page.locator(".systems-role").first).to_be_visible()
    assert_no_axe_violations(page, f"systems checklists [{lang}]")
    page.goto(f"{live_server.url}/staff/{site.slug}/experience/systems/edit/?role=provider")
    assert_no_axe_violations(page, f"systems checklist form [{lang}]")
