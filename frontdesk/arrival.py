"""Self check-in at the practice: the tablet kiosk and the QR code at the desk.

The patient gives their date of birth and the first letters of their last name; that finds today's
appointment only when exactly one matches, and the page never says whether a patient exists.
Failed tries are counted in the shared cache (django-ratelimit, ``core.limits``) per browser session,
per client address (the real one behind a trusted proxy, ``core.client_address``) and per date of
birth, so the form cannot be used to guess who is booked today. Each count has rates from short to long
(settings ``ARRIVAL_FAILURES_PER_*``): a few failures wait a minute or two, persistence waits longer,
and nobody else's check-in is switched off for ten minutes. The confirmation step carries the appointment in a
short-lived signed token, never a bare id.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing

from core import limits
from patients.selectors import normalise_name
from scheduling.models import Appointment, AppointmentStatus

from .selectors import day_bounds

MIN_LETTERS = 3
ARRIVABLE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.CHECKED_IN)

CONFIRM_SALT = "frontdesk.arrive-confirm"
CONFIRM_MAX_AGE = timedelta(minutes=5)


def find_todays_appointment(*, practice, date_of_birth: date, last_name_start: str, now: datetime):
    """Today's one active appointment of a patient born on ``date_of_birth`` whose last name starts with
    ``last_name_start`` (3 letters or more; case, accents, spaces and hyphens do not count); else None."""
    prefix = normalise_name(last_name_start)
    if len(prefix) < MIN_LETTERS:
        return None
    start, end = day_bounds(practice, practice.local_date(now))
    candidates = Appointment.objects.filter(
        practice=practice,
        start__gte=start,
        start__lt=end,
        status__in=ARRIVABLE_STATUSES,
        patient__date_of_birth=date_of_birth,
    ).select_related("patient", "provider", "location", "practice")
    matches = [a for a in candidates if normalise_name(a.patient.last_name).startswith(prefix)]
    return matches[0] if len(matches) == 1 else None


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


def appointment_for_confirm_token(*, practice, token: str) -> Appointment | None:
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


def flow_settings_for_key(*, practice_slug: str, key: str):
    """The practice's flow settings whose kiosk / QR key is ``key``; None for a wrong key or practice."""
    from .models import FlowSettings

    if "\x00" in key:  # never a key; PostgreSQL refuses NUL in a query (a 500)
        return None
    return FlowSettings.objects.select_related("practice").filter(practice__slug=practice_slug, arrival_key=key).first()
