"""Front-desk writes: moving a visit through the day (arrival, rooming, provider, checkout, done,
no-show, left without being seen) from the board, the kiosk or the patient's phone.

Every change is one transaction: the visit's status and step time, the appointment's FHIR status,
the change row (who, when, where from), the audit entry and the journey event commit together.
A change names the status it expects to move from, so a double click or two people clicking at
once change the visit once; the second is told it already moved.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from scheduling.models import Appointment, AppointmentStatus

from ..models import FLOW_STEPS, STEP_TIME_FIELD, ChangeSource, FlowStatus, Visit, VisitStatusChange


class FlowRefused(ValueError):
    """The change cannot be made; the message says why, in words for staff or the patient."""


class AlreadyChanged(FlowRefused):
    """Someone (or an earlier click) already moved the visit on."""


# Where each status may go next: the next step, the exceptions, and one step back to undo a slip.
ALLOWED: dict[str, tuple[str, ...]] = {
    FlowStatus.SCHEDULED: (FlowStatus.ARRIVED, FlowStatus.NO_SHOW),
    FlowStatus.ARRIVED: (FlowStatus.ROOMED, FlowStatus.LEFT, FlowStatus.SCHEDULED),
    FlowStatus.ROOMED: (FlowStatus.WITH_PROVIDER, FlowStatus.ARRIVED),
    FlowStatus.WITH_PROVIDER: (FlowStatus.CHECKOUT, FlowStatus.DONE, FlowStatus.ROOMED),
    FlowStatus.CHECKOUT: (FlowStatus.DONE, FlowStatus.WITH_PROVIDER),
    FlowStatus.DONE: (FlowStatus.CHECKOUT,),
    FlowStatus.NO_SHOW: (FlowStatus.SCHEDULED, FlowStatus.ARRIVED),
    FlowStatus.LEFT: (FlowStatus.ARRIVED,),
}

# The appointment's FHIR status for each flow status.
APPOINTMENT_STATUS: dict[str, str] = {
    FlowStatus.SCHEDULED: AppointmentStatus.BOOKED,
    FlowStatus.ARRIVED: AppointmentStatus.ARRIVED,
    FlowStatus.ROOMED: AppointmentStatus.ARRIVED,
    FlowStatus.WITH_PROVIDER: AppointmentStatus.ARRIVED,
    FlowStatus.CHECKOUT: AppointmentStatus.ARRIVED,
    FlowStatus.DONE: AppointmentStatus.FULFILLED,
    FlowStatus.NO_SHOW: AppointmentStatus.NOSHOW,
    # FHIR R4 has no "left without being seen"; the patient did arrive. The visit keeps the detail.
    FlowStatus.LEFT: AppointmentStatus.ARRIVED,
}

# The statuses a day-of-visit change may start from (a cancelled visit is not on the board).
MOVABLE_APPOINTMENT_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)

_ARRIVAL_TOUCHPOINT: dict[str, str] = {
    ChangeSource.DESK: "flow-board",
    ChangeSource.KIOSK: "self-check-in",
    ChangeSource.QR: "self-check-in",
    ChangeSource.PHONE: "self-check-in",
    ChangeSource.SYSTEM: "flow-board",
}


def is_today(appointment: Appointment, now: datetime) -> bool:
    return appointment.practice.local_date(appointment.start) == appointment.practice.local_date(now)


def _lock(appointment: Appointment) -> tuple[Appointment, Visit]:
    locked = Appointment.objects.select_for_update().select_related("practice", "patient").get(pk=appointment.pk)
    visit, _created = Visit.objects.get_or_create(
        appointment=locked,
        defaults={"practice_id": locked.practice_id, "status": _initial_status(locked)},
    )
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    return locked, visit


def _initial_status(appointment: Appointment) -> str:
    """A visit made for an appointment already marked elsewhere starts where the appointment is."""
    initial: dict[str, str] = {
        AppointmentStatus.NOSHOW: FlowStatus.NO_SHOW,
        AppointmentStatus.FULFILLED: FlowStatus.DONE,
        AppointmentStatus.ARRIVED: FlowStatus.ARRIVED,
        AppointmentStatus.CHECKED_IN: FlowStatus.ARRIVED,
    }
    return initial.get(appointment.status, FlowStatus.SCHEDULED)


def _touchpoint(to_status: str, source: str) -> str:
    if to_status == FlowStatus.ARRIVED:
        return _ARRIVAL_TOUCHPOINT[source]
    return "visit-status"


def change_status(
    *,
    appointment: Appointment,
    to_status: str,
    expected_status: str | None = None,
    source: str = ChangeSource.DESK,
    actor_user: User | None = None,
    now: datetime | None = None,
) -> Visit:
    """Move the appointment's visit to ``to_status``; raises FlowRefused (AlreadyChanged) with the reason."""
    if to_status not in FlowStatus.values:
        raise FlowRefused("Unknown status.")
    if source not in ChangeSource.values:
        raise FlowRefused("Unknown source.")
    now = now or timezone.now()
    with transaction.atomic():
        locked, visit = _lock(appointment)
        if locked.status not in MOVABLE_APPOINTMENT_STATUSES:
            raise FlowRefused("This appointment was cancelled.")
        if not is_today(locked, now):
            raise FlowRefused("This appointment is not today.")
        before = visit.status
        if expected_status is not None and before != expected_status:
            raise AlreadyChanged("Someone already changed this visit; the board shows where it is now.")
        if to_status not in ALLOWED[before]:
            raise FlowRefused(f"A visit cannot go from {before} to {to_status}.")
        _apply(visit, before, to_status, now, source)
        visit.save()
        locked.status = APPOINTMENT_STATUS[to_status]
        locked.save(update_fields=["status", "updated_at"])
        VisitStatusChange.objects.create(
            practice_id=locked.practice_id,
            visit=visit,
            from_status=before,
            to_status=to_status,
            at=now,
            by_user=actor_user,
            source=source,
        )
        audit.record(
            practice=locked.practice,
            action=Action.UPDATE,
            target=visit,
            patient=locked.patient,
            actor_user=actor_user,
            summary=f"visit {before} -> {to_status} ({source})",
            changes={"status": {"from": before, "to": to_status}},
        )
        journey.record(
            practice=locked.practice,
            patient=locked.patient,
            touchpoint=_touchpoint(to_status, source),
            kind=f"visit.{to_status}",
            at=now,
            data={"from": before, "source": source, "appointment": locked.pk},
        )
        if to_status == FlowStatus.DONE:
            transaction.on_commit(lambda: _after_visit(locked.pk))
    return visit


def _apply(visit: Visit, before: str, to_status: str, now: datetime, source: str) -> None:
    """Set the step time of the new status; going back clears the times of the steps undone."""
    visit.status = to_status
    visit.status_changed_at = now
    if to_status in (FlowStatus.NO_SHOW, FlowStatus.SCHEDULED):
        for field in STEP_TIME_FIELD.values():
            setattr(visit, field, None)
        visit.arrival_source = ""
        return
    if to_status == FlowStatus.LEFT:
        return  # keeps the arrival time: they waited, then left
    target = FLOW_STEPS.index(to_status)
    for step in FLOW_STEPS[target + 1 :]:
        setattr(visit, STEP_TIME_FIELD[step], None)
    field = STEP_TIME_FIELD[to_status]
    moving_back = before == FlowStatus.LEFT or (before in FLOW_STEPS and FLOW_STEPS.index(before) > target)
    if not moving_back or getattr(visit, field) is None:
        setattr(visit, field, now)
    if to_status == FlowStatus.ARRIVED and before in (FlowStatus.SCHEDULED, FlowStatus.NO_SHOW):
        visit.arrival_source = source


def _after_visit(appointment_id: int) -> None:
    """A finished visit sets the patient's recall (the thank-you job picks it up on its own)."""
    from messaging.services.recall import set_recall_after_visit

    appointment = Appointment.objects.select_related("practice", "patient", "visit_type").get(pk=appointment_id)
    set_recall_after_visit(appointment=appointment)


def record_arrival(
    *, appointment: Appointment, source: str, actor_user: User | None = None, now: datetime | None = None
) -> tuple[Visit, bool]:
    """The patient is here. Returns (visit, changed); arriving twice changes nothing the second time."""
    now = now or timezone.now()
    visit = Visit.objects.filter(appointment=appointment).first()
    if visit is not None and visit.status not in (FlowStatus.SCHEDULED, FlowStatus.NO_SHOW):
        if visit.status == FlowStatus.LEFT:
            raise FlowRefused("This visit was closed; please see the front desk.")
        return visit, False
    if appointment.status == AppointmentStatus.CANCELLED:
        raise FlowRefused("This appointment was cancelled.")
    try:
        visit = change_status(
            appointment=appointment,
            to_status=FlowStatus.ARRIVED,
            expected_status=visit.status if visit else None,
            source=source,
            actor_user=actor_user,
            now=now,
        )
    except AlreadyChanged:
        return Visit.objects.get(appointment=appointment), False
    return visit, True
