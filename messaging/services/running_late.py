"""Running late: the front desk marks a provider N minutes late today, and that provider's later
patients today are told, with their manage link to come a little later or choose another time.

Only the provider's BOOKED appointments that start after the moment of marking and on the same
practice-local day are told; patients who already arrived, other providers' patients, other days
and cancelled visits are not. Each notice is one outbox row keyed
``late:<running-late id>:<appointment id>``, so a retried call sends nothing twice; a new mark
(the delay grew) is a new row and tells the later patients again with the new figure.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone, translation

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from patients.models import Patient
from practices.models import Practice, Provider
from scheduling.models import Appointment
from scheduling.notifications import manage_url

from ..models import Channel, Message, MessageKind, RunningLate
from ..selectors import running_late as running_late_selectors
from .outbox import queue_from_template

MAX_MINUTES = 240


class RunningLateRefused(ValueError):
    pass


def local_day_bounds(practice: Practice, now: datetime) -> tuple[date, datetime]:
    """(today's date, the end of today) in the practice's time zone; the end as an aware datetime."""
    zone = ZoneInfo(practice.timezone)
    today = now.astimezone(zone).date()
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)
    return today, end


def when_values(appointment: Appointment, language: str) -> dict[str, str]:
    """The visit's date and time as the patient reads them, in the practice's time zone."""
    local = appointment.start.astimezone(ZoneInfo(appointment.practice.timezone))
    with translation.override(language):
        return {
            "date": formats.date_format(local, "l, F j"),
            "time": formats.time_format(local),
        }


def channel_for(patient: Patient) -> str:
    """SMS when the patient agreed to texts and has a number; email otherwise."""
    if patient.sms_consent and patient.phone:
        return Channel.SMS
    return Channel.EMAIL


def mark_running_late(
    *,
    practice: Practice,
    provider: Provider,
    minutes: int,
    actor_user: User | None = None,
    now: datetime | None = None,
) -> tuple[RunningLate, list[Message]]:
    """Record the delay and queue one notice per later patient of the provider today."""
    if provider.practice_id != practice.pk:
        raise RunningLateRefused("The provider belongs to another practice.")
    if not 0 < int(minutes) <= MAX_MINUTES:
        raise RunningLateRefused(f"Minutes must be between 1 and {MAX_MINUTES}.")
    now = now or timezone.now()
    today, end_of_day = local_day_bounds(practice, now)
    with transaction.atomic():
        late = RunningLate.objects.create(
            practice=practice, provider=provider, day=today, minutes=minutes, marked_at=now, marked_by=actor_user
        )
        audit.record(
            practice=practice,
            action=Action.CREATE,
            target=late,
            actor_user=actor_user,
            summary=f"running {minutes} min late",
        )
        messages: list[Message] = []
        for appointment in running_late_selectors.later_booked_appointments(
            practice=practice, provider=provider, after=now, before=end_of_day
        ):
            messages.append(_notify(late, appointment, now=now))
    return late, messages


def _notify(late: RunningLate, appointment: Appointment, *, now: datetime) -> Message:
    patient = appointment.patient
    channel = channel_for(patient)
    values: dict[str, object] = {**when_values(appointment, patient.preferred_language), "minutes": late.minutes}
    values["link"] = manage_url(appointment)
    message = queue_from_template(
        practice=late.practice,
        kind=MessageKind.RUNNING_LATE,
        channel=channel,
        language=patient.preferred_language,
        values=values,
        dedupe_key=f"late:{late.pk}:{appointment.pk}",
        patient=patient,
        appointment=appointment,
        now=now,
    )
    journey.record(
        practice=late.practice,
        patient=patient,
        touchpoint="running-late",
        kind="running_late.notified",
        at=now,
        data={"minutes": late.minutes, "channel": channel, "status": message.status},
    )
    return message
