"""Front-desk reads for the live wait: a patient's two waits (until called in, until the provider is
with them) and how far behind the provider runs, and how far the estimates were off over past days. The
arithmetic is ``frontdesk.estimates``, ``frontdesk.wait_model`` and ``frontdesk.estimate_accuracy``
(pure); these functions read the rows they need, scoped by practice (and by the one appointment on
patient pages)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Max

from messaging.models import RunningLate
from practices.models import Practice, Provider
from scheduling.models import Appointment

from .. import estimates, wait_model
from ..estimate_accuracy import WINDOW, EstimateAccuracy, ProviderDay, replay, summarise
from ..estimates import FlowVisit, LateMark
from ..models import FlowStatus, Visit, WaitModelFit
from .flow import BOARD_APPOINTMENT_STATUSES, day_bounds, flow_status_of

ACCURACY_CACHE_SECONDS = 15 * 60

# Statuses in which the patient is still waiting to be called in, and then for the provider.
WAITING = (FlowStatus.SCHEDULED, FlowStatus.ARRIVED)
IN_ROOM = (FlowStatus.ROOMED,)


def flow_visit(appointment: Appointment) -> estimates.FlowVisit:
    """The appointment as the wait estimate sees it (its time, arrival, call-in, provider, booked end)."""
    visit = getattr(appointment, "visit", None)
    return estimates.FlowVisit(
        scheduled=appointment.start,
        arrived=visit.arrived_at if visit else None,
        called=visit.roomed_at if visit else None,
        ends=appointment.end,
        seen=visit.with_provider_at if visit else None,
        booked=appointment.created_at,
        left=(visit.checkout_at or visit.done_at) if visit else None,
    )


def provider_day_visits(*, appointment: Appointment) -> list[Appointment]:
    """The provider's appointments on the same practice day as ``appointment`` (for the lag)."""
    practice = appointment.practice
    start, end = day_bounds(practice, practice.local_date(appointment.start))
    return list(
        Appointment.objects.filter(
            practice=practice,
            provider_id=appointment.provider_id,
            start__gte=start,
            start__lt=end,
            status__in=BOARD_APPOINTMENT_STATUSES,
        ).select_related("visit")
    )


def wait_model_for(practice: Practice) -> wait_model.WaitModel:
    """The practice's fitted model, or the default while it has too little history (or none fitted)."""
    fit = WaitModelFit.objects.filter(practice=practice).only("params").first()
    if fit is None:
        return wait_model.DEFAULT
    try:
        return wait_model.WaitModel.from_json(fit.params)
    except (KeyError, TypeError, ValueError):
        return wait_model.DEFAULT  # fitted by an older version: the nightly refit replaces it


def _waits(
    appointment: Appointment,
    status: str,
    *,
    board: list[estimates.FlowVisit],
    now: datetime,
    mark: estimates.LateMark | None,
    model: wait_model.WaitModel,
    tz: ZoneInfo,
) -> wait_model.TwoWaits:
    """The two waits of a patient who is here (``board``: their provider's day as known at ``now``)."""
    own = flow_visit(appointment)
    local = appointment.start.astimezone(tz)
    reading = wait_model.read(
        board,
        own,
        now=now,
        mark=mark,
        provider=str(appointment.provider_id),
        weekday=local.weekday(),
        hour=local.hour,
    )
    return wait_model.predict(model, reading, already_called=status in IN_ROOM)


@dataclass(frozen=True)
class WaitEstimate:
    status: str
    provider_lag_minutes: int  # how far behind the provider runs now, rounded for people: 0, 5, 10, ...
    called_in: tuple[int, int] | None  # minutes from now, a range for people; None once called in
    with_provider: tuple[int, int] | None  # minutes from now; None once the provider is in (or not waiting)
    late_mark: RunningLate | None
    learned: bool  # from the practice's own days (not the default)

    @property
    def running_late(self) -> bool:
        return self.provider_lag_minutes >= 10


def lag_now(day: list[estimates.FlowVisit], *, now: datetime, mark: estimates.LateMark | None) -> float:
    """How far behind the provider runs at ``now``: the board's reading, or a mark still in force."""
    board = estimates.observed_provider_lag(day, now=now)
    return max(board, estimates.mark_in_force(day, mark, now=now, until=now))


def wait_estimate(
    *, appointment: Appointment, now: datetime, model: wait_model.WaitModel | None = None
) -> WaitEstimate:
    """The live estimates for the patient of ``appointment`` (caller has already scoped it to them)."""
    status = flow_status_of(appointment)
    practice = appointment.practice
    day = practice.local_date(appointment.start)
    rows: list[RunningLate] = []
    if day == practice.local_date(now):
        rows = list(
            RunningLate.objects.filter(
                practice=practice, provider_id=appointment.provider_id, day=day, marked_at__lte=now
            ).order_by("marked_at", "pk")
        )
    latest = rows[-1] if rows else None
    mark = estimates.LateMark(minutes=latest.minutes, marked_at=latest.marked_at) if latest else None
    board = estimates.as_known_at([flow_visit(a) for a in provider_day_visits(appointment=appointment)], now)
    lag = estimates.shown_minutes(lag_now(board, now=now, mark=mark))
    model = model or wait_model_for(practice)
    if status not in WAITING + IN_ROOM:
        return WaitEstimate(status, lag, None, None, latest, model.learned)
    waits = _waits(appointment, status, board=board, now=now, mark=mark, model=model, tz=ZoneInfo(practice.timezone))
    return WaitEstimate(
        status=status,
        provider_lag_minutes=lag,
        called_in=None if status in IN_ROOM else wait_model.shown_range(waits.called),
        with_provider=wait_model.shown_range(waits.seen),
        late_mark=latest,
        learned=model.learned,
    )


@dataclass(frozen=True)
class ProviderWaits:
    """The board's view of one provider now: how far behind, and each waiting patient's two ranges."""

    lag_minutes: int  # rounded for people: 0, 5, 10, ...
    called_in: dict[int, tuple[int, int]]  # appointment id -> minutes from now, for those not yet called in
    with_provider: dict[int, tuple[int, int]]  # appointment id -> minutes from now, for those not yet seen


def provider_waits(
    *,
    practice: Practice,
    appointments: list[Appointment],
    now: datetime,
    mark: RunningLate | None,
    model: wait_model.WaitModel,
) -> ProviderWaits:
    """Estimates for every waiting patient of one provider's day (``appointments``: all of that
    provider's visits today, with their visits joined; ``mark``: the provider's latest mark today)."""
    late = estimates.LateMark(minutes=mark.minutes, marked_at=mark.marked_at) if mark else None
    board = estimates.as_known_at([flow_visit(a) for a in appointments], now)
    tz = ZoneInfo(practice.timezone)
    called_in: dict[int, tuple[int, int]] = {}
    with_provider: dict[int, tuple[int, int]] = {}
    for appointment in appointments:
        status = flow_status_of(appointment)
        if status not in (FlowStatus.ARRIVED, *IN_ROOM):
            continue
        waits = _waits(appointment, status, board=board, now=now, mark=late, model=model, tz=tz)
        if status not in IN_ROOM:
            called_in[appointment.pk] = wait_model.shown_range(waits.called)
        with_provider[appointment.pk] = wait_model.shown_range(waits.seen)
    return ProviderWaits(
        lag_minutes=estimates.shown_minutes(lag_now(board, now=now, mark=late)),
        called_in=called_in,
        with_provider=with_provider,
    )


# --- how far to trust the estimate -----------------------------------------------------------------


def provider_days(
    *, practice: Practice, start: datetime, end: datetime, provider: Provider | None = None
) -> list[ProviderDay]:
    """The practice's provider-days with visits starting in [start, end) (one provider's if given), as
    the replay sees them: the appointments that were on the board that day (a cancelled one never was),
    with when each was booked, and the day's running-late marks."""
    appointments = Appointment.objects.filter(
        practice=practice, start__gte=start, start__lt=end, status__in=BOARD_APPOINTMENT_STATUSES
    )
    marks = RunningLate.objects.filter(practice=practice, marked_at__lt=end)
    if provider is not None:
        appointments = appointments.filter(provider=provider)
        marks = marks.filter(provider=provider)
    tz = ZoneInfo(practice.timezone)
    days: dict[tuple[int, date], list[FlowVisit]] = defaultdict(list)
    for provider_id, scheduled, ends, booked, arrived, called, seen, checkout, done in appointments.values_list(
        "provider_id",
        "start",
        "end",
        "created_at",
        "visit__arrived_at",
        "visit__roomed_at",
        "visit__with_provider_at",
        "visit__checkout_at",
        "visit__done_at",
    ).iterator(chunk_size=5_000):
        days[(provider_id, scheduled.astimezone(tz).date())].append(
            FlowVisit(
                scheduled=scheduled,
                arrived=arrived,
                called=called,
                ends=ends,
                seen=seen,
                booked=booked,
                left=checkout or done,
            )
        )
    marks_by_day: dict[tuple[int, date], list[LateMark]] = defaultdict(list)
    for provider_id, day, minutes, marked_at in marks.filter(day__gte=start.astimezone(tz).date()).values_list(
        "provider_id", "day", "minutes", "marked_at"
    ):
        marks_by_day[(provider_id, day)].append(LateMark(minutes=minutes, marked_at=marked_at))
    return [
        ProviderDay(
            provider=str(provider_id),
            day=day,
            visits=sorted(visits, key=lambda v: v.scheduled),
            marks=sorted(marks_by_day.get((provider_id, day), ()), key=lambda m: m.marked_at),
        )
        for (provider_id, day), visits in sorted(days.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


def estimate_errors(
    *, practice: Practice, start: datetime, end: datetime, provider: Provider | None = None
) -> EstimateAccuracy:
    """How far off both wait estimates were over the practice's visits starting in [start, end) (one
    provider's if given), each made with the model the practice would have had then (fitted on the
    weeks before; the history before ``start`` is read for it but not scored)."""
    # The replay reads and re-fits weeks of visits: kept for a while, and until any visit or booking in
    # those weeks changes (one cheap aggregate decides).
    read_from = start - WINDOW
    changed = Visit.objects.filter(
        practice=practice, appointment__start__gte=read_from, appointment__start__lt=end
    ).aggregate(n=Count("pk"), last=Max("updated_at"))
    raw = f"{start.isoformat()}|{end.isoformat()}|{provider.pk if provider else ''}|{changed['n']}|{changed['last']}"
    key = f"wait-accuracy:{practice.pk}:{hashlib.sha256(raw.encode()).hexdigest()[:24]}"
    cached = cache.get(key)
    if isinstance(cached, EstimateAccuracy):
        return cached
    history = provider_days(practice=practice, start=read_from, end=start, provider=provider)
    days = provider_days(practice=practice, start=start, end=end, provider=provider)
    accuracy = summarise(replay(days, tz=ZoneInfo(practice.timezone), history=history))
    cache.set(key, accuracy, ACCURACY_CACHE_SECONDS)
    return accuracy
