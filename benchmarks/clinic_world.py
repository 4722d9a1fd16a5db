"""A second world: realistic dermatology clinic days, generated independently of the product, to score
wait estimates against dynamics the demo does not have.

Pure Python (stdlib only). Each provider-day is an event-driven simulation with exam rooms, a medical
assistant (MA) who rooms patients, and a provider who goes room to room:

* The schedule has a morning and an afternoon session with lunch between (times vary per provider),
  slots of 10/15/20/30 minutes by visit type, some open slots, some double-booked times.
* Patients arrive mostly early (about 78 %), some on time, about 10 % late, about 7 % never come.
  Walk-ins (put on the schedule the moment they walk in) and phoned-in add-ons (an hour or two
  ahead) are slotted into gaps or double-booked on an existing time.
* The MA rooms the patient whose appointment is earliest once they are checked in, a room is free
  and it is about their turn (a few minutes before their time, or earlier when the provider is
  idle); intake in the room (vitals, history) keeps the MA busy a few minutes.
* The provider, when free, sees the ready roomed patient with the earliest appointment; the time
  with the patient is lognormal around the visit type's length, with a tail of long visits. A
  room frees when the visit is done plus turnover. A late provider therefore shows up first as
  patients waiting in the exam rooms, then (rooms full) in the waiting room.
* Burst days (``late_day``): the provider starts 30-45 minutes late, or is pulled away mid-session
  (an emergency, a procedure running long) for 20-40 minutes. Lunch absorbs lag (the afternoon
  starts at the later of its time and the morning's end plus a short lunch), not always fully.
* The front desk marks "running N minutes late" (N a multiple of 5: their guess of the lag, with
  noise) when an on-time patient is 15+ minutes past their time without the provider; it marks
  again when the lag grows, and on some days forgets. Marks are never cleared.

Profiles: ``two_rooms`` (default), ``one_room_busy``, ``calm_big``; see ``_PROFILES``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The first Monday of a generated world (fixed, so a seed always gives the same days; 10 weeks from here
# cross the US switch to daylight saving time on 10 March 2030).
FIRST_MONDAY = date(2030, 2, 4)


@dataclass(frozen=True)
class WorldVisit:
    scheduled: datetime  # aware; appointment start
    ends: datetime  # booked end (start + booked length)
    booked: datetime  # when it went on the schedule
    kind: str  # "booked" | "walk_in" | "add_on"
    arrived: datetime | None  # None = no-show
    roomed: datetime | None  # called in from the waiting room to an exam room
    with_provider: datetime | None
    done: datetime | None


@dataclass(frozen=True)
class WorldMark:
    minutes: int  # "running N minutes late", 5..240
    marked_at: datetime


@dataclass(frozen=True)
class WorldDay:
    provider: str  # "p1", "p2", ...
    day: date
    rooms: int
    late_day: bool  # ground truth: this provider ran badly late this day
    visits: list[WorldVisit]  # sorted by scheduled
    marks: list[WorldMark]  # sorted by marked_at


# --- Visit types ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _VisitType:
    name: str
    minutes: int  # the usual booked length
    sigma: float  # lognormal spread of the time with the provider
    long_share: float  # visits that run long (a second problem, a biopsy added)


_TYPES: dict[str, _VisitType] = {
    "follow_up": _VisitType("follow_up", 10, 0.35, 0.05),
    "problem": _VisitType("problem", 15, 0.35, 0.08),
    "skin_check": _VisitType("skin_check", 20, 0.30, 0.06),
    "new_patient": _VisitType("new_patient", 30, 0.30, 0.08),
    "procedure": _VisitType("procedure", 30, 0.25, 0.12),
}


@dataclass(frozen=True)
class _Profile:
    rooms: tuple[tuple[int, float], ...]  # (rooms, weight) per provider
    type_weights: tuple[tuple[str, float], ...]
    booked_extra: dict[str, int]  # minutes added to a type's usual length when booking (generous slots)
    open_share: float  # slots left open
    double_book_share: float  # booked times that get a second (short) visit on top
    walk_ins: tuple[int, int]  # per day, inclusive
    add_ons: tuple[int, int]
    late_day_share: float
    late_prone_share: float  # the late-prone provider's share of burst days
    pace: tuple[float, float]  # provider's pace (time with patient / usual length), per provider
    fatigue_per_hour: float  # pace grows this much per hour into a session
    intake: tuple[float, float]  # MA minutes in the room before the provider can come in
    turnover: tuple[float, float]  # minutes a room stays taken after the visit (dressing, cleaning)
    call_lead: tuple[float, float]  # the MA calls a patient in this many minutes before their time
    forget_marks: float  # days on which the front desk never marks


_PROFILES: dict[str, _Profile] = {
    "two_rooms": _Profile(
        rooms=((2, 0.75), (3, 0.25)),
        type_weights=(
            ("follow_up", 0.22),
            ("problem", 0.30),
            ("skin_check", 0.25),
            ("new_patient", 0.12),
            ("procedure", 0.11),
        ),
        booked_extra={},
        open_share=0.10,
        double_book_share=0.04,
        walk_ins=(0, 3),
        add_ons=(1, 3),
        late_day_share=0.09,
        late_prone_share=0.35,
        pace=(0.7, 0.86),
        fatigue_per_hour=0.0,
        intake=(3.0, 6.0),
        turnover=(1.5, 4.0),
        call_lead=(5.0, 12.0),
        forget_marks=0.25,
    ),
    "one_room_busy": _Profile(
        rooms=((1, 1.0),),
        type_weights=(
            ("follow_up", 0.40),
            ("problem", 0.35),
            ("skin_check", 0.15),
            ("new_patient", 0.05),
            ("procedure", 0.05),
        ),
        booked_extra={},
        open_share=0.04,
        double_book_share=0.10,
        walk_ins=(1, 3),
        add_ons=(2, 4),
        late_day_share=0.10,
        late_prone_share=0.30,
        pace=(0.55, 0.67),
        fatigue_per_hour=0.06,
        intake=(1.5, 3.0),
        turnover=(1.0, 2.5),
        call_lead=(0.0, 5.0),
        forget_marks=0.35,
    ),
    "calm_big": _Profile(
        rooms=((3, 1.0),),
        type_weights=(
            ("follow_up", 0.15),
            ("problem", 0.30),
            ("skin_check", 0.30),
            ("new_patient", 0.15),
            ("procedure", 0.10),
        ),
        booked_extra={"follow_up": 5, "problem": 5, "skin_check": 10},
        open_share=0.15,
        double_book_share=0.0,
        walk_ins=(3, 6),
        add_ons=(0, 2),
        late_day_share=0.03,
        late_prone_share=0.10,
        pace=(0.72, 0.88),
        fatigue_per_hour=0.0,
        intake=(3.0, 7.0),
        turnover=(2.0, 5.0),
        call_lead=(5.0, 15.0),
        forget_marks=0.15,
    ),
}
PROFILES: tuple[str, ...] = tuple(_PROFILES)

LATE_PRONE_PROVIDER = 2  # "p2" runs late more often than the others (the first, if there is only one)

# Arrival behaviour of booked patients (walk-ins are here by definition; add-ons come like others).
NO_SHOW = 0.08
NO_SHOW_ADD_ON = 0.03
LATE = 0.11  # 5-25 minutes after their time
ON_TIME = 0.06  # within two minutes of it


@dataclass(frozen=True)
class _Provider:
    id: str
    am: tuple[float, float]  # session start and end, minutes after local midnight
    pm: tuple[float, float]
    rooms: int
    pace: float
    late_prone: bool


@dataclass
class _Patient:
    order: int
    scheduled: float
    length: int  # booked minutes
    kind: str
    type: _VisitType
    booked: float  # minutes after the day's local midnight (negative: days before)
    arrived: float | None
    session: int  # 0 morning, 1 afternoon
    checked_in: float = math.inf  # at the desk: ready to be roomed
    roomed: float | None = None
    room: int = -1
    ready: float = math.inf  # intake done: the provider may come in
    with_provider: float | None = None
    done: float | None = None


@dataclass
class _Burst:
    late_start: float = 0.0  # extra minutes late in the morning
    away_at: float = math.inf  # pulled away when next free after this time
    away_minutes: float = 0.0
    long_at: float = math.inf  # the first visit started after this runs long by long_minutes
    long_minutes: float = 0.0


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p for p, _w in pairs], [w for _p, w in pairs])[0]


def _providers(rng: random.Random, profile: _Profile, count: int) -> list[_Provider]:
    result = []
    prone = LATE_PRONE_PROVIDER if count >= LATE_PRONE_PROVIDER else 1
    for n in range(1, count + 1):
        am_start = rng.choice((7 * 60 + 30, 8 * 60, 8 * 60, 8 * 60 + 30))
        am_end = am_start + rng.choice((210, 240, 240))
        pm_start = am_end + rng.choice((45, 60, 60, 75))
        pm_end = pm_start + rng.choice((210, 240, 240))
        rooms = int(_weighted(rng, tuple((str(r), w) for r, w in profile.rooms)))
        result.append(
            _Provider(
                id=f"p{n}",
                am=(am_start, am_end),
                pm=(pm_start, pm_end),
                rooms=rooms,
                pace=rng.uniform(*profile.pace),
                late_prone=n == prone,
            )
        )
    return result


# --- The schedule ----------------------------------------------------------------------------------


def _length(profile: _Profile, visit_type: _VisitType) -> int:
    return visit_type.minutes + profile.booked_extra.get(visit_type.name, 0)


def _booked_ahead(rng: random.Random) -> float:
    """When a normal booking was made: days before (1..120), during office hours, as minutes before midnight."""
    days = min(120, 1 + int(rng.lognormvariate(2.2, 0.9)))
    return -days * 1440 + rng.uniform(8 * 60, 17 * 60)


def _arrival(rng: random.Random, scheduled: float, no_show: float) -> float | None:
    u = rng.random()
    if u < no_show:
        return None
    u -= no_show
    if u < LATE:
        return scheduled + rng.uniform(5, 25)
    u -= LATE
    if u < ON_TIME:
        return scheduled + rng.uniform(-2, 2)
    if rng.random() < 0.85:
        return scheduled - rng.triangular(3, 22, 10)
    return scheduled - rng.uniform(20, 45)


def _schedule(rng: random.Random, profile: _Profile, provider: _Provider, double_booking: bool) -> list[_Patient]:
    patients: list[_Patient] = []
    types = profile.type_weights
    short = (("follow_up", 0.6), ("problem", 0.4))
    for session, (start, end) in enumerate((provider.am, provider.pm)):
        t = start
        while t < end:
            if rng.random() < profile.open_share:
                t += 15
                continue
            visit_type = _TYPES[_weighted(rng, types)]
            length = _length(profile, visit_type)
            if t + length > end:
                visit_type = _TYPES["follow_up"]
                length = _length(profile, visit_type)
                if t + length > end:
                    break
            patients.append(_new(rng, len(patients), t, length, "booked", visit_type, _booked_ahead(rng), session))
            if double_booking and rng.random() < profile.double_book_share:
                extra = _TYPES[_weighted(rng, short)]
                patients.append(
                    _new(rng, len(patients), t, _length(profile, extra), "booked", extra, _booked_ahead(rng), session)
                )
            t += length
    return patients


def _new(
    rng: random.Random,
    order: int,
    scheduled: float,
    length: int,
    kind: str,
    visit_type: _VisitType,
    booked: float,
    session: int,
    arrived: float | None = None,
) -> _Patient:
    if kind != "walk_in":
        arrived = _arrival(rng, scheduled, NO_SHOW_ADD_ON if kind == "add_on" else NO_SHOW)
    return _Patient(
        order=order,
        scheduled=scheduled,
        length=length,
        kind=kind,
        type=visit_type,
        booked=booked,
        arrived=arrived,
        session=session,
    )


def _free_time(patients: list[_Patient], provider: _Provider, after: float, length: int) -> tuple[float, int] | None:
    """The first time on the 5-minute grid at or after ``after`` where ``length`` minutes are unbooked, within
    the same session and the next hour; with its session."""
    for session, (start, end) in enumerate((provider.am, provider.pm)):
        t = max(start, math.ceil(after / 5) * 5)
        while t + length <= end and t <= after + 60:
            if all(p.scheduled + p.length <= t or p.scheduled >= t + length for p in patients):
                return t, session
            t += 5
    return None


def _booked_start(patients: list[_Patient], provider: _Provider, after: float) -> tuple[float, int] | None:
    """The first booked time at or after ``after``: where a double-booking goes."""
    later = [p for p in patients if p.scheduled >= after and p.kind == "booked"]
    if not later:
        return None
    first = min(later, key=lambda p: p.scheduled)
    return first.scheduled, first.session


def _add_same_day(
    rng: random.Random, profile: _Profile, provider: _Provider, patients: list[_Patient], double_booking: bool
) -> None:
    short = (("problem", 0.7), ("follow_up", 0.3))
    sessions = (provider.am, provider.pm)
    for _ in range(rng.randint(*profile.walk_ins)):
        start, end = sessions[rng.randrange(2)]
        arrived = rng.uniform(start - 10, end - 40)
        visit_type = _TYPES[_weighted(rng, short)]
        length = _length(profile, visit_type)
        slot = _free_time(patients, provider, arrived + 5, length)
        if slot is None and double_booking:
            slot = _booked_start(patients, provider, arrived + 5)
        if slot is None:
            continue  # sent away: nothing left today
        patients.append(_new(rng, len(patients), slot[0], length, "walk_in", visit_type, arrived, slot[1], arrived))
    for _ in range(rng.randint(*profile.add_ons)):
        start, end = sessions[rng.randrange(2)]
        wanted = rng.uniform(start + 30, end - 20)
        visit_type = _TYPES[_weighted(rng, short)]
        length = _length(profile, visit_type)
        slot = _free_time(patients, provider, wanted, length)
        if slot is None and double_booking:
            slot = _booked_start(patients, provider, wanted)
        if slot is None:
            continue
        booked = max(slot[0] - rng.uniform(60, 150), provider.am[0] - 60)
        patients.append(_new(rng, len(patients), slot[0], length, "add_on", visit_type, booked, slot[1]))


# --- The day -------------------------------------------------------------------------------------


def _burst(rng: random.Random, provider: _Provider, late: bool) -> _Burst:
    if not late:
        return _Burst()
    burst = _Burst()
    u = rng.random()
    if u < 0.45 or u >= 0.9:
        burst.late_start = rng.uniform(30, 45)
    if u >= 0.45:
        start, end = provider.am if rng.random() < 0.6 else provider.pm
        at = rng.uniform(start + 30, end - 60)
        if rng.random() < 0.5:
            burst.away_at, burst.away_minutes = at, rng.uniform(20, 40)
        else:
            burst.long_at, burst.long_minutes = at, rng.uniform(20, 40)
    return burst


def _simulate(rng: random.Random, profile: _Profile, provider: _Provider, patients: list[_Patient], burst: _Burst):
    """Run the day: fills roomed, with_provider and done of every patient who came."""
    am_start, am_end = provider.am
    pm_start, _pm_end = provider.pm
    for p in patients:
        if p.arrived is not None:
            p.checked_in = p.arrived + rng.uniform(0.5, 2.5)  # at the desk
    came = [p for p in patients if p.arrived is not None]
    came.sort(key=lambda p: (p.scheduled, p.order))
    ma_session_start = (am_start - 10, pm_start - 10)
    lead = rng.uniform(*profile.call_lead)

    normal_start = min(10.0, max(0.0, rng.gauss(1.5, 3)))
    provider_free = am_start + normal_start + burst.late_start
    ma_free = am_start - 15
    rooms = [-math.inf] * provider.rooms
    lunch_taken = False
    waiting: list[_Patient] = []  # checked in, not roomed
    in_rooms: list[_Patient] = []  # roomed, not yet seen
    to_come = sorted(came, key=lambda p: p.checked_in)
    t = min([am_start - 15] + [p.checked_in for p in to_come])

    while to_come or waiting or in_rooms:
        while to_come and to_come[0].checked_in <= t:
            waiting.append(to_come.pop(0))
        waiting.sort(key=lambda p: (p.scheduled, p.order))
        # The MA rooms the earliest-booked patient here when a room is free and it is about their turn.
        while waiting and ma_free <= t:
            p = waiting[0]
            free_rooms = [r for r, free in enumerate(rooms) if free <= t]
            if not free_rooms or t < ma_session_start[p.session]:
                break
            provider_idle = not in_rooms and provider_free <= t + 5
            if not (p.scheduled - t <= lead or (provider_idle and p.scheduled - t <= 30)):
                break
            waiting.pop(0)
            p.roomed = t
            p.room = free_rooms[0]
            rooms[p.room] = math.inf
            p.ready = t + rng.uniform(*profile.intake)
            ma_free = p.ready - rng.uniform(0.5, 1.5)  # the last minute of intake overlaps calling the next
            in_rooms.append(p)
        # Lunch once the morning's patients are all seen (a late morning eats into it).
        if not lunch_taken and provider_free <= t:
            morning_left = any(p.session == 0 for p in to_come + waiting + in_rooms)
            if not morning_left and t >= am_end - 30:
                lunch_taken = True
                last_morning = max((p.done for p in came if p.session == 0 and p.done is not None), default=t)
                provider_free = max(last_morning + rng.uniform(15, 30), pm_start + min(10.0, max(0.0, rng.gauss(2, 3))))
        # The provider, when free, goes to the ready roomed patient booked earliest.
        if provider_free <= t:
            ready = [p for p in in_rooms if p.ready <= t and (lunch_taken or p.session == 0)]
            if ready:
                if t >= burst.away_at:
                    burst.away_at = math.inf
                    provider_free = t + burst.away_minutes
                else:
                    p = min(ready, key=lambda q: (q.scheduled, q.order))
                    in_rooms.remove(p)
                    p.with_provider = t + rng.uniform(0.2, 1.0)
                    lag = p.with_provider - p.scheduled
                    session_start = provider.pm[0] if p.session else am_start
                    pace = provider.pace * (1 + profile.fatigue_per_hour * max(0.0, t - session_start) / 60)
                    if lag > 15:
                        pace *= 0.92  # hurrying
                    sigma = p.type.sigma
                    minutes = p.type.minutes * pace * rng.lognormvariate(-(sigma**2) / 2, sigma)
                    if rng.random() < p.type.long_share:
                        minutes *= rng.uniform(1.5, 2.2)
                    if p.with_provider >= burst.long_at:
                        burst.long_at = math.inf
                        minutes += burst.long_minutes
                    p.done = p.with_provider + max(3.0, minutes)
                    provider_free = p.done + rng.uniform(0.5, 2.5)  # notes, hand-washing
                    rooms[p.room] = p.done + rng.uniform(*profile.turnover)  # dressing, turnover
        # Next moment something can happen.
        candidates = [provider_free, ma_free, *rooms]
        if to_come:
            candidates.append(to_come[0].checked_in)
        candidates.extend(p.ready for p in in_rooms)
        if waiting:
            candidates.extend((waiting[0].scheduled - lead, waiting[0].scheduled - 30, ma_session_start[1]))
            candidates.append(ma_session_start[waiting[0].session])
        later = [c for c in candidates if t < c < math.inf]
        if not later:
            if waiting or in_rooms or to_come:
                raise AssertionError("clinic world: the day is stuck")  # cannot happen
            break
        t = min(later)


def _marks(
    rng: random.Random, profile: _Profile, provider: _Provider, patients: list[_Patient]
) -> list[tuple[int, float]]:
    """The front desk's running-late marks: (minutes, when), from the day as it ran."""
    if rng.random() < profile.forget_marks:
        return []
    bias = rng.uniform(0.75, 1.3)  # this desk's habit: under- or over-estimating
    marks: list[tuple[int, float]] = []
    last_by_session: dict[int, int] = {}
    t = provider.am[0] + rng.uniform(0, 10)
    end = provider.pm[1] + 90
    punctual = [p for p in patients if p.arrived is not None and p.arrived <= p.scheduled + 5]
    while t < end:
        t = round(t * 60) / 60  # marks are kept to the second: compare as they will be written
        overdue = [
            t - p.scheduled
            for p in punctual
            if p.arrived is not None
            and round(p.arrived * 60) <= round(t * 60)
            and (p.with_provider is None or round(p.with_provider * 60) > round(t * 60))
            and t - p.scheduled >= 15
        ]
        if overdue and rng.random() < 0.85:
            session = 0 if t < provider.am[1] + 30 else 1
            guess = max(overdue) * bias + rng.gauss(0, 4)
            minutes = min(240, max(5, 5 * round(guess / 5)))
            last = last_by_session.get(session)
            if last is None or minutes >= last + 10:
                marks.append((minutes, t))
                last_by_session[session] = minutes
        t += rng.uniform(4, 12)
    return marks


def generate(
    *,
    seed: int,
    weeks: int = 10,
    providers: int = 5,
    profile: str = "two_rooms",
    tz: str = "America/Chicago",
    double_booking: bool = True,
    first_monday: date = FIRST_MONDAY,
) -> list[WorldDay]:
    """Clinic days of ``providers`` providers on the weekdays of ``weeks`` weeks, sorted by (day, provider).

    Deterministic for (seed, profile, ...). ``double_booking=False`` slots walk-ins and add-ons only into
    gaps and books no visit on top of another (the product refuses overlapping appointments on PostgreSQL).
    """
    if profile not in _PROFILES:
        raise ValueError(f"unknown profile {profile!r}; one of {', '.join(PROFILES)}")
    settings = _PROFILES[profile]
    zone = ZoneInfo(tz)
    rng = random.Random(f"clinic-world:{seed}:{profile}")
    staff = _providers(rng, settings, providers)
    days: list[WorldDay] = []
    for week in range(weeks):
        for weekday in range(5):
            day = first_monday + timedelta(days=7 * week + weekday)
            midnight = datetime.combine(day, time(0), tzinfo=zone)

            def at(minutes: float, midnight: datetime = midnight) -> datetime:
                return midnight + timedelta(seconds=round(minutes * 60))

            for provider in staff:
                late = rng.random() < (settings.late_prone_share if provider.late_prone else settings.late_day_share)
                patients = _schedule(rng, settings, provider, double_booking)
                _add_same_day(rng, settings, provider, patients, double_booking)
                _simulate(rng, settings, provider, patients, _burst(rng, provider, late))
                marks = _marks(rng, settings, provider, patients)
                patients.sort(key=lambda p: (p.scheduled, p.order))
                visits = [
                    WorldVisit(
                        scheduled=at(p.scheduled),
                        ends=at(p.scheduled + p.length),
                        booked=at(p.booked),
                        kind=p.kind,
                        arrived=None if p.arrived is None else at(p.arrived),
                        roomed=None if p.roomed is None else at(p.roomed),
                        with_provider=None if p.with_provider is None else at(p.with_provider),
                        done=None if p.done is None else at(p.done),
                    )
                    for p in patients
                ]
                days.append(
                    WorldDay(
                        provider=provider.id,
                        day=day,
                        rooms=provider.rooms,
                        late_day=late,
                        visits=visits,
                        marks=[WorldMark(minutes=m, marked_at=at(t)) for m, t in marks],
                    )
                )
    days.sort(key=lambda d: (d.day, int(d.provider[1:])))
    return days


# --- A summary, for reports: python -m benchmarks.clinic_world [seed] ---------------------------------


def describe(days: list[WorldDay]) -> dict[str, float]:
    """Shares and medians of a world: what the module docstring promises, measured."""

    def minutes(a: datetime, b: datetime) -> float:
        return (b - a).total_seconds() / 60

    def median(values: list[float]) -> float:
        values = sorted(values)
        if not values:
            return math.nan
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2

    visits = [v for d in days for v in d.visits]
    seen = [v for v in visits if v.arrived is not None and v.roomed and v.with_provider and v.done]
    late_days = [d for d in days if d.late_day]
    n = max(1, len(visits))
    return {
        "days": len(days),
        "visits_per_day": len(visits) / max(1, len(days)),
        "early": sum(1 for v in visits if v.arrived and minutes(v.arrived, v.scheduled) >= 3) / n,
        "late": sum(1 for v in visits if v.arrived and minutes(v.scheduled, v.arrived) >= 5) / n,
        "no_show": sum(1 for v in visits if v.arrived is None) / n,
        "walk_ins_per_day": sum(1 for v in visits if v.kind == "walk_in") / max(1, len(days)),
        "add_ons_per_day": sum(1 for v in visits if v.kind == "add_on") / max(1, len(days)),
        "late_days": len(late_days) / max(1, len(days)),
        "marks_per_late_day": sum(len(d.marks) for d in late_days) / max(1, len(late_days)),
        "marks_per_other_day": sum(len(d.marks) for d in days if not d.late_day) / max(1, len(days) - len(late_days)),
        "days_with_marks": sum(1 for d in days if d.marks) / max(1, len(days)),
        "median_arrived_to_roomed": median([minutes(v.arrived, v.roomed) for v in seen if v.arrived and v.roomed]),
        "median_roomed_to_provider": median(
            [minutes(v.roomed, v.with_provider) for v in seen if v.roomed and v.with_provider]
        ),
        "median_scheduled_to_provider": median(
            [minutes(v.scheduled, v.with_provider) for v in seen if v.with_provider]
        ),
        "median_arrived_to_provider": median(
            [minutes(v.arrived, v.with_provider) for v in seen if v.arrived and v.with_provider]
        ),
    }


if __name__ == "__main__":
    import sys
    import time as clock

    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    for name in PROFILES:
        began = clock.perf_counter()
        world = generate(seed=seed, profile=name)
        took = clock.perf_counter() - began
        summary = ", ".join(f"{key} {value:.3g}" for key, value in describe(world).items())
        print(f"{name} ({took:.2f} s): {summary}")
