"""Staff sign-in: django-axes locks an account from an address after five wrong passwords; argon2 hashes."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")


def sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def assert_locked_out(response, client):
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "locked" in response.content.decode().lower()
    assert SESSION_KEY not in client.session


def test_it_locks_the_account_after_five_wrong_passwords(client, owner, make_staff, practice):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    office = {"REMOTE_ADDR": "198.51.100.7"}
    for attempt in range(4):
        response = sign_in(client, owner.email, f"wrong-password-{attempt}", **office)
        assert response.status_code == 200, attempt
        assert response.context["form"].errors
        assert SESSION_KEY not in client.session
    # The fifth failure reaches the limit.
    assert_locked_out(sign_in(client, owner.email, "wrong-password-5", **office), client)
    # The sixth attempt is refused even with the right password.
    assert_locked_out(sign_in(client, owner.email, PASSWORD, **office), client)
    assert client.get(reverse("practices:home")).status_code == 302
    # The account is locked from that address, not the address: a colleague behind the same IP signs in.
    colleague = make_staff(practice)
    response = sign_in(client, colleague.email, PASSWORD, **office)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(colleague.pk)


def test_an_attacker_elsewhere_cannot_lock_the_real_person_out(client, owner):
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, owner.email, f"wrong-password-{attempt}", **attacker)
    assert_locked_out(sign_in(client, owner.email, PASSWORD, **attacker), client)
    # The real person at the front desk, from the office's address, signs in the first time.
    response = sign_in(Client(), owner.email, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_it_locks_the_attackers_address_behind_a_trusted_proxy_not_the_proxy(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, owner.email, f"wrong-password-{attempt}", **attacker)
    assert_locked_out(sign_in(client, owner.email, PASSWORD, **attacker), client)
    office = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(office, owner.email, PASSWORD).status_code == 302


def test_it_cannot_be_dodged_by_changing_the_case_of_the_email(client, owner):
    variants = [owner.email, owner.email.upper(), owner.email.title(), owner.email.capitalize(), owner.email.swapcase()]
    for attempt, email in enumerate(variants):
        sign_in(client, email, f"wrong-password-{attempt}")
    assert_locked_out(sign_in(client, owner.email.upper(), PASSWORD), client)
    assert_locked_out(sign_in(client, owner.email, PASSWORD), client)


def test_it_forgets_earlier_failures_after_a_successful_sign_in(client, owner):
    for attempt in range(4):
        sign_in(client, owner.email, f"wrong-password-{attempt}")
    assert AccessAttempt.objects.get().failures_since_start == 4
    assert sign_in(client, owner.email, PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(owner.pk)
    assert not AccessAttempt.objects.exists()


def test_it_hashes_passwords_with_argon2(owner, django_user_model):
    assert owner.password.startswith("argon2")
    assert django_user_model.objects.get(pk=owner.pk).password.startswith("argon2$")
    assert owner.check_password(PASSWORD)


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_refuses_a_malformed_email_with_a_field_message(client, owner, language):
    response = sign_in(client, "not-an-email", PASSWORD, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert f'<html lang="{language}">' in response.content.decode()
    assert SESSION_KEY not in client.session
    # A form that never reached authentication does not count as a failed attempt.
    assert not AccessAttempt.objects.exists()
