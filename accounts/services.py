"""Two-factor devices for staff (TOTP through django-otp)."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


@transaction.atomic
def start_totp_setup(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed device, creating one; confirmed devices are left alone."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def remove_totp_devices(*, user: User) -> bool:
    """Remove every authenticator of ``user``; whether there was one."""
    removed: int
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return removed > 0


def verify_any_device(*, user: User, token: str) -> TOTPDevice | None:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None
