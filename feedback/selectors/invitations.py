"""Reads for asking patients for feedback: the trigger events still without an invitation, the visit
each one is about, and the invitations that hold back another survey (the cooldown).

``pending_triggers`` reads the last three days of the journey event log for the events that trigger a
survey (``TRIGGERS``), visit surveys first, so when one patient has several triggers at once the visit
survey wins and the cooldown holds back the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from journey.models import JourneyEvent
from scheduling.models import Appointment, AppointmentStatus

from ..models import Invitation, InvitationStatus, SurveyKind

LOOKBACK = timedelta(days=3)

# Journey event kind → the survey it triggers. Statements have no events yet (billing comes later).
TRIGGERS = {
    "visit.done": SurveyKind.POST_VISIT,
    "appointment.booked": SurveyKind.AFTER_BOOKING,
    "checkin.completed": SurveyKind.AFTER_CHECK_IN,
    "statement.sent": SurveyKind.AFTER_STATEMENT,
}
# Lower goes first within one run of the job.
PRIORITY = {SurveyKind.POST_VISIT: 0}


def recent_invitations(*, practice, days: int, now: datetime, kind: str):
    """Invitations (not skipped) of the last ``days`` days that hold back a survey of ``kind``.

    The visit survey is the one that matters most, so only an earlier visit survey holds it back; a
    one-question survey after booking or check-in is held back by any survey at all.
    """
    invitations = Invitation.objects.filter(practice=practice, created_at__gt=now - timedelta(days=days)).exclude(
        status=InvitationStatus.SKIPPED
    )
    if kind == SurveyKind.POST_VISIT:
        invitations = invitations.filter(version__survey__kind=SurveyKind.POST_VISIT)
    return invitations


def in_cooldown(*, practice, patient, days: int, now: datetime, kind: str = SurveyKind.POST_VISIT) -> bool:
    """Whether an invitation of the last ``days`` days holds back a new survey of ``kind`` for the patient."""
    return recent_invitations(practice=practice, days=days, now=now, kind=kind).filter(patient=patient).exists()


# --- the periodic job's input ---------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    event: JourneyEvent
    kind: str


def pending_triggers(*, now: datetime) -> list[Trigger]:
    """Trigger events of the last three days without an invitation, visit surveys first, then by id."""
    handled = Invitation.objects.filter(trigger_event_id=OuterRef("pk"))
    events = (
        JourneyEvent.objects.filter(
            occurred_at__gte=now - LOOKBACK, occurred_at__lte=now, kind__in=list(TRIGGERS), patient__isnull=False
        )
        .exclude(Exists(handled))
        .select_related("practice", "patient")
        .order_by("pk")
    )
    found = []
    for event in events.iterator(chunk_size=500):
        if event.kind == "appointment.booked" and event.data.get("channel") != "online":
            continue
        found.append(Trigger(event=event, kind=TRIGGERS[event.kind]))
    found.sort(key=lambda t: (PRIORITY.get(t.kind, 1), t.event.pk))
    return found


def appointment_for(event: JourneyEvent) -> Appointment | None:
    """The visit the event is about: its id in the event data, else (visit done, check-in) the
    patient's appointment on that local day."""
    scoped = Appointment.objects.filter(practice_id=event.practice_id, patient_id=event.patient_id)
    appointment_id = event.data.get("appointment")
    if isinstance(appointment_id, int):
        return scoped.filter(pk=appointment_id).first()
    if event.kind not in ("visit.done", "checkin.completed"):
        return None
    day = event.practice.local_date(event.occurred_at)
    if event.kind == "visit.done":
        candidates = scoped.filter(status=AppointmentStatus.FULFILLED, start__lte=event.occurred_at)
        candidates = [a for a in candidates.order_by("-start")[:5] if event.practice.local_date(a.start) == day]
        return candidates[0] if candidates else None
    # Online check-in happens before the visit (the day before at most): the next visit it belongs to.
    return (
        scoped.filter(online_check_in__isnull=False, start__gte=event.occurred_at - timedelta(hours=12))
        .order_by("start")
        .first()
    )
