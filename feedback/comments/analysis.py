"""Analysing one comment: overall sentiment, clause sentiments and touch points (pure Python, no Django).

1. ``features.featurise`` splits the comment into clauses and scores each clause's lexicon evidence.
2. The shipped model (``model.load_model``) scores the whole comment and each clause, -1..1.
3. A score within ``neutral_band`` of 0 is neutral, otherwise positive or negative.
4. The comment is ``mixed`` when one clause scores at least ``mixed_threshold`` and another at most minus it.
5. Each touch point named in a clause (``touchpoints.detect``) takes the mean score of the clauses naming it. A
   clause with no sentiment of its own ("The receptionist. So rude!") borrows the comment's score, unless the
   comment is mixed, where borrowing would guess which side the clause is on.

Spanish (``language="es"``) replaces steps 1-2 with ``spanish.read``: a hand-written lexicon scores each clause and
the comment (VADER's normalisation, ``s / sqrt(s*s + 15)``) and Spanish keywords name the touch points; steps 3-5
are the same, with the neutral band and mixed threshold of the loaded model. ``language=None`` guesses the language
with ``spanish.detect_language`` (English when unsure); "en"/"es" skip the guess.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import spanish
from .features import featurise
from .model import load_model
from .touchpoints import NAMES, detect

LANGUAGES = ("en", "es")


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

    def as_dict(self) -> dict[str, object]:
        """The JSON shape written by ``manage.py analyze_comments``."""
        return {
            "sentiment": self.sentiment,
            "score": self.score,
            "mixed": self.mixed,
            "touchpoints": [{"name": t.name, "sentiment": t.sentiment, "score": t.score} for t in self.touchpoints],
        }


def _label(score: float, band: float) -> str:
    return "positive" if score >= band else "negative" if score <= -band else "neutral"


def language_of(text: str, language: str | None = None) -> str:
    """ "en" or "es": ``language`` when it names one of them ("es-MX" counts as "es"), else a guess from the text."""
    if language:
        code = language.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return spanish.detect_language(text)


def analyze(text: str, language: str | None = None) -> Analysis:
    """Sentiment and touch points of one comment. ``language``: "en", "es", or None to guess it from the text."""
    if language != "en" and language_of(text, language) == "es":
        return _analyze_spanish(text)
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
    return _assemble(score, clauses, band, model.mixed_threshold)


def _analyze_spanish(text: str) -> Analysis:
    model = load_model()  # only for the neutral band and mixed threshold, kept in one place
    band = model.neutral_band
    reading = spanish.read(text)
    if not reading.clauses:
        return Analysis("neutral", 0.0, False)
    clauses = [
        ClauseSentiment(c.text, _label(c.score, band), round(c.score, 4), c.touchpoints) for c in reading.clauses
    ]
    return _assemble(reading.score, clauses, band, model.mixed_threshold)


def _assemble(score: float, clauses: list[ClauseSentiment], band: float, threshold: float) -> Analysis:
    """Steps 3-5: the comment's label, ``mixed`` and each touch point's sentiment from the clause readings."""
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


def analyze_many(texts: Iterable[str], language: str | None = None) -> list[Analysis]:
    """``analyze`` for each text, in order (``language`` as in ``analyze``, for every text)."""
    return [analyze(text, language) for text in texts]
