"""The one function every touch point calls to say what happened."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from core.cleanup import delete_in_batches
from practices.models import Practice

from .catalogue import BY_CODE
from .models import JourneyEvent

if TYPE_CHECKING:  # journey sits below patients: a name for the type checker only
    from patients.models import Patient

# Event data describes the journey, never the patient's health. Keys that usually carry
# clinical detail are refused outright, and values must be short scalars.
CLINICAL_KEYS = frozenset(
    {
        "reason",
        "diagnosis",
        "symptoms",
        "notes",
        "note",
        "condition",
        "medication",
        "medications",
        "visit_reason",
        "complaint",
        "clinical",
        "result",
        "results",
        "history",
    }
)
MAX_VALUE_LENGTH = 120


class JourneyDataError(ValueError):
    pass


def _check_data(data: dict[str, Any]) -> dict[str, Any]:
    for key, value in data.items():
        if key.lower() in CLINICAL_KEYS:
            raise JourneyDataError(f"Journey events carry no clinical detail; key {key!r} is refused.")
        if not isinstance(value, (str, int, float, bool)) and value is not None:
            raise JourneyDataError(f"Journey event value for {key!r} must be a plain scalar.")
        if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
            raise JourneyDataError(f"Journey event value for {key!r} is too long to be a label.")
    return data


def record(
    *,
    practice: Practice,
    touchpoint: str,
    kind: str,
    patient: Patient | None = None,
    at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> JourneyEvent:
    """Record that ``kind`` happened at ``touchpoint`` (a catalogue code) for ``patient``."""
    if touchpoint not in BY_CODE:
        raise JourneyDataError(f"Unknown touch point {touchpoint!r}; add it to journey/catalogue.py.")
    if patient is not None and patient.practice_id != practice.pk:
        raise JourneyDataError("The patient does not belong to this practice.")
    return JourneyEvent.objects.create(
        practice=practice,
        patient=patient,
        stage=BY_CODE[touchpoint].stage,
        touchpoint=touchpoint,
        kind=kind,
        occurred_at=at or timezone.now(),
        data=_check_data(dict(data or {})),
    )


def delete_events_past_retention(*, now: datetime | None = None) -> int:
    """Journey events older than ``JOURNEY_EVENT_RETENTION_DAYS``; none while it is 0 (the default: keep).

    The events are the measurement log: every measure and the experience toolkit's before/after comparisons
    are computed from them, over years. They carry no clinical detail (``CLINICAL_KEYS``), so the default
    keeps them; a practice bound to a shorter retention sets the days.
    """
    days = settings.JOURNEY_EVENT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return delete_in_batches(JourneyEvent.objects.filter(occurred_at__lt=cutoff))
