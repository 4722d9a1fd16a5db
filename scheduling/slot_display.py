"""How open times are shown to people: on the practice's clock, as choices in a form, by part of the day.

Shared by the patient's booking and manage pages and the front desk's picker. Pure: no database and
no request. The callers look up the providers and locations and pass them in by id.

A patient's page offers one choice per start time (the first free provider in the engine's order);
its form value is ``"<provider id>:<location id>:<epoch seconds>"`` (``slot_value`` / ``parse_slot``).
The front desk sees every free provider at each time, with the value its own form reads
(``scheduling.forms.front_desk.slot_value``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, NamedTuple, TypedDict
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .engine import Slot

if TYPE_CHECKING:
    from practices.models import Location, Practice, Provider


def practice_tz(practice: Practice) -> ZoneInfo:
    """The practice's time zone: every date and time a page shows is in it."""
    return ZoneInfo(practice.timezone)


def practice_today(practice: Practice, now: datetime) -> date:
    """The practice's local date at the aware moment ``now``."""
    return now.astimezone(practice_tz(practice)).date()


def parse_day(value: str | None) -> date | None:
    """A day as the pages send it (``YYYY-MM-DD``; anything after the tenth character is ignored)."""
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


# --- the value of a time in a patient's form ---------------------------------------------------


class ChosenSlot(NamedTuple):
    """A patient's form value read back: who, where and when (not yet checked against the practice)."""

    provider_id: int
    location_id: int
    start: datetime  # aware UTC


def slot_value(provider_id: int, location_id: int, start: datetime) -> str:
    return f"{provider_id}:{location_id}:{int(start.timestamp())}"


def parse_slot(value: str | None) -> ChosenSlot | None:
    """``slot_value`` back to its parts, or None for anything else."""
    try:
        provider_id, location_id, epoch = (int(part) for part in (value or "").split(":"))
        return ChosenSlot(provider_id, location_id, datetime.fromtimestamp(epoch, tz=UTC))
    except (ValueError, OverflowError, OSError):
        return None


# --- times as choices ---------------------------------------------------------------------------


class TimeChoice(TypedDict):
    """One time a page offers: its form value, when, and with whom where (a dict: templates and the
    front desk's tests read it by key)."""

    value: str
    start: datetime  # aware
    provider: Provider | None  # None only on the front desk's pages, for a provider not found by id
    location: Location | None


def _patient_value(slot: Slot) -> str:
    return slot_value(slot.provider_id, slot.location_id, slot.start)


def time_choices(
    slots: Iterable[Slot],
    *,
    providers_by_id: Mapping[int, Provider],
    locations_by_id: Mapping[int, Location],
) -> list[TimeChoice]:
    """A patient's choices: one per start time (the first provider in the engine's order when several
    are free), only with the providers and locations given."""
    seen: set[datetime] = set()
    choices = []
    for slot in sorted(slots, key=lambda s: (s.start, s.provider_id, s.location_id)):
        if slot.start in seen or slot.provider_id not in providers_by_id or slot.location_id not in locations_by_id:
            continue
        seen.add(slot.start)
        choices.append(
            TimeChoice(
                value=_patient_value(slot),
                start=slot.start,
                provider=providers_by_id[slot.provider_id],
                location=locations_by_id[slot.location_id],
            )
        )
    return choices


def every_time(
    slots: Iterable[Slot],
    *,
    providers_by_id: Mapping[int, Provider],
    locations_by_id: Mapping[int, Location],
    value: Callable[[Slot], str],
) -> list[TimeChoice]:
    """The front desk's choices: every slot in the order given, each with its provider and location."""
    return [
        TimeChoice(
            value=value(slot),
            start=slot.start,
            provider=providers_by_id.get(slot.provider_id),
            location=locations_by_id.get(slot.location_id),
        )
        for slot in slots
    ]


def group_by_day_part(choices: Iterable[TimeChoice], tz: ZoneInfo) -> list[tuple[str, list[TimeChoice]]]:
    """Morning (before 12:00), afternoon (before 17:00) and evening, leaving out an empty part."""
    groups: dict[str, list[TimeChoice]] = {_("Morning"): [], _("Afternoon"): [], _("Evening"): []}
    names = list(groups)
    for choice in choices:
        hour = choice["start"].astimezone(tz).hour
        groups[names[0] if hour < 12 else names[1] if hour < 17 else names[2]].append(choice)
    return [(name, items) for name, items in groups.items() if items]
