"""Patients sign in with a one-time emailed link."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patients import services
from patients.models import Patient, PatientSignInLink
from practices.models import Practice

# Counted limits: no rate-limit window may end halfway through a test (conftest.RateLimitClock).
pytestmark = pytest.mark.usefixtures("ratelimit_clock")

LINK = re.compile(r"https?://\S+/sign-in/[^\s/]+/")
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')


def request_link(client, practice, email, capture, **extra):
    with capture(execute=True):
        return client.post(reverse("patients:sign_in", args=[practice.slug]), {"email": email}, **extra)


def link_path(message: EmailMessage) -> str:
    urls = LINK.findall(str(message.body))
    assert len(urls) == 1, message.body
    assert urls[0].startswith(settings.SITE_URL + "/")
    return urls[0][len(settings.SITE_URL) :]


@pytest.fixture
def known(make_patient: Callable[..., Patient], practice: Practice) -> Patient:
    return make_patient(practice, first_name="Beatriz", last_name="Okonkwo", email="beatriz@example.com")


def test_it_emails_one_link_without_clinical_detail(client, practice, known, django_capture_on_commit_callbacks):
    response = request_link(client, practice, "Beatriz@Example.com ", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [known.email]
    path = link_path(message)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert path == reverse("patients:sign_in_confirm", args=[practice.slug, token])
    assert len(token) >= 32
    for detail in (known.first_name, known.last_name, known.email, "beatriz", "1985", "okonkwo"):
        assert detail.lower() not in path.lower()
    assert known.last_name not in message.subject
    # Only a hash of the token is stored.
    link = PatientSignInLink.objects.get(patient=known)
    assert token not in link.token_hash
    assert link.expires_at <= timezone.now() + timedelta(minutes=settings.PATIENT_SIGN_IN_LINK_MINUTES)


def test_it_answers_an_unknown_email_the_same_way_and_sends_nothing(
    client, practice, known, django_capture_on_commit_callbacks
):
    unknown = request_link(client, practice, "nobody@example.com", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # Near misses are unknown too: the address must match exactly (apart from case and spaces).
    for near_miss in ("beatriz@example.co", "eatriz@example.com", "beatriz@example.com.evil", "beatriz"):
        request_link(client, practice, near_miss, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not PatientSignInLink.objects.exists()
    found = request_link(client, practice, known.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert unknown.status_code == found.status_code == 200
    assert [t.name for t in unknown.templates] == [t.name for t in found.templates]
    assert CSRF.sub("", unknown.content.decode()) == CSRF.sub("", found.content.decode())


def test_it_does_not_send_a_link_for_another_practices_patient(
    client, practice, other_practice, known, django_capture_on_commit_callbacks
):
    request_link(client, other_practice, known.email, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_it_signs_in_on_post_and_not_on_get(client, practice, known, django_capture_on_commit_callbacks):
    request_link(client, practice, known.email, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])

    # A mail scanner following the link does not use it up.
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200
        assert response.context["usable"] is True
    assert PatientSignInLink.objects.get().used_at is None
    assert "patient_id" not in client.session

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:portal", args=[practice.slug])
    assert PatientSignInLink.objects.get().used_at is not None
    portal = client.get(response["Location"])
    assert portal.status_code == 200
    assert known.full_name in portal.content.decode()


def test_it_refuses_a_link_used_twice(client, practice, known, django_capture_on_commit_callbacks):
    request_link(client, practice, known.email, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    assert client.post(path).status_code == 302

    second = Client()
    assert second.get(path).status_code == 410
    response = second.post(path)
    assert response.status_code == 410
    assert "patient_id" not in second.session
    assert second.get(reverse("patients:portal", args=[practice.slug])).status_code == 302


def test_it_refuses_an_expired_link(client, practice, known):
    token = services.issue_sign_in_link(patient=known)
    PatientSignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    path = reverse("patients:sign_in_confirm", args=[practice.slug, token])
    assert client.get(path).status_code == 410
    response = client.post(path)
    assert response.status_code == 410
    assert "patient_id" not in client.session
    assert PatientSignInLink.objects.get().used_at is None


def test_it_refuses_a_link_under_another_practices_address(client, practice, other_practice, known):
    token = services.issue_sign_in_link(patient=known)
    path = reverse("patients:sign_in_confirm", args=[other_practice.slug, token])
    assert client.get(path).status_code == 410
    response = client.post(path)
    assert response.status_code == 410
    assert "patient_id" not in client.session
    assert client.get(reverse("patients:portal", args=[other_practice.slug])).status_code == 302
    assert client.get(reverse("patients:portal", args=[practice.slug])).status_code == 302
    # The link was not spent by the attempt: it still works where it belongs.
    assert client.post(reverse("patients:sign_in_confirm", args=[practice.slug, token])).status_code == 302


def test_it_refuses_a_made_up_token(client, practice, known):
    services.issue_sign_in_link(patient=known)
    path = reverse("patients:sign_in_confirm", args=[practice.slug, "not-a-real-token"])
    assert client.post(path).status_code == 410
    assert "patient_id" not in client.session


def test_it_signs_the_patient_out(client, practice, known):
    token = services.issue_sign_in_link(patient=known)
    client.post(reverse("patients:sign_in_confirm", args=[practice.slug, token]))
    assert client.get(reverse("patients:portal", args=[practice.slug])).status_code == 200
    assert client.post(reverse("patients:sign_out", args=[practice.slug])).status_code == 302
    assert client.get(reverse("patients:portal", args=[practice.slug])).status_code == 302


@pytest.mark.parametrize(
    ("next_page", "lands_on"),
    [
        ("/p/{slug}/waitlist/?visit_type=3", "/p/{slug}/waitlist/?visit_type=3"),
        ("https://evil.example.com/p/{slug}/", "/p/{slug}/portal/"),
        ("/p/another-practice/portal/", "/p/{slug}/portal/"),
        ("/staff/{slug}/patients/", "/p/{slug}/portal/"),
    ],
)
def test_it_returns_to_the_practices_own_page_after_sign_in_and_nowhere_else(
    client, practice, known, next_page, lands_on
):
    sign_in = reverse("patients:sign_in", args=[practice.slug])
    client.get(sign_in, {"next": next_page.format(slug=practice.slug)})
    token = services.issue_sign_in_link(patient=known)
    response = client.post(reverse("patients:sign_in_confirm", args=[practice.slug, token]))
    assert response.status_code == 302
    assert response["Location"] == lands_on.format(slug=practice.slug)


# --- Floods: one live link, throttled per email and per address, the page never changes (issue 11) ---


def live_links(patient: Patient) -> int:
    return PatientSignInLink.objects.filter(
        patient=patient, used_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def page_text(response) -> str:
    return CSRF.sub("", response.content.decode())


def test_thirty_requests_send_one_email_and_leave_one_live_link(
    client, practice, known, django_capture_on_commit_callbacks
):
    answers = [request_link(client, practice, known.email, django_capture_on_commit_callbacks) for _ in range(30)]
    assert len(mail.outbox) == 1
    assert live_links(known) == 1
    assert {answer.status_code for answer in answers} == {200}
    assert len({page_text(answer) for answer in answers}) == 1


def test_a_still_live_link_is_reused_from_any_address_and_a_new_one_follows_its_expiry(
    practice, known, django_capture_on_commit_callbacks
):
    assert int(settings.SIGN_IN_EMAIL_RATE.split("/")[0]) >= 3
    for n in range(2):
        request_link(
            Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), practice, known.email, django_capture_on_commit_callbacks
        )
    assert len(mail.outbox) == 1
    PatientSignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    request_link(Client(REMOTE_ADDR="198.51.100.7"), practice, known.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert live_links(known) == 1
    assert PatientSignInLink.objects.filter(patient=known).count() == 2


def test_it_throttles_per_email_address_even_when_each_link_is_spent(
    practice, known, django_capture_on_commit_callbacks
):
    allowed = int(settings.SIGN_IN_EMAIL_RATE.split("/")[0])
    for n in range(10):
        request_link(
            Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), practice, known.email, django_capture_on_commit_callbacks
        )
        PatientSignInLink.objects.update(used_at=timezone.now())
    assert len(mail.outbox) == allowed < 10


def test_it_throttles_per_client_address(client, practice, make_patient, django_capture_on_commit_callbacks):
    allowed = int(settings.SIGN_IN_ADDRESS_RATE.split("/")[0])
    patients = [make_patient(practice, email=f"many{n}@example.com") for n in range(allowed + 5)]
    answers = [
        request_link(client, practice, patient.email, django_capture_on_commit_callbacks) for patient in patients
    ]
    assert len(mail.outbox) == allowed
    assert len({(answer.status_code, page_text(answer)) for answer in answers}) == 1


def test_a_throttled_request_looks_the_same_as_a_known_and_an_unknown_one(
    client, practice, known, django_capture_on_commit_callbacks
):
    found = request_link(client, practice, known.email, django_capture_on_commit_callbacks)
    unknown = request_link(client, practice, "nobody@example.com", django_capture_on_commit_callbacks)
    for _ in range(int(settings.SIGN_IN_EMAIL_RATE.split("/")[0]) + 1):
        throttled = request_link(client, practice, "nobody@example.com", django_capture_on_commit_callbacks)
    assert found.status_code == unknown.status_code == throttled.status_code == 200
    assert page_text(found) == page_text(unknown) == page_text(throttled)
    assert [t.name for t in found.templates] == [t.name for t in throttled.templates]


def test_the_email_comes_from_the_practice(client, practice, known, django_capture_on_commit_callbacks):
    practice.email = "frontdesk@clearskin.example"
    practice.save()
    request_link(client, practice, known.email, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    default_address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    assert message.from_email == f"{practice.name} <{default_address}>"
    assert message.reply_to == ["frontdesk@clearskin.example"]


def test_the_page_says_in_spanish_that_an_earlier_link_still_works(
    client, practice, django_capture_on_commit_callbacks
):
    response = request_link(
        client, practice, "nadie@example.com", django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert "El enlace que le enviamos entonces sigue funcionando" in response.content.decode()
