"""The visit link asks for the date of birth before anything personal (issue 11, item 8): a forwarded
reminder text must not show the patient's phone, email or insurance member ID, nor let them be changed.
Wrong answers are throttled per visit link (5, then a longer wait each round), in Django's cache."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from frontdesk import checkin_links, visit_identity
from frontdesk.models import OnlineCheckIn
from tests.factories import make_appointment

PHONE = "(512) 555-0177"
EMAIL = "ana.private@example.com"
MEMBER_ID = "XKP990011"
BORN = date(1985, 4, 12)  # the conftest patient's date of birth


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_patient(patient):
    patient.phone, patient.email = PHONE, EMAIL
    patient.insurance_carrier, patient.insurance_member_id = "Blue Cross", MEMBER_ID
    patient.save()
    return patient


@pytest.fixture
def clock(ratelimit_clock):
    """time.time() under the test's control (django-ratelimit's windows, the cache's expiry, the session)."""
    return ratelimit_clock


def _urls(appointment) -> dict[str, str]:
    kwargs = {"practice_slug": appointment.practice.slug, "token": checkin_links.token_for(appointment)}
    return {name: reverse(f"frontdesk:{name}", kwargs=kwargs) for name in ("visit", "check_in", "visit_verify")}


def _birthday(born: date = BORN) -> dict:
    return {"month": str(born.month), "day": str(born.day), "year": str(born.year)}


def _assert_nothing_personal(html: str) -> None:
    for secret in (PHONE, EMAIL, MEMBER_ID, "Blue Cross", "Ana", "Rivera"):
        assert secret not in html, secret


def test_it_shows_no_personal_detail_before_the_date_of_birth_and_all_of_them_after(
    client, soon, questions, policy, private_patient
):
    urls = _urls(soon)
    visit = client.get(urls["visit"])
    assert visit.status_code == 200
    _assert_nothing_personal(visit.content.decode())

    response = client.get(urls["check_in"])
    assert response.status_code == 302 and response["Location"] == urls["visit_verify"]
    page = client.get(urls["visit_verify"])
    assert page.status_code == 200
    html = page.content.decode()
    _assert_nothing_personal(html)
    assert "Date of birth" in html and '<label for="id_year">Year</label>' in html

    response = client.post(urls["visit_verify"], _birthday())
    assert response.status_code == 302 and response["Location"] == urls["check_in"]
    html = client.get(urls["check_in"]).content.decode()
    for detail in (PHONE, EMAIL, MEMBER_ID):
        assert detail in html


def test_it_changes_nothing_before_the_date_of_birth(client, soon, private_patient, check_in_form):
    urls = _urls(soon)
    response = client.post(urls["check_in"], check_in_form(email="thief@example.com"))
    assert response.status_code == 302 and response["Location"] == urls["visit_verify"]
    assert not OnlineCheckIn.objects.exists()
    private_patient.refresh_from_db()
    assert private_patient.email == EMAIL


def test_a_wrong_date_of_birth_shows_nothing_and_says_so(client, soon, private_patient):
    urls = _urls(soon)
    response = client.post(urls["visit_verify"], _birthday(date(1985, 4, 13)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "does not match our records" in html
    assert 'role="alert"' in html and "There is a problem" in html
    _assert_nothing_personal(html)
    assert client.get(urls["check_in"])["Location"] == urls["visit_verify"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"month": "4", "day": "31", "year": "1985"}, "This date does not exist"),
        ({"month": "4", "day": "12", "year": "99999999999999999999"}, "four digits"),
        ({"month": "4", "day": "12", "year": "19\x0085"}, "Null characters are not allowed."),
        ({"month": "13", "day": "12", "year": "1985"}, "Month:"),
        ({"month": "4", "day": "12", "year": "2999"}, "Please check the year of birth."),
        ({}, "This field is required."),
    ],
)
def test_it_explains_an_unreadable_date_with_an_error_summary_and_counts_no_try(client, soon, answer, message):
    url = _urls(soon)["visit_verify"]
    response = client.post(url, answer)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="checkin-alert error-summary" role="alert"' in html
    assert 'href="#id_' in html, "each error links to its field"
    assert visit_identity.wait_seconds(None, soon) == 0


def test_it_throttles_wrong_answers_per_visit_link_and_waits_longer_each_round(
    client, soon, practice, patient, provider, location, visit_type, clock, django_user_model
):
    urls = _urls(soon)
    other = make_appointment(patient, provider, location, visit_type, start=soon.start + timedelta(hours=1))
    wrong = _birthday(date(1990, 1, 1))
    clock.start_window(f"{soon.pk}:{soon.patient_id}", 2 * 60 * 60)  # the rounds below fit one 2-hour window

    for _ in range(4):
        assert client.post(urls["visit_verify"], wrong).status_code == 400
    fifth = client.post(urls["visit_verify"], wrong)
    assert fifth.status_code == 429 and "Too many tries" in fifth.content.decode()
    # Now even the right answer waits, from any browser and any address: the count is the visit link's.
    from django.test import Client

    stranger = Client(REMOTE_ADDR="198.51.100.7")
    for someone in (client, stranger):
        response = someone.post(urls["visit_verify"], _birthday())
        assert response.status_code == 429
        assert "Too many tries" in response.content.decode()
        assert someone.get(urls["check_in"])["Location"] == urls["visit_verify"]
    # Another visit's link is not affected.
    assert client.post(_urls(other)["visit_verify"], _birthday()).status_code == 302

    clock.advance(minutes=16)  # the first window is over: five more tries
    for _ in range(5):
        assert client.post(urls["visit_verify"], wrong).status_code in (400, 429)
    response = client.post(urls["visit_verify"], _birthday())
    assert response.status_code == 429
    clock.advance(minutes=16)  # a 15-minute wait is no longer enough after the second round
    assert client.post(urls["visit_verify"], _birthday()).status_code == 429
    waited = visit_identity.wait_seconds(None, soon)
    assert waited > 15 * 60

    clock.advance(seconds=waited + 1)
    assert stranger.post(urls["visit_verify"], _birthday()).status_code == 302


def test_the_wait_is_said_in_minutes(client, soon, clock):
    url = _urls(soon)["visit_verify"]
    for _ in range(5):
        client.post(url, _birthday(date(1990, 1, 1)))
    html = client.post(url, _birthday()).content.decode()
    minutes = visit_identity.wait_minutes(visit_identity.wait_seconds(None, soon))
    assert f"please wait {minutes} minute" in html


def test_the_answer_is_remembered_for_that_visit_only_and_for_a_limited_time(
    client, soon, patient, provider, location, visit_type, clock
):
    urls = _urls(soon)
    other = make_appointment(patient, provider, location, visit_type, start=soon.start + timedelta(hours=1))
    assert client.post(urls["visit_verify"], _birthday()).status_code == 302
    assert client.get(urls["check_in"]).status_code == 200
    # The same patient's other visit asks again.
    assert client.get(_urls(other)["check_in"])["Location"] == _urls(other)["visit_verify"]

    clock.advance(seconds=visit_identity.VERIFIED_FOR.total_seconds() + 1)
    assert client.get(urls["check_in"])["Location"] == urls["visit_verify"]


def test_a_wait_only_link_from_the_qr_code_never_reaches_the_date_of_birth_step(client, soon):
    token = checkin_links.token_for(soon, wait_only=True)
    url = reverse("frontdesk:visit_verify", kwargs={"practice_slug": soon.practice.slug, "token": token})
    assert client.get(url).status_code == 404
    assert client.post(url, _birthday()).status_code == 404


def test_it_asks_in_spanish_for_a_spanish_speaking_patient(client, soon, private_patient):
    private_patient.preferred_language = "es"
    private_patient.save()
    url = _urls(soon)["visit_verify"]
    html = client.get(url).content.decode()
    assert '<html lang="es">' in html
    assert "Confirme que es usted" in html and "Fecha de nacimiento" in html
    html = client.post(url, _birthday(date(1990, 1, 1))).content.decode()
    assert "no coincide" in html
