"""The shipped sentiment model: a logistic regression stored as JSON, loaded once per process.

``model/sentiment.json`` holds the intercept, one weight per bag-of-words feature (only features kept by
training) and one weight per lexicon figure (``features.LEXICON_FEATURES``). ``python -m feedback.comments.train``
rebuilds it. The logit of a comment or clause is the intercept plus the weights of its features; the score is
``tanh(logit / 2)`` (= 2p - 1), in -1..1.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent / "model" / "sentiment.json"


@dataclass(frozen=True)
class Model:
    intercept: float
    words: dict[str, float]
    lexicon: tuple[float, ...]
    neutral_band: float
    mixed_threshold: float
    meta: dict

    def score(self, words, lexicon) -> float:
        get = self.words.get
        logit = self.intercept + sum(get(word, 0.0) for word in words)
        logit += sum(w * x for w, x in zip(self.lexicon, lexicon, strict=True))
        return math.tanh(logit / 2.0)

    def score_clause(self, words, lexicon_score: float) -> float:
        return self.score(words, (lexicon_score,) * len(self.lexicon))

    def to_json(self) -> dict:
        return {
            "format": "touchpoints-comment-sentiment/1",
            "intercept": self.intercept,
            "lexicon": list(self.lexicon),
            "neutral_band": self.neutral_band,
            "mixed_threshold": self.mixed_threshold,
            "meta": self.meta,
            "words": self.words,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        return cls(
            intercept=float(data["intercept"]),
            words={str(k): float(v) for k, v in data["words"].items()},
            lexicon=tuple(float(x) for x in data["lexicon"]),
            neutral_band=float(data["neutral_band"]),
            mixed_threshold=float(data["mixed_threshold"]),
            meta=dict(data.get("meta", {})),
        )


LOADS = 0  # how many times the model file was read in this process (tests check it stays 1)


@cache
def load_model(path: Path = MODEL_FILE) -> Model:
    """The model in ``path``, read once per process."""
    global LOADS
    LOADS += 1
    with path.open(encoding="utf-8") as handle:
        return Model.from_json(json.load(handle))
