"""The staff engagement pulse's anonymity rules and its results (pure: no Django).

What a round's results page may show, from the round's anonymous answers:

- Nothing while the round is open (``OPEN``): a running result would let someone who watches it
  see what the last person to answer said.
- Nothing when fewer than ``MIN_ANSWERS`` (5) people answered (``TOO_FEW_ANSWERS``).
- Otherwise the whole team's eNPS and the three "serving patients well" questions, each with its n
  and a 95 % interval, and "too few to trust" under ``MIN_TRUST`` (30) answers.
- Groups (the broad group each person chose when answering, or "prefer not to say") only as rows of
  at least ``MIN_ANSWERS``. Groups under 5, "prefer not to say" included, are merged into "other roles
  or not said". If that merged row would still be under 5, the smallest shown group is merged into it
  as well (and again, until it has 5). So the rows shown always add up to the total and every row
  has at least 5 answers: no group under 5 can be computed by subtracting the rows shown from the
  total. When that leaves a single row, no breakdown is shown at all (only the total).

eNPS is % promoters (9-10) minus % detractors (0-6) of "How likely are you to recommend this practice
as a place to work?", in points (-100..100); its interval is an adjusted Wald interval (the variance
and centre computed with one extra pseudo-answer in each of the three categories, so five answers
all 10 still get an honest, wide interval). The three 1-5 questions are shown as top-box shares
(answered 5, "strongly agree") with Wilson intervals (``cx/stats.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

from . import stats

MIN_ANSWERS = 5  # fewer answers than this: nothing shown, for the round or a group
MIN_TRUST = 30  # under this many answers a figure is shown as "too few to trust"

# Why a round's results are not shown.
OPEN = "open"
TOO_FEW_ANSWERS = "too_few"
SHOWN = "shown"

# The broad groups a person may choose to be counted in, in the order they are shown. ``NOT_SAID`` is
# "prefer not to say"; ``OTHER_ROLES`` is never chosen: it is the merged row of small groups.
FRONT_OFFICE = "front_office"
CLINICAL = "clinical"
PROVIDERS = "providers"
MANAGEMENT = "management"
NOT_SAID = ""
OTHER_ROLES = "other_roles"
GROUPS: tuple[str, ...] = (FRONT_OFFICE, CLINICAL, PROVIDERS, MANAGEMENT)
CHOOSABLE: tuple[str, ...] = (*GROUPS, NOT_SAID)

# The three 1-5 questions, by the field that holds each.
QUESTIONS: tuple[str, ...] = ("can_serve_patients", "systems_help", "recognised")
RECOMMEND_RANGE = (0, 10)
AGREE_RANGE = (1, 5)
TOP_BOX = 5


@dataclass(frozen=True)
class Answer:
    """One anonymous answer, as the results read it."""

    group: str
    recommend_work: int
    can_serve_patients: int
    systems_help: int
    recognised: int


def valid_answer(answer: Answer) -> bool:
    """Every score in its range and the group one a person may choose."""
    low, high = RECOMMEND_RANGE
    if not low <= answer.recommend_work <= high:
        return False
    low, high = AGREE_RANGE
    if not all(low <= getattr(answer, q) <= high for q in QUESTIONS):
        return False
    return answer.group in CHOOSABLE


@dataclass(frozen=True)
class Enps:
    n: int
    promoters: int
    passives: int
    detractors: int
    score: float  # points, -100..100
    low: float
    high: float

    @property
    def too_few(self) -> bool:
        return self.n < MIN_TRUST


@dataclass(frozen=True)
class TopBox:
    question: str
    n: int
    count: int
    percent: float
    low: float  # percent
    high: float

    @property
    def too_few(self) -> bool:
        return self.n < MIN_TRUST


@dataclass(frozen=True)
class Summary:
    n: int
    enps: Enps
    items: tuple[TopBox, ...]


@dataclass(frozen=True)
class GroupRow:
    group: str  # a GROUPS code, NOT_SAID, or OTHER_ROLES
    members: tuple[str, ...]  # the chosen groups counted in this row (several for OTHER_ROLES)
    summary: Summary

    @property
    def n(self) -> int:
        return self.summary.n


@dataclass(frozen=True)
class RoundResults:
    state: str  # OPEN | TOO_FEW_ANSWERS | SHOWN
    total: Summary | None  # None unless SHOWN
    groups: tuple[GroupRow, ...]  # empty unless SHOWN and at least two rows can be shown
    merged: bool  # some groups were merged to keep every row at MIN_ANSWERS or more

    @property
    def shown(self) -> bool:
        return self.state == SHOWN


def enps(scores: Sequence[int], confidence: float = stats.CONFIDENCE) -> Enps | None:
    """eNPS of 0-10 answers with an adjusted Wald interval; None without answers."""
    score = stats.nps(scores)
    if score is None:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    n = len(scores)
    passives = n - promoters - detractors
    # One pseudo-answer in each category: centre and spread of the interval.
    n_adj = n + 3
    p_adj, d_adj = (promoters + 1) / n_adj, (detractors + 1) / n_adj
    centre = p_adj - d_adj
    variance = p_adj + d_adj - centre * centre
    z = NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)
    half = z * math.sqrt(variance / n_adj)
    low = max(-1.0, centre - half) * 100.0
    high = min(1.0, centre + half) * 100.0
    return Enps(
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        score=score,
        low=min(low, score),
        high=max(high, score),
    )


def top_box(question: str, values: Sequence[int]) -> TopBox | None:
    """Share of 1-5 answers that are 5, with a Wilson interval (percent); None without answers."""
    n = len(values)
    count = sum(1 for v in values if v == TOP_BOX)
    interval = stats.wilson(count, n)
    if interval is None:
        return None
    return TopBox(
        question=question,
        n=n,
        count=count,
        percent=100.0 * count / n,
        low=100.0 * interval.low,
        high=100.0 * interval.high,
    )


def summarise(answers: Sequence[Answer]) -> Summary | None:
    """The eNPS and the three top boxes of some answers; None without answers."""
    found = enps([a.recommend_work for a in answers])
    if found is None:
        return None
    items = []
    for question in QUESTIONS:
        item = top_box(question, [getattr(a, question) for a in answers])
        assert item is not None  # same answers, so not empty
        items.append(item)
    return Summary(n=len(answers), enps=found, items=tuple(items))


def group_partition(counts: dict[str, int]) -> tuple[list[tuple[str, tuple[str, ...]]], bool]:
    """Which rows to show, from the number of answers in each chosen group.

    Returns ([(row code, chosen groups in it)], merged). Every row has at least ``MIN_ANSWERS``
    answers and the rows together hold every answer, or no rows are returned (show only the total).
    """
    order = [g for g in CHOOSABLE if counts.get(g, 0) > 0]
    order += sorted(g for g in counts if g not in CHOOSABLE and counts[g] > 0)  # unknown codes: small pile
    total = sum(counts[g] for g in order)
    if total < MIN_ANSWERS:
        return [], False
    big = [g for g in order if g in GROUPS and counts[g] >= MIN_ANSWERS]
    small = [g for g in order if g not in big]
    pile = sum(counts[g] for g in small)
    # The merged row must not be under the minimum either, or it could be computed by subtraction.
    while small and pile < MIN_ANSWERS and big:
        smallest = min(big, key=lambda g: (counts[g], -CHOOSABLE.index(g)))
        big.remove(smallest)
        small.append(smallest)
        pile += counts[smallest]
    rows: list[tuple[str, tuple[str, ...]]] = [(g, (g,)) for g in big]
    if small:
        members = tuple(g for g in order if g in small)
        code = NOT_SAID if members == (NOT_SAID,) else OTHER_ROLES
        rows.append((code, members))
    # Under the minimum with nothing left to merge in, or a single row (the total itself): no breakdown.
    if (pile and pile < MIN_ANSWERS) or len(rows) < 2:
        return [], len(order) > 1
    return rows, any(len(members) > 1 for _, members in rows)


def round_results(answers: Iterable[Answer], *, closed: bool) -> RoundResults:
    """What the results page may show for a round (see the module's docstring)."""
    if not closed:
        return RoundResults(state=OPEN, total=None, groups=(), merged=False)
    answers = list(answers)
    if len(answers) < MIN_ANSWERS:
        return RoundResults(state=TOO_FEW_ANSWERS, total=None, groups=(), merged=False)
    total = summarise(answers)
    assert total is not None
    counts: dict[str, int] = {}
    for a in answers:
        counts[a.group] = counts.get(a.group, 0) + 1
    partition, merged = group_partition(counts)
    rows = []
    for code, members in partition:
        summary = summarise([a for a in answers if a.group in members])
        assert summary is not None and summary.n >= MIN_ANSWERS
        rows.append(GroupRow(group=code, members=members, summary=summary))
    return RoundResults(state=SHOWN, total=total, groups=tuple(rows), merged=merged)


@dataclass(frozen=True)
class QuarterComparison:
    """The whole team's figures in two published rounds: changed only beyond the noise."""

    enps: stats.Comparison
    items: tuple[tuple[str, stats.Comparison], ...]


def compare_rounds(earlier: Sequence[Answer], later: Sequence[Answer]) -> QuarterComparison | None:
    """Two rounds' totals compared (eNPS by bootstrap, top boxes by Newcombe); None unless both rounds
    have at least ``MIN_ANSWERS`` answers (the caller passes only closed rounds)."""
    if len(earlier) < MIN_ANSWERS or len(later) < MIN_ANSWERS:
        return None
    nps = stats.compare_nps([a.recommend_work for a in earlier], [a.recommend_work for a in later])
    items = tuple(
        (
            q,
            stats.compare_proportions(
                [getattr(a, q) == TOP_BOX for a in earlier], [getattr(a, q) == TOP_BOX for a in later]
            ),
        )
        for q in QUESTIONS
    )
    return QuarterComparison(enps=nps, items=items)
