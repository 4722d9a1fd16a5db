"""Two-factor devices for staff (TOTP through django-otp), and how long sign-in data is kept."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.cleanup import delete_in_batches

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


# --- Retention (docs/operations.md, "Retention and clean-up") -------------------------------------------


def delete_expired_sessions(*, now: datetime | None = None) -> int:
    """Sessions past their expiry (what ``manage.py clearsessions`` does for the database backend), in batches."""
    from django.contrib.sessions.models import Session

    return delete_in_batches(Session.objects.filter(expire_date__lt=now or timezone.now()))


def delete_old_sign_in_logs(*, now: datetime | None = None) -> int:
    """Staff sign-in records (django-axes' access log: address, browser, times) older than
    ``SIGN_IN_LOG_RETENTION_DAYS``. The lockout counters themselves are axes' own business."""
    from axes.models import AccessLog

    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGN_IN_LOG_RETENTION_DAYS)
    return delete_in_batches(AccessLog.objects.filter(attempt_time__lt=cutoff))
