"""The waitlist pages: join from a manage link or signed in, leave, answer an offer; strangers get 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from practices.models import Location, Provider
from scheduling.manage_links import token_for
from scheduling.models import Appointment, OfferStatus, VisitType, WaitlistEntry, WaitlistOffer, WaitlistStatus
from scheduling.services import waitlist as waitlist_services
from scheduling.services.schedule import offer_visit_type
from tests.factories import book_appointment, make_waitlist_entry


def sign_in(client, patient: Patient) -> None:
    session = client.session
    session["patient_id"] = patient.pk
    session["patient_practice_id"] = patient.practice_id
    session.save()


@pytest.fixture
def appointment(practice, patient, provider, location, visit_type, live) -> Appointment:
    return book_appointment(patient, provider, location, visit_type, start=live.later)


@pytest.fixture
def manage_url(practice, appointment):
    return reverse("scheduling:waitlist_from_appointment", args=[practice.slug, token_for(appointment)])


@pytest.fixture
def offers(
    practice,
    provider,
    location,
    visit_type,
    make_patient,
    live,
    django_capture_on_commit_callbacks,
    mailoutbox,
    offer_tokens,
):
    """Two waiting patients, each offered the same free time: {patient: token}."""
    patients = [make_patient(practice), make_patient(practice)]
    for p in patients:
        make_waitlist_entry(practice, p, visit_type, now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_services.send_offers_for_time(
            practice_id=practice.pk, provider_id=provider.pk, location_id=location.pk, start=live.start
        )
    tokens = offer_tokens()
    mailoutbox.clear()
    return {p: tokens[p.email] for p in patients}


def offer_url(practice, token: str) -> str:
    return reverse("scheduling:waitlist_offer", args=[practice.slug, token])


# --- from the manage link ------------------------------------------------------------------------


def test_it_shows_the_waitlist_form_for_the_booked_visit(client, manage_url, appointment):
    response = client.get(manage_url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tell me if something earlier opens" in body
    assert appointment.location.name in body and "Hannah Cole" in body


def test_it_puts_the_visit_on_the_waitlist(client, manage_url, appointment, live, location):
    response = client.post(
        manage_url,
        {
            "weekdays": ["0", "2"],
            "day_parts": ["morning"],
            "location": str(location.pk),
            "latest_day": live.at(6, 0).date(),
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.appointment, entry.patient, entry.visit_type) == (
        appointment,
        appointment.patient,
        appointment.visit_type,
    )
    assert entry.weekdays == [0, 2] and entry.day_parts == ["morning"] and entry.location == location
    page = client.get(manage_url).content.decode()
    assert "You are on the waitlist" in page and "Leave the waitlist" in page

    # Choosing again replaces the entry; it never makes a second one.
    client.post(manage_url, {"latest_day": live.at(6, 0).date()})
    assert WaitlistEntry.objects.filter(status=WaitlistStatus.ACTIVE).count() == 1
    assert WaitlistEntry.objects.get(status=WaitlistStatus.ACTIVE).weekdays == []


@pytest.mark.parametrize(
    "data",
    [
        {"latest_day": "2001-01-01"},  # in the past
        {"latest_day": "not a date"},
        {"latest_day": ""},
        {"latest_day": "2099-01-01"},  # after the visit
        {"latest_day": "{today}", "weekdays": ["9"]},
        {"latest_day": "{today}", "day_parts": ["midnight"]},
        {"latest_day": "{today}", "location": "999999"},
    ],
)
def test_it_refuses_bad_choices_with_a_message(client, manage_url, live, data):
    data = {k: (live.today.isoformat() if v == "{today}" else v) for k, v in data.items()}
    response = client.post(manage_url, data)
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_it_leaves_the_waitlist_from_the_manage_link(client, manage_url, appointment, practice, live):
    entry = make_waitlist_entry(
        practice, appointment.patient, appointment.visit_type, now=timezone.now(), appointment=appointment
    )
    response = client.post(manage_url + f"{entry.pk}/withdraw/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN


def test_it_answers_404_to_forged_and_foreign_manage_links(
    client, practice, other_practice, make_patient, appointment, manage_url, live
):
    assert (
        client.get(reverse("scheduling:waitlist_from_appointment", args=[practice.slug, "forged:token"])).status_code
        == 404
    )
    assert client.get(manage_url.replace(practice.slug, other_practice.slug)).status_code == 404
    # Someone else's entry cannot be withdrawn with this visit's link.
    other = make_patient(practice)
    entry = make_waitlist_entry(practice, other, appointment.visit_type, now=timezone.now())
    assert client.post(manage_url + f"{entry.pk}/withdraw/").status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.ACTIVE


def test_it_says_kindly_when_the_visit_is_no_longer_booked(client, manage_url, appointment):
    from scheduling.services.booking import cancel_appointment

    cancel_appointment(appointment=appointment, reason="patient_request")
    response = client.get(manage_url)
    assert response.status_code == 200
    assert "cannot be moved here" in response.content.decode()
    assert client.post(manage_url, {"latest_day": "2030-01-01"}).status_code == 200
    assert not WaitlistEntry.objects.exists()


# --- signed in -----------------------------------------------------------------------------------


def test_it_asks_to_sign_in_first(client, practice):
    response = client.get(reverse("scheduling:waitlist_join", args=[practice.slug]) + "?visit_type=1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/sign-in/?next=" in body and "waitlist" in body
    assert client.post(reverse("scheduling:waitlist_join", args=[practice.slug]), {}).status_code == 200
    assert not WaitlistEntry.objects.exists()


def test_it_joins_the_waitlist_when_signed_in(client, practice, patient, visit_type, provider, location, live):
    sign_in(client, patient)
    url = reverse("scheduling:waitlist_join", args=[practice.slug])
    page = client.get(url + f"?visit_type={visit_type.pk}&location={location.pk}&provider=nonsense")
    assert page.status_code == 200 and f'value="{visit_type.pk}" selected' in page.content.decode()
    response = client.post(
        url,
        {
            "visit_type": visit_type.pk,
            "location": location.pk,
            "provider": provider.pk,
            "day_parts": ["afternoon", "evening"],
            "latest_day": live.at(20, 0).date(),
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.patient, entry.visit_type, entry.provider, entry.appointment) == (patient, visit_type, provider, None)
    assert entry.day_parts == ["afternoon", "evening"]
    mine = client.get(reverse("scheduling:waitlist_mine", args=[practice.slug])).content.decode()
    assert visit_type.name in mine and "Leave the waitlist" in mine


def test_it_refuses_a_visit_type_place_or_provider_that_do_not_fit(client, practice, patient, visit_type, live):
    sign_in(client, patient)
    hidden = VisitType.objects.create(
        practice=practice, name="Staff only", slug="staff-only", duration_minutes=20, bookable_online=False
    )
    other_place = Location.objects.create(
        practice=practice,
        name="North",
        address_line1="1 North St",
        city="Austin",
        region="TX",
        postal_code="78758",
        phone="(512) 555-0141",
    )
    offer_visit_type(visit_type=visit_type, locations=[])  # the visit stays at the test location only
    stranger = Provider.objects.create(practice=practice, first_name="No", last_name="Skin")
    url = reverse("scheduling:waitlist_join", args=[practice.slug])
    day = live.at(10, 0).date()
    for data in (
        {"visit_type": hidden.pk, "latest_day": day},
        {"visit_type": visit_type.pk, "location": other_place.pk, "latest_day": day},
        {"visit_type": visit_type.pk, "provider": stranger.pk, "latest_day": day},
        {"visit_type": "x", "latest_day": day},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert 'class="errors"' in response.content.decode(), data
    assert not WaitlistEntry.objects.exists()


def test_it_lets_only_the_patient_leave_their_waitlist(client, practice, patient, make_patient, visit_type):
    entry = make_waitlist_entry(practice, make_patient(practice), visit_type, now=timezone.now())
    url = reverse("scheduling:waitlist_withdraw", args=[practice.slug, entry.pk])
    assert client.post(url).status_code == 404  # not signed in
    sign_in(client, patient)
    assert client.post(url).status_code == 404  # another patient's entry
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.ACTIVE
    sign_in(client, entry.patient)
    assert client.post(url).status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN


# --- offers --------------------------------------------------------------------------------------


def test_it_shows_the_offer_without_changing_it(client, practice, offers, visit_type):
    token = next(iter(offers.values()))
    response = client.get(offer_url(practice, token))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Accept this time" in body and "Hannah Cole" in body
    assert WaitlistOffer.objects.filter(status=OfferStatus.SENT).count() == 2


def test_it_books_for_the_first_and_refuses_the_second_kindly(
    client, practice, offers, mailoutbox, django_capture_on_commit_callbacks
):
    (first, first_token), (second, second_token) = offers.items()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(offer_url(practice, first_token), {"action": "accept"})
    assert response.status_code == 200 and "It is yours" in response.content.decode()
    assert Appointment.objects.get().patient == first
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])  # confirmation; "taken"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(offer_url(practice, second_token), {"action": "accept"})
    assert response.status_code == 200
    assert "That time has just been taken by someone else." in response.content.decode()
    assert Appointment.objects.count() == 1
    assert WaitlistEntry.objects.get(patient=second).status == WaitlistStatus.ACTIVE
    assert len(mailoutbox) == 2  # the second patient is told once
    # Accepting again (a double click) just shows the booking again.
    assert "It is yours" in client.post(offer_url(practice, first_token), {"action": "accept"}).content.decode()
    assert Appointment.objects.count() == 1


def test_it_declines(client, practice, offers):
    (patient, token), _ = offers.items()
    response = client.post(offer_url(practice, token), {"action": "decline"})
    assert response.status_code == 200 and "No problem" in response.content.decode()
    assert WaitlistOffer.objects.get(entry__patient=patient).status == OfferStatus.DECLINED
    assert WaitlistEntry.objects.get(patient=patient).status == WaitlistStatus.ACTIVE


def test_it_books_nothing_on_an_expired_offer(client, practice, offers):
    (patient, token), _ = offers.items()
    WaitlistOffer.objects.filter(entry__patient=patient).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "This offer has ended" in client.get(offer_url(practice, token)).content.decode()
    response = client.post(offer_url(practice, token), {"action": "accept"})
    assert response.status_code == 200 and "This offer has ended" in response.content.decode()
    assert not Appointment.objects.exists()


def test_it_refuses_a_bad_answer_without_changing_anything(client, practice, offers):
    token = next(iter(offers.values()))
    response = client.post(offer_url(practice, token), {"action": "maybe"})
    assert response.status_code == 400
    assert "Choose whether to take this time" in response.content.decode()
    assert WaitlistOffer.objects.filter(status=OfferStatus.SENT).count() == 2


def test_it_answers_404_to_forged_and_foreign_offer_links(client, practice, other_practice, offers):
    token = next(iter(offers.values()))
    assert client.get(offer_url(practice, "forged-token")).status_code == 404
    assert client.post(offer_url(practice, "forged-token"), {"action": "accept"}).status_code == 404
    assert client.get(offer_url(other_practice, token)).status_code == 404
    assert client.get(offer_url(practice, "x" * 500)).status_code == 404


def test_it_does_not_let_a_patient_accept_another_patients_offer(client, practice, offers):
    (first, first_token), (second, _) = offers.items()
    sign_in(client, second)
    assert client.get(offer_url(practice, first_token)).status_code == 404
    assert client.post(offer_url(practice, first_token), {"action": "accept"}).status_code == 404
    assert not Appointment.objects.exists()
    assert WaitlistOffer.objects.get(entry__patient=first).status == OfferStatus.SENT
