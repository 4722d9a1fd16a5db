"""The waitlist in a real browser at 360 px: every waitlist page passes axe; two patients accept
the same offered time in two browsers and the second is refused kindly; a patient joins the
waitlist from a manage link by keyboard alone.
"""

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import Page, expect

from patients.models import Patient
from scheduling.manage_links import token_for
from scheduling.models import (
    Appointment,
    AvailabilityTemplate,
    BookedVia,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from scheduling.services import waitlist as waitlist_services
from scheduling.services.booking import book_appointment
from scheduling.services.schedule import offer_visit_type

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, focused, is_focused, sign_in_patient, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFER_LINK = re.compile(r"https?://[^/\s]+(/p/\S+/offer/\S+/)")


def check_page(page: Page, where: str) -> None:
    assert_no_axe_violations(page, f"{where} [360px]")
    assert_fits_phone(page)
    expect(page.locator("h1")).to_have_count(1)


@pytest.fixture
def clinic(site):
    """The site's provider sees skin checks every day 08:00-18:00; its patient has a visit in 10 days."""
    tz = ZoneInfo(site.practice.timezone)
    today = timezone.now().astimezone(tz).date()
    visit_type = VisitType.objects.create(
        practice=site.practice, name="Full-body skin check", slug="skin-check", duration_minutes=30
    )
    offer_visit_type(visit_type=visit_type, providers=[site.provider], locations=[site.location])
    for weekday in range(7):
        AvailabilityTemplate.objects.create(
            practice=site.practice,
            provider=site.provider,
            location=site.location,
            weekday=weekday,
            starts_at=time(8),
            ends_at=time(18),
            effective_from=today - timedelta(days=1),
        )

    def at(days: int, hour: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour), tzinfo=tz)

    appointment = book_appointment(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        visit_type=visit_type,
        start=at(10, 15),
        booked_via=BookedVia.STAFF,
    )
    return {"visit_type": visit_type, "appointment": appointment, "at": at, "today": today}


def offer_to(
    site: Site, clinic: dict[str, Any], patients: list[Patient], mailoutbox: list[EmailMessage]
) -> dict[Patient, str]:
    """Put the patients on the waitlist and offer them all the same free time: {patient: offer path}."""
    for p in patients:
        waitlist_services.join_waitlist(
            practice=site.practice,
            patient=p,
            visit_type=clinic["visit_type"],
            earliest_day=clinic["today"],
            latest_day=clinic["today"] + timedelta(days=20),
        )
    waitlist_services.send_offers_for_time(
        practice_id=site.practice.pk,
        provider_id=site.provider.pk,
        location_id=site.location.pk,
        start=clinic["at"](3, 9),
    )
    links: dict[str, str] = {}
    for m in mailoutbox:
        match = OFFER_LINK.search(str(m.body))
        assert match, m.body
        links[m.to[0]] = match.group(1)
    return {p: links[p.email] for p in patients}


def test_the_first_acceptance_wins_and_the_second_is_refused_kindly(
    site, clinic, make_patient, mailoutbox, new_context, console_watch
):
    ana, ben = make_patient(site.practice, first_name="Ana"), make_patient(site.practice, first_name="Ben")
    links = offer_to(site, clinic, [ana, ben], mailoutbox)
    mailoutbox.clear()

    pages = []
    for _ in range(2):
        page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        console_watch.attach(page)
        pages.append(page)
    ana_page, ben_page = pages

    # Both open their offer: the same time, with two buttons.
    for page, patient in ((ana_page, ana), (ben_page, ben)):
        assert page.goto(links[patient]).status == 200
        expect(page.locator("h1")).to_have_text("A time has opened")
        check_page(page, "offer")

    with ana_page.expect_navigation():
        ana_page.get_by_role("button", name="Accept this time").click()
    expect(ana_page.locator("h1")).to_have_text("It is yours")
    check_page(ana_page, "offer booked")

    # Ben's page was opened before Ana accepted; his click comes a moment too late.
    with ben_page.expect_navigation():
        ben_page.get_by_role("button", name="Accept this time").click()
    expect(ben_page.locator("h1")).to_have_text("That time has just been taken")
    expect(ben_page.locator("main")).to_contain_text("You're still on the waitlist")
    check_page(ben_page, "offer taken")

    assert list(Appointment.objects.filter(start=clinic["at"](3, 9)).values_list("patient", flat=True)) == [ana.pk]
    assert WaitlistEntry.objects.get(patient=ben).status == WaitlistStatus.ACTIVE
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [ana.email, ben.email]
    )  # her confirmation; he is told once, kindly


def test_joining_from_a_manage_link_by_keyboard(site, clinic, phone):
    page = phone
    url = f"/p/{site.slug}/manage/{token_for(clinic['appointment'])}/waitlist/"
    assert page.goto(url).status == 200
    expect(page.locator("h1")).to_have_text("Tell me if something earlier opens")
    check_page(page, "waitlist from manage link")

    tab_to(page, "#id_weekdays_1", limit=40)  # Tuesday
    page.keyboard.press("Space")
    tab_to(page, "#id_weekdays_3")  # Thursday
    page.keyboard.press("Space")
    tab_to(page, "#id_day_parts_0")  # morning
    page.keyboard.press("Space")
    tab_to(page, "#id_location")
    page.keyboard.press("ArrowDown")  # the one location
    tab_to(page, "main form button[type=submit]")
    assert is_focused(page, "main form button[type=submit]"), focused(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("You are on the waitlist")
    check_page(page, "waitlist joined")
    entry = WaitlistEntry.objects.get(status=WaitlistStatus.ACTIVE)
    assert entry.appointment_id == clinic["appointment"].pk
    assert (entry.weekdays, entry.day_parts) == ([1, 3], ["morning"])

    # And leave it again, still by keyboard.
    tab_to(page, "main button.button-secondary", limit=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("You are off the waitlist")
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN


def test_every_other_waitlist_page_passes_axe(site, clinic, make_patient, mailoutbox, phone):
    page = phone
    slug = site.slug
    manage = f"/p/{slug}/manage/{token_for(clinic['appointment'])}/waitlist/"

    # A bad date on the manage-link form: the message is on the page, nothing saved.
    page.goto(manage)
    page.locator("#id_latest_day").fill("2001-01-01")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_latest_day_error")).to_be_visible()
    check_page(page, "waitlist form error")

    # Not signed in: a short page pointing to sign-in.
    page.goto(f"/p/{slug}/waitlist/?visit_type={clinic['visit_type'].pk}")
    expect(page.locator("main a.button")).to_have_attribute("href", re.compile(r"/sign-in/\?next="))
    check_page(page, "waitlist sign-in needed")

    # Signed in: join, with an error first, then the list of entries.
    sign_in_patient(page, site.patient)
    page.goto(f"/p/{slug}/waitlist/?visit_type={clinic['visit_type'].pk}")
    check_page(page, "waitlist join")
    page.locator("#id_latest_day").fill("")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check_page(page, "waitlist join error")
    page.locator("#id_latest_day").fill((clinic["today"] + timedelta(days=9)).isoformat())
    page.locator("#id_day_parts_1").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Your waitlist")
    check_page(page, "waitlist mine")

    # Offers that ended, were declined, and a visit that is no longer booked.
    cara, dan = make_patient(site.practice, first_name="Cara"), make_patient(site.practice, first_name="Dan")
    WaitlistEntry.objects.filter(patient=site.patient).update(status=WaitlistStatus.WITHDRAWN)
    links = offer_to(site, clinic, [cara, dan], mailoutbox)
    page.context.clear_cookies()
    page.goto(links[cara])
    with page.expect_navigation():
        page.get_by_role("button", name="No thanks").click()
    expect(page.locator("h1")).to_have_text("No problem")
    check_page(page, "offer declined")
    WaitlistOffer.objects.filter(entry__patient=dan).update(expires_at=timezone.now() - timedelta(minutes=1))
    page.goto(links[dan])
    expect(page.locator("h1")).to_have_text("This offer has ended")
    check_page(page, "offer expired")
    assert page.goto(f"/p/{slug}/offer/forged/").status == 404

    from scheduling.services.booking import cancel_appointment

    cancel_appointment(appointment=clinic["appointment"], reason="patient_request")
    page.goto(manage)
    expect(page.locator("h1")).to_have_text("This visit cannot be moved here")
    check_page(page, "waitlist visit cancelled")
