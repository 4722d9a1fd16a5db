"""Online booking in a real browser on a 360-pixel phone: axe on every page.

A new patient books the first available skin check from the practice's public page by keyboard
alone (Tab, Enter, Space and typing; no clicks); a returning patient reschedules from the manage
link; another cancels from it.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from scheduling import manage_links
from scheduling.models import Appointment, AppointmentStatus, BookedVia, VisitType
from scheduling.selectors import slots as slot_selectors
from scheduling.services import booking as booking_services

from .axe import assert_no_axe_violations
from .pages import Site, assert_fits_phone, focused, is_focused, switch_language, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page: Page, where: str) -> None:
    assert_fits_phone(page)
    assert_no_axe_violations(page, where)


def press(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_new_patient_books_the_first_available_skin_check_by_keyboard(phone, site, skin_check, mailoutbox):
    page = phone
    page.goto(f"/p/{site.slug}/")
    check(page, "public page")
    tab_to(page, "a.button-book", limit=40)
    press(page, "Enter")

    expect(page.locator("h1")).to_have_text("Have you been to our practice before?")
    check(page, "kind")
    tab_to(page, 'a.booking-choice[href*="kind=new"]', limit=40)
    press(page, "Enter")

    expect(page.locator("h1")).to_have_text("What is the visit for?")
    check(page, "reason")
    tab_to(page, "a.booking-choice", limit=40)
    assert "Full-body skin check" in focused(page)
    press(page, "Enter")

    expect(page.locator("h1")).to_have_text("Who would you like to see?")
    check(page, "provider")
    tab_to(page, "a.booking-choice-main", limit=40)
    press(page, "Enter")

    expect(page.locator("h1")).to_have_text("Choose a day")
    check(page, "day")
    tab_to(page, "a.booking-day", limit=40)
    press(page, "Enter")

    expect(page.locator("h1")).to_have_text("Choose a time")
    check(page, "time")
    tab_to(page, "button.booking-time", limit=40)
    press(page, "Space")

    expect(page.locator("h1")).to_have_text("Your details")
    check(page, "details")
    tab_to(page, "#id_first_name", limit=40)
    page.keyboard.type("Maya")
    page.keyboard.press("Tab")
    page.keyboard.type("Lopez")
    page.keyboard.press("Tab")
    page.keyboard.type("03/14/1990")
    page.keyboard.press("Tab")
    page.keyboard.type("(512) 555-0111")
    page.keyboard.press("Tab")
    page.keyboard.type("maya@example.com")
    tab_to(page, "#id_insurance_carrier", limit=10)
    page.keyboard.type("Blue Shield")
    page.keyboard.press("Tab")
    page.keyboard.type("XZ123")
    page.keyboard.press("Tab")
    assert is_focused(page, "#id_referral_source"), focused(page)
    page.keyboard.press("ArrowDown")
    tab_to(page, "button.booking-submit", limit=10)
    press(page, "Enter")

    expect(page.locator("h1")).to_have_text("You are booked")
    check(page, "confirmation")
    expect(page.locator("main")).to_contain_text("Please come without nail polish or makeup.")
    appointment = Appointment.objects.get(practice=site.practice)
    assert appointment.patient.last_name == "Lopez"
    assert appointment.booked_via == BookedVia.ONLINE
    # The first available time: nothing open before it.
    first = slot_selectors.first_available_for(
        site.practice,
        skin_check,
        first_day=timezone.localdate(timezone.now()),
        last_day=timezone.localdate(timezone.now()) + timedelta(days=5),
        now=timezone.now(),
    )
    assert not first or first[0].start >= appointment.start
    assert [m.to for m in mailoutbox] == [["maya@example.com"]]
    assert "skin check" not in mailoutbox[0].body.lower()


def test_the_booking_start_reads_in_spanish(phone, site, skin_check):
    page = phone
    page.goto(f"/p/{site.slug}/book/")
    switch_language(page, "es")
    check(page, "kind (es)")
    page.goto(f"/p/{site.slug}/book/?kind=new&vt={skin_check.pk}&prov=any")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check(page, "day (es)")


def _booked(site: Site, skin_check: VisitType) -> Appointment:
    now = timezone.now()
    today = timezone.localdate(now)
    slots = slot_selectors.open_slots_for(
        site.practice, skin_check, first_day=today + timedelta(days=3), last_day=today + timedelta(days=3), now=now
    )
    return booking_services.book_appointment(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        visit_type=skin_check,
        start=slots[0].start,
        booked_via=BookedVia.PHONE,
    )


def test_a_returning_patient_reschedules_from_the_manage_link(phone, site, skin_check, mailoutbox):
    page = phone
    appointment = _booked(site, skin_check)
    page.goto(f"/p/{site.slug}/manage/{manage_links.token_for(appointment)}/")
    expect(page.locator("h1")).to_have_text("Your appointment")
    check(page, "manage")
    page.get_by_role("link", name="Choose another time").click()
    expect(page.locator("h1")).to_have_text("Choose a new day")
    check(page, "reschedule day")
    page.locator("a.booking-day").nth(1).click()
    expect(page.locator("h1")).to_have_text("Choose a new time")
    check(page, "reschedule time")
    page.locator("button.booking-time").first.click()
    # A tap only asks; nothing moves until the patient confirms.
    expect(page.locator("h1")).to_have_text("Confirm the new time")
    expect(page.locator("main")).to_contain_text("Move your visit from")
    check(page, "reschedule confirm")
    assert Appointment.objects.get(pk=appointment.pk).start == appointment.start
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("Your appointment")
    expect(page.locator(".messages")).to_contain_text("Your appointment has been moved")
    check(page, "manage after reschedule")
    moved = Appointment.objects.get(pk=appointment.pk)
    assert moved.start != appointment.start and moved.sequence == 1
    assert len(mailoutbox) == 1


def test_a_patient_cancels_from_the_manage_link(phone, site, skin_check, mailoutbox):
    page = phone
    appointment = _booked(site, skin_check)
    page.goto(f"/p/{site.slug}/manage/{manage_links.token_for(appointment)}/")
    page.get_by_role("link", name="Cancel appointment").click()
    expect(page.locator("h1")).to_have_text("Cancel your appointment")
    check(page, "cancel")
    page.locator("#id_reason").select_option(label="I have a conflict")
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.locator("main")).to_contain_text("This appointment is cancelled.")
    check(page, "manage after cancel")
    cancelled = Appointment.objects.get(pk=appointment.pk)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancellation_reason == "schedule_conflict"
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_returning_patient_confirms_by_the_link_sent_to_them(phone, site, skin_check, mailoutbox, language):
    """Issue 11, item 7: the request page (the same for a match and a non-match), then the emailed link."""
    page = phone
    page.goto(f"/p/{site.slug}/book/")
    if language == "es":
        switch_language(page, "es")
    page.goto(f"/p/{site.slug}/book/?kind=returning&vt={skin_check.pk}&prov=any")
    page.locator("a.booking-day").first.click()
    with page.expect_navigation():
        page.locator("button.booking-time").first.click()
    page.locator("#id_first_name").fill("Anabelle")
    page.locator("#id_last_name").fill("Rivera-Gutiérrez")
    page.locator("#id_date_of_birth").fill("04/12/1985" if language == "en" else "12/04/1985")
    page.locator("#id_phone").fill("512-555-0199")
    with page.expect_navigation():
        page.locator("button.booking-submit").click()
    assert page.url.endswith(f"/p/{site.slug}/book/requested/")
    expect(page.locator("main dl")).to_contain_text("Hannah Cole")
    check(page, f"request ({language})")
    assert not Appointment.objects.exists()

    [message] = mailoutbox
    assert message.to == [site.patient.email]
    link = next(word for word in message.body.split() if "/book/confirm/" in word)
    page.goto(link.replace(settings.SITE_URL, ""))
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page, f"confirm ({language})")
    with page.expect_navigation():
        page.locator("button.booking-submit").click()
    assert "/book/done/" in page.url
    check(page, f"booked ({language})")
    assert Appointment.objects.get().patient == site.patient
