"""The patient's visit link: /p/<practice>/visit/<token>/ — online check-in, "I'm here", and the live wait.

Like the manage and answer links the token carries only ids (appointment and patient), signed with
the project's secret under its own salt. Whether the link may do anything *now* (check-in opens
``online_check_in_hours`` before the visit; arrival only on the day; nothing for a cancelled visit)
is decided by ``frontdesk.services.checkin`` from the appointment, so the page can say why not.

A *wait-only* link (``"w": 1`` in the token) is what a patient gets after checking in with the QR
code at the desk: whoever knows a date of birth and three letters of a name must not reach the
pre-filled check-in form (contact and insurance details), so that link shows the wait and nothing else.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from practices.models import Practice
from scheduling.models import Appointment

SALT = "frontdesk.visit-link"
MAX_AGE = timedelta(days=400)


def token_for(appointment: Appointment, *, wait_only: bool = False) -> str:
    payload = {"a": appointment.pk, "p": appointment.patient_id}
    if wait_only:
        payload["w"] = 1
    return signing.dumps(payload, salt=SALT, compress=True)


def visit_path(appointment: Appointment, *, wait_only: bool = False) -> str:
    token = token_for(appointment, wait_only=wait_only)
    return reverse("frontdesk:visit", kwargs={"practice_slug": appointment.practice.slug, "token": token})


def is_wait_only(token: str) -> bool:
    """True for a wait-only link (call after ``appointment_for_token`` has accepted the token)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return isinstance(payload, dict) and payload.get("w") == 1


def visit_url(appointment: Appointment) -> str:
    return settings.SITE_URL + visit_path(appointment)


def appointment_for_token(practice: Practice, token: str) -> Appointment | None:
    """The appointment the token names, in this practice and of that patient; None if forged or foreign."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(payload, dict):
        return None
    appointment_id, patient_id = payload.get("a"), payload.get("p")
    if not isinstance(appointment_id, int) or not isinstance(patient_id, int):
        return None
    return (
        Appointment.objects.select_related("patient", "provider", "location", "visit_type", "practice")
        .filter(practice=practice, pk=appointment_id, patient_id=patient_id)
        .first()
    )
