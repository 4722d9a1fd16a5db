"""Survey scores by the CG-CAHPS and NPS rules. Plain data in, plain data out; no Django import.

Rules (each figure always comes with its n, the number of responses behind it):

- **Top box** of an item: the share of its answers in the best category, as a percentage. Best is
  9–10 for a 0–10 rating or likelihood to recommend, "always" (4) for never/sometimes/usually/always,
  "yes" (1) for yes/no, and 5 for 1–5 ease.
- **Composite** (CG-CAHPS): the mean of its items' top-box percentages, each item weighing the
  same whatever its n. Its n is the number of responses that answered at least one of its items.
- **NPS**: % promoters (9–10) − % detractors (0–6) of the likelihood-to-recommend answers, from −100
  to 100. Passives (7–8) count in the denominator only.
- **Linear mean** (0–100): 0–10 scales ×10; frequency (v−1)/3×100; ease (v−1)/4×100; yes/no 100/0.
- Any figure from fewer than ``MIN_RESPONSES`` (30) responses is ``too_few`` to trust.

Free-text answers and answers without a value are ignored here. Figures are exact floats;
``round_half_up`` gives the rounding the pages show (halves away from zero, never banker's rounding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

MIN_RESPONSES = 30

RATING, RECOMMEND, FREQUENCY, YES_NO, EASE = "rating", "recommend", "frequency", "yes_no", "ease"
SCALES = {RATING: (0, 10), RECOMMEND: (0, 10), FREQUENCY: (1, 4), YES_NO: (0, 1), EASE: (1, 5)}
COMPOSITES = ("access", "communication", "office_staff", "coordination", "provider_rating")

MONTH, WEEK = "month", "week"


def is_top_box(kind: str, value: int) -> bool:
    if kind in (RATING, RECOMMEND):
        return value >= 9
    if kind == FREQUENCY:
        return value == 4
    if kind == YES_NO:
        return value == 1
    if kind == EASE:
        return value == 5
    raise ValueError(f"{kind!r} has no top box")


def linear(kind: str, value: int) -> float:
    """The answer on a 0–100 scale."""
    if kind in (RATING, RECOMMEND):
        return value * 10.0
    if kind == FREQUENCY:
        return (value - 1) / 3 * 100
    if kind == YES_NO:
        return 100.0 if value == 1 else 0.0
    if kind == EASE:
        return (value - 1) / 4 * 100
    raise ValueError(f"{kind!r} has no linear score")


def is_scored(kind: str, value: int | None) -> bool:
    """Whether an answer counts: a scale question with a value inside its scale."""
    if kind not in SCALES or value is None:
        return False
    low, high = SCALES[kind]
    return low <= value <= high


def round_half_up(value: float | None, places: int = 0) -> float | None:
    """``value`` rounded half away from zero (12.5 → 13, −12.5 → −13); None stays None."""
    if value is None:
        return None
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


# --- input ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredAnswer:
    """One answer to one scale question, with what scores are grouped by."""

    response_id: int
    code: str  # the question's code, stable across versions
    kind: str
    value: int
    composite: str = ""
    touchpoint: str = ""
    at: datetime | None = None  # when the response was started
    provider_id: int | None = None
    location_id: int | None = None
    survey_kind: str = ""


# --- output ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    code: str
    kind: str
    composite: str
    touchpoint: str
    n: int
    top_box_count: int
    top_box: float | None  # percentage
    linear_mean: float | None  # 0–100

    @property
    def too_few(self) -> bool:
        return self.n < MIN_RESPONSES


@dataclass(frozen=True)
class CompositeScore:
    composite: str
    n: int  # responses that answered at least one of its items
    top_box: float | None  # mean of the items' top-box percentages
    items: tuple[ItemScore, ...] = ()

    @property
    def linear_mean(self) -> float | None:
        """The mean of its items' linear means (each item weighing the same)."""
        means = [item.linear_mean for item in self.items if item.linear_mean is not None]
        return sum(means) / len(means) if means else None

    @property
    def too_few(self) -> bool:
        return self.n < MIN_RESPONSES


@dataclass(frozen=True)
class NetPromoter:
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        """% promoters − % detractors, −100 to 100; None without answers."""
        if not self.n:
            return None
        return (self.promoters - self.detractors) * 100 / self.n

    @property
    def promoter_percent(self) -> float | None:
        return self.promoters * 100 / self.n if self.n else None

    @property
    def passive_percent(self) -> float | None:
        return self.passives * 100 / self.n if self.n else None

    @property
    def detractor_percent(self) -> float | None:
        return self.detractors * 100 / self.n if self.n else None

    @property
    def too_few(self) -> bool:
        return self.n < MIN_RESPONSES


@dataclass(frozen=True)
class Summary:
    """Every score of one group of answers."""

    responses: int  # responses with at least one scored answer
    nps: NetPromoter
    items: tuple[ItemScore, ...] = ()
    composites: tuple[CompositeScore, ...] = ()
    overall: CompositeScore | None = None  # every item, composite-style: for touch points and groups

    @property
    def too_few(self) -> bool:
        return self.responses < MIN_RESPONSES


# --- computing ------------------------------------------------------------------------------------


def _scored(answers: Iterable[ScoredAnswer]) -> list[ScoredAnswer]:
    return [a for a in answers if is_scored(a.kind, a.value)]


def item_score(code: str, answers: list[ScoredAnswer]) -> ItemScore:
    """The score of one item from its answers (all with this code)."""
    first = answers[0] if answers else None
    n = len(answers)
    top = sum(1 for a in answers if is_top_box(a.kind, a.value))
    return ItemScore(
        code=code,
        kind=first.kind if first else "",
        composite=first.composite if first else "",
        touchpoint=first.touchpoint if first else "",
        n=n,
        top_box_count=top,
        top_box=top * 100 / n if n else None,
        linear_mean=sum(linear(a.kind, a.value) for a in answers) / n if n else None,
    )


def item_scores(answers: Iterable[ScoredAnswer]) -> list[ItemScore]:
    """One score per question code, in the order the codes first appear."""
    by_code: dict[str, list[ScoredAnswer]] = defaultdict(list)
    for answer in _scored(answers):
        by_code[answer.code].append(answer)
    return [item_score(code, rows) for code, rows in by_code.items()]


def composite_score(composite: str, items: list[ItemScore], answers: Iterable[ScoredAnswer]) -> CompositeScore:
    members = tuple(item for item in items if item.composite == composite and item.n)
    codes = {item.code for item in members}
    responses = {a.response_id for a in answers if a.code in codes and is_scored(a.kind, a.value)}
    # Every member has answers (n > 0), so a top-box percentage.
    top = sum(item.top_box or 0.0 for item in members) / len(members) if members else None
    return CompositeScore(composite=composite, n=len(responses), top_box=top, items=members)


def composite_scores(answers: Iterable[ScoredAnswer], composites: Iterable[str] = COMPOSITES) -> list[CompositeScore]:
    answers = _scored(answers)
    items = item_scores(answers)
    return [composite_score(c, items, answers) for c in composites]


def net_promoter(answers: Iterable[ScoredAnswer]) -> NetPromoter:
    """NPS of the likelihood-to-recommend answers (one per response: a response's first counts)."""
    seen: set[int] = set()
    promoters = passives = detractors = 0
    for a in _scored(answers):
        if a.kind != RECOMMEND or a.response_id in seen:
            continue
        seen.add(a.response_id)
        if a.value >= 9:
            promoters += 1
        elif a.value >= 7:
            passives += 1
        else:
            detractors += 1
    return NetPromoter(promoters=promoters, passives=passives, detractors=detractors)


def items_mean(name: str, answers: Iterable[ScoredAnswer]) -> CompositeScore:
    """Any set of items scored the composite way (mean of the items' top-box percentages), e.g. a
    touch point's questions; n is the responses that answered at least one of them."""
    answers = _scored(answers)
    items = tuple(item_scores(answers))
    return CompositeScore(
        composite=name,
        n=len({a.response_id for a in answers}),
        top_box=sum(item.top_box or 0.0 for item in items) / len(items) if items else None,  # each item has n > 0
        items=items,
    )


def summarize(answers: Iterable[ScoredAnswer], composites: Iterable[str] = COMPOSITES) -> Summary:
    answers = _scored(answers)
    items = item_scores(answers)
    return Summary(
        responses=len({a.response_id for a in answers}),
        nps=net_promoter(answers),
        items=tuple(items),
        composites=tuple(composite_score(c, items, answers) for c in composites),
        overall=items_mean("", answers),
    )


# --- grouping -------------------------------------------------------------------------------------


def group_by(answers: Iterable[ScoredAnswer], key: Callable[[ScoredAnswer], Hashable]) -> dict:
    """Answers per group, groups in the order they first appear."""
    groups: dict = defaultdict(list)
    for answer in answers:
        groups[key(answer)].append(answer)
    return dict(groups)


def by_provider(answers: Iterable[ScoredAnswer]) -> dict[int | None, list[ScoredAnswer]]:
    return group_by(answers, lambda a: a.provider_id)


def by_location(answers: Iterable[ScoredAnswer]) -> dict[int | None, list[ScoredAnswer]]:
    return group_by(answers, lambda a: a.location_id)


def by_touchpoint(answers: Iterable[ScoredAnswer]) -> dict[str, list[ScoredAnswer]]:
    return group_by(answers, lambda a: a.touchpoint)


def period_start(moment: datetime, period: str, zone: ZoneInfo) -> date:
    """The first local day of the month (or the Monday of the week) ``moment`` falls in."""
    day = moment.astimezone(zone).date()
    if period == MONTH:
        return day.replace(day=1)
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    raise ValueError(f"Unknown period {period!r}")


def periods_between(first: date, last: date, period: str) -> list[date]:
    """Every period start from the one holding ``first`` to the one holding ``last`` (empty ones too)."""
    if period == MONTH:
        current, end = first.replace(day=1), last.replace(day=1)
    elif period == WEEK:
        current, end = first - timedelta(days=first.weekday()), last - timedelta(days=last.weekday())
    else:
        raise ValueError(f"Unknown period {period!r}")
    starts = []
    while current <= end:
        starts.append(current)
        if period == WEEK:
            current += timedelta(days=7)
        else:
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return starts


def by_period(
    answers: Iterable[ScoredAnswer], *, period: str, zone: ZoneInfo, first: date, last: date
) -> list[tuple[date, Summary]]:
    """A summary per month or week from ``first`` to ``last`` (local days), empty periods included."""

    def start_of(answer: ScoredAnswer) -> date:
        assert answer.at is not None  # only dated answers are grouped
        return period_start(answer.at, period, zone)

    groups = group_by([a for a in answers if a.at is not None], start_of)
    return [(start, summarize(groups.get(start, []))) for start in periods_between(first, last, period)]
