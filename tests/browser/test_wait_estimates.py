"""The two wait estimates (called in, provider with you) as ranges: on the patient's visit page (arrived
with the provider marked late; in the exam room) and on the staff flow board, at 360 and 1280 px, in
English and Spanish. axe finds nothing, nothing scrolls sideways, and the new text takes no keyboard stop:
Tab goes on from before it to the page's last control."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from frontdesk import checkin_links
from frontdesk.models import ChangeSource, FlowStatus
from frontdesk.services.flow import change_status, record_arrival
from messaging.services.running_late import mark_running_late
from practices.models import Role
from tests.factories import make_appointment, make_visit_type, move_to_zone, zone_with_room

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, assert_fits_phone, open_flow_board, switch_language, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": PHONE, "desktop": DESKTOP}
NAME = "Hannah Cole, MD, FAAD"


def sentence(lang: str, message: str, **fixed: str) -> re.Pattern[str]:
    """``message`` as the site says it in ``lang``, with its numbers left open (``\\d+``)."""
    pattern = re.escape(t(lang, message))
    for key in ("low", "high", "minutes"):
        pattern = pattern.replace(re.escape(f"%({key})s"), r"\d+")
    for key, value in fixed.items():
        pattern = pattern.replace(re.escape(f"%({key})s"), re.escape(value))
    return re.compile(pattern)


def either(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def tab_past(page: Page, region: str, *, limit: int = 60) -> None:
    """The region holds nothing focusable, and Tab reaches the page's last control (nothing traps it)."""
    inside = page.locator(f"{region} :is(a[href], button, input, select, textarea, summary, [tabindex])")
    expect(inside).to_have_count(0)
    page.evaluate(
        """() => {
            const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, summary')]
                .filter(el => el.offsetParent !== null);
            all[all.length - 1].setAttribute('data-last-stop', '');
        }"""
    )
    page.locator("body").focus()
    tab_to(page, "[data-last-stop]", limit=limit)


def check_page(page: Page, screen: str, where: str) -> None:
    if screen == "phone":
        assert_fits_phone(page)
    assert_no_axe_violations(page, f"{where} [{SCREENS[screen]['width']}px]")


# --- the patient's visit page ----------------------------------------------------------------------


@pytest.fixture
def today(site):
    """An appointment 30 minutes from now, on today's local date."""
    now = timezone.now()
    move_to_zone(site.practice, site.location, zone_with_room(now, before=timedelta(hours=1), after=timedelta(hours=2)))
    visit_type = make_visit_type(site.practice, name="Full-body skin check")
    start = (now + timedelta(minutes=30)).replace(second=0, microsecond=0)
    return make_appointment(site.patient, site.provider, site.location, visit_type, start=start)


def open_visit(page: Page, appointment, lang: str) -> None:
    page.goto(checkin_links.visit_path(appointment))
    if lang != "en":
        switch_language(page, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#visit-live")).to_have_attribute("aria-live", "polite")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_arrived_patient_sees_both_waits_and_the_late_line(request, site, today, lang, screen):
    page = request.getfixturevalue(screen)
    record_arrival(appointment=today, source=ChangeSource.PHONE)
    mark_running_late(practice=site.practice, provider=site.provider, minutes=30)
    open_visit(page, today, lang)

    live = page.locator("#visit-live")
    expect(live).to_contain_text(t(lang, "You're checked in."))
    called = either(
        sentence(lang, "You'll likely be called in in %(low)s–%(high)s minutes."),
        sentence(lang, "You'll likely be called in within %(high)s minutes."),
    )
    expect(live.locator(".visit-wait").first).to_have_text(called)
    expect(live.locator(".visit-wait").nth(1)).to_have_text(
        sentence(lang, "You'll likely see %(name)s in %(low)s–%(high)s minutes.", name=NAME)
    )
    expect(live.locator(".visit-late")).to_have_text(
        t(lang, "%(name)s is running about %(minutes)s minutes behind.") % {"name": NAME, "minutes": 30}
    )
    check_page(page, screen, f"visit page, arrived, provider late [{lang}]")
    tab_past(page, "#visit-live")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_patient_in_the_exam_room_sees_when_the_provider_will_likely_come(request, site, today, lang, screen):
    page = request.getfixturevalue(screen)
    record_arrival(appointment=today, source=ChangeSource.PHONE)
    change_status(appointment=today, to_status=FlowStatus.ROOMED)
    open_visit(page, today, lang)

    live = page.locator("#visit-live")
    expect(live.locator(".visit-status")).to_have_text(t(lang, "You're in the exam room."))
    expect(live.locator(".visit-wait")).to_have_text(
        either(
            sentence(lang, "%(name)s will likely be with you in %(low)s–%(high)s minutes.", name=NAME),
            sentence(lang, "%(name)s will likely be with you within %(high)s minutes.", name=NAME),
        )
    )
    expect(live).not_to_contain_text(t(lang, "It's your turn!"))
    check_page(page, screen, f"visit page, in the exam room [{lang}]")
    tab_past(page, "#visit-live")


# --- the flow board --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_board_shows_the_expected_waits(request, site, make_staff, make_patient, lang, screen):
    page = request.getfixturevalue(screen)
    now = timezone.now()
    move_to_zone(site.practice, site.location, zone_with_room(now, before=timedelta(hours=2), after=timedelta(hours=2)))
    kind = make_visit_type(site.practice, name="Mohs surgery follow-up and wound check", duration_minutes=15)
    at = (now - timedelta(minutes=10)).replace(second=0, microsecond=0)
    waiting = make_appointment(site.patient, site.provider, site.location, kind, start=at + timedelta(minutes=15))
    change_status(appointment=waiting, to_status=FlowStatus.ARRIVED, now=now - timedelta(minutes=5))
    roomed = make_appointment(
        make_patient(site.practice, first_name="Marisol", last_name="Fuentes-Echeverría"),
        site.provider,
        site.location,
        kind,
        start=at,
    )
    change_status(appointment=roomed, to_status=FlowStatus.ARRIVED, now=now - timedelta(minutes=20))
    change_status(appointment=roomed, to_status=FlowStatus.ROOMED, now=now - timedelta(minutes=3))
    mark_running_late(practice=site.practice, provider=site.provider, minutes=20)

    if lang != "en":
        page.goto("/accounts/login/")
        switch_language(page, lang)
    open_flow_board(page, make_staff(site.practice, Role.FRONT_DESK), site.slug)
    expect(page.locator("html")).to_have_attribute("lang", lang)

    called_in = either(
        sentence(lang, "Called in: %(low)s–%(high)s min"), sentence(lang, "Called in: within %(high)s min")
    )
    provider = either(sentence(lang, "Provider: %(low)s–%(high)s min"), sentence(lang, "Provider: within %(high)s min"))
    waiting_cell = page.locator(f"#appt-{waiting.pk} .flow-expected")
    expect(waiting_cell.locator(".flow-expect")).to_have_count(2)
    expect(waiting_cell.locator(".flow-expect").first).to_have_text(called_in)
    expect(waiting_cell.locator(".flow-expect").nth(1)).to_have_text(provider)
    roomed_cell = page.locator(f"#appt-{roomed.pk} .flow-expected")
    expect(roomed_cell.locator(".flow-expect")).to_have_count(1)
    expect(roomed_cell.locator(".flow-expect")).to_have_text(provider)
    for cell in (waiting_cell, roomed_cell):
        for i in range(cell.locator(".flow-expect").count()):
            item = cell.locator(".flow-expect").nth(i)
            expect(item).to_be_visible()
            box = item.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[screen]["width"], box
    expect(page.locator(".board-provider-head .badge").last).to_have_text(
        re.compile(t(lang, "About %(minutes)s min behind now").replace("%(minutes)s", r"\d+"))
    )

    with translation.override(lang):
        heading = translation.pgettext("flow board column: the waits still to come", "Expected")
    column = page.get_by_role("columnheader", name=heading, exact=True).first
    if screen == "phone":
        # No column headings on the phone card: the cell says what it is.
        expect(waiting_cell.locator(".cell-label")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    else:
        expect(column).to_be_visible()
        expect(waiting_cell.locator(".cell-label")).to_be_hidden()
    check_page(page, screen, f"flow board with the expected waits [{lang}]")

    # The new cells take no keyboard stop, and Tab goes on past them, row after row (in time order).
    expect(waiting_cell.locator(":is(a[href], button, input, select, summary, [tabindex])")).to_have_count(0)
    page.locator("body").focus()
    tab_to(page, f"#next-{roomed.pk}", limit=80)
    tab_to(page, f"#next-{waiting.pk}", limit=20)
