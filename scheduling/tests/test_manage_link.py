"""The manage link: see, reschedule, cancel; the policy cutoff; strangers get 404."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from scheduling import manage_links
from scheduling.models import Appointment, AppointmentStatus, BookingPolicy
from scheduling.services import booking as booking_services
from scheduling.services import online_booking as online_booking_services
from scheduling.slot_display import slot_value
from tests.factories import NOW, TUESDAY_10

# Thursday 10 January 2030, 10:00 in Chicago: three days ahead, well outside the 24-hour cutoff.
THURSDAY_10 = TUESDAY_10 + timedelta(days=2)  # when conftest.py's ``appointment`` is booked for


def url(name, appointment, token=None, slug=None):
    return reverse(
        name,
        kwargs={
            "practice_slug": slug or appointment.practice.slug,
            "token": token or manage_links.token_for(appointment),
        },
    )


def test_it_shows_the_appointment_with_change_buttons(client, appointment):
    page = client.get(url("scheduling:manage", appointment))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Choose another time" in html and "Cancel appointment" in html
    assert "Hannah Cole" in html and "410 Elm Street" in html
    assert "10:00 AM" in html


@pytest.mark.parametrize("name", ["scheduling:manage", "scheduling:manage_reschedule", "scheduling:manage_cancel"])
def test_it_answers_404_to_forged_tokens_and_other_practices(client, appointment, other_practice, name):
    assert client.get(url(name, appointment, token="forged:token")).status_code == 404
    assert client.get(url(name, appointment, slug=other_practice.slug)).status_code == 404
    assert client.post(url(name, appointment, slug=other_practice.slug), {"reason": ""}).status_code in (404, 405)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_it_answers_404_to_a_token_for_another_patient(client, appointment, make_patient):
    other = make_patient(appointment.practice)
    token = manage_links.token_for(Appointment(pk=appointment.pk, patient_id=other.pk))
    assert client.get(url("scheduling:manage", appointment, token=token)).status_code == 404


def test_it_reschedules_to_another_open_time(
    client, appointment, provider, location, mailoutbox, django_capture_on_commit_callbacks
):
    days = client.get(url("scheduling:manage_reschedule", appointment)).content.decode()
    assert "day=2030-01-08" in days
    times = client.get(url("scheduling:manage_reschedule", appointment) + "?day=2030-01-08").content.decode()
    value = slot_value(provider.pk, location.pk, TUESDAY_10)
    assert value in times
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("scheduling:manage_reschedule", appointment), {"day": "2030-01-08", "slot": value, "confirm": "1"}
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_10
    assert appointment.sequence == 1
    assert AuditEntry.objects.filter(object_id=str(appointment.pk), actor_patient=appointment.patient).exists()
    assert len(mailoutbox) == 1


def test_a_tap_on_a_time_asks_to_confirm_and_moves_nothing(client, appointment, provider, location, mailoutbox):
    value = slot_value(provider.pk, location.pk, TUESDAY_10)
    response = client.post(url("scheduling:manage_reschedule", appointment), {"day": "2030-01-08", "slot": value})
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Move your visit from Thursday Jan. 10, 2030, 10:00 AM to Tuesday Jan. 8, 2030, 10:00 AM?" in html
    assert 'name="confirm"' in html and f'value="{value}"' in html
    # "Choose another time" goes back to the same day's times, on this appointment's link (its token is
    # signed when the page is made, so it is matched by shape and then followed, not compared as text).
    back = re.search(r'href="(/p/clearskin-test/manage/[^"/]+/reschedule/\?day=2030-01-08)">Choose another time', html)
    assert back is not None
    times = client.get(back.group(1))
    assert times.status_code == 200 and "10:00 AM" in unescape(times.content.decode())
    appointment.refresh_from_db()
    assert appointment.start == THURSDAY_10 and appointment.sequence == 0
    assert not mailoutbox


def test_the_confirmation_reads_in_spanish(client, appointment, provider, location):
    value = slot_value(provider.pk, location.pk, TUESDAY_10)
    response = client.post(
        url("scheduling:manage_reschedule", appointment),
        {"day": "2030-01-08", "slot": value},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    html = unescape(response.content.decode())
    assert "¿Cambiar su cita del" in html and "Confirmar" in html and "Elegir otro horario" in html


def test_it_offers_the_nearest_times_when_the_new_time_is_gone(client, appointment, provider, location):
    value = slot_value(provider.pk, location.pk, TUESDAY_10.replace(hour=9))  # 03:00: never open
    response = client.post(
        url("scheduling:manage_reschedule", appointment), {"day": "2030-01-08", "slot": value, "confirm": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, that time was just taken. These are the nearest times:" in html
    appointment.refresh_from_db()
    assert appointment.start == THURSDAY_10 and appointment.sequence == 0


@pytest.mark.parametrize("day", ["2030-02-30", "soon"])
def test_it_explains_a_bad_day_when_rescheduling(client, appointment, day):
    response = client.get(url("scheduling:manage_reschedule", appointment) + f"?day={day}")
    assert "That date is not valid" in response.content.decode()


def test_it_cancels_with_the_reason_given(client, appointment, mailoutbox, django_capture_on_commit_callbacks):
    page = client.get(url("scheduling:manage_cancel", appointment))
    assert "schedule_conflict" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("scheduling:manage_cancel", appointment), {"reason": "schedule_conflict"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "schedule_conflict"
    page = client.get(response["Location"]).content.decode()
    assert "This appointment is cancelled" in page and "Cancel appointment" not in page
    assert len(mailoutbox) == 1


def test_it_words_cancel_reasons_in_the_patients_voice(client, appointment, staff_client, front_desk):
    html = unescape(client.get(url("scheduling:manage_cancel", appointment)).content.decode())
    assert "I have a conflict" in html and "I booked it twice" in html
    assert "Patient has a conflict" not in html and "Booked twice" not in html
    spanish = unescape(
        client.get(url("scheduling:manage_cancel", appointment), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    )
    assert "Tengo un conflicto" in spanish and "Lo reservé dos veces" in spanish
    # The front desk keeps its own wording.
    staff = (
        staff_client(front_desk)
        .get(reverse("scheduling:fd_appointment_cancel", args=[appointment.practice.slug, appointment.pk]))
        .content.decode()
    )
    assert "Patient has a conflict" in staff and "I have a conflict" not in staff


def test_it_records_patient_request_without_a_reason_and_refuses_unknown_ones(client, appointment):
    response = client.post(url("scheduling:manage_cancel", appointment), {"reason": "it itches"})
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    client.post(url("scheduling:manage_cancel", appointment), {"reason": ""})
    appointment.refresh_from_db()
    assert appointment.cancellation_reason == "patient_request"


def test_it_shows_the_phone_instead_of_buttons_within_the_cutoff(client, appointment, practice, provider, location):
    BookingPolicy.objects.create(practice=practice, online_change_cutoff_hours=80)
    html = client.get(url("scheduling:manage", appointment)).content.decode()
    assert "less than 80 hours away" in html
    assert "(512) 555-0140" in html
    assert "Cancel appointment" not in html and "Choose another time" not in html
    client.post(url("scheduling:manage_cancel", appointment), {"reason": ""})
    value = slot_value(provider.pk, location.pk, TUESDAY_10)
    client.post(url("scheduling:manage_reschedule", appointment), {"day": "2030-01-08", "slot": value})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED and appointment.start == THURSDAY_10
    with pytest.raises(booking_services.BookingRefused):
        online_booking_services.cancel_by_patient(appointment=appointment, reason="other")


def test_it_uses_the_24_hour_default_and_refuses_past_visits(appointment):
    assert online_booking_services.online_change_refusal(appointment, now=NOW) is None
    assert (
        online_booking_services.online_change_refusal(appointment, now=THURSDAY_10 - timedelta(hours=23))
        == online_booking_services.TOO_CLOSE
    )
    assert (
        online_booking_services.online_change_refusal(appointment, now=THURSDAY_10 + timedelta(hours=1))
        == online_booking_services.PAST
    )


def test_it_serves_the_calendar_file(client, appointment):
    response = client.get(url("scheduling:manage_calendar", appointment))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "METHOD:PUBLISH" in body and str(appointment.uid) in body
    assert appointment.visit_type.name not in body
    assert client.get(url("scheduling:manage_calendar", appointment, token="x:y")).status_code == 404
