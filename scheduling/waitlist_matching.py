"""Does a freed time suit a waiting patient? Pure rules, no Django: plain values in, a yes or no out.

Everything is judged in the practice's local wall-clock time (``start_local`` is the freed start
already converted to the practice's zone):

* the local day lies between ``earliest_day`` and ``latest_day`` (inclusive);
* its weekday (0 = Monday) is one the patient chose, or they chose none (any day);
* its day part is one they chose, or none (any time). Morning is before 12:00, afternoon
  12:00-16:59, evening 17:00 on;
* the location and provider are the ones they asked for, or they left them open;
* it is earlier than the visit they want to move, when there is one;
* when the visit type is left out of short-notice offers, the start is at least
  ``short_notice_hours`` after ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

MORNING = "morning"
AFTERNOON = "afternoon"
EVENING = "evening"


def day_part(start_local: datetime) -> str:
    """The part of the day a local wall-clock time falls in."""
    if start_local.hour < 12:
        return MORNING
    if start_local.hour < 17:
        return AFTERNOON
    return EVENING


@dataclass(frozen=True)
class Wish:
    """What one waiting patient can do (a ``WaitlistEntry`` as plain values)."""

    earliest_day: date
    latest_day: date
    weekdays: frozenset[int] = frozenset()  # empty: any day
    day_parts: frozenset[str] = frozenset()  # empty: any time of day
    location_id: int | None = None  # None: any location
    provider_id: int | None = None  # None: any provider
    appointment_start: datetime | None = None  # the visit to move earlier, if any
    excludes_short_notice: bool = False


def suits(
    wish: Wish,
    *,
    start_local: datetime,
    provider_id: int,
    location_id: int,
    now: datetime,
    short_notice_hours: int,
) -> bool:
    """Whether the freed time ``start_local`` (aware, in the practice's zone) suits ``wish``."""
    if start_local.tzinfo is None or now.tzinfo is None:
        raise ValueError("start_local and now must be aware datetimes")
    day = start_local.date()
    if not wish.earliest_day <= day <= wish.latest_day:
        return False
    if wish.weekdays and day.weekday() not in wish.weekdays:
        return False
    if wish.day_parts and day_part(start_local) not in wish.day_parts:
        return False
    if wish.location_id is not None and wish.location_id != location_id:
        return False
    if wish.provider_id is not None and wish.provider_id != provider_id:
        return False
    if wish.appointment_start is not None and start_local >= wish.appointment_start:
        return False
    if start_local <= now:
        return False
    return not (wish.excludes_short_notice and start_local - now < timedelta(hours=short_notice_hours))
