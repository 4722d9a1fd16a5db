"""Returning patients confirm an online booking by a link sent to the contact details on file (issue 11, item 7).

Whether or not the details typed match a patient, the visitor sees the same page (the request page,
with the time asked for: item 21). A match gets a single-use, expiring link at the contact details
on file, never at what was typed; the time stays held for ``CONFIRM_MINUTES`` meanwhile, and nothing
is booked until the link is followed.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from journey.models import JourneyEvent
from messaging.models import Channel, Message, MessageKind
from scheduling import confirm_links, manage_links
from scheduling.models import Appointment, BookedVia, BookingConfirmation, BookingHold, BookingRequest
from scheduling.services import booking as booking_services
from scheduling.services import online_booking as online_booking_services
from tests.factories import NOW, TUESDAY_10

from .booking_steps import details_key, hold_post

LINK = re.compile(r"http://\S+/book/confirm/[^/\s]+/")


@pytest.fixture
def known(practice, make_patient):
    return make_patient(
        practice,
        first_name="Anabelle",
        last_name="Rivera",
        phone="(512) 555-0199",
        email="anabelle.on.file@example.com",
        preferred_language="en",
    )


def returning_details(client, practice, visit_type, provider, location, *, capture, start=TUESDAY_10, **given):
    hold_post(client, practice, visit_type, provider, location, start, kind="returning")
    data = {
        "first_name": "Anabelle",
        "last_name": "Rivera",
        "date_of_birth": "04/12/1985",
        "phone": "",
        "email": "",
        "idempotency_key": details_key(client, practice),
        **given,
    }
    with capture(execute=True):
        return client.post(reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}), data)


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found is not None, "no link in the message"
    return found.group(0)


def test_a_stranger_typing_a_patients_details_sees_the_same_page_as_for_a_non_match(
    client,
    practice,
    online,
    provider,
    location,
    known,
    mailoutbox,
    django_capture_on_commit_callbacks,
    django_user_model,
):
    from django.test import Client

    stranger, nobody = Client(), Client()
    matched = returning_details(
        stranger,
        practice,
        online,
        provider,
        location,
        capture=django_capture_on_commit_callbacks,
        phone="512-555-0199",
        email="stranger@evil.example",
    )
    matched_page = stranger.get(matched["Location"])
    # Same time asked for by someone else, who matches nobody (the first hold is let go to make room).
    BookingHold.objects.all().delete()
    unmatched = returning_details(
        nobody,
        practice,
        online,
        provider,
        location,
        capture=django_capture_on_commit_callbacks,
        first_name="Zed",
        phone="512-555-0100",
    )
    unmatched_page = nobody.get(unmatched["Location"])

    assert matched.status_code == unmatched.status_code == 302
    assert matched["Location"] == unmatched["Location"] == f"/p/{practice.slug}/book/requested/"
    assert matched_page.status_code == unmatched_page.status_code == 200
    assert without_tokens(matched_page.content.decode()) == without_tokens(unmatched_page.content.decode())
    html = matched_page.content.decode()
    assert "we have sent a link" in html.lower()
    assert "/manage/" not in html and "/book/done/" not in html

    # Nothing is booked; the match waits for the patient, the other is a request for the front desk.
    assert not Appointment.objects.exists()
    assert BookingConfirmation.objects.get().patient == known
    assert BookingRequest.objects.get().first_name == "Zed"
    # The link went to the email on file only: never to what the stranger typed.
    assert [m.to for m in mailoutbox] == [["anabelle.on.file@example.com"]]
    assert "stranger@evil.example" not in str(list(Message.objects.values_list("to", flat=True)))
    message = Message.objects.get()
    assert (message.kind, message.channel, message.patient) == (MessageKind.BOOKING_LINK, Channel.EMAIL, known)
    assert "30 minutes" in mailoutbox[0].body and "did not ask" in mailoutbox[0].body


def test_it_keeps_the_time_for_the_confirm_window_either_way(
    client,
    practice,
    online,
    provider,
    location,
    known,
    django_capture_on_commit_callbacks,
):
    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550199"
    )
    assert BookingHold.objects.get().expires_at == NOW + timedelta(minutes=online_booking_services.CONFIRM_MINUTES)
    BookingHold.objects.all().delete()
    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550000"
    )
    assert BookingHold.objects.get().expires_at == NOW + timedelta(minutes=online_booking_services.CONFIRM_MINUTES)
    assert online_booking_services.CONFIRM_MINUTES == 30


def test_someone_typing_a_patients_details_again_and_again_cannot_fill_their_inbox(
    practice,
    online,
    provider,
    location,
    known,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,
):
    """The probe of the demo sent one confirm email per try: a stranger could flood a patient's inbox."""
    from django.test import Client

    settings.BOOKING_CONFIRM_LINKS_PER_HOUR = 3
    pages = set()
    for n in range(6):
        BookingHold.objects.all().delete()
        visitor = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")  # a new address each time: no hold limit applies
        capture = django_capture_on_commit_callbacks
        answer = returning_details(visitor, practice, online, provider, location, capture=capture, phone="5125550199")
        pages.add((answer.status_code, answer["Location"]))
    assert len(mailoutbox) == 3 and {message.to[0] for message in mailoutbox} == {"anabelle.on.file@example.com"}
    assert pages == {(302, reverse("scheduling:book_requested", kwargs={"practice_slug": practice.slug}))}
    assert not Appointment.objects.exists()


def test_a_patient_without_an_email_on_file_gets_the_link_by_text_message(
    client,
    practice,
    online,
    provider,
    location,
    known,
    django_capture_on_commit_callbacks,
):
    known.email = ""
    known.save()
    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="512.555.0199"
    )
    message = Message.objects.get()
    assert (message.channel, message.to) == (Channel.SMS, "(512) 555-0199")
    assert "/book/confirm/" in message.body


def test_the_link_books_exactly_once_and_then_shows_the_booking(
    client,
    practice,
    online,
    provider,
    location,
    known,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from django.test import Client

    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550199"
    )
    link = link_in(mailoutbox[0])
    patient_browser = Client()  # the patient opens the email elsewhere
    page = patient_browser.get(link)
    assert page.status_code == 200
    assert "Confirm this booking" in page.content.decode()
    assert "Hannah Cole" in page.content.decode() and "10:00 AM" in page.content.decode()
    assert not Appointment.objects.exists()  # a mail scanner that follows the link books nothing

    with django_capture_on_commit_callbacks(execute=True):
        booked = patient_browser.post(link)
    assert booked.status_code == 302 and "/book/done/" in booked["Location"]
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.start, appointment.booked_via) == (known, TUESDAY_10, BookedVia.ONLINE)
    assert not BookingHold.objects.exists()
    done = patient_browser.get(booked["Location"])
    assert "You are booked" in done.content.decode()
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["anabelle.on.file@example.com"]  # the confirmation

    # A second click shows the booking; it never books twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = patient_browser.post(link)
        shown = patient_browser.get(link)
    # The manage token is signed with a timestamp, so compare the appointment each link opens.
    opened = {
        manage_links.appointment_for_token(practice, response["Location"].rstrip("/").rsplit("/", 1)[-1])
        for response in (booked, again, shown)
    }
    assert opened == {appointment}
    assert Appointment.objects.count() == 1 and len(mailoutbox) == 2
    booked_events = JourneyEvent.objects.filter(kind="appointment.booked")
    assert booked_events.count() == 1 and booked_events.get().patient == known
    assert JourneyEvent.objects.filter(kind="booking.started").count() == 1
    assert JourneyEvent.objects.filter(kind="booking.time_held").count() == 1


def test_the_link_carries_ids_only_and_cannot_be_forged_or_used_elsewhere(
    client,
    practice,
    other_practice,
    online,
    provider,
    location,
    known,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550199"
    )
    token = link_in(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    confirmation = BookingConfirmation.objects.get()
    assert confirm_links.payload(token) == {"c": confirmation.pk, "p": known.pk}
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    url = reverse("scheduling:book_confirm", kwargs={"practice_slug": practice.slug, "token": forged})
    assert client.get(url).status_code == 404
    elsewhere = reverse("scheduling:book_confirm", kwargs={"practice_slug": other_practice.slug, "token": token})
    assert client.get(elsewhere).status_code == 404
    assert client.post(elsewhere).status_code == 404
    assert not Appointment.objects.exists()


def test_an_expired_link_books_nothing_and_offers_other_times(
    client,
    practice,
    online,
    provider,
    location,
    known,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550199"
    )
    link = link_in(mailoutbox[0])
    later = NOW + timedelta(minutes=online_booking_services.CONFIRM_MINUTES + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for response in (client.get(link), client.post(link)):
        html = response.content.decode()
        assert response.status_code == 200
        assert "This link has expired" in html
        assert 'name="slot"' in html  # other times to choose from
    assert not Appointment.objects.exists()


def test_a_time_lost_meanwhile_is_said_kindly_with_other_times(
    client,
    practice,
    online,
    provider,
    location,
    known,
    make_patient,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550199"
    )
    link = link_in(mailoutbox[0])
    # The front desk gives the time away (the hold was let go).
    BookingHold.objects.all().delete()
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
    response = client.post(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, that time was taken before you confirmed" in html
    assert 'name="slot"' in html
    assert not Appointment.objects.filter(patient=known).exists()


def test_a_spanish_booking_confirms_and_emails_in_spanish(
    client,
    practice,
    online,
    provider,
    location,
    known,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Issue 11, item 18: the language the patient booked in, for a returning patient too."""
    from django.test import Client

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    returning_details(
        client,
        practice,
        online,
        provider,
        location,
        capture=django_capture_on_commit_callbacks,
        phone="5125550199",
        date_of_birth="12/04/1985",
    )
    link_email = mailoutbox[0]
    assert link_email.subject.startswith("Confirme su cita")
    assert "30 minutos" in link_email.body and "Con: Hannah Cole" in link_email.body
    patient_browser = Client()
    page = patient_browser.get(link_in(link_email))
    assert "Confirmar esta cita" in page.content.decode()  # the page speaks the booking's language
    with django_capture_on_commit_callbacks(execute=True):
        patient_browser.post(link_in(link_email))
    known.refresh_from_db()
    assert known.preferred_language == "es"
    confirmation = mailoutbox[1]
    assert confirmation.subject.startswith("Su cita en")
    assert "Con: Hannah Cole" in confirmation.body and "Dónde: Downtown" in confirmation.body
    for english in ("With:", "Where:", "Your appointment", "Questions?"):
        assert english not in confirmation.subject + confirmation.body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Tuesday", "10:00 AM", "Hannah Cole", "Downtown"]),
        ("es", ["8 de enero", "10:00", "Hannah Cole", "Downtown"]),
    ],
)
def test_the_request_page_says_which_time_was_asked_for(
    client,
    practice,
    online,
    provider,
    location,
    known,
    django_capture_on_commit_callbacks,
    language,
    expected,
):
    """Issue 11, item 21: the time, place and provider asked for, in practice time and the page's language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = returning_details(
        client,
        practice,
        online,
        provider,
        location,
        capture=django_capture_on_commit_callbacks,
        phone="5125550000",
        date_of_birth="04/12/1985" if language == "en" else "12/04/1985",
    )
    html = client.get(response["Location"]).content.decode()
    for text in expected:
        assert text in html, text
    assert "4:00 PM" not in html and "16:00" not in html  # not UTC


def test_the_front_desk_books_a_requests_kept_time_or_lets_it_go(
    client,
    practice,
    online,
    provider,
    location,
    known,
    front_desk,
    django_capture_on_commit_callbacks,
):
    from scheduling.services import front_desk as front_desk_services

    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550000"
    )
    request = BookingRequest.objects.get()
    assert BookingHold.objects.filter(token=request.hold_token).exists()
    appointment = front_desk_services.book_request_for_patient(
        booking_request=request, patient=known, actor_user=front_desk, now=NOW
    )
    assert appointment.start == TUESDAY_10 and not BookingHold.objects.exists()

    BookingRequest.objects.all().delete()
    returning_details(
        client,
        practice,
        online,
        provider,
        location,
        capture=django_capture_on_commit_callbacks,
        start=TUESDAY_10 + timedelta(hours=1),
        phone="5125550000",
    )
    front_desk_services.close_request(booking_request=BookingRequest.objects.get(), actor_user=front_desk, now=NOW)
    assert not BookingHold.objects.exists()


def test_a_link_older_than_its_signature_allows_says_so(
    client,
    practice,
    online,
    provider,
    location,
    known,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    import time

    returning_details(
        client, practice, online, provider, location, capture=django_capture_on_commit_callbacks, phone="5125550199"
    )
    link = link_in(mailoutbox[0])
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + confirm_links.MAX_AGE.total_seconds() + 60)
    response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.post(link).status_code == 410
    assert not Appointment.objects.exists()
