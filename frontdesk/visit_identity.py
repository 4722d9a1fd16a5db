"""Who holds the visit link? The date of birth before anything personal (issue 11, item 8).

A reminder text can be forwarded or read over a shoulder, so the visit link alone shows only what the
reminder itself says (when, with whom, where) and the wait. Before the check-in form shows or changes
the patient's phone, email or insurance, the holder types the patient's date of birth. Success is
remembered in the session for that one visit (appointment and patient) for ``VERIFIED_FOR``.

Wrong answers are counted per visit (not per address or browser: a forwarded link is guessed at from
anywhere) with django-ratelimit on Django's cache (``core.limits``), in tiers so that each round of failures waits
longer: 5 wrong answers wait out a 15-minute window, 10 a 2-hour one, 20 the day. Once a tier is
full every answer is refused, right or wrong, until its window ends. With ``REDIS_URL`` the cache is
shared by every web process, so they all count together.
"""

from __future__ import annotations

import math
import time
from datetime import date, timedelta

from core import limits
from scheduling.models import Appointment

VERIFIED_FOR = timedelta(minutes=30)
SESSION_KEY = "frontdesk.visit_verified"
RATE_GROUP = "frontdesk.visit-identity"
# (wrong answers, window): the allowance of each tier; the wait grows with each tier that fills up.
WRONG_ANSWER_TIERS = ("5/15m", "10/2h", "20/d")


def _visit_key(appointment: Appointment) -> str:
    return f"{appointment.pk}:{appointment.patient_id}"


# --- The session remembers one visit at a time --------------------------------------------------


def is_verified(session, appointment: Appointment) -> bool:
    expires = (session.get(SESSION_KEY) or {}).get(_visit_key(appointment))
    return isinstance(expires, int | float) and time.time() < expires


def remember_verified(session, appointment: Appointment) -> None:
    now = time.time()
    kept = {key: until for key, until in (session.get(SESSION_KEY) or {}).items() if until > now}
    kept[_visit_key(appointment)] = int(now + VERIFIED_FOR.total_seconds())
    session[SESSION_KEY] = kept


def date_of_birth_matches(appointment: Appointment, born: date) -> bool:
    return appointment.patient.date_of_birth == born


# --- Wrong answers, per visit ---------------------------------------------------------------------


def wait_seconds(request, appointment: Appointment) -> int:
    """How long until an answer is heard again for this visit: 0 when it may be tried now."""
    return limits.wait_seconds(request, group=RATE_GROUP, key=_visit_key(appointment), rates=WRONG_ANSWER_TIERS)


def record_wrong_answer(request, appointment: Appointment) -> None:
    limits.hit(request, group=RATE_GROUP, key=_visit_key(appointment), rates=WRONG_ANSWER_TIERS)


def wait_minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
