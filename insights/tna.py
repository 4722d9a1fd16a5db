"""Time to third next available appointment (IHI), as a pure function of the open slots.

The Institute for Healthcare Improvement's definition: the number of calendar days between the day
of measurement and the third next available appointment of the given type. Today counts as 0; the
third open appointment is used (not the first) because the first two are often chance openings left
by cancellations. Days are calendar days in the practice's time zone, so weekends and holidays count
like any other day, and a 23- or 25-hour day on a clock change is still one day.

"Available appointments" are appointments that could all be booked together. The slot engine offers
candidate starts every 15 minutes, so for a 30-minute visit it shows 09:00, 09:15 and 09:30 for one
free hour: three choices, but only two appointments. ``bookable_starts`` keeps, per provider, the
earliest slot and then each next slot that still fits after the ones kept (its start, less the
visit's buffers, is not before the kept visit's end plus buffers). Several slots on one day count
separately; slots of different providers count separately.

No Django here: plain aware datetimes in, a number of days out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

NTH = 3


@dataclass(frozen=True)
class OpenSlot:
    start: datetime  # aware
    end: datetime  # aware
    resource: Hashable  # the provider: slots of one provider can exclude each other


def bookable_starts(slots: Iterable[OpenSlot], *, gap: timedelta = timedelta(0)) -> list[datetime]:
    """The starts (in UTC) of the appointments that could be booked together, earliest first.

    ``gap`` is the time that must separate two appointments of one provider (the visit type's buffer
    after plus its buffer before).
    """
    kept: list[datetime] = []
    free_from: dict[Hashable, datetime] = {}
    # In UTC: Python compares and subtracts two datetimes of one zone by wall clock, not real time.
    for start, end, resource in sorted((s.start.astimezone(UTC), s.end.astimezone(UTC), s.resource) for s in slots):
        earliest = free_from.get(resource)
        if earliest is not None and start < earliest:
            continue
        kept.append(start)
        free_from[resource] = end + gap
    return kept


def days_to_nth(starts: Sequence[datetime], *, now: datetime, zone: str | ZoneInfo, nth: int = NTH) -> int | None:
    """Calendar days (practice-local) from ``now``'s day to the ``nth`` open appointment.

    ``starts`` are the open appointment starts (any order); those already begun are not available.
    None when fewer than ``nth`` remain (none within the booking horizon).
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    now = now.astimezone(UTC)
    upcoming = sorted(u for u in (s.astimezone(UTC) for s in starts) if u >= now)
    if len(upcoming) < nth:
        return None
    today = now.astimezone(tz).date()
    return (upcoming[nth - 1].astimezone(tz).date() - today).days


def third_next_available(
    slots: Iterable[OpenSlot], *, now: datetime, zone: str | ZoneInfo, gap: timedelta = timedelta(0)
) -> int | None:
    """IHI third next available, in days, from the slot engine's open slots."""
    return days_to_nth(bookable_starts(slots, gap=gap), now=now, zone=zone, nth=NTH)
