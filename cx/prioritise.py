"""Prioritising the ideas from an empathy map: the impact × effort 2×2, and RICE. Plain data in and
out; no Django import.

**The 2×2.** Impact and effort are the team's 1–5 scores, and the split follows the words the
form puts on them. Impact 3 ("noticeably better") to 5 is *high*; 1 ("hardly noticed") and 2 ("a
little better") are not. Effort 4 ("a few weeks") and 5 ("months, or money") is *high*; 1 to 3 (an
hour to a few days) is not: for a practice, a few days' work is still a small job. The four
corners, in words a manager uses:

====================  ===============  =============================================================
quadrant              impact, effort   what it means
====================  ===============  =============================================================
``quick_win``         high, low        Quick win: worth doing soon
``big_bet``           high, high       Big bet: worth it, but plan it
``fill_in``           low, low         Fill-in: do it when there is a spare moment
``money_pit``         low, high        Money pit: costs a lot for little, probably skip
====================  ===============  =============================================================

**RICE** = reach × impact weight × confidence ÷ effort, where

- reach is the number of patients the touch point serves in a quarter (the view counts distinct
  patients with journey events at the touch point in the last 90 days);
- the impact weight turns the 1–5 score into Intercom's RICE scale: 1 → 0.25 (minimal), 2 → 0.5
  (low), 3 → 1 (medium), 4 → 2 (high), 5 → 3 (massive);
- confidence is a percentage (0–100) used as a fraction;
- effort is in person-weeks (more than 0).

The score reads as "patients helped per person-week of work". Ideas rank by RICE, highest first;
ties keep the order the ideas came in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

QUICK_WIN, BIG_BET, FILL_IN, MONEY_PIT = "quick_win", "big_bet", "fill_in", "money_pit"
# In reading order for a grid with high impact on top and low effort on the left.
QUADRANTS: tuple[str, ...] = (QUICK_WIN, BIG_BET, FILL_IN, MONEY_PIT)

HIGH_IMPACT_FROM = 3  # impact 3, 4 and 5 is "high"
HIGH_EFFORT_FROM = 4  # effort 4 and 5 is "high"
SCALE = range(1, 6)
IMPACT_WEIGHTS: dict[int, float] = {1: 0.25, 2: 0.5, 3: 1.0, 4: 2.0, 5: 3.0}


def _check_score(name: str, value: int) -> None:
    if value not in SCALE:
        raise ValueError(f"{name} must be 1 to 5, not {value!r}")


def quadrant(impact: int, effort: int) -> str:
    """The corner of the 2×2 for a 1–5 impact and a 1–5 effort."""
    _check_score("impact", impact)
    _check_score("effort", effort)
    high_effort = effort >= HIGH_EFFORT_FROM
    if impact >= HIGH_IMPACT_FROM:
        return BIG_BET if high_effort else QUICK_WIN
    return MONEY_PIT if high_effort else FILL_IN


def impact_weight(impact: int) -> float:
    _check_score("impact", impact)
    return IMPACT_WEIGHTS[impact]


def rice(*, reach: int, impact: int, confidence: int, effort_weeks: float) -> float:
    """reach × impact weight × confidence (as a fraction) ÷ effort in person-weeks."""
    if reach < 0:
        raise ValueError(f"reach cannot be negative, not {reach!r}")
    if not 0 <= confidence <= 100:
        raise ValueError(f"confidence must be 0 to 100 %, not {confidence!r}")
    if not effort_weeks > 0:
        raise ValueError(f"effort must be more than 0 person-weeks, not {effort_weeks!r}")
    return reach * impact_weight(impact) * (confidence / 100) / effort_weeks


@dataclass(frozen=True)
class IdeaScores:
    """What the team scored one idea (``key`` is whatever identifies it for the caller)."""

    key: int
    impact: int
    effort: int
    confidence: int
    effort_weeks: float


@dataclass(frozen=True)
class Prioritised:
    idea: IdeaScores
    quadrant: str
    rice: float
    rank: int  # 1 = the highest RICE score


def prioritise(ideas: Sequence[IdeaScores], *, reach: int) -> list[Prioritised]:
    """Every idea with its quadrant and RICE score, ranked by RICE (highest first, ties in input order)."""
    scored = [
        (
            idea,
            quadrant(idea.impact, idea.effort),
            rice(reach=reach, impact=idea.impact, confidence=idea.confidence, effort_weeks=idea.effort_weeks),
        )
        for idea in ideas
    ]
    order = sorted(range(len(scored)), key=lambda i: (-scored[i][2], i))
    return [
        Prioritised(idea=scored[i][0], quadrant=scored[i][1], rice=scored[i][2], rank=position)
        for position, i in enumerate(order, start=1)
    ]


def by_quadrant(ranked: Sequence[Prioritised]) -> dict[str, list[Prioritised]]:
    """The ideas in each corner of the 2×2 (every corner present, maybe empty), in the given order."""
    corners: dict[str, list[Prioritised]] = {name: [] for name in QUADRANTS}
    for item in ranked:
        corners[item.quadrant].append(item)
    return corners
