"""The patient's manage link: signed, expiring, bound to one appointment of one patient.

The token carries only ids (no name, no visit reason) and is signed with the project's secret,
so it cannot be forged or pointed at another patient's appointment. It stays valid across
reschedules (the appointment keeps its id) and expires ``MAX_AGE`` after it was issued.
"""

from datetime import timedelta

from django.core import signing

from practices.models import Practice

from .models import Appointment

SALT = "scheduling.manage-link"
MAX_AGE = timedelta(days=180)


def token_for(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "p": appointment.patient_id}, salt=SALT, compress=True)


def appointment_for_token(practice: Practice, token: str) -> Appointment | None:
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
    return (
        Appointment.objects.select_related("patient", "provider", "location", "visit_type", "practice")
        .filter(practice=practice, pk=appointment_id, patient_id=patient_id)
        .first()
    )
