"""When a reminder is due: the rule the reminder scheduler follows. Pure; no database.

``services.reminders.queue_due_reminders`` runs every minute (a periodic task). For every booked
appointment still ahead and each step of its reminder plan (the visit type's own plan, else the
practice's default plan; an inactive plan sends nothing) ``due_steps`` works out:

- the *planned* moment: the visit's start minus the step's ``minutes_before``;
- the *send* moment: the planned one moved out of quiet hours in the patient's own time zone
  (``Patient.time_zone``, else the practice's), by the rule in ``messaging/quiet_hours.py``:
  deferred to the end of quiet hours, or, when that would be too close to or after the visit,
  brought forward to just before quiet hours began;
- the *trigger*: the earlier of the two. Once the trigger has come, the message is queued with
  ``send_after`` = the send moment (so a deferred reminder shows as queued until 08:00).

What is never sent (nothing stale):

- a step whose planned or send moment came before the appointment was booked (or, for a
  rescheduled appointment, before its last change): the confirmation has just said it all;
- a step whose trigger is more than ``STALE_AFTER`` ago (the scheduler was down): late reminders
  are dropped rather than sent in a bunch;
- of several due steps of one appointment only the closest to the visit goes out (with every channel
  of that step);
- a reminder that missed its moment and would now land in the patient's quiet hours is deferred to
  their end, or dropped when that is too close to the visit.

Exactly once: each message's ``dedupe_key`` is ``reminder:<appointment>:<sequence>:<step>:<channel>``
(see ``services/reminders.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from . import quiet_hours

if TYPE_CHECKING:
    from scheduling.models import Appointment

STALE_AFTER = timedelta(hours=12)
# Bringing a reminder forward out of quiet hours moves it at most this much earlier.
MAX_PULL_FORWARD = timedelta(hours=24, minutes=1)


def dedupe_key(appointment_id: int, sequence: int, step_id: int, channel: str) -> str:
    return f"reminder:{appointment_id}:{sequence}:{step_id}:{channel}"


@dataclass(frozen=True)
class Due:
    step_id: int
    channel: str
    minutes_before: int
    send_at: datetime


def booked_at(appointment: Appointment) -> datetime:
    """When the appointment got its current time: booking, or its last change after a reschedule."""
    if appointment.sequence == 0:
        return appointment.created_at
    return max(appointment.created_at, appointment.updated_at)


def due_steps(
    *,
    start: datetime,
    booked: datetime,
    steps: Iterable[tuple[int, int, str]],
    now: datetime,
    tz: ZoneInfo,
    quiet_start: time,
    quiet_end: time,
) -> list[Due]:
    """The steps to queue now for a visit at ``start`` (the rules in the module's docstring).

    ``steps``: (step id, minutes before, channel). Pure apart from its arguments; tested directly.
    """
    if start <= now:
        return []
    found = []
    for step_id, minutes_before, channel in steps:
        planned = start - timedelta(minutes=minutes_before)
        send_at = quiet_hours.send_time(planned, tz=tz, start=quiet_start, end=quiet_end, visit_start=start)
        trigger = min(planned, send_at)
        if trigger > now or now - trigger > STALE_AFTER:
            continue
        if planned < booked or send_at < booked:
            continue
        if send_at <= now and quiet_hours.quiet_window(now, tz=tz, start=quiet_start, end=quiet_end):
            # Missed its moment and would go out in the middle of the night: wait for the morning.
            later = quiet_hours.send_time(now, tz=tz, start=quiet_start, end=quiet_end, visit_start=start)
            if later <= now:
                continue
            send_at = later
        found.append(Due(step_id, channel, minutes_before, send_at))
    if not found:
        return []
    closest = min(d.minutes_before for d in found)
    return [d for d in found if d.minutes_before == closest]
