"""Analysing one comment: overall sentiment, clause sentiments and touch points (pure Python, no Django).

1. ``features.featurise`` splits the comment into clauses and scores each clause's lexicon evidence.
2. The shipped model (``model.load_model``) scores the whole comment and each clause, -1..1.
3. A score within ``neutral_band`` of 0 is neutral, otherwise positive or negative.
4. The comment is ``mixed`` when one clause scores at least ``mixed_threshold`` and another at most minus it.
5. Each touch point named in a clause (``touchpoints.detect``) takes the mean score of the clauses naming it. A
   clause with no sentiment of its own ("The receptionist. So rude!") borrows the comment's score, unless the
   comment is mixed, where borrowing would guess which side the clause is on.
"""

from dataclasses import dataclass, field

from .features import featurise
from .model import load_model
from .touchpoints import NAMES, detect


@dataclass(frozen=True, slots=True)
class TouchpointSentiment:
    name: str
    sentiment: str
    score: float


@dataclass(frozen=True, slots=True)
class ClauseSentiment:
    text: str
    sentiment: str
    score: float
    touchpoints: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    sentiment: str  # positive / negative / neutral
    score: float  # -1..1
    mixed: bool  # clearly positive and clearly negative clauses
    touchpoints: list[TouchpointSentiment] = field(default_factory=list)
    clauses: list[ClauseSentiment] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The JSON shape written by ``manage.py analyze_comments``."""
        return {
            "sentiment": self.sentiment,
            "score": self.score,
            "mixed": self.mixed,
            "touchpoints": [{"name": t.name, "sentiment": t.sentiment, "score": t.score} for t in self.touchpoints],
        }


def _label(score: float, band: float) -> str:
    return "positive" if score >= band else "negative" if score <= -band else "neutral"


def analyze(text: str) -> Analysis:
    """Sentiment and touch points of one comment."""
    model = load_model()
    band = model.neutral_band
    feats = featurise(text)
    if not feats.clauses:
        return Analysis("neutral", 0.0, False)
    score = model.score(feats.words, feats.lexicon)
    clauses = []
    for part in feats.clauses:
        clause_score = model.score_clause(part.words, part.lexicon)
        clauses.append(
            ClauseSentiment(part.clause.text, _label(clause_score, band), round(clause_score, 4),
                            tuple(detect(part.clause.text)))
        )  # fmt: skip
    threshold = model.mixed_threshold
    mixed = any(c.score >= threshold for c in clauses) and any(c.score <= -threshold for c in clauses)
    by_touchpoint: dict[str, list[float]] = {}
    for clause in clauses:
        clause_score = clause.score
        if clause.sentiment == "neutral" and not mixed:
            clause_score = score
        for name in clause.touchpoints:
            by_touchpoint.setdefault(name, []).append(clause_score)
    touchpoints = []
    for name in NAMES:
        if name in by_touchpoint:
            mean = sum(by_touchpoint[name]) / len(by_touchpoint[name])
            touchpoints.append(TouchpointSentiment(name, _label(mean, band), round(mean, 4)))
    return Analysis(_label(score, band), round(score, 4), mixed, touchpoints, clauses)


def analyze_many(texts) -> list[Analysis]:
    """``analyze`` for each text, in order."""
    return [analyze(text) for text in texts]
