"""A patient follows a reminder's link on a 360-pixel phone and confirms by keyboard; the front desk sees it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from messaging.models import Message, MessageKind
from messaging.services import reminders
from practices.models import Membership, Role
from scheduling.models import Appointment, BookedVia, VisitType
from scheduling.services import booking as booking_services
from scheduling.services import schedule as schedule_services

from .axe import assert_no_axe_violations
from .pages import assert_fits_phone, switch_language, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reminded(site, make_staff):
    """An appointment three days ahead, booked a month ago, whose 48-hour text reminder has been queued."""
    site.patient.sms_consent = True
    site.patient.save()
    staff = make_staff(site.practice, Role.FRONT_DESK)
    visit_type = VisitType.objects.create(
        practice=site.practice, name="Melanoma follow-up", slug="melanoma", duration_minutes=30
    )
    schedule_services.offer_visit_type(visit_type=visit_type, providers=[site.provider], locations=[site.location])
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    appointment = booking_services.book_appointment(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        visit_type=visit_type,
        start=start,
        booked_via=BookedVia.STAFF,
        actor_user=staff,
        override_reason="test",
    )
    Appointment.objects.filter(pk=appointment.pk).update(created_at=start - timedelta(days=30))
    reminders.queue_due_reminders(now=start - timedelta(hours=48) + timedelta(minutes=1))
    message = Message.objects.get(kind=MessageKind.REMINDER, appointment=appointment)
    return appointment, message, staff


def test_a_patient_confirms_from_the_reminder_and_the_front_desk_sees_it(phone, reminded):
    appointment, message, staff = reminded
    assert "Melanoma" not in message.body
    link = next(word for word in message.body.split() if word.startswith(settings.SITE_URL))
    page = phone
    page.goto(link.removeprefix(settings.SITE_URL))

    expect(page.locator("h1")).to_have_text("Your appointment")
    assert_fits_phone(page)
    assert_no_axe_violations(page, "answer page")

    switch_language(page, "es")
    expect(page.locator("h1")).to_have_text(t("es", "Your appointment"))
    assert_fits_phone(page)
    assert_no_axe_violations(page, "answer page in Spanish")
    switch_language(page, "en")

    tab_to(page, "button[value=confirm]", limit=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".answer-status")).to_contain_text("You have confirmed this appointment")
    expect(page.locator(".messages")).to_contain_text("your appointment is confirmed")
    assert_fits_phone(page)
    assert_no_axe_violations(page, "answer page, confirmed")

    desk = Client()
    desk.force_login(staff)
    assert Membership.objects.get(user=staff).role == Role.FRONT_DESK
    html = desk.get(reverse("messaging:reminders_sent", kwargs={"practice_slug": appointment.practice.slug})).content
    row = html.decode().split(f'id="appointment-{appointment.pk}"')[1].split("</tr>")[0]
    assert "Confirmed by the patient (link)" in row
    assert "Text message" in row
