"""Quiet hours: when a reminder may reach a patient, in the patient's own time zone. No Django import.

Quiet hours are a wall-clock window in the patient's zone, e.g. 21:00-08:00 (overnight) or
00:00-06:00 (same day); a window whose start equals its end means "no quiet hours".

The rule for a reminder whose planned moment falls inside quiet hours (``send_time``):

1. It is deferred to the end of that quiet window (08:00 the next morning), provided the visit is
   still at least ``MIN_NOTICE`` after that moment.
2. Otherwise (the visit is early next morning, before or just after quiet hours end) it is brought
   forward to the last minute before that quiet window began (20:59 the evening before): a reminder
   a little early is better than one that wakes the patient or arrives after they have left.

The scheduler never sends a reminder whose adjusted moment lies before the booking was made (the
booking confirmation has just told the patient everything), see ``messaging/reminder_schedule.py``.

Daylight saving: windows are computed from wall-clock times on calendar days and converted with
``zoneinfo``, so a window spanning the spring-forward night is one hour shorter in real time and one
spanning the fall-back night one hour longer, and its end is always the real local 08:00. A window
edge that falls in a spring-forward gap (02:30 on that night) means the moment the clock jumps to;
an ambiguous edge on the fall-back night means its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Without a settings row (``MessagingSettings``), a practice's quiet hours are 21:00-08:00.
DEFAULT_QUIET_START = time(21)
DEFAULT_QUIET_END = time(8)
MIN_NOTICE = timedelta(minutes=30)
BEFORE_QUIET = timedelta(minutes=1)


def has_quiet_hours(start: time, end: time) -> bool:
    return start != end


def is_quiet(local: time, start: time, end: time) -> bool:
    """Whether the wall-clock time ``local`` lies in the window [start, end)."""
    if not has_quiet_hours(start, end):
        return False
    local = local.replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def wall_time_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``wall`` o'clock on ``day`` in ``tz``.

    A wall time skipped by a spring-forward change maps to the instant the clock jumps to (``fold=0``
    reads it with the offset in force before the change); an ambiguous one to its first occurrence.
    """
    local = datetime.combine(day, wall.replace(tzinfo=None), tzinfo=tz)
    return local.astimezone(UTC)


def quiet_window(moment: datetime, *, tz: ZoneInfo, start: time, end: time) -> tuple[datetime, datetime] | None:
    """The quiet window (start, end) as UTC instants that contains ``moment``, or None when it is not quiet."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    local = moment.astimezone(tz)
    if not is_quiet(local.time(), start, end):
        return None
    today = local.date()
    if start < end:
        first_day = last_day = today
    elif local.time() >= start:
        first_day, last_day = today, today + timedelta(days=1)
    else:
        first_day, last_day = today - timedelta(days=1), today
    return wall_time_instant(first_day, start, tz), wall_time_instant(last_day, end, tz)


def send_time(
    planned: datetime,
    *,
    tz: ZoneInfo,
    start: time,
    end: time,
    visit_start: datetime,
    min_notice: timedelta = MIN_NOTICE,
) -> datetime:
    """When a reminder planned for ``planned`` should reach the patient (see the module's rule)."""
    window = quiet_window(planned, tz=tz, start=start, end=end)
    if window is None:
        return planned
    window_start, window_end = window
    if window_end <= visit_start - min_notice:
        return window_end
    return window_start - BEFORE_QUIET


def zone_or(name: str | None, fallback: str) -> ZoneInfo:
    """``ZoneInfo(name)``, or the fallback zone when ``name`` is empty or not a known IANA zone."""
    if name:
        try:
            return ZoneInfo(name)
        except (ValueError, KeyError, OSError):
            # ZoneInfoNotFoundError is a KeyError; a malformed key raises ValueError.
            pass
    return ZoneInfo(fallback)
