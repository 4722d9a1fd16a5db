from django.db.models import Count, QuerySet

from .models import JourneyEvent


def events_for_practice(*, practice, patient=None) -> QuerySet[JourneyEvent]:
    events = JourneyEvent.objects.filter(practice=practice)
    if patient is not None:
        events = events.filter(patient=patient)
    return events


def event_counts_by_touchpoint(*, practice) -> dict[str, int]:
    rows = JourneyEvent.objects.filter(practice=practice).values("touchpoint").annotate(total=Count("id"))
    return {row["touchpoint"]: row["total"] for row in rows}
