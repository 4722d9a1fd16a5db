"""Reads of the empathy maps area, scoped by practice: patient groups, maps with their ideas, and a
touch point's activity in the last quarter (its patients, the reach RICE uses, and its journey
events). What patients said at a touch point is ``patients_said``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from feedback.models import Response
from journey import selectors as journey_selectors
from practices.models import Practice

from ..models import EmpathyMap, Idea, PatientGroup

REACH_DAYS = 90  # a quarter
CACHE_SECONDS = 600


def groups(*, practice: Practice) -> QuerySet[PatientGroup]:
    """The practice's patient groups by name, with how many maps use each (``map_count``)."""
    return PatientGroup.objects.filter(practice=practice).annotate(map_count=Count("maps")).order_by("name", "pk")


def group_or_404(*, practice: Practice, pk: int) -> PatientGroup:
    return get_object_or_404(PatientGroup, practice=practice, pk=pk)


def maps(*, practice: Practice) -> QuerySet[EmpathyMap]:
    """Every map with its group, by touch point then group name ("every patient" first), with
    ``idea_count`` and ``chosen_count``."""
    return (
        EmpathyMap.objects.filter(practice=practice)
        .select_related("group")
        .annotate(idea_count=Count("ideas"), chosen_count=Count("ideas", filter=Q(ideas__status="chosen")))
        .order_by("touchpoint", "group__name", "pk")
    )


def map_or_404(*, practice: Practice, pk: int) -> EmpathyMap:
    return get_object_or_404(EmpathyMap.objects.select_related("group", "created_by"), practice=practice, pk=pk)


def ideas(*, empathy_map: EmpathyMap) -> QuerySet[Idea]:
    """The map's ideas in the order they were added, with the actions and projects made from them."""
    return (
        Idea.objects.filter(practice_id=empathy_map.practice_id, empathy_map=empathy_map)
        .prefetch_related("actions__owner", "projects")
        .order_by("pk")
    )


def idea_or_404(*, practice: Practice, empathy_map: EmpathyMap, pk: int) -> Idea:
    return get_object_or_404(Idea, practice=practice, empathy_map=empathy_map, pk=pk)


def idea_of_practice_or_404(*, practice: Practice, pk: int) -> Idea:
    return get_object_or_404(Idea.objects.select_related("empathy_map"), practice=practice, pk=pk)


@dataclass(frozen=True)
class Activity:
    """What patients did at a touch point in the last quarter, from the journey log."""

    patients: int  # distinct patients (the reach used by RICE)
    from_log: bool  # False: no journey events there, so the patients who answered a survey about it
    events: tuple[tuple[str, int], ...]  # (event kind, count), most frequent first


def activity(*, practice: Practice, touchpoint: str, now: datetime | None = None) -> Activity:
    """Patients a quarter at the touch point, and its journey events by kind, over the last 90 days.

    Reach is the distinct patients with journey events there; when the log has none (a touch point
    that records no events), the distinct patients whose survey responses were about it. Cached for
    ``CACHE_SECONDS`` per practice, touch point and hour: a quarter's count barely moves in that time,
    and counting distinct patients reads every event row."""
    since = (now or timezone.now()) - timedelta(days=REACH_DAYS)
    key = f"cx:activity:{practice.pk}:{touchpoint}:{since:%Y%m%d%H}"
    found = cache.get(key)
    if isinstance(found, Activity):
        return found
    counted = _activity(practice, touchpoint, since)
    cache.set(key, counted, CACHE_SECONDS)
    return counted


def _activity(practice: Practice, touchpoint: str, since: datetime) -> Activity:
    # One read of the quarter's events (kind and patient), counted here: cheaper than two scans.
    events = (
        journey_selectors.events_for_practice(practice=practice)
        .filter(touchpoint=touchpoint, occurred_at__gte=since)
        .order_by()
        .values_list("kind", "patient_id")
    )
    kinds: Counter[str] = Counter()
    patients: set[int] = set()
    for kind, patient_id in events.iterator(chunk_size=5000):
        kinds[kind] += 1
        if patient_id is not None:
            patients.add(patient_id)
    by_kind = tuple(sorted(kinds.items(), key=lambda row: (-row[1], row[0])))
    if patients:
        return Activity(patients=len(patients), from_log=True, events=by_kind)
    answered = (
        Response.objects.filter(practice=practice, touchpoint=touchpoint, started_at__gte=since)
        .order_by()
        .values("patient_id")
        .distinct()
        .count()
    )
    return Activity(patients=answered, from_log=False, events=by_kind)
