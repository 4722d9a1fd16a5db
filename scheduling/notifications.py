"""Emails about an appointment: confirmation, reschedule and cancellation, each with its calendar file.

Enqueue with ``enqueue_appointment_email(appointment, kind)`` inside the transaction that made the
change: the task is handed to the queue only once that transaction commits, with ids only
(appointment id, the appointment's ``sequence`` at that moment, and the kind of email).

What an email says: the practice, the date and time in the practice's time zone, the provider, the
place (with the phone number) and the manage link. Never the visit reason. It goes to the patient's
email address, if they have one, in the patient's language, with the .ics attached
(``METHOD:REQUEST``, or ``METHOD:CANCEL`` for a cancellation).

Sent once, even when the task is retried or runs twice
-------------------------------------------------------
There is no outbox model, so the audit log is the record of what was sent: each email leaves one
``AuditEntry`` (action "send", the appointment as target, summary ``"email <kind> #<sequence>"``).
The task locks the appointment's row (``select_for_update``), returns if that entry already exists,
sends, and writes the entry in the same transaction. A second run of the same task waits for the
lock and then finds the entry; a send that fails rolls the transaction back, so the retry sends it.
Only a crash between a successful send and the commit could repeat an email. This works across
processes and hosts (the database is shared, a local-memory cache is not).

A task whose ``sequence`` is no longer the appointment's (it was changed again before the task
ran) sends nothing: the later change enqueued its own, up-to-date email.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

import journey
from audit import services as audit
from audit.models import Action, AuditEntry

from . import calendar_file, manage_links
from .models import Appointment, AppointmentStatus

CONFIRMATION = "confirmation"
RESCHEDULE = "reschedule"
CANCEL = "cancel"
KINDS = (CONFIRMATION, RESCHEDULE, CANCEL)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "touchpoints"


def manage_url(appointment: Appointment) -> str:
    """The absolute manage link, built like the sign-in links (``SITE_URL`` + path)."""
    path = reverse(
        "scheduling:manage",
        kwargs={"practice_slug": appointment.practice.slug, "token": manage_links.token_for(appointment)},
    )
    return settings.SITE_URL + path


def enqueue_appointment_email(appointment: Appointment, kind: str) -> None:
    """Send ``kind`` email for ``appointment`` once the current transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown appointment email {kind!r}.")
    appointment_id, sequence = appointment.pk, appointment.sequence
    transaction.on_commit(lambda: send_appointment_email.enqueue(appointment_id, sequence, kind))


def _marker(kind: str, sequence: int) -> str:
    return f"email {kind} #{sequence}"


def _already_sent(appointment: Appointment, kind: str, sequence: int) -> bool:
    return AuditEntry.objects.filter(
        practice_id=appointment.practice_id,
        action=Action.SEND,
        object_type=appointment._meta.label_lower,
        object_id=str(appointment.pk),
        summary=_marker(kind, sequence),
    ).exists()


@task
def send_appointment_email(appointment_id: int, sequence: int, kind: str) -> None:
    if kind not in KINDS:
        return
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("practice", "patient", "provider", "location")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or appointment.sequence != sequence or not appointment.patient.email:
            return
        if (kind == CANCEL) != (appointment.status == AppointmentStatus.CANCELLED):
            return
        if _already_sent(appointment, kind, sequence):
            return
        _send(appointment, kind)
        audit.record(
            practice=appointment.practice,
            action=Action.SEND,
            target=appointment,
            patient=appointment.patient,
            summary=_marker(kind, sequence),
        )
        journey.record(
            practice=appointment.practice,
            patient=appointment.patient,
            touchpoint="confirmation",
            kind=f"{kind}.emailed",
            data={"channel": "email"},
        )


def _send(appointment: Appointment, kind: str) -> None:
    practice = appointment.practice
    link = manage_url(appointment)
    tz = ZoneInfo(practice.timezone)
    with translation.override(appointment.patient.preferred_language or "en"), timezone.override(tz):
        local_start = timezone.localtime(appointment.start, tz)
        context = {
            "practice": practice,
            "appointment": appointment,
            "provider": appointment.provider,
            "location": appointment.location,
            "start": local_start,
            "phone": appointment.location.phone or practice.phone,
            "link": link,
        }
        subject = render_to_string(f"scheduling/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"scheduling/email/{kind}_body.txt", context)
        summary = gettext("Appointment at %(practice)s") % {"practice": practice.name}
    method = calendar_file.CANCEL if kind == CANCEL else calendar_file.REQUEST
    ics = calendar_file.appointment_calendar(
        appointment, method=method, host=site_host(), manage_url=link, summary=summary
    )
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[appointment.patient.email],
        reply_to=[practice.email] if practice.email else None,
    )
    message.attach("appointment.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    message.send()
