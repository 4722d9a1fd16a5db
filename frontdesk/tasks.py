"""Background work of the front desk. Periodic jobs take no arguments and call plain service functions."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="40", hour="7"))
def refit_wait_models_daily() -> int:
    """Daily, before clinics open in US time zones: refit every practice's wait-estimate model on its
    own past days (safe to repeat: one row per practice, replaced)."""
    from practices.models import Practice

    from .services.wait_model import refit_wait_model

    now = timezone.now()
    return sum(refit_wait_model(practice=practice, now=now) is not None for practice in Practice.objects.order_by("pk"))
