"""Features shared by training and run time (pure Python, no Django).

A comment is split into clauses (``clauses.split_clauses``). Each clause gets its bag-of-words features
(``text.features``: negation-marked unigrams and bigrams) and its lexicon score (``lexicon.clause_score``: VADER +
clinic words + US phrases, -1..1). The comment's features are the union of its clauses' words plus four lexicon
figures over its clauses: the mean, the minimum, the maximum and the last clause's score. A single clause is scored
with the same model, its four lexicon figures all being its own score.
"""

from dataclasses import dataclass

from .clauses import Clause, split_clauses
from .lexicon import clause_score
from .text import features as word_features

LEXICON_FEATURES = ("lex_mean", "lex_min", "lex_max", "lex_last")


@dataclass(frozen=True, slots=True)
class ClauseFeatures:
    clause: Clause
    words: list[str]
    lexicon: float


@dataclass(frozen=True, slots=True)
class CommentFeatures:
    words: set[str]
    lexicon: tuple[float, float, float, float]
    clauses: list[ClauseFeatures]


def featurise(text: str) -> CommentFeatures:
    parts = [ClauseFeatures(c, word_features(c.text), clause_score(c.text)) for c in split_clauses(text)]
    words: set[str] = set()
    for part in parts:
        words.update(part.words)
    scores = [part.lexicon for part in parts] or [0.0]
    return CommentFeatures(words, (sum(scores) / len(scores), min(scores), max(scores), scores[-1]), parts)
