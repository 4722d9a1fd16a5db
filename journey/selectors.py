from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from practices.models import Practice

from .models import JourneyEvent

if TYPE_CHECKING:  # journey sits below patients: a name for the type checker only
    from patients.models import Patient


def events_for_practice(*, practice: Practice, patient: Patient | None = None) -> QuerySet[JourneyEvent]:
    events = JourneyEvent.objects.filter(practice=practice)
    if patient is not None:
        events = events.filter(patient=patient)
    return events


def event_counts_by_touchpoint(*, practice: Practice) -> dict[str, int]:
    rows = JourneyEvent.objects.filter(practice=practice).values("touchpoint").annotate(total=Count("id"))
    return {row["touchpoint"]: row["total"] for row in rows}
