"""Two-factor sign-in (TOTP through django-otp) and idle session expiry."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that is valid at no time near now."""
    near = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d):06d}"
        for d in range(-3, 4)
    }
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


def sign_in_with_password(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_it_asks_a_user_with_a_device_for_a_code_before_any_staff_page(client, practice, owner, patient):
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    sign_in_with_password(client, owner)
    dashboard = reverse("practices:dashboard", args=[practice.slug])
    detail = reverse("patients:staff_detail", args=[practice.slug, patient.pk])
    verify = reverse("accounts:otp_verify")
    for url in (dashboard, detail, reverse("patients:staff_list", args=[practice.slug])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(verify + "?next="), url
    assert b"Rivera" not in client.get(detail, follow=True).content

    response = client.post(f"{verify}?next={dashboard}", {"token": current_code(device), "next": dashboard})
    assert response.status_code == 302
    assert response["Location"] == dashboard
    assert client.get(dashboard).status_code == 200
    assert client.get(detail).status_code == 200


def test_it_refuses_a_wrong_code_with_a_message(client, practice, owner):
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    sign_in_with_password(client, owner)
    dashboard = reverse("practices:dashboard", args=[practice.slug])
    response = client.post(reverse("accounts:otp_verify"), {"token": wrong_code(device), "next": dashboard})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert "That code did not work" in response.content.decode()
    response = client.post(reverse("accounts:otp_verify"), {"token": "12ab56", "next": dashboard})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get(dashboard).status_code == 302


def test_it_makes_members_set_up_two_factor_when_the_practice_requires_it(client, practice, owner, front_desk):
    # The owner turns the requirement on in the practice settings.
    client.force_login(owner)
    form = {"name": practice.name, "timezone": practice.timezone, "phone": practice.phone, "require_two_factor": "on"}
    response = client.post(reverse("practices:settings", args=[practice.slug]), form)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.require_two_factor is True

    # A member without a device is sent to set one up and never sees the dashboard.
    client.force_login(front_desk)
    dashboard = reverse("practices:dashboard", args=[practice.slug])
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_setup")
    assert "insights/dashboard.html" not in [t.name for t in client.get(dashboard, follow=True).templates]

    # Setting up: the page offers a new device; a wrong code leaves it unconfirmed.
    setup = client.get(reverse("accounts:otp_setup"))
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=front_desk)
    assert device.confirmed is False
    response = client.post(reverse("accounts:otp_setup"), {"token": wrong_code(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get(dashboard).status_code == 302

    # django-otp throttles a device for a moment after a failure; a person would just retry.
    device.throttle_reset()
    # The right code confirms the device and lets the member in.
    response = client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(dashboard).status_code == 200


def test_it_keeps_two_factor_on_while_the_practice_requires_it(client, practice, owner):
    practice.require_two_factor = True
    practice.save()
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    sign_in_with_password(client, owner)
    client.post(reverse("accounts:otp_verify"), {"token": current_code(device)})
    assert client.get(reverse("practices:dashboard", args=[practice.slug])).status_code == 200

    response = client.post(reverse("accounts:otp_disable"), follow=True)
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=owner, confirmed=True).exists()
    assert "requires two-factor" in response.content.decode()


def test_it_lets_a_verified_user_turn_two_factor_off_when_not_required(client, practice, owner):
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    sign_in_with_password(client, owner)
    # Not yet verified with a code: turning it off is refused.
    client.post(reverse("accounts:otp_disable"))
    assert TOTPDevice.objects.filter(user=owner).exists()
    client.post(reverse("accounts:otp_verify"), {"token": current_code(device)})
    client.post(reverse("accounts:otp_disable"))
    assert not TOTPDevice.objects.filter(user=owner).exists()


def test_it_ends_idle_sessions(client, practice, owner):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(owner)
    dashboard = reverse("practices:dashboard", args=[practice.slug])
    key = client.session.session_key

    # Nearly idle for the whole allowance: a request renews the expiry.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=30))
    response = client.get(dashboard)
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    renewed = Session.objects.get(session_key=client.session.session_key).expire_date
    assert renewed >= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # Idle for longer than the allowance: signed out.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_asks_for_the_code_before_a_password_change(client, owner):
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    sign_in_with_password(client, owner)
    url = reverse("accounts:password_change")
    change = {"old_password": PASSWORD, "new_password1": "taken-over-pass-99", "new_password2": "taken-over-pass-99"}
    for response in (client.get(url), client.post(url, change)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp_verify") + "?next=")
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)

    client.post(reverse("accounts:otp_verify"), {"token": current_code(device)})
    assert client.get(url).status_code == 200


def test_it_sends_a_member_of_a_practice_requiring_two_factor_to_setup_before_a_password_change(
    client, practice, owner
):
    practice.require_two_factor = True
    practice.save()
    client.force_login(owner)
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_setup")


def test_it_lets_a_user_without_two_factor_change_their_password(client, owner):
    client.force_login(owner)
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_it_never_sends_a_verified_user_off_site(client, practice, owner):
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    client.force_login(owner)
    response = client.post(
        reverse("accounts:otp_verify") + "?next=https://evil.example/",
        {"token": current_code(device), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:home")
