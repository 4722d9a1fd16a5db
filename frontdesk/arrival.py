"""Self check-in at the practice: the tablet kiosk and the QR code at the desk.

The patient gives their date of birth and the first letters of their last name; that finds today's
appointment only when exactly one matches, and the page never says whether a patient exists.
Failed tries are counted in the cache (per browser session and per network address), so the form
cannot be used to guess who is booked today. The confirmation step carries the appointment in a
short-lived signed token, never a bare id.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core import signing
from django.core.cache import cache

from patients.selectors import normalise_name
from scheduling.models import Appointment, AppointmentStatus

from .selectors import day_bounds

MIN_LETTERS = 3
ARRIVABLE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.CHECKED_IN)

MAX_FAILED_TRIES = 5  # per browser session
MAX_FAILED_TRIES_PER_ADDRESS = 20  # a clinic's Wi-Fi is one address for every phone in the waiting room
THROTTLE_WINDOW = timedelta(minutes=10)

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


def _limits(practice_id: int, session_key: str, address: str) -> list[tuple[str, int]]:
    return [
        (f"frontdesk:arrive-fail:{practice_id}:s:{session_key}", MAX_FAILED_TRIES),
        (f"frontdesk:arrive-fail:{practice_id}:a:{address}", MAX_FAILED_TRIES_PER_ADDRESS),
    ]


def is_throttled(*, practice_id: int, session_key: str, address: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _limits(practice_id, session_key, address))


def record_failed_try(*, practice_id: int, session_key: str, address: str) -> None:
    seconds = int(THROTTLE_WINDOW.total_seconds())
    for key, _limit in _limits(practice_id, session_key, address):
        cache.add(key, 0, timeout=seconds)  # the window starts at the first failure
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)


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
