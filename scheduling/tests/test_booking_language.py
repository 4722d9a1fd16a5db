"""The emails of an online booking speak the language the patient booked in (issue 11, item 18)."""

from django.conf import settings
from django.urls import reverse

from scheduling.models import Appointment
from tests.factories import TUESDAY_10

from .booking_steps import NEW_PATIENT, details_key, hold_post

ENGLISH_LABELS = ("With:", "Where:", "When:", "Phone:", "Your appointment", "Questions?", "You're booked")


def _book_new_patient(client, practice, visit_type, provider, location, capture, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    hold_post(client, practice, visit_type, provider, location, TUESDAY_10)
    data = {**NEW_PATIENT, "date_of_birth": "14/03/1990" if language == "es" else "03/14/1990"}
    data["idempotency_key"] = details_key(client, practice)
    with capture(execute=True):
        response = client.post(reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Appointment.objects.get(practice=practice)


def test_it_emails_a_spanish_booking_in_spanish_subject_and_body(
    client,
    practice,
    online,
    provider,
    location,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    appointment = _book_new_patient(
        client, practice, online, provider, location, django_capture_on_commit_callbacks, "es"
    )
    assert appointment.patient.preferred_language == "es"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject.startswith("Su cita en")
    assert "martes 8 de enero" in message.body
    assert "Con: Hannah Cole" in message.body
    assert "Dónde: Downtown" in message.body
    for label in ENGLISH_LABELS:
        assert label not in message.subject + message.body, label


def test_it_emails_an_english_booking_in_english(
    client,
    practice,
    online,
    provider,
    location,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _book_new_patient(client, practice, online, provider, location, django_capture_on_commit_callbacks, "en")
    message = mailoutbox[0]
    assert message.subject.startswith("Your appointment at")
    assert "With: Hannah Cole" in message.body and "Where: Downtown" in message.body
    assert "Con:" not in message.body and "Dónde:" not in message.body
