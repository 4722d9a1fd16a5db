"""Self check-in at the practice (the tablet kiosk and the QR code at the desk): the throttle on failed
tries and the confirmation token.

The patient gives their date of birth and the first letters of their last name; that finds today's
appointment only when exactly one matches (``selectors.arrival.find_todays_appointment``), and the
page never says whether a patient exists.
Failed tries are counted in the shared cache (django-ratelimit, ``core.limits``) per browser session,
per client address (the real one behind a trusted proxy, ``core.client_address``) and per date of
birth, so the form cannot be used to guess who is booked today. Each count has rates from short to long
(settings ``ARRIVAL_FAILURES_PER_*``): a few failures wait a minute or two, persistence waits longer,
and nobody else's check-in is switched off for ten minutes. The confirmation step carries the appointment in a
short-lived signed token, never a bare id.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core import signing

from core import limits
from practices.models import Practice
from scheduling.models import Appointment

CONFIRM_SALT = "frontdesk.arrive-confirm"
CONFIRM_MAX_AGE = timedelta(minutes=5)


# --- Throttle -----------------------------------------------------------------------------------


def _counts(*, request, practice_id: int, date_of_birth: date | None) -> list[tuple[str, str, list[str]]]:
    """(group, key, rates) of each count that applies; the date of birth only once the form gave one."""
    if not request.session.session_key:
        request.session.save()
    counts = [
        ("arrive.session", f"{practice_id}:{request.session.session_key}", settings.ARRIVAL_FAILURES_PER_SESSION),
        # A clinic's Wi-Fi is one address for every phone in the waiting room: short lockouts first.
        ("arrive.address", f"{practice_id}:{limits.address_key(request)}", settings.ARRIVAL_FAILURES_PER_ADDRESS),
    ]
    if date_of_birth is not None:
        key = f"{practice_id}:{date_of_birth.isoformat()}"
        counts.append(("arrive.birthday", key, settings.ARRIVAL_FAILURES_PER_DATE_OF_BIRTH))
    return counts


def is_throttled(*, request, practice_id: int, date_of_birth: date | None = None) -> bool:
    """True while any count's allowance of failed tries is spent (its window has not ended yet)."""
    return any(
        limits.used_up(request, group=group, key=key, rates=rates)
        for group, key, rates in _counts(request=request, practice_id=practice_id, date_of_birth=date_of_birth)
    )


def record_failed_try(*, request, practice_id: int, date_of_birth: date | None) -> None:
    for group, key, rates in _counts(request=request, practice_id=practice_id, date_of_birth=date_of_birth):
        limits.hit(request, group=group, key=key, rates=rates)


# --- The confirmation token -----------------------------------------------------------------------


def confirm_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "p": appointment.practice_id}, salt=CONFIRM_SALT, compress=True)


def appointment_for_confirm_token(*, practice: Practice, token: str) -> Appointment | None:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("p") != practice.pk or not isinstance(payload.get("a"), int):
        return None
    return (
        Appointment.objects.select_related("patient", "provider", "location", "practice")
        .filter(practice=practice, pk=payload["a"])
        .first()
    )
