"""The shipped sentiment model: a logistic regression stored as JSON, loaded once per process.

``model/sentiment.json`` holds the intercept, one weight per bag-of-words feature (only features kept by
training), one weight per lexicon figure (``features.LEXICON_FEATURES``) and ``lexicon_blend``.
``python -m feedback.comments.train`` rebuilds it. The logit of a comment or clause is the intercept plus the
weights of its features, and ``tanh(logit / 2)`` (= 2p - 1) is the fitted model's score. The score given out blends
it with the plain lexicon score (the mean over clauses): ``(1 - b) * model + b * lexicon``, in -1..1. The fitted
weights learn the NHS survey's habits (its function words, what its questions asked); the lexicon carries over
to other wording, and ``b`` is chosen by how well the blend carries from one trust to another (see ``train``).
"""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).resolve().parent / "model" / "sentiment.json"


@dataclass(frozen=True)
class Model:
    intercept: float
    words: dict[str, float]
    lexicon: tuple[float, ...]
    neutral_band: float
    mixed_threshold: float
    meta: dict[str, Any]  # parsed JSON: figures and notes about the training run
    lexicon_blend: float = 0.0

    def score(self, words: Iterable[str], lexicon: Sequence[float]) -> float:
        get = self.words.get
        logit = self.intercept + sum(get(word, 0.0) for word in words)
        logit += sum(w * x for w, x in zip(self.lexicon, lexicon, strict=True))
        blend = self.lexicon_blend
        return (1.0 - blend) * math.tanh(logit / 2.0) + blend * lexicon[0]

    def score_clause(self, words: Iterable[str], lexicon_score: float) -> float:
        return self.score(words, (lexicon_score,) * len(self.lexicon))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "touchpoints-comment-sentiment/1",
            "intercept": self.intercept,
            "lexicon": list(self.lexicon),
            "neutral_band": self.neutral_band,
            "mixed_threshold": self.mixed_threshold,
            "lexicon_blend": self.lexicon_blend,
            "meta": self.meta,
            "words": self.words,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Model":  # parsed JSON
        return cls(
            intercept=float(data["intercept"]),
            words={str(k): float(v) for k, v in data["words"].items()},
            lexicon=tuple(float(x) for x in data["lexicon"]),
            neutral_band=float(data["neutral_band"]),
            mixed_threshold=float(data["mixed_threshold"]),
            meta=dict(data.get("meta", {})),
            lexicon_blend=float(data.get("lexicon_blend", 0.0)),
        )


LOADS = 0  # how many times the model file was read in this process (tests check it stays 1)


@cache
def load_model(path: Path = MODEL_FILE) -> Model:
    """The model in ``path``, read once per process."""
    global LOADS
    LOADS += 1
    with path.open(encoding="utf-8") as handle:
        return Model.from_json(json.load(handle))
