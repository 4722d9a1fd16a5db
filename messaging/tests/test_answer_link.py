"""The reminder's answer link: confirm, cancel, ask to reschedule; strangers and forged links get 404."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.urls import resolve, reverse
from django.utils import timezone

from audit.models import AuditEntry
from journey.models import JourneyEvent
from messaging import answer_links
from messaging.models import AppointmentResponse, InboundAction
from scheduling import manage_links
from scheduling.models import AppointmentStatus

NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # Monday 09:00 in Chicago
THURSDAY = datetime(2030, 1, 10, 16, 0, tzinfo=UTC)  # Thursday 10:00: three days ahead


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def appointment(reminder_world, frozen):
    return reminder_world(THURSDAY, booked=NOW - timedelta(days=10))


def url(appointment, name="messaging:answer", token=None, slug=None):
    return reverse(
        name,
        kwargs={
            "practice_slug": slug or appointment.practice.slug,
            "token": token or answer_links.token_for(appointment),
        },
    )


def test_it_shows_the_appointment_without_the_visit_type(client, appointment):
    page = client.get(url(appointment))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hannah Cole" in html and "410 Elm Street" in html and "10:00 AM" in html
    assert "Yes, I'll be there" in html and "I need another time" in html and "Cancel my appointment" in html
    assert appointment.visit_type.name not in html
    assert page["Cache-Control"] == "private, no-store"
    assert not AppointmentResponse.objects.exists(), "GET changes nothing"


def test_answer_url_is_absolute(appointment, settings):
    settings.SITE_URL = "https://touchpoints.example"
    absolute = answer_links.answer_url(appointment)
    assert absolute.startswith("https://touchpoints.example/")
    # The signed token carries the real clock's second, so resolve it rather than re-sign and compare.
    match = resolve(absolute.removeprefix("https://touchpoints.example"))
    assert match.view_name == "messaging:answer"
    assert answer_links.appointment_for_token(appointment.practice, match.kwargs["token"]) == appointment


def test_confirming_records_the_answer_once_with_journey_and_audit(client, appointment):
    page = client.post(url(appointment), {"action": "confirm"})
    assert page.status_code == 302
    client.post(url(appointment), {"action": "confirm"})
    [response] = AppointmentResponse.objects.filter(appointment=appointment)
    assert response.action == InboundAction.CONFIRM and response.channel == "link"
    event = JourneyEvent.objects.get(kind="reminder.confirmed")
    assert event.touchpoint == "reminders" and event.patient_id == appointment.patient_id
    assert event.data == {"channel": "link"}
    assert AuditEntry.objects.filter(
        object_type="messaging.appointmentresponse", actor_patient=appointment.patient
    ).exists()
    html = client.get(url(appointment)).content.decode()
    assert "You have confirmed this appointment" in html and "Yes, I'll be there" not in html


def test_cancelling_cancels_through_the_scheduling_service(client, appointment, mailoutbox):
    assert client.get(url(appointment, "messaging:answer_cancel")).status_code == 200
    page = client.post(url(appointment, "messaging:answer_cancel"))
    assert page.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancellation_reason == "patient_request"
    assert AppointmentResponse.objects.get(appointment=appointment).action == InboundAction.CANCEL
    assert JourneyEvent.objects.filter(kind="appointment.cancelled").exists()
    assert "This appointment is cancelled" in client.get(url(appointment)).content.decode()


def test_within_the_cutoff_it_shows_the_phone_and_refuses_to_cancel(client, reminder_world, frozen):
    soon = reminder_world(NOW + timedelta(hours=5), booked=NOW - timedelta(days=3))
    html = client.get(url(soon)).content.decode()
    assert "less than 24 hours away" in html and "tel:(512) 555-0140" in html
    assert "Cancel my appointment" not in html and "Yes, I'll be there" in html
    client.post(url(soon, "messaging:answer_cancel"))
    soon.refresh_from_db()
    assert soon.status == AppointmentStatus.BOOKED
    client.post(url(soon), {"action": "confirm"})
    assert AppointmentResponse.objects.get(appointment=soon).action == InboundAction.CONFIRM


def test_asking_to_reschedule_records_it_and_opens_the_manage_links_times(client, appointment):
    page = client.post(url(appointment), {"action": "reschedule"})
    expected = reverse(
        "scheduling:manage_reschedule",
        kwargs={"practice_slug": appointment.practice.slug, "token": manage_links.token_for(appointment)},
    )
    assert page.status_code == 302 and page["Location"] == expected
    assert AppointmentResponse.objects.get(appointment=appointment).action == InboundAction.RESCHEDULE


def test_a_bad_action_changes_nothing_and_says_so(client, appointment):
    page = client.post(url(appointment), {"action": "delete-everything"})
    assert page.status_code == 400 and "Please choose one of the buttons" in page.content.decode()
    assert not AppointmentResponse.objects.exists()


@pytest.mark.parametrize("name", ["messaging:answer", "messaging:answer_cancel"])
def test_forged_foreign_and_manage_tokens_get_404(
    client, appointment, other_practice, reminder_world, make_patient, name
):
    assert client.get(url(appointment, name, token="forged:token")).status_code == 404
    assert client.get(url(appointment, name, slug=other_practice.slug)).status_code == 404
    # A manage-link token is signed for another purpose.
    assert client.get(url(appointment, name, token=manage_links.token_for(appointment))).status_code == 404
    # Another patient's appointment: a token naming that appointment with this patient's id is refused.
    stranger = reminder_world(THURSDAY + timedelta(hours=2), who=make_patient(appointment.practice))
    from django.core import signing

    mixed = signing.dumps({"a": stranger.pk, "p": appointment.patient_id}, salt=answer_links.SALT, compress=True)
    assert client.get(url(appointment, name, token=mixed)).status_code == 404
    assert client.post(url(appointment, name, token=mixed), {"action": "confirm"}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == AppointmentStatus.BOOKED and not AppointmentResponse.objects.exists()


def test_the_link_expires_a_day_after_the_visit(client, appointment, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: appointment.end + timedelta(days=1, minutes=1))
    assert client.get(url(appointment)).status_code == 404


def test_the_page_speaks_the_patients_language(client, appointment):
    appointment.patient.preferred_language = "es"
    appointment.patient.save()
    html = client.get(url(appointment)).content.decode()
    assert 'lang="es"' in html


def test_the_template_tag_tells_staff_what_the_patient_answered(client, appointment):
    template = Template("{% load messaging_tags %}{% appointment_response appointment %}")
    assert "No answer yet" in template.render(Context({"appointment": appointment}))
    client.post(url(appointment), {"action": "confirm"})
    assert "Confirmed by the patient (link)" in template.render(Context({"appointment": appointment}))
    AppointmentResponse.objects.create(
        practice=appointment.practice,
        appointment=appointment,
        action=InboundAction.CONFIRM,
        channel="sms",
        at=NOW + timedelta(minutes=5),
    )
    assert "Confirmed by the patient (text)" in template.render(Context({"appointment": appointment}))


def test_the_reminders_sent_page_shows_the_answer(staff_client, front_desk, appointment, client):
    client.post(url(appointment), {"action": "confirm"})
    page = staff_client(front_desk).get(
        reverse("messaging:reminders_sent", kwargs={"practice_slug": appointment.practice.slug})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert appointment.patient.full_name in html and "Confirmed by the patient (link)" in html


def test_it_shows_the_front_desk_the_patients_confirmation_on_the_appointment_page(
    client, appointment, front_desk, django_capture_on_commit_callbacks
):
    page = reverse("scheduling:fd_appointment", args=[appointment.practice.slug, appointment.pk])
    client.force_login(front_desk)
    assert "Confirmed by the patient" not in client.get(page).content.decode()

    patient_browser = type(client)()
    with django_capture_on_commit_callbacks(execute=True):
        patient_browser.post(url(appointment), {"action": "confirm"})

    assert "Confirmed by the patient" in client.get(page).content.decode()
