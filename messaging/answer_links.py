"""The patient's answer link in a reminder: /p/<practice>/r/<token>/ — confirm, cancel or ask to reschedule.

Like the manage link (``scheduling/manage_links.py``) the token carries only ids (appointment and
patient, no name, no visit reason) and is signed with the project's secret under its own salt, so a
manage token is not an answer token and neither can be forged or pointed at another patient's
appointment. It stops working one day after the visit (whatever the visit's time is then: a
rescheduled appointment keeps its id, so the link follows it), and in any case ``MAX_AGE`` after
it was issued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice
from scheduling.models import Appointment

SALT = "messaging.answer-link"
MAX_AGE = timedelta(days=400)
GRACE_AFTER_VISIT = timedelta(days=1)


def token_for(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "p": appointment.patient_id}, salt=SALT, compress=True)


def answer_path(appointment: Appointment) -> str:
    return reverse(
        "messaging:answer",
        kwargs={"practice_slug": appointment.practice.slug, "token": token_for(appointment)},
    )


def answer_url(appointment: Appointment) -> str:
    """The absolute link a message carries (``SITE_URL`` + path), for reminders and running-late notices."""
    return settings.SITE_URL + answer_path(appointment)


def appointment_for_token(practice: Practice, token: str, *, now: datetime | None = None) -> Appointment | None:
    """The appointment the token names, in this practice and of that patient; None if forged, expired or foreign."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(payload, dict):
        return None
    appointment_id, patient_id = payload.get("a"), payload.get("p")
    if not isinstance(appointment_id, int) or not isinstance(patient_id, int):
        return None
    appointment = (
        Appointment.objects.select_related("patient", "provider", "location", "practice")
        .filter(practice=practice, pk=appointment_id, patient_id=patient_id)
        .first()
    )
    if appointment is None or appointment.end + GRACE_AFTER_VISIT < (now or timezone.now()):
        return None
    return appointment
