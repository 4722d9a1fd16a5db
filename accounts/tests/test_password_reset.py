"""Staff password-reset requests: throttled like patients' sign-in links; the page never changes."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

# Counted limits: no rate-limit window may end halfway through a test (conftest.RateLimitClock).
pytestmark = pytest.mark.usefixtures("ratelimit_clock")

RESET = reverse("accounts:password_reset")


def test_ten_requests_do_not_send_ten_emails(client, owner):
    answers = [client.post(RESET, {"email": owner.email}) for _ in range(10)]
    assert len(mail.outbox) == int(settings.SIGN_IN_EMAIL_RATE.split("/")[0]) < 10
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }


def test_it_throttles_per_email_across_addresses(owner):
    for n in range(10):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(RESET, {"email": owner.email})
    assert len(mail.outbox) == int(settings.SIGN_IN_EMAIL_RATE.split("/")[0])


def test_it_throttles_per_address_across_emails(client, practice, make_staff):
    allowed = int(settings.SIGN_IN_ADDRESS_RATE.split("/")[0])
    staff = [make_staff(practice) for _ in range(allowed + 3)]
    for person in staff:
        client.post(RESET, {"email": person.email})
    assert len(mail.outbox) == allowed
