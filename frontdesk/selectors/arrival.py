"""Front-desk reads for self check-in at the practice (the tablet kiosk and the QR code at the desk):
today's one appointment that a date of birth and the first letters of a last name find, and the
practice behind a kiosk address. The throttle and the confirmation token are ``frontdesk.arrival``."""

from __future__ import annotations

from datetime import date, datetime

from patients.selectors import normalise_name
from practices.models import Practice
from scheduling.models import Appointment, AppointmentStatus

from ..models import FlowSettings
from .flow import day_bounds

MIN_LETTERS = 3
ARRIVABLE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.CHECKED_IN)


def find_todays_appointment(
    *, practice: Practice, date_of_birth: date, last_name_start: str, now: datetime
) -> Appointment | None:
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


def flow_settings_for_key(*, practice_slug: str, key: str) -> FlowSettings | None:
    """The practice's flow settings whose kiosk / QR key is ``key``; None for a wrong key or practice."""
    if "\x00" in key:  # never a key; PostgreSQL refuses NUL in a query (a 500)
        return None
    return FlowSettings.objects.select_related("practice").filter(practice__slug=practice_slug, arrival_key=key).first()
