"""The patient's two waits, learned from the practice's own days: when they'll be called in, and when
the provider will be with them, each as a range (an 80 % range and a middle figure).

Pure (numpy, no Django). ``frontdesk.estimates`` reads the flow board at the moment of the estimate;
here those readings become a handful of candidate waits in minutes from now:

* ``naive``: until the appointment time (what a patient assumes);
* ``rooming``: until the appointment time plus the rooming lag (how late patients are being called in);
* ``provider``: until the appointment time plus the provider's lag (the board, or a running-late mark
  still in force, whichever is larger), less open time in the schedule before the appointment;
* ``board``: the same from the board alone, without the mark (so the model can weigh the mark);
* ``typical``: until the appointment time plus how late this provider usually runs on this weekday
  and hour (learned from the practice's days, shrunk towards the provider's and the practice's usual);
* ``waiting``: patients here, not yet called in, who are due first (the queue for a room);
* ``rooms``: patients in an exam room now;
* ``full``: when as many patients are in rooms as this provider usually has rooms in use, the minutes
  until the first room is expected to free (full rooms hold the next patient in the waiting room);
* ``late``: how late the patient came (a late patient is fitted in around the others).

For each question a linear quantile regression of the real wait on those candidates gives a low, a
middle (median) and a high figure (an 80 % range, see ``QUANTILES``), fitted on the practice's past
visits, each read at the moment the patient arrived; a third fit, read at the moment patients were
called in, answers "when will the provider come in" for a patient already in a room. So a clinic with
two exam rooms learns that early patients are roomed at once and a running provider shows in the exam
room; a clinic whose front desk marks "running late" generously learns how
much a mark is worth. With too little history (``MIN_ROWS``), ``DEFAULT`` stands in: rooming follows the
rooming lag, the provider follows the provider lag, with wide ranges.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from . import estimates
from .estimates import FlowVisit, LateMark

# The stated range is an 80 % range. Fitted in-sample at the 10th and 90th percentiles, it held the truth
# on about 76 % of later weeks' visits (the future is never quite the past); the 8th to 92nd held about
# 80 % on both the demo and the generated clinics, so those are the quantiles fitted.
QUANTILES = (0.08, 0.5, 0.92)
CANDIDATES = ("intercept", "naive", "rooming", "provider", "board", "typical", "waiting", "rooms", "full", "late")
MIN_ROWS = 120  # scored visits needed before the practice's own model is used at all
TRUST_ROWS = 1000  # under this many, its coefficients are pulled towards the default's in proportion
SHRINK = 8.0  # pseudo-visits pulling a provider/weekday/hour figure towards the provider's, and on up
DEFAULT_ROOMS = 2  # exam rooms a provider is taken to use until the practice's days say otherwise
CALLED, SEEN, IN_ROOM = "called", "seen", "in_room"  # IN_ROOM: the provider's wait, read once roomed


@dataclass(frozen=True)
class Reading:
    """The board at the moment of an estimate, for one waiting patient (minutes; see the module doc)."""

    due: float  # minutes from now until the patient's appointment time; < 0 once past (or they came late)
    rooming_lag: float
    provider_lag: float  # the board's, after catch-up in open time before the patient's time
    mark: float  # a running-late mark in force for this patient (0 when none)
    waiting_ahead: int
    in_rooms: int
    room_frees_in: float | None  # minutes until the first taken room frees; None when none is taken
    came_late: float  # minutes after their appointment time the patient arrived (0 if on time or early)
    provider: str
    weekday: int
    hour: int


def read(
    day: Sequence[FlowVisit],
    visit: FlowVisit,
    *,
    now: datetime,
    mark: LateMark | None,
    provider: str,
    weekday: int,
    hour: int,
) -> Reading:
    """The reading for ``visit`` from ``day`` as known at ``now`` (see ``estimates.as_known_at``)."""
    until = visit.scheduled
    board = estimates.catch_up(day, lag=estimates.observed_provider_lag(day, now=now), now=now, until=until)
    return Reading(
        due=estimates.minutes_between(now, until),
        rooming_lag=estimates.catch_up(day, lag=estimates.rooming_lag(day, now=now), now=now, until=until),
        provider_lag=board,
        mark=estimates.mark_in_force(day, mark, now=now, until=until),
        waiting_ahead=estimates.waiting_ahead(day, visit),
        in_rooms=len(estimates.in_rooms(day)),
        room_frees_in=estimates.room_frees_in(day, now=now),
        came_late=max(0.0, estimates.minutes_between(visit.scheduled, visit.arrived)) if visit.arrived else 0.0,
        provider=provider,
        weekday=weekday,
        hour=hour,
    )


@dataclass
class WaitModel:
    """Coefficients per question and quantile, and the usual lag per provider, weekday and hour."""

    coefficients: dict[str, list[list[float]]]  # CALLED/SEEN/IN_ROOM -> a row of len(CANDIDATES) per quantile
    typical: dict[str, float] = field(default_factory=dict)  # "provider|weekday|hour" (and coarser keys)
    rooms: dict[str, int] = field(default_factory=dict)  # provider -> rooms usually in use
    n: int = 0  # scored visits it was fitted on; 0 for the default

    @property
    def learned(self) -> bool:
        return self.n > 0

    def typical_lag(self, reading: Reading) -> float:
        for key in (
            f"{reading.provider}|{reading.weekday}|{reading.hour}",
            f"{reading.provider}",
            "",
        ):
            if key in self.typical:
                return self.typical[key]
        return 0.0

    def rooms_in_use(self, provider: str) -> int:
        """How many exam rooms this provider usually has in use (2 until learned)."""
        return self.rooms.get(provider, DEFAULT_ROOMS)

    def as_json(self) -> dict[str, Any]:
        return {"coefficients": self.coefficients, "typical": self.typical, "rooms": self.rooms, "n": self.n}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WaitModel:
        coefficients = data["coefficients"]
        for question in (CALLED, SEEN, IN_ROOM):
            rows = coefficients[question]
            if len(rows) != len(QUANTILES) or any(len(row) != len(CANDIDATES) for row in rows):
                raise ValueError("a stored wait model does not match this version's candidates")
        return cls(
            coefficients=coefficients,
            typical=dict(data.get("typical", {})),
            rooms={key: int(value) for key, value in data.get("rooms", {}).items()},
            n=int(data.get("n", 0)),
        )


def _row(**weights: float) -> list[float]:
    """A coefficient row by candidate name (the others 0)."""
    return [float(weights.get(name, 0.0)) for name in CANDIDATES]


# Without history: rooming follows the rooming lag, the provider the provider lag (board or mark).
DEFAULT = WaitModel(
    coefficients={
        CALLED: [_row(intercept=-3, rooming=0.6), _row(rooming=1), _row(intercept=6, rooming=1.3)],
        SEEN: [_row(intercept=-3, provider=0.6), _row(intercept=3, provider=1), _row(intercept=12, provider=1.3)],
        IN_ROOM: [_row(intercept=-3, provider=0.6), _row(intercept=3, provider=1), _row(intercept=12, provider=1.3)],
    }
)


def candidates(reading: Reading, model: WaitModel) -> np.ndarray:
    """The candidate waits (minutes from now, none below 0) in ``CANDIDATES`` order."""
    due = reading.due
    rooms_full = reading.room_frees_in is not None and reading.in_rooms >= model.rooms_in_use(reading.provider)
    full_rooms_wait = reading.room_frees_in if rooms_full and reading.room_frees_in is not None else 0.0

    def wait(lag: float) -> float:
        return max(0.0, due + lag)

    return np.array(
        [
            1.0,
            wait(0.0),
            wait(reading.rooming_lag),
            wait(max(reading.provider_lag, reading.mark)),
            wait(reading.provider_lag),
            wait(model.typical_lag(reading)),
            float(reading.waiting_ahead),
            float(reading.in_rooms),
            full_rooms_wait,
            reading.came_late,
        ]
    )


@dataclass(frozen=True)
class WaitRange:
    low: float  # minutes from now
    middle: float
    high: float


@dataclass(frozen=True)
class TwoWaits:
    called: WaitRange  # until called in (roomed)
    seen: WaitRange  # until the provider is with the patient


def _range(model: WaitModel, question: str, x: np.ndarray) -> WaitRange:
    low, middle, high = (max(0.0, float(np.dot(row, x))) for row in model.coefficients[question])
    middle = max(low, middle)
    return WaitRange(low=low, middle=middle, high=max(middle, high))


def predict(model: WaitModel, reading: Reading, *, already_called: bool = False) -> TwoWaits:
    """Both waits for ``reading``; once the patient is called in, only the provider's wait remains (read
    with the model of patients already in a room)."""
    x = candidates(reading, model)
    if already_called:
        return TwoWaits(called=WaitRange(0.0, 0.0, 0.0), seen=_range(model, IN_ROOM, x))
    called, seen = _range(model, CALLED, x), _range(model, SEEN, x)
    # The provider comes in after the patient is called in, never before.
    seen = WaitRange(
        low=max(seen.low, called.low), middle=max(seen.middle, called.middle), high=max(seen.high, called.high)
    )
    return TwoWaits(called=called, seen=seen)


# --- fitting ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRow:
    """One past visit scored at the moment the patient arrived: the reading and the real waits."""

    reading: Reading
    called: float  # minutes from arrival until called in
    seen: float | None  # until the provider came in (None when not recorded)
    seen_lag: float | None  # how late the provider saw them against their time (for the usual lag)
    in_room: Reading | None = None  # the board when the patient was called in (None if never seen)
    in_room_seen: float | None = None  # minutes from then until the provider came in


def fit(rows: Sequence[TrainingRow]) -> WaitModel:
    """The practice's model from its scored past visits (``DEFAULT`` when there are too few)."""
    if len(rows) < MIN_ROWS:
        return DEFAULT
    model = WaitModel(coefficients={}, typical=usual_lags(rows), rooms=rooms_in_use(rows), n=len(rows))
    x_all = np.array([candidates(row.reading, model) for row in rows])
    called = np.array([row.called for row in rows])
    model.coefficients[CALLED] = [quantile_regression(x_all, called, q).tolist() for q in QUANTILES]
    with_seen = [i for i, row in enumerate(rows) if row.seen is not None]
    if len(with_seen) < MIN_ROWS:
        model.coefficients[SEEN] = DEFAULT.coefficients[SEEN]
    else:
        seen = np.array([rows[i].seen for i in with_seen], dtype=float)
        model.coefficients[SEEN] = [quantile_regression(x_all[with_seen], seen, q).tolist() for q in QUANTILES]
    roomed = [
        (row.in_room, row.in_room_seen) for row in rows if row.in_room is not None and row.in_room_seen is not None
    ]
    if len(roomed) < MIN_ROWS:
        model.coefficients[IN_ROOM] = DEFAULT.coefficients[IN_ROOM]
    else:
        x_room = np.array([candidates(reading, model) for reading, _wait in roomed])
        waits = np.array([wait for _reading, wait in roomed], dtype=float)
        model.coefficients[IN_ROOM] = [quantile_regression(x_room, waits, q).tolist() for q in QUANTILES]
    trust = min(1.0, len(rows) / TRUST_ROWS)
    if trust < 1.0:
        model.coefficients = {
            question: [
                [trust * learned + (1 - trust) * default for learned, default in zip(row, default_row, strict=True)]
                for row, default_row in zip(rows_, DEFAULT.coefficients[question], strict=True)
            ]
            for question, rows_ in model.coefficients.items()
        }
    return model


def rooms_in_use(rows: Iterable[TrainingRow]) -> dict[str, int]:
    """Per provider, how many exam rooms are usually in use: the most patients seen in rooms at once on
    at least one arrival in ten (at least 1)."""
    counts: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        counts[row.reading.provider].append(row.reading.in_rooms)
    rooms = {}
    for provider, values in counts.items():
        values.sort()
        rooms[provider] = max(1, values[int(0.9 * (len(values) - 1))])
    return rooms


def usual_lags(rows: Iterable[TrainingRow]) -> dict[str, float]:
    """How late each provider usually sees patients, per weekday and hour, shrunk towards the provider's
    usual and the provider's towards the practice's (medians, ``SHRINK`` pseudo-visits)."""
    cells: dict[str, list[float]] = defaultdict(list)
    by_provider: dict[str, list[float]] = defaultdict(list)
    everyone: list[float] = []
    for row in rows:
        if row.seen_lag is None:
            continue
        r = row.reading
        cells[f"{r.provider}|{r.weekday}|{r.hour}"].append(row.seen_lag)
        by_provider[r.provider].append(row.seen_lag)
        everyone.append(row.seen_lag)
    if not everyone:
        return {}
    practice = statistics.median(everyone)
    table = {"": practice}

    def shrunk(values: list[float], towards: float) -> float:
        n = len(values)
        return (n * statistics.median(values) + SHRINK * towards) / (n + SHRINK)

    for provider, values in by_provider.items():
        table[provider] = shrunk(values, practice)
    for key, values in cells.items():
        table[key] = shrunk(values, table[key.split("|", 1)[0]])
    return {key: round(value, 2) for key, value in table.items()}


def quantile_regression(x: np.ndarray, y: np.ndarray, q: float, *, iterations: int = 100) -> np.ndarray:
    """Coefficients minimising the pinball loss at quantile ``q`` (iteratively reweighted least squares,
    with a little ridge so collinear candidates stay stable)."""
    n, k = x.shape
    ridge = 1e-3 * n * np.eye(k)
    ridge[0, 0] = 0.0  # the intercept is not shrunk
    beta = np.linalg.solve(x.T @ x + ridge, x.T @ y)
    for _ in range(iterations):
        residual = y - x @ beta
        weight = np.where(residual >= 0, q, 1 - q) / np.maximum(np.abs(residual), 0.02)
        xw = x * weight[:, None]
        updated = np.linalg.solve(x.T @ xw + ridge, xw.T @ y)
        if np.max(np.abs(updated - beta)) < 1e-4:
            return updated
        beta = updated
    return beta


# --- for the pages ---------------------------------------------------------------------------------


def at(now: datetime, minutes: float) -> datetime:
    return now + timedelta(minutes=minutes)


def shown_range(wait: WaitRange, step: int = 5) -> tuple[int, int]:
    """The range for people, to the nearest ``step`` minutes and at least ``step`` wide ("20–35")."""
    low = int(round(wait.low / step) * step)
    high = int(round(wait.high / step) * step)
    return low, max(high, low + step)
