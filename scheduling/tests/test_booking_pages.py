"""The patient's online booking pages: every step, bad input, holds, idempotency, SlotTaken."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from journey.models import JourneyEvent
from patients.models import Patient
from practices.models import Location, Provider
from scheduling.models import Appointment, BookedVia, BookingHold, PatientKind, VisitType
from scheduling.selectors import booking as booking_selectors
from scheduling.services import booking as booking_services
from scheduling.services import online_booking as online_booking_services
from scheduling.services import schedule as schedule_services
from scheduling.slot_display import slot_value
from tests.factories import NOW, TUESDAY_10

from .booking_steps import NEW_PATIENT, book_url, details_key, hold_post, post_details

TUESDAY = date(2030, 1, 8)


def test_it_walks_a_new_patient_from_the_first_step_to_the_confirmation(
    client, practice, online, provider, location, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(book_url(practice))
    assert page.status_code == 200
    assert "?kind=new" in page.content.decode()
    assert not JourneyEvent.objects.filter(practice=practice, kind="booking.started").exists()  # a GET writes nothing

    page = client.get(book_url(practice, kind="new"))
    assert online.name in page.content.decode()
    # One location only: it is chosen for the patient; the provider step offers "first available".
    page = client.get(book_url(practice, kind="new", vt=online.pk))
    assert "prov=any" in page.content.decode()
    assert provider.display_name in page.content.decode()
    page = client.get(book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any"))
    assert "day=2030-01-08" in page.content.decode()
    assert "day=2030-01-05" not in page.content.decode()  # Saturday: no hours
    page = client.get(book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any", day="2030-01-08"))
    html = page.content.decode()
    assert "Morning" in html and "Afternoon" in html
    assert slot_value(provider.pk, location.pk, TUESDAY_10) in html
    assert "10:00 AM" in html  # practice time (Chicago), not UTC (16:00)

    response = hold_post(client, practice, online, provider, location, TUESDAY_10)
    assert response.status_code == 302
    assert BookingHold.objects.filter(practice=practice, start=TUESDAY_10).count() == 1
    key = details_key(client, practice)
    response = post_details(
        client, practice, {**NEW_PATIENT, "idempotency_key": key}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appointment = Appointment.objects.get(practice=practice)
    assert appointment.booked_via == BookedVia.ONLINE
    assert appointment.start == TUESDAY_10
    assert appointment.patient.last_name == "Lopez"
    assert appointment.patient.referral_source == "friend"
    assert appointment.patient.insurance_member_id == "XZ123"
    assert appointment.patient.preferred_language == "en"
    assert not BookingHold.objects.filter(practice=practice).exists()

    confirmation = client.get(response["Location"])
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Add to calendar" in html
    assert "Remove nail polish" in html
    assert "openstreetmap.org/search?query=410+Elm+Street" in html
    assert "/manage/" in html
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "martian"},
        {"kind": "new", "vt": "999999"},
        {"kind": "new", "vt": "abc"},
    ],
)
def test_it_says_choose_again_for_unknown_choices(client, practice, online, params):
    page = client.get(book_url(practice, **params))
    assert page.status_code == 200
    assert "That choice is not available" in page.content.decode()


def test_it_refuses_another_practices_visit_type_location_and_provider(
    client, practice, other_practice, online, location, provider
):
    foreign_type = VisitType.objects.create(practice=other_practice, name="Foreign", slug="f", duration_minutes=30)
    foreign_location = Location.objects.create(
        practice=other_practice, name="Away", address_line1="1 A St", city="X", region="TX", postal_code="1", phone="1"
    )
    foreign_provider = Provider.objects.create(practice=other_practice, first_name="F", last_name="P")
    for params in (
        {"kind": "new", "vt": foreign_type.pk},
        {"kind": "new", "vt": online.pk, "loc": foreign_location.pk},
        {"kind": "new", "vt": online.pk, "loc": location.pk, "prov": foreign_provider.pk},
    ):
        page = client.get(book_url(practice, **params))
        assert "That choice is not available" in page.content.decode(), params
    response = hold_post(client, practice, online, foreign_provider, location, TUESDAY_10, prov="any")
    assert "That choice is not available" in response.content.decode()
    assert not BookingHold.objects.exists()


@pytest.mark.parametrize("day", ["2030-13-45", "yesterday", "2029-12-31", "2031-12-31"])
def test_it_explains_a_malformed_or_out_of_range_day(client, practice, online, location, day):
    page = client.get(book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any", day=day))
    assert page.status_code == 200
    assert "That date is not valid" in page.content.decode()


def test_it_offers_the_nearest_times_for_a_time_that_was_never_offered(client, practice, online, provider, location):
    three_am = TUESDAY_10.replace(hour=9)  # 03:00 in Chicago
    response = hold_post(client, practice, online, provider, location, three_am)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, that time is not available" in html
    assert slot_value(provider.pk, location.pk, TUESDAY_10.replace(hour=15)) in html  # 09:00 Tuesday
    assert not BookingHold.objects.exists()


def test_it_filters_and_enforces_the_kind_of_patient(client, practice, online, provider, location, patient):
    new_only = VisitType.objects.create(
        practice=practice, name="New patient visit", slug="new-visit", duration_minutes=30, patient_kind=PatientKind.NEW
    )
    schedule_services.offer_visit_type(visit_type=new_only, providers=[provider], locations=[location])
    assert "New patient visit" in client.get(book_url(practice, kind="new")).content.decode()
    assert "New patient visit" not in client.get(book_url(practice, kind="returning")).content.decode()
    page = client.get(book_url(practice, kind="returning", vt=new_only.pk))
    assert "That choice is not available" in page.content.decode()
    response = hold_post(client, practice, new_only, provider, location, TUESDAY_10, kind="returning")
    assert "That choice is not available" in response.content.decode()
    # The service refuses it too, whatever the pages do.
    with pytest.raises(booking_services.BookingRefused):
        online_booking_services.book_online(
            practice=practice,
            patient_kind=PatientKind.RETURNING,
            visit_type=new_only,
            provider=provider,
            location=location,
            start=TUESDAY_10,
            details={},
            idempotency_key="k1",
        )
    booking_services.book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=online,
        start=TUESDAY_10,
        booked_via=BookedVia.STAFF,
        now=NOW,
    )
    with pytest.raises(booking_services.BookingRefused):  # patient has a visit: returning, not new
        booking_services.book_appointment(
            practice=practice,
            patient=patient,
            provider=provider,
            location=location,
            visit_type=new_only,
            start=TUESDAY_10 + timedelta(hours=2),
            booked_via=BookedVia.ONLINE,
            now=NOW,
        )
    assert Appointment.objects.count() == 1


def test_it_shows_the_nearest_times_when_the_held_time_was_taken(
    client, practice, online, provider, location, make_patient, django_capture_on_commit_callbacks
):
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    key = details_key(client, practice)
    # The hold runs out and someone else books the time.
    BookingHold.objects.update(expires_at=NOW - timedelta(minutes=1))
    booking_services.book_appointment(
        practice=practice,
        patient=make_patient(practice),
        provider=provider,
        location=location,
        visit_type=online,
        start=TUESDAY_10,
        booked_via=BookedVia.PHONE,
        now=NOW,
    )
    patients_before = Patient.objects.count()
    response = post_details(
        client, practice, {**NEW_PATIENT, "idempotency_key": key}, django_capture_on_commit_callbacks
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, that time was just taken. These are the nearest times:" in html
    assert 'name="slot"' in html
    assert slot_value(provider.pk, location.pk, TUESDAY_10 + timedelta(minutes=30)) in html
    assert Patient.objects.count() == patients_before  # no patient left behind
    assert Appointment.objects.count() == 1


def test_it_books_once_when_the_details_are_sent_twice(
    client, practice, online, provider, location, mailoutbox, django_capture_on_commit_callbacks
):
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    key = details_key(client, practice)
    first = post_details(client, practice, {**NEW_PATIENT, "idempotency_key": key}, django_capture_on_commit_callbacks)
    second = post_details(client, practice, {**NEW_PATIENT, "idempotency_key": key}, django_capture_on_commit_callbacks)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1
    assert Patient.objects.filter(practice=practice, last_name="Lopez").count() == 1
    assert len(mailoutbox) == 1


def test_it_books_once_when_a_second_session_replays_the_key(client, practice, online, provider, location):
    """The service itself: the same key twice creates one patient and one appointment."""
    kwargs = {
        "practice": practice,
        "patient_kind": PatientKind.NEW,
        "visit_type": online,
        "provider": provider,
        "location": location,
        "start": TUESDAY_10,
        "details": {"first_name": "A", "last_name": "B", "date_of_birth": date(1990, 1, 1), "phone": "5125550100"},
        "idempotency_key": "same-key",
        "now": NOW,
    }
    first = online_booking_services.book_online(**kwargs)
    second = online_booking_services.book_online(**kwargs)
    assert first.appointment == second.appointment
    assert Patient.objects.filter(practice=practice).count() == 1


def test_it_lets_go_of_the_hold_when_the_patient_goes_back(client, practice, online, provider, location):
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    assert BookingHold.objects.count() == 1
    response = client.post(reverse("scheduling:book_release", kwargs={"practice_slug": practice.slug}))
    assert response.status_code == 302 and "day=2030-01-08" in response["Location"]
    assert BookingHold.objects.count() == 0
    # The browser's Back button to the times page lets go of it too.
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    assert BookingHold.objects.count() == 1
    client.get(book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any", day="2030-01-08"))
    assert BookingHold.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "31/31/1990", "Enter your date of birth like this: 04/12/1985"),
        ("date_of_birth", "01/01/2031", "The date of birth cannot be in the future."),
        ("phone", "call me", "Enter a phone number with its area code"),
        ("insurance_member_id", "", "Needed when you use insurance."),
        ("email", "not-an-email", "Enter a valid email address."),
    ],
)
def test_it_explains_bad_details_and_books_nothing(client, practice, online, provider, location, field, value, message):
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    key = details_key(client, practice)
    response = client.post(
        reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}),
        {**NEW_PATIENT, field: value, "idempotency_key": key},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Appointment.objects.exists()
    assert not Patient.objects.filter(last_name="Lopez").exists()
    assert BookingHold.objects.count() == 1  # the time is still kept


def test_it_sends_a_stale_details_page_back_to_the_start(client, practice, online):
    response = client.post(
        reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}),
        {**NEW_PATIENT, "idempotency_key": "made-up"},
    )
    assert response.status_code == 302
    assert response["Location"] == book_url(practice)
    assert not Appointment.objects.exists()


def test_it_answers_404_for_a_forged_confirmation_or_another_practice(client, practice, other_practice, online):
    assert client.get(book_url(other_practice)).status_code == 200  # another practice's own pages work
    assert client.get("/p/no-such-practice/book/").status_code == 404
    forged = reverse("scheduling:book_confirmed", kwargs={"practice_slug": practice.slug, "token": "forged:abc"})
    assert client.get(forged).status_code == 404


def test_it_serves_the_widget_script_and_the_snippets(client, practice, rf):
    response = client.get(reverse("scheduling:book_widget", kwargs={"practice_slug": practice.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "max-age" in response["Cache-Control"]
    body = response.content.decode()
    assert f"/p/{practice.slug}/book/?src=widget" in body
    assert "data-touchpoints-book" in body
    assert "iframe" not in body
    snippets = booking_selectors.booking_snippets(practice, rf.get("/"))
    assert f'href="http://testserver/p/{practice.slug}/book/"' in snippets["link"]
    assert f'src="http://testserver/p/{practice.slug}/book/widget.js"' in snippets["widget"]
    assert "<div data-touchpoints-book></div>" in snippets["widget"]
    assert client.get("/p/no-such-practice/book/widget.js").status_code == 404


def test_it_puts_book_online_on_the_public_page(client, practice):
    html = client.get(reverse("practices:public", kwargs={"practice_slug": practice.slug})).content.decode()
    assert f'href="/p/{practice.slug}/book/?src=page"' in html
    page = client.get(f"/p/{practice.slug}/book/?src=page").content.decode()
    assert f'href="/p/{practice.slug}/book/?kind=new&amp;src=page"' in page  # recorded with the first hold
