"""The patient side of arrival on a 360-pixel phone: online check-in from the visit link (the date of
birth first, then the form with two card photos), "I'm here" on the day, and the live wait that grows,
without a reload, when the desk marks the provider late; then the tablet kiosk and the QR-code page.
axe-core on every page, keyboard submit, Spanish."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from frontdesk import checkin_links
from frontdesk.models import ChangeSource, IntakeQuestion, OnlineCheckIn, PracticePolicy, QuestionKind, Visit
from frontdesk.services.setup import flow_settings
from messaging.services.running_late import mark_running_late
from scheduling.models import VisitType
from tests.factories import make_appointment, move_to_zone, zone_with_room

from .axe import assert_no_axe_violations
from .pages import assert_fits_phone, is_focused, switch_language, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(color: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (640, 400), color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def today(site):
    """Intake questions, a policy and an appointment 30 minutes from now, on today's local date."""
    now = timezone.now()
    move_to_zone(site.practice, site.location, zone_with_room(now, before=timedelta(hours=1), after=timedelta(hours=2)))
    IntakeQuestion.objects.create(
        practice=site.practice,
        text_en="Which medicines do you take?",
        text_es="¿Qué medicamentos toma?",
        kind=QuestionKind.LONG_TEXT,
        required=True,
        position=1,
    )
    IntakeQuestion.objects.create(
        practice=site.practice, text_en="Any new moles?", text_es="¿Lunares nuevos?", kind=QuestionKind.YES_NO
    )
    PracticePolicy.objects.create(
        practice=site.practice,
        title_en="Financial policy",
        title_es="Política financiera",
        body_en="Payment is due at the time of service.",
        body_es="El pago se hace en el momento del servicio.",
    )
    visit_type = VisitType.objects.create(
        practice=site.practice, name="Skin check", slug="skin-check", duration_minutes=30
    )
    return make_appointment(
        site.patient,
        site.provider,
        site.location,
        visit_type,
        start=(now + timedelta(minutes=30)).replace(second=0, microsecond=0),
    )


def _check(page: Page, where: str) -> None:
    assert_fits_phone(page)
    assert_no_axe_violations(page, where)


def _give_date_of_birth(page: Page, lang: str = "en", *, year: str = "1985") -> None:
    """The step before the check-in form: the patient's date of birth (April 12, 1985 in the fixtures)."""
    expect(page.locator("h1")).to_have_text(t(lang, "Confirm it's you"))
    page.get_by_label(t(lang, "Month")).select_option("4")
    page.get_by_label(t(lang, "Day")).select_option("12")
    page.get_by_label(t(lang, "Year")).fill(year)
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Continue")).click()


def test_a_patient_checks_in_online_says_im_here_and_sees_the_wait_grow(phone, site, today, settings):
    settings.WAIT_PAGE_POLL_SECONDS = 1
    page = phone
    page.goto(checkin_links.visit_path(today))
    expect(page.locator("h1")).to_have_text("Your visit")
    _check(page, "visit page, check-in open")

    with page.expect_navigation():
        page.get_by_role("link", name="Check in online").click()
    # A forwarded link shows nothing personal: the date of birth comes first.
    expect(page.locator("h1")).to_have_text("Confirm it's you")
    for detail in (site.patient.phone, site.patient.email, "Anabelle"):
        expect(page.locator("body")).not_to_contain_text(detail)
    _check(page, "date of birth before check-in")

    # A wrong date: the error summary says so and takes the focus; still nothing personal.
    _give_date_of_birth(page, year="1986")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("does not match our records")
    assert is_focused(page, ".error-summary")
    expect(page.locator("body")).not_to_contain_text(site.patient.email)
    _check(page, "date of birth, wrong answer")

    # Keyboard alone gives the right one.
    page.get_by_label("Month").select_option("4")
    page.get_by_label("Day").select_option("12")
    page.get_by_label("Year").fill("1985")
    tab_to(page, "form.visit-verify-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Online check-in")
    expect(page.get_by_label("Email")).to_have_value(site.patient.email)
    _check(page, "online check-in form")

    # A card that is not a picture is refused with a clear message; nothing is kept.
    page.get_by_label("Insurance company").fill("Blue Cross Blue Shield of Texas")
    page.get_by_label("Member ID").fill("XK 1234 5678")
    page.locator("#id_card_front").set_input_files(
        {"name": "card.png", "mimeType": "image/png", "buffer": b"%PDF-1.7 not a picture"}
    )
    with page.expect_navigation():
        page.locator("form.checkin-form button[type=submit]").click()
    expect(page.locator("#id_card_front_error")).to_contain_text("This file is not a photo we can read")
    expect(page.locator(".checkin-alert")).to_be_visible()
    _check(page, "online check-in form with errors")
    assert not OnlineCheckIn.objects.exists()

    page.locator("#id_card_front").set_input_files(
        {"name": "front.png", "mimeType": "image/png", "buffer": _png((20, 90, 160))}
    )
    page.locator("#id_card_back").set_input_files(
        {"name": "back.png", "mimeType": "image/png", "buffer": _png((200, 200, 200))}
    )
    page.get_by_label("Which medicines do you take?").fill("None")
    page.get_by_role("group", name="Any new moles?").get_by_label("No").check()
    page.get_by_label("Financial policy").check()
    page.locator("details.checkin-policy-text summary").click()
    expect(page.locator("details.checkin-policy-text")).to_contain_text("Payment is due at the time of service.")

    # Keyboard alone sends the form.
    tab_to(page, "form.checkin-form button[type=submit]", limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("You're checked in online")
    expect(page.locator("main")).to_contain_text("You're checked in online.")
    _check(page, "visit page, checked in online")
    check_in = OnlineCheckIn.objects.get(appointment=today)
    assert check_in.card_front and check_in.card_back

    with page.expect_navigation():
        page.get_by_role("button", name="I'm here").click()
    live = page.locator("#visit-live")
    expect(live).to_contain_text("You're checked in.")
    expect(live).to_contain_text(re.compile(r"You'll likely be called in (in \d+–\d+|within 5) minutes\."))
    seen = live.locator(".visit-wait").nth(1)
    expect(seen).to_have_text(re.compile(r"You'll likely see Hannah Cole, MD, FAAD in \d+–\d+ minutes\."))
    seen_before = seen.inner_text()
    expect(page.get_by_role("button", name="I'm here")).to_have_count(0)
    _check(page, "visit page, arrived")
    assert Visit.objects.get(appointment=today).arrival_source == ChangeSource.PHONE

    mark_running_late(practice=site.practice, provider=site.provider, minutes=45)

    expect(live).to_contain_text("Hannah Cole, MD, FAAD is running about 45 minutes behind.", timeout=10_000)
    # The provider's range grew, without a reload.
    low, high = (int(n) for n in re.findall(r"\d+", seen_before)[-2:])
    low_after, high_after = (int(n) for n in re.findall(r"\d+", seen.inner_text())[-2:])
    assert low_after > low and high_after > high, (seen_before, seen.inner_text())
    _check(page, "visit page, provider running late")


def test_the_visit_page_and_form_speak_spanish(phone, site, today):
    site.patient.preferred_language = "es"
    site.patient.save()
    page = phone
    page.goto(checkin_links.visit_path(today))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text(t("es", "Your visit"))
    _check(page, "visit page in Spanish")
    with page.expect_navigation():
        page.get_by_role("link", name=t("es", "Check in online")).click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    _check(page, "date of birth before check-in, in Spanish")
    _give_date_of_birth(page, "es", year="1986")
    expect(page.locator(".error-summary")).to_contain_text(
        t("es", "This date of birth does not match our records for this visit. Please check it and try again.")
    )
    _check(page, "date of birth, wrong answer, in Spanish")
    _give_date_of_birth(page, "es")
    expect(page.locator("main")).to_contain_text("¿Qué medicamentos toma?")
    expect(page.locator("main")).to_contain_text("Política financiera")
    _check(page, "online check-in form in Spanish")

    switch_language(page, "en")
    expect(page.locator("main")).to_contain_text("Which medicines do you take?")


def _fill_arrival(page: Page) -> None:
    page.get_by_label("Month").select_option(label="April")
    page.get_by_label("Day").select_option("12")
    page.get_by_label("Year").fill("1985")
    page.get_by_label("First 3 letters of your last name").fill("riv")


def test_the_kiosk_checks_a_patient_in_and_goes_back_to_the_start(phone, site, today, monkeypatch):
    from frontdesk.views import arrival as arrival_views

    monkeypatch.setattr(arrival_views, "KIOSK_RETURN_SECONDS", 2)
    page = phone
    start = f"/p/{site.slug}/arrive/{flow_settings(site.practice).arrival_key}/?kiosk=1"
    page.goto(start)
    expect(page.locator("h1")).to_have_text("Check in for your visit")
    _check(page, "kiosk start")

    _fill_arrival(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Find my appointment").click()
    expect(page.locator("h1")).to_have_text("Is this you?")
    expect(page.locator(".arrive-name")).to_have_text("Anabelle R.")
    expect(page.locator("main")).not_to_contain_text("Gutiérrez")
    _check(page, "kiosk confirmation")

    with page.expect_navigation():
        page.get_by_role("button", name="Yes, check me in").click()
    expect(page.locator("h1")).to_have_text("You're checked in — please take a seat")
    expect(page.locator("main")).not_to_contain_text("Anabelle")
    _check(page, "kiosk done")
    assert Visit.objects.get(appointment=today).arrival_source == ChangeSource.KIOSK

    # The shared tablet goes back to an empty form by itself.
    page.wait_for_url(f"**{start}", timeout=10_000)
    expect(page.locator("h1")).to_have_text("Check in for your visit")
    expect(page.get_by_label("Year")).to_have_value("")


def test_the_qr_page_checks_in_on_the_patients_phone_and_shows_the_wait(phone, site, today):
    page = phone
    page.goto(f"/p/{site.slug}/arrive/{flow_settings(site.practice).arrival_key}/")
    _check(page, "QR start")
    page.get_by_label("Month").select_option(label="April")
    page.get_by_label("Day").select_option("12")
    page.get_by_label("Year").fill("1985")
    page.get_by_label("First 3 letters of your last name").fill("xyz")
    with page.expect_navigation():
        page.get_by_role("button", name="Find my appointment").click()
    expect(page.get_by_role("alert")).to_contain_text("We could not find your appointment today")
    _check(page, "QR start, not found")

    _fill_arrival(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Find my appointment").click()
    _check(page, "QR confirmation")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, check me in").click()
    expect(page.locator("h1")).to_have_text("Your visit")
    expect(page.locator("#visit-live")).to_contain_text("You're checked in.")
    _check(page, "visit page after QR check-in")
    assert Visit.objects.get(appointment=today).arrival_source == ChangeSource.QR
