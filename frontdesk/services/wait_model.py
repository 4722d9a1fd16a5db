"""Refitting a practice's wait-estimate model on its own past days (the worker does it nightly)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from practices.models import Practice

from .. import wait_model
from ..estimate_accuracy import WINDOW, training_rows
from ..models import WaitModelFit
from ..selectors.flow import day_bounds
from ..selectors.wait import provider_days


def refit_wait_model(*, practice: Practice, now: datetime) -> WaitModelFit | None:
    """Fit the model on the ``WINDOW`` of days before today and keep it; with too little history the
    stored model is removed, so the default stands in (returns None then)."""
    today, _end = day_bounds(practice, practice.local_date(now))
    tz = ZoneInfo(practice.timezone)
    rows = [
        row
        for day in provider_days(practice=practice, start=today - WINDOW, end=today)
        for row in training_rows(day, tz=tz)
    ]
    model = wait_model.fit(rows)
    with transaction.atomic():
        if not model.learned:
            WaitModelFit.objects.filter(practice=practice).delete()
            return None
        fit, _created = WaitModelFit.objects.update_or_create(
            practice=practice, defaults={"params": model.as_json(), "visits": model.n, "fitted_at": now}
        )
    return fit
