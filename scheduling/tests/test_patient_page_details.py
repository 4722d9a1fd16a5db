"""What the patient pages about one appointment say around it: the phone in the footer is the
appointment's location's (the practice's when the location has none), and a self-paying patient is
never told to bring an insurance card."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk import checkin_links
from patients.models import Coverage
from practices.models import Location
from scheduling import manage_links
from scheduling.models import BookedVia
from scheduling.services import booking as booking_services
from scheduling.services import schedule as schedule_services
from tests.factories import NOW, make_appointment, make_weekday_hours

THURSDAY_10 = NOW + timedelta(days=3, hours=1)  # Thursday 10 January 2030, 10:00 in Chicago


@pytest.fixture
def north_lamar(practice, provider, visit_type):
    location = Location.objects.create(
        practice=practice,
        name="North Lamar",
        address_line1="8800 North Lamar Blvd",
        city="Austin",
        region="TX",
        postal_code="78753",
        phone="(512) 555-0177",
        timezone="America/Chicago",
    )
    provider.locations.add(location)
    schedule_services.offer_visit_type(visit_type=visit_type, locations=[location])
    make_weekday_hours(provider, location)
    return location


def _book(patient, provider, location, visit_type):
    return booking_services.book_appointment(
        practice=patient.practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=THURSDAY_10,
        booked_via=BookedVia.PHONE,
        now=NOW,
    )


def _footer(html: str) -> str:
    found = re.search(r'<footer class="patient-footer">(.*?)</footer>', html, re.S)
    assert found is not None, "no patient footer"
    return found.group(1)


def _patient_pages(client, appointment) -> dict[str, str]:
    slug, token = appointment.practice.slug, manage_links.token_for(appointment)
    urls = {
        "confirmation": reverse("scheduling:book_confirmed", args=[slug, token]),
        "manage": reverse("scheduling:manage", args=[slug, token]),
        "reschedule": reverse("scheduling:manage_reschedule", args=[slug, token]),
        "cancel": reverse("scheduling:manage_cancel", args=[slug, token]),
        "visit": reverse("frontdesk:visit", args=[slug, checkin_links.token_for(appointment)]),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = unescape(response.content.decode())
    return pages


def test_the_footer_shows_the_phone_of_the_appointments_location(
    client,
    patient,
    provider,
    north_lamar,
    visit_type,
    frozen,
):
    appointment = _book(patient, provider, north_lamar, visit_type)
    for name, html in _patient_pages(client, appointment).items():
        footer = _footer(html)
        assert "(512) 555-0177" in footer, name
        assert "(512) 555-0100" not in footer, name  # the practice's (main office's) number


def test_the_footer_falls_back_to_the_practices_phone(
    client,
    patient,
    provider,
    north_lamar,
    visit_type,
    frozen,
):
    north_lamar.phone = ""
    north_lamar.save()
    appointment = _book(patient, provider, north_lamar, visit_type)
    for name, html in _patient_pages(client, appointment).items():
        assert "(512) 555-0100" in _footer(html), name


def test_a_self_paying_patient_is_not_told_to_bring_an_insurance_card(
    client,
    patient,
    provider,
    location,
    visit_type,
    frozen,
):
    appointment = _book(patient, provider, location, visit_type)
    patient.coverage = Coverage.INSURANCE
    patient.save()
    insured = _patient_pages(client, appointment)
    assert "Your insurance card" in insured["confirmation"]
    patient.coverage = Coverage.SELF_PAY
    patient.save()
    for name, html in _patient_pages(client, appointment).items():
        assert "insurance card" not in html.lower(), name
    spanish = client.get(
        reverse("scheduling:book_confirmed", args=[patient.practice.slug, manage_links.token_for(appointment)]),
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "Una identificación con foto" in unescape(spanish) and "tarjeta del seguro" not in unescape(spanish)


def test_the_visit_page_asks_a_self_paying_patient_for_no_insurance_card(
    client, patient, provider, location, visit_type
):
    # Online check-in is open (within 48 hours of the visit): the page invites the patient to it.
    start = (timezone.now() + timedelta(hours=30)).replace(second=0, microsecond=0)
    appointment = make_appointment(patient, provider, location, visit_type, start=start)
    url = reverse("frontdesk:visit", args=[patient.practice.slug, checkin_links.token_for(appointment)])
    assert "add your insurance card" in client.get(url).content.decode()
    patient.coverage = Coverage.SELF_PAY
    patient.save()
    html = client.get(url).content.decode()
    assert "Check in online" in html
    assert "insurance card" not in html
    assert "Confirm your details and answer a few questions before you come." in html


def test_the_check_in_page_asks_for_the_card_only_if_insured(
    client, patient, provider, location, visit_type, verify_visit
):
    start = (timezone.now() + timedelta(hours=30)).replace(second=0, microsecond=0)
    appointment = make_appointment(patient, provider, location, visit_type, start=start)
    patient.coverage = Coverage.SELF_PAY
    patient.save()
    url = reverse("frontdesk:check_in", args=[patient.practice.slug, checkin_links.token_for(appointment)])
    verify_visit(appointment)
    html = unescape(client.get(url).content.decode())
    assert 'name="self_pay" id="id_self_pay" checked' in html
    assert "You may also bring the card" not in html
    assert "If you use insurance, you may also bring the card." in html
    # The insurance fields sit in one block, hidden by the stylesheet while "I pay for myself" is ticked.
    block = html.split('<div class="checkin-insurance">')[1]
    assert 'name="card_front"' in block and 'name="insurance_member_id"' in block
