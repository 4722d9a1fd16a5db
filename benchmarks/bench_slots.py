"""slots_*: the pure slot engine on synthetic data shaped like the large demo, no database.

20 providers at 3 locations, Mon-Fri 08:00-12:00 and 13:00-17:00, a few days and afternoons off, about
80% of the next 90 days booked with 15-30 minute visits and their buffers, America/Chicago.

slots_provider_30d_*: ``open_slots`` for one provider over the next 30 days; slots_first_available_*:
``first_available`` across all 20 providers over 90 days, limit 1. Each repetition builds fresh
``ProviderSchedule`` objects (as a web request does) and picks another ``now`` on the first day, so no
cache carries work over from one repetition to the next.
"""

import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.engine import (
    Busy,
    DayException,
    ProviderSchedule,
    Slot,
    VisitRule,
    WeeklyRange,
    first_available,
    open_slots,
)

from .demo_db import log, percentile

ORDER = 50
SEED = 1
TZ = "America/Chicago"
PROVIDERS = 20
LOCATIONS = 3
HORIZON_DAYS = 90
BOOKED_SHARE = 0.8
TODAY = date(2026, 9, 14)  # a Monday, with the November DST change inside the horizon
RULE = VisitRule(duration=30, buffer_before=5, buffer_after=5, min_notice=60, max_days_ahead=HORIZON_DAYS, step=15)


def _provider_data(provider_id: int, rng: random.Random) -> dict:
    """The fields of one provider's ProviderSchedule, with busy times as UTC datetimes sorted by start."""
    zone = ZoneInfo(TZ)
    home = provider_id % LOCATIONS + 1
    weekly = []
    for weekday in range(5):
        # Most providers work at one location; some spend one weekday at another.
        location = home if weekday != provider_id % 5 or provider_id % 2 else home % LOCATIONS + 1
        weekly.append(WeeklyRange(location_id=location, weekday=weekday, start_minute=8 * 60, end_minute=12 * 60))
        weekly.append(WeeklyRange(location_id=location, weekday=weekday, start_minute=13 * 60, end_minute=17 * 60))

    exceptions = []
    for _ in range(2):  # two whole days off
        day = TODAY + timedelta(days=rng.randrange(HORIZON_DAYS))
        exceptions.append(DayException(day=day, start_minute=0, end_minute=24 * 60, kind="off"))
    afternoon = TODAY + timedelta(days=rng.randrange(HORIZON_DAYS))
    exceptions.append(DayException(day=afternoon, start_minute=13 * 60, end_minute=17 * 60, kind="off"))
    exceptions.sort(key=lambda x: (x.day, x.start_minute))

    busy = []
    for offset in range(HORIZON_DAYS + 1):
        day = TODAY + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for start_hour, end_hour in ((8, 12), (13, 17)):
            cursor = datetime(day.year, day.month, day.day, start_hour, tzinfo=zone)
            closing = cursor.replace(hour=end_hour)
            while cursor < closing:
                before, length, after = rng.choice((0, 5)), rng.choice((15, 20, 30)), rng.choice((0, 5, 10))
                visit = timedelta(minutes=before + length + after)
                if rng.random() < BOOKED_SHARE:
                    busy.append(Busy(start=cursor.astimezone(UTC), end=(cursor + visit).astimezone(UTC)))
                cursor += visit
    return {
        "provider_id": provider_id,
        "timezone": TZ,
        "weekly": tuple(weekly),
        "exceptions": tuple(exceptions),
        "busy": tuple(busy),
    }


def run(quick: bool) -> list[tuple[str, float, str]]:
    repeats = 50 if quick else 200
    rng = random.Random(SEED)
    providers = [_provider_data(pid, rng) for pid in range(1, PROVIDERS + 1)]
    total_busy = sum(len(p["busy"]) for p in providers)
    log(f"  slots: {PROVIDERS} providers, {total_busy} busy intervals over {HORIZON_DAYS} days, {repeats} repeats")

    zone = ZoneInfo(TZ)
    morning = datetime(TODAY.year, TODAY.month, TODAY.day, 7, 0, tzinfo=zone)
    one_provider, everyone = [], []
    found: list[Slot] = []
    for attempt in range(repeats + 3):  # the first three runs warm up and are not counted
        # From before opening to after closing, so some searches have to look past today.
        now = (morning + timedelta(minutes=rng.randrange(12 * 60), seconds=rng.randrange(60))).astimezone(UTC)
        today = now.astimezone(zone).date()

        schedule = ProviderSchedule(**providers[attempt % PROVIDERS])
        started = time.perf_counter()
        slots = open_slots(schedule, RULE, now=now, first_day=today, last_day=today + timedelta(days=29))
        provider_elapsed = time.perf_counter() - started

        schedules = [ProviderSchedule(**p) for p in providers]
        started = time.perf_counter()
        found = first_available(schedules, RULE, now=now, first_day=today, last_day=today + timedelta(days=89))
        everyone_elapsed = time.perf_counter() - started

        assert slots and found, "the synthetic schedules offered nothing"
        if attempt >= 3:
            one_provider.append(provider_elapsed * 1000)
            everyone.append(everyone_elapsed * 1000)
    log(f"  slots: one provider offers {len(slots)} slots in 30 days; first available {found[0].start:%Y-%m-%d %H:%M}Z")
    return [
        ("slots_provider_30d_p95", round(percentile(one_provider, 0.95), 3), "ms"),
        ("slots_provider_30d_p50", round(statistics.median(one_provider), 3), "ms"),
        ("slots_first_available_p95", round(percentile(everyone, 0.95), 3), "ms"),
        ("slots_first_available_p50", round(statistics.median(everyone), 3), "ms"),
    ]
