"""The patient's visit page: what it says in each state, "I'm here" on the day only, and the live wait
(the htmx partial) that follows the provider's lag, including a running-late mark from the desk."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from frontdesk import checkin_links
from frontdesk.models import ChangeSource, FlowStatus, OnlineCheckIn, Visit
from frontdesk.services.flow import change_status, record_arrival
from messaging.services.running_late import mark_running_late
from scheduling.models import AppointmentStatus, CancellationReason
from tests.factories import make_appointment, move_to_zone, zone_with_room


@pytest.fixture
def book(practice, patient, provider, location, visit_type):
    def make(start, status=AppointmentStatus.BOOKED):
        return make_appointment(patient, provider, location, visit_type, start=start, status=status)

    return make


@pytest.fixture
def today(practice, location, book):
    """An appointment 30 minutes from the real now, on today's date in the practice's time zone."""
    start = (timezone.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    zone = zone_with_room(timezone.now(), before=timedelta(hours=3), after=timedelta(hours=3))
    move_to_zone(practice, location, zone)
    return book(start)


def _urls(appointment) -> dict:
    kwargs = {"practice_slug": appointment.practice.slug, "token": checkin_links.token_for(appointment)}
    return {name: reverse(f"frontdesk:{name}", kwargs=kwargs) for name in ("visit", "visit_status", "visit_here")}


def _page(client, appointment) -> str:
    response = client.get(_urls(appointment)["visit"])
    assert response.status_code == 200
    return unescape(response.content.decode())


def _range(pattern: str, html: str) -> tuple[int, int]:
    """The (low, high) minutes of the one sentence matching ``pattern``: a range of whole 5 minutes."""
    found = re.findall(pattern, html)
    assert len(found) == 1, f"{pattern!r} once in {html!r}"
    low, high = (int(n) for n in found[0]) if found[0][-1] else (0, int(found[0][0]))
    assert low % 5 == 0 and high % 5 == 0 and high >= low + 5, (low, high)
    return low, high


def _live(client, appointment) -> str:
    response = client.get(_urls(appointment)["visit_status"])
    assert response.status_code == 200
    return unescape(response.content.decode())


# --- states --------------------------------------------------------------------------------------


def test_it_shows_the_appointment_and_when_check_in_opens(client, book, location):
    appointment = book((timezone.now() + timedelta(days=6)).replace(second=0, microsecond=0))
    html = _page(client, appointment)
    local = appointment.start.astimezone(ZoneInfo(location.timezone))
    opens = local - timedelta(hours=48)
    assert formats.time_format(local, "TIME_FORMAT") in html
    assert (
        f"Online check-in opens on {formats.date_format(opens, 'l')} {formats.date_format(opens, 'DATE_FORMAT')}"
        in html
    )
    assert "Online check-in opens on" in html
    assert "Hannah Cole, MD, FAAD" in html and "410 Elm Street" in html and "(512) 555-0140" in html
    assert "Check in online" not in html
    assert "I'm here" not in html


def test_it_offers_online_check_in_when_the_window_is_open(client, book):
    appointment = book((timezone.now() + timedelta(hours=30)).replace(second=0, microsecond=0))
    html = _page(client, appointment)
    assert "Check in online" in html
    assert (
        reverse("frontdesk:check_in", kwargs={"practice_slug": appointment.practice.slug, "token": "x"}).removesuffix(
            "x/check-in/"
        )
        in html
    )


def test_it_says_checked_in_online_once_done(client, book, practice):
    appointment = book((timezone.now() + timedelta(hours=30)).replace(second=0, microsecond=0))
    OnlineCheckIn.objects.create(practice=practice, appointment=appointment, self_pay=True)
    html = _page(client, appointment)
    assert "You're checked in online" in html
    assert "View or change your check-in" in html


def test_it_says_a_cancelled_appointment_has_nothing_to_check_in(client, book):
    appointment = book(timezone.now() + timedelta(hours=3))
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancellation_reason = CancellationReason.PATIENT_REQUEST
    appointment.save()
    html = _page(client, appointment)
    assert "This appointment was cancelled, so there is nothing to check in." in html
    assert "Check in online" not in html and "I'm here" not in html
    assert 'method="post"' not in html.split("</header>")[1]


def test_it_says_the_link_has_expired_after_the_visit_day(client, book):
    appointment = book((timezone.now() - timedelta(days=2)).replace(second=0, microsecond=0))
    html = _page(client, appointment)
    assert "this link has expired" in html
    assert "Check in online" not in html and "I'm here" not in html


def test_it_sends_private_no_store_headers(client, today):
    response = client.get(_urls(today)["visit"])
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_it_answers_404_with_a_clear_page_to_a_forged_or_foreign_link(client, today, make_patient, practice):
    from django.core import signing

    forged = reverse("frontdesk:visit", kwargs={"practice_slug": practice.slug, "token": "abc"})
    response = client.get(forged)
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    stranger = make_patient(practice)
    foreign = signing.dumps({"a": today.pk, "p": stranger.pk}, salt=checkin_links.SALT, compress=True)
    kwargs = {"practice_slug": practice.slug, "token": foreign}
    assert client.get(reverse("frontdesk:visit", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("frontdesk:visit_status", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("frontdesk:visit_here", kwargs=kwargs)).status_code == 404
    assert not Visit.objects.exists()


# --- "I'm here" ----------------------------------------------------------------------------------


def test_it_offers_im_here_on_the_day_and_checks_the_patient_in_from_their_phone(client, today):
    html = _page(client, today)
    assert "I'm here" in html
    response = client.post(_urls(today)["visit_here"], follow=True)
    html = unescape(response.content.decode())
    visit = Visit.objects.get(appointment=today)
    assert visit.status == FlowStatus.ARRIVED
    assert visit.arrival_source == ChangeSource.PHONE
    assert "You're checked in." in html
    assert "You'll likely be called in" in html
    assert "I'm here" not in html


def test_it_refuses_im_here_on_another_day_and_says_why(client, book):
    appointment = book((timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0))
    response = client.post(_urls(appointment)["visit_here"], follow=True)
    assert "only on the day of your visit" in response.content.decode()
    assert not Visit.objects.exists()


def test_it_refuses_im_here_for_a_cancelled_visit(client, today):
    today.status = AppointmentStatus.CANCELLED
    today.cancellation_reason = CancellationReason.PATIENT_REQUEST
    today.save()
    response = client.post(_urls(today)["visit_here"], follow=True)
    assert "This appointment was cancelled." in response.content.decode()
    assert not Visit.objects.exists()


def test_it_refuses_im_here_more_than_two_hours_early(client, practice, location, book):
    zone = zone_with_room(timezone.now(), before=timedelta(0), after=timedelta(hours=4))
    move_to_zone(practice, location, zone)
    appointment = book((timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0))
    assert "I'm here" not in _page(client, appointment)
    response = client.post(_urls(appointment)["visit_here"], follow=True)
    assert "You can tell us you are here from" in response.content.decode()
    assert not Visit.objects.exists()


def test_it_does_not_arrive_twice(client, today):
    record_arrival(appointment=today, source=ChangeSource.DESK)
    response = client.post(_urls(today)["visit_here"], follow=True)
    assert "You are already checked in." in response.content.decode()
    assert Visit.objects.get(appointment=today).arrival_source == ChangeSource.DESK


# --- the live part -------------------------------------------------------------------------------


def test_it_polls_the_live_part_in_a_polite_live_region(client, today, settings):
    settings.WAIT_PAGE_POLL_SECONDS = 7
    urls = _urls(today)  # once: the signed token carries a timestamp, so a second later it differs
    response = client.get(urls["visit"])
    html = unescape(response.content.decode())
    assert 'aria-live="polite"' in html
    assert 'hx-trigger="every 7s"' in html
    assert f'hx-get="{urls["visit_status"]}?v=' in html


def test_it_answers_the_poll_with_204_when_nothing_changed(client, today):
    record_arrival(appointment=today, source=ChangeSource.DESK)
    html = _live(client, today)
    version = html.split("?v=")[1].split('"')[0]
    again = client.get(_urls(today)["visit_status"] + f"?v={version}")
    assert again.status_code == 204
    assert "<html" not in html, "the poll returns only the partial"


def test_it_shows_both_waits_as_ranges_once_the_patient_has_arrived(client, today):
    record_arrival(appointment=today, source=ChangeSource.PHONE)
    html = _live(client, today)
    assert "You're checked in." in html
    called = _range(r"You'll likely be called in in (\d+)–(\d+) minutes\.", html)
    seen = _range(r"You'll likely see Hannah Cole, MD, FAAD in (\d+)–(\d+) minutes\.", html)
    assert seen[1] >= called[1], "the provider comes after the call-in"
    assert "running about" not in html
    assert "exam room" not in html and "It's your turn!" not in html


def test_it_shows_a_larger_wait_and_the_late_line_after_the_provider_is_marked_late(client, today, practice, provider):
    record_arrival(appointment=today, source=ChangeSource.PHONE)
    before = _live(client, today)
    assert "running about" not in before
    seen_before = _range(r"You'll likely see Hannah Cole, MD, FAAD in (\d+)–(\d+) minutes\.", before)

    mark_running_late(practice=practice, provider=provider, minutes=30)

    after = _live(client, today)
    assert "Hannah Cole, MD, FAAD is running about 30 minutes behind." in after
    seen_after = _range(r"You'll likely see Hannah Cole, MD, FAAD in (\d+)–(\d+) minutes\.", after)
    assert seen_after[0] > seen_before[0] and seen_after[1] > seen_before[1], (seen_before, seen_after)
    _range(r"You'll likely be called in (?:in|within) (\d+)(?:–(\d+))? minutes\.", after)


def test_it_tells_the_patient_in_the_exam_room_when_the_provider_will_likely_come(client, today, practice, provider):
    record_arrival(appointment=today, source=ChangeSource.DESK)
    change_status(appointment=today, to_status=FlowStatus.ROOMED)
    html = _live(client, today)
    assert "You're in the exam room." in html
    _range(r"Hannah Cole, MD, FAAD will likely be with you in (\d+)–(\d+) minutes\.", html)
    assert "It's your turn!" not in html
    assert "called in" not in html, "the call-in is behind them"
    assert "running about" not in html

    mark_running_late(practice=practice, provider=provider, minutes=30)
    html = _live(client, today)
    assert "You're in the exam room." in html
    assert "Hannah Cole, MD, FAAD is running about 30 minutes behind." in html


def test_it_tells_the_patient_when_it_is_their_turn(client, today):
    record_arrival(appointment=today, source=ChangeSource.DESK)
    change_status(appointment=today, to_status=FlowStatus.ROOMED)
    change_status(appointment=today, to_status=FlowStatus.WITH_PROVIDER)
    html = _live(client, today)
    assert "It's your turn!" in html
    assert "minutes" not in html, "no wait is left to show"
    assert "exam room" not in html


def test_it_says_within_5_minutes_when_the_call_is_due(client, practice, location, book):
    zone = zone_with_room(timezone.now(), before=timedelta(hours=1), after=timedelta(hours=1))
    move_to_zone(practice, location, zone)
    appointment = book(timezone.now() - timedelta(minutes=2))
    record_arrival(appointment=appointment, source=ChangeSource.DESK, now=appointment.start - timedelta(minutes=10))
    # Due 2 minutes ago and not yet called: the call is due now; that little lag earns no late line.
    html = _live(client, appointment)
    assert "You'll likely be called in within 5 minutes." in html
    assert "called in in" not in html, "no range starting at 0"
    assert "running about" not in html


def test_it_gives_a_missed_visit_friendly_words_and_the_phone_number(client, today):
    change_status(appointment=today, to_status=FlowStatus.NO_SHOW)
    html = _live(client, today)
    assert "We have this visit down as missed." in html
    assert "(512) 555-0140" in html


def test_it_shows_both_waits_and_the_late_line_in_spanish_for_a_spanish_speaking_patient(
    client, today, practice, provider, patient
):
    patient.preferred_language = "es"
    patient.save()
    record_arrival(appointment=today, source=ChangeSource.DESK)
    mark_running_late(practice=practice, provider=provider, minutes=20)
    html = _page(client, today)
    assert '<html lang="es">' in html
    assert "Su llegada está registrada." in html
    _range(r"Lo más probable es que lo llamen (?:en|dentro de) (\d+)(?:–(\d+))? minutos\.", html)
    _range(r"Lo más probable es que vea a Hannah Cole, MD, FAAD en (\d+)–(\d+) minutos\.", html)
    assert "Hannah Cole, MD, FAAD lleva unos 20 minutos de retraso." in html
    assert "likely" not in html and "running about" not in html


def test_it_tells_a_spanish_speaking_patient_in_the_exam_room_when_the_provider_will_likely_come(
    client, today, patient
):
    patient.preferred_language = "es"
    patient.save()
    record_arrival(appointment=today, source=ChangeSource.DESK)
    change_status(appointment=today, to_status=FlowStatus.ROOMED)
    html = _live(client, today)
    assert "Ya está en el consultorio." in html
    _range(r"Lo más probable es que Hannah Cole, MD, FAAD lo atienda en (\d+)–(\d+) minutos\.", html)
    assert "¡Es su turno!" not in html and "lo llamen" not in html
