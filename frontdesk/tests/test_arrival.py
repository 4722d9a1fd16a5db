"""Self check-in at the practice (kiosk and QR code): who matches, what the screens show, the throttle,
the key in the address, and the source recorded on the visit."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from audit.models import AuditEntry
from frontdesk import arrival, checkin_links
from frontdesk.models import ChangeSource, FlowStatus, Visit
from frontdesk.selectors.arrival import find_todays_appointment
from frontdesk.services.setup import flow_settings
from scheduling.models import AppointmentStatus, CancellationReason
from tests.factories import (
    make_appointment,
    make_location,
    make_provider,
    make_visit_type,
    move_to_zone,
    zone_with_room,
)

BIRTHDAY = date(1985, 4, 12)
NOT_FOUND = "We could not find your appointment today — please see the front desk."
TOO_MANY = "Too many tries. Please wait a few minutes and try again, or see the front desk."


def allowance(rates: list[str], tier: int = 0) -> int:
    """How many failures a tier of a setting such as ARRIVAL_FAILURES_PER_SESSION allows."""
    return int(rates[tier].split("/")[0])


@pytest.fixture
def on_today(practice, location):
    zone = zone_with_room(timezone.now(), before=timedelta(hours=1), after=timedelta(hours=2))
    move_to_zone(practice, location, zone)
    return (timezone.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)


@pytest.fixture
def book(practice, provider, location, visit_type):
    def make(patient, start, status=AppointmentStatus.BOOKED):
        return make_appointment(patient, provider, location, visit_type, start=start, status=status)

    return make


@pytest.fixture
def ana(practice, make_patient):
    return make_patient(practice, first_name="Ana", last_name="Núñez-Ortiz", date_of_birth=BIRTHDAY)


@pytest.fixture
def todays(ana, book, on_today):
    return book(ana, on_today)


def _find(practice, letters: str, born: date = BIRTHDAY):
    return find_todays_appointment(practice=practice, date_of_birth=born, last_name_start=letters, now=timezone.now())


# --- matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize("letters", ["NUÑ", "nun", "Núñez", "  núñ ", "NUNEZORT", "núñez-ortiz"])
def test_it_finds_todays_appointment_by_birthday_and_last_name_ignoring_case_and_accents(practice, todays, letters):
    assert _find(practice, letters) == todays


@pytest.mark.parametrize("letters", ["nu", "ort", "nux", ""])
def test_it_needs_three_letters_from_the_start_of_the_last_name(practice, todays, letters):
    assert _find(practice, letters) is None


def test_it_needs_the_right_birthday(practice, todays):
    assert _find(practice, "nun", born=date(1985, 4, 13)) is None


def test_it_finds_nothing_when_several_patients_match(practice, todays, make_patient, book, on_today):
    twin = make_patient(practice, first_name="Luis", last_name="Nunes", date_of_birth=BIRTHDAY)
    book(twin, on_today + timedelta(minutes=30))
    assert _find(practice, "nun") is None
    assert _find(practice, "nune") is None
    assert _find(practice, "nuñe") is None  # "Núñez" and "Nunes" both start with "nune"
    assert _find(practice, "nunez") == todays


def test_it_finds_no_cancelled_appointment(practice, todays):
    todays.status = AppointmentStatus.CANCELLED
    todays.cancellation_reason = CancellationReason.PATIENT_REQUEST
    todays.save()
    assert _find(practice, "nun") is None


def test_it_finds_no_appointment_on_another_day(practice, ana, book, on_today):
    book(ana, on_today + timedelta(days=1))
    book(ana, on_today - timedelta(days=1))
    assert _find(practice, "nun") is None


def test_it_finds_nothing_in_another_practice(other_practice, todays):
    assert _find(other_practice, "nun") is None


# --- pages ---------------------------------------------------------------------------------------


def _arrive_url(practice, key=None, kiosk=False) -> str:
    key = key or flow_settings(practice).arrival_key
    url = reverse("frontdesk:arrive", kwargs={"practice_slug": practice.slug, "key": key})
    return url + "?kiosk=1" if kiosk else url


def _birthday_form(letters="nun", born=BIRTHDAY) -> dict:
    return {"month": str(born.month), "day": str(born.day), "year": str(born.year), "last_name_start": letters}


def _confirm(client, practice, *, kiosk=False, letters="nun"):
    page = client.post(_arrive_url(practice, kiosk=kiosk), _birthday_form(letters))
    assert page.status_code == 200
    html = unescape(page.content.decode())
    token = html.split('name="token" value="')[1].split('"')[0]
    action = html.split('class="visit-form"')[0].rsplit('action="', 1)[1].split('"')[0]
    return html, token, action


def test_it_answers_404_to_a_wrong_key_or_another_practices_key(client, practice, other_practice, todays):
    assert client.get(_arrive_url(practice, key="not-the-key")).status_code == 404
    other_key = flow_settings(other_practice).arrival_key
    assert client.get(_arrive_url(practice, key=other_key)).status_code == 404
    assert client.post(_arrive_url(practice, key="nope"), _birthday_form()).status_code == 404
    confirm = reverse("frontdesk:arrive_confirm", kwargs={"practice_slug": practice.slug, "key": "nope"})
    assert client.post(confirm, {"token": arrival.confirm_token(todays)}).status_code == 404
    assert not Visit.objects.exists()


def test_it_asks_for_the_birthday_in_three_labelled_parts(client, practice):
    response = client.get(_arrive_url(practice))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Date of birth</legend>" in html
    for part in ("id_month", "id_day", "id_year", "id_last_name_start"):
        assert f'for="{part}"' in html
    assert response["Cache-Control"] == "private, no-store"


def test_it_confirms_with_only_the_first_name_and_last_initial_then_checks_in_by_qr(client, practice, todays):
    html, token, action = _confirm(client, practice)
    assert "Is this you?" in html
    assert "Ana N." in html
    assert "Núñez" not in html and "1985" not in html
    assert "Hannah Cole, MD, FAAD" in html
    local = todays.start.astimezone(ZoneInfo(practice.timezone))
    assert f"Today at {formats.time_format(local, 'TIME_FORMAT')} with" in html
    shown = AuditEntry.objects.get(action="view", patient=todays.patient)
    assert shown.summary == "self check-in match shown (qr)"
    # The appointment travels only inside the signed token, never in the address.
    assert action == reverse(
        "frontdesk:arrive_confirm", kwargs={"practice_slug": practice.slug, "key": flow_settings(practice).arrival_key}
    )
    assert token.count(":") == 2, "a signed value, not a bare id"

    response = client.post(action, {"token": token})
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("frontdesk:visit", kwargs={"practice_slug": practice.slug, "token": "x"}).removesuffix("x/")
    )
    assert checkin_links.appointment_for_token(practice, response["Location"].split("/")[-2]) == todays
    visit = Visit.objects.get(appointment=todays)
    assert visit.status == FlowStatus.ARRIVED
    assert visit.arrival_source == ChangeSource.QR
    follow = unescape(client.get(response["Location"]).content.decode())
    assert "You're checked in." in follow


def test_it_checks_in_at_the_kiosk_and_leaves_no_patient_detail_on_screen(client, practice, todays):
    html, token, action = _confirm(client, practice, kiosk=True)
    assert action.endswith("?kiosk=1")
    response = client.post(action, {"token": token})
    assert response.status_code == 200
    done = unescape(response.content.decode())
    assert "You're checked in — please take a seat" in done
    assert "Ana" not in done and "Hannah Cole" not in done
    assert "Your account" not in done, "no way off the kiosk into the patient portal"
    assert f'href="{_arrive_url(practice, kiosk=True)}"' in done
    assert "frontdesk-kiosk.js" in done and "data-kiosk-return=" in done
    assert Visit.objects.get(appointment=todays).arrival_source == ChangeSource.KIOSK


def test_it_says_the_same_thing_for_no_match_and_for_several(client, practice, todays, make_patient, book, on_today):
    nobody = unescape(client.post(_arrive_url(practice), _birthday_form("xyz")).content.decode())
    assert NOT_FOUND in nobody
    twin = make_patient(practice, first_name="Luis", last_name="Nunes", date_of_birth=BIRTHDAY)
    book(twin, on_today + timedelta(minutes=30))
    several = unescape(client.post(_arrive_url(practice), _birthday_form("nun")).content.decode())
    assert NOT_FOUND in several
    assert "Ana" not in several and "Luis" not in several
    assert not Visit.objects.exists()


def test_it_does_not_find_a_cancelled_appointment_on_the_page(client, practice, todays):
    todays.status = AppointmentStatus.CANCELLED
    todays.cancellation_reason = CancellationReason.PATIENT_REQUEST
    todays.save()
    assert NOT_FOUND in unescape(client.post(_arrive_url(practice), _birthday_form()).content.decode())


def test_it_refuses_bad_input_with_a_clear_message(client, practice, todays):
    response = client.post(_arrive_url(practice), _birthday_form("n", born=BIRTHDAY) | {"day": "31", "month": "2"})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "This date does not exist" in html
    assert "Please type at least 3 letters." in html
    response = client.post(_arrive_url(practice), {"month": "13", "day": "x", "year": "19a5", "last_name_start": ""})
    assert response.status_code == 400


def test_a_key_with_a_nul_byte_is_a_404_on_every_database(client, practice, todays):
    client.raise_request_exception = False
    url = reverse("frontdesk:arrive", kwargs={"practice_slug": practice.slug, "key": "a\x00b"})
    assert client.get(url).status_code == 404
    assert client.post(url, _birthday_form()).status_code == 404


@pytest.mark.parametrize("year", ["99999999999999999999", "10000", "-1985", "0", "1800"])
def test_an_impossible_year_is_refused_with_a_message_not_a_500(client, practice, todays, year):
    client.raise_request_exception = False
    response = client.post(_arrive_url(practice), _birthday_form() | {"year": year})
    assert response.status_code == 400
    assert "Please check the year of birth." in unescape(response.content.decode())


@pytest.mark.usefixtures("ratelimit_clock")
def test_it_stops_after_five_failed_tries_even_with_the_right_answer(client, practice, todays):
    assert allowance(settings.ARRIVAL_FAILURES_PER_SESSION) == 5
    for _ in range(5):
        assert NOT_FOUND in unescape(client.post(_arrive_url(practice), _birthday_form("zzz")).content.decode())
    blocked = client.post(_arrive_url(practice), _birthday_form("nun"))
    assert blocked.status_code == 429
    html = unescape(blocked.content.decode())
    assert TOO_MANY in html
    assert "Is this you?" not in html


@pytest.mark.usefixtures("ratelimit_clock")
def test_it_counts_failures_per_network_address_too(client, practice, todays):
    for n in range(allowance(settings.ARRIVAL_FAILURES_PER_ADDRESS)):
        client.cookies.clear()  # a new session each time, as a script that drops cookies would be
        client.post(_arrive_url(practice), _birthday_form("zzz", born=another_birthday(n)))
    client.cookies.clear()
    assert client.post(_arrive_url(practice), _birthday_form("nun")).status_code == 429


def another_birthday(n: int) -> date:
    """A different wrong birthday for each try, so the per-birthday count stays out of the way."""
    return date(1990, 1, 1) + timedelta(days=n)


def _fail_from(practice, address_meta: dict, times: int, born: date | None = None) -> None:
    for n in range(times):
        form = _birthday_form("zzz", born=born or another_birthday(n))
        Client(**address_meta).post(_arrive_url(practice), form)


@pytest.mark.usefixtures("ratelimit_clock")
def test_one_addresss_failures_do_not_block_another_address(practice, todays):
    _fail_from(practice, {"REMOTE_ADDR": "203.0.113.66"}, allowance(settings.ARRIVAL_FAILURES_PER_ADDRESS) + 5)
    assert Client(REMOTE_ADDR="203.0.113.66").post(_arrive_url(practice), _birthday_form("nun")).status_code == 429
    patient = Client(REMOTE_ADDR="198.51.100.20").post(_arrive_url(practice), _birthday_form("nun"))
    assert patient.status_code == 200
    assert "Is this you?" in unescape(patient.content.decode())


def test_one_address_cannot_switch_self_check_in_off_for_more_than_ten_minutes(practice, todays, ratelimit_clock):
    """The probe of the demo: forty failures in an hour from the waiting room's one Wi-Fi address blocked
    every phone there for the rest of the hour. Now each burst costs that address ten minutes at most."""
    address = {"REMOTE_ADDR": "203.0.113.66"}
    address_key = f"{practice.pk}:203.0.113.66"
    # Start an hour's window (which is also a ten-minute window's start): the bursts below all fall in it.
    ratelimit_clock.start_window(address_key, 60 * 60)
    for burst in range(3):
        for _minute in range(2):  # twenty counted failures: ten a minute is the first limit
            _fail_from(practice, address, 10)
            ratelimit_clock.advance(seconds=61)
        assert Client(**address).post(_arrive_url(practice), _birthday_form("nun")).status_code == 429
        ratelimit_clock.start_window(address_key, 10 * 60)  # ten minutes at most
        patient = Client(**address).post(_arrive_url(practice), _birthday_form("nun"))
        assert patient.status_code == 200, f"still blocked after burst {burst + 1}"
        assert "Is this you?" in unescape(patient.content.decode())


@pytest.mark.usefixtures("ratelimit_clock")
def test_it_tells_two_clients_behind_a_trusted_proxy_apart(practice, todays, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    attacker = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    _fail_from(practice, attacker, allowance(settings.ARRIVAL_FAILURES_PER_ADDRESS) + 5)
    assert Client(**attacker).post(_arrive_url(practice), _birthday_form("nun")).status_code == 429
    # The attacker cannot dodge by writing another address: the proxy appends the one it saw.
    dodge = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.66")
    assert dodge.post(_arrive_url(practice), _birthday_form("nun")).status_code == 429
    patient = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    response = patient.post(_arrive_url(practice), _birthday_form("nun"))
    assert response.status_code == 200
    assert "Is this you?" in unescape(response.content.decode())


@pytest.mark.usefixtures("ratelimit_clock")
def test_without_a_trusted_proxy_a_forwarded_header_does_not_dodge_the_count(practice, todays, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(allowance(settings.ARRIVAL_FAILURES_PER_ADDRESS)):
        meta = {"REMOTE_ADDR": "203.0.113.66", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        _fail_from(practice, meta, 1, born=another_birthday(n))
    spoof = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert spoof.post(_arrive_url(practice), _birthday_form("nun")).status_code == 429


@pytest.mark.usefixtures("ratelimit_clock")
def test_it_counts_failures_per_date_of_birth_across_addresses(practice, todays):
    for n in range(allowance(settings.ARRIVAL_FAILURES_PER_DATE_OF_BIRTH)):
        _fail_from(practice, {"REMOTE_ADDR": f"203.0.113.{n + 1}"}, 1, born=BIRTHDAY)
    guess = Client(REMOTE_ADDR="203.0.113.200").post(_arrive_url(practice), _birthday_form("nun"))
    assert guess.status_code == 429
    # Another birthday from that same address is not held up.
    other = Client(REMOTE_ADDR="203.0.113.200").post(_arrive_url(practice), _birthday_form("zzz", date(1970, 2, 2)))
    assert other.status_code == 200


def test_it_backs_off_progressively_instead_of_blocking_for_ten_minutes(client, practice, todays, ratelimit_clock):
    rates = settings.ARRIVAL_FAILURES_PER_SESSION
    assert rates == ["5/2m", "10/15m"]
    # The fifteen-minute count must span the whole test: start at the beginning of its window.
    ratelimit_clock.start_window(f"{practice.pk}:{client.session.session_key}", 15 * 60)

    tries = iter(range(100))

    def fail(times):
        for _ in range(times):
            form = _birthday_form("zzz", born=another_birthday(next(tries)))
            assert client.post(_arrive_url(practice), form).status_code == 200

    def blocked():
        form = _birthday_form("zzz", born=another_birthday(next(tries)))
        return client.post(_arrive_url(practice), form).status_code == 429

    fail(5)
    assert blocked()
    ratelimit_clock.advance(seconds=121)  # the first lockout is a couple of minutes
    fail(5)
    assert blocked()
    ratelimit_clock.advance(seconds=121)  # persistence: now the fifteen-minute count is spent too
    assert blocked()
    ratelimit_clock.advance(minutes=15, seconds=1)
    response = client.post(_arrive_url(practice), _birthday_form("nun"))
    assert response.status_code == 200
    assert "Is this you?" in unescape(response.content.decode())


def test_it_keeps_the_counts_in_the_shared_cache(client, practice, todays, database_cache):
    from core.models import CacheEntry

    assert not CacheEntry.objects.exists()
    client.post(_arrive_url(practice), _birthday_form("zzz"))
    # One count per key (session, address, birthday) and rate, in the table every process reads.
    expected = sum(
        len(rates)
        for rates in (
            settings.ARRIVAL_FAILURES_PER_SESSION,
            settings.ARRIVAL_FAILURES_PER_ADDRESS,
            settings.ARRIVAL_FAILURES_PER_DATE_OF_BIRTH,
        )
    )
    assert CacheEntry.objects.count() == expected


def test_it_refuses_a_forged_or_foreign_confirmation(client, practice, other_practice, todays, make_patient):
    confirm = reverse(
        "frontdesk:arrive_confirm", kwargs={"practice_slug": practice.slug, "key": flow_settings(practice).arrival_key}
    )
    response = client.post(confirm, {"token": f"{todays.pk}"}, follow=True)
    assert "Please start again." in unescape(response.content.decode())
    other_patient = make_patient(other_practice)
    other_location = make_location(other_practice, name="Elsewhere")
    other_provider = make_provider(other_practice, first_name="O", last_name="P")
    other_type = make_visit_type(other_practice, name="Visit", slug="visit")
    foreign = make_appointment(other_patient, other_provider, other_location, other_type, start=todays.start)
    client.post(confirm, {"token": arrival.confirm_token(foreign)})
    assert not Visit.objects.exists()


def test_it_refuses_a_confirmation_once_the_visit_was_cancelled(client, practice, todays):
    _html, token, action = _confirm(client, practice)
    todays.status = AppointmentStatus.CANCELLED
    todays.cancellation_reason = CancellationReason.PATIENT_REQUEST
    todays.save()
    response = client.post(action, {"token": token}, follow=True)
    assert "please see the front desk" in unescape(response.content.decode())
    assert not Visit.objects.filter(status=FlowStatus.ARRIVED).exists()


def test_it_gives_the_qr_patient_a_wait_only_link_that_never_opens_the_check_in_form(
    client, practice, todays, verify_visit
):
    """Knowing a birthday and three letters must not lead to the pre-filled contact and insurance form."""
    html, token, action = _confirm(client, practice)
    location = client.post(action, {"token": token})["Location"]
    wait_token = location.split("/")[-2]
    assert checkin_links.is_wait_only(wait_token)
    assert not checkin_links.is_wait_only(checkin_links.token_for(todays))

    page = unescape(client.get(location).content.decode())
    assert "You're checked in." in page
    check_in_url = reverse("frontdesk:check_in", kwargs={"practice_slug": practice.slug, "token": wait_token})
    assert check_in_url not in page
    assert "Check in online" not in page

    form = client.get(check_in_url)
    assert form.status_code == 404
    assert todays.patient.email not in form.content.decode()
    # The patient's own link from the reminder still opens it, after the date of birth.
    full = reverse(
        "frontdesk:check_in", kwargs={"practice_slug": practice.slug, "token": checkin_links.token_for(todays)}
    )
    assert client.get(full)["Location"].endswith("/verify/")
    verify_visit(todays)
    assert client.get(full).status_code == 200


@pytest.mark.usefixtures("ratelimit_clock")
def test_it_says_too_many_tries_in_spanish(practice, todays):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    for n in range(allowance(settings.ARRIVAL_FAILURES_PER_SESSION)):
        client.post(_arrive_url(practice), _birthday_form("zzz", born=another_birthday(n)))
    blocked = client.post(_arrive_url(practice), _birthday_form("nun"))
    assert blocked.status_code == 429
    assert "Demasiados intentos. Espere unos minutos" in unescape(blocked.content.decode())
