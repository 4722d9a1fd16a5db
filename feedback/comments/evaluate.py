"""Evaluate the comment analysis on the held-out trust (C) beside VADER and TextBlob on the same rows.

    .venv/bin/python -m feedback.comments.evaluate

Rows: trust C's labelled comments (``data``; criticality > 0 positive, < 0 negative, 0 neutral). Figures:

- ``*_posneg_accuracy``: on rows labelled positive or negative, the method's positive/negative decision (ours:
  score >= 0; VADER: compound >= 0; TextBlob: polarity >= 0). No neutral escape hatch.
- ``*_sentiment_accuracy`` and ``*_sentiment_macro_f1``: three classes on all rows, each method's own neutral rule
  (ours: |score| < the model's neutral band; VADER: compound >= 0.05 positive, <= -0.05 negative, else neutral;
  TextBlob: polarity > 0 positive, < 0 negative, else neutral). Macro-F1 averages the F1 of the three classes.
- ``*_posneg_macro_f1``: macro-F1 of the positive/negative decision on the positive/negative rows.

US wording check: ``data/us-review-check`` (240) and ``data/us-review-check-2`` (300) hold reviews the team wrote in
the style of US practice reviews, labelled by the star rating the writer meant (see their READMEs: invented text,
not real reviews). The first was read while adding US review phrases to the lexicon, so it is a development set;
the second was written blind to the analyser and to the first, and is the check. Neither is used for training or
for choosing any weight. ``us_check_figures`` gives each method's positive/negative accuracy and macro-F1 on them.

Touch points: the NHS ``code`` of a comment maps onto a touch point for some codes (``CODE_TOUCHPOINTS``); recall is
the share of comments with such a code where we detect that touch point, precision the share of comments where we
detect a touch point whose code maps onto it (a comment has one code but may speak of several touch points, so
precision is a lower bound).
"""

import csv
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from .analysis import analyze
from .data import HELD_OUT_TRUST, LABELS, Row, load, split
from .touchpoints import detect

CODE_TOUCHPOINTS = {
    "wa": "waiting", "wb": "waiting",
    "sa": "front desk and staff", "ss": "front desk and staff",
    "ml": "provider communication",
    "ec": "facility and cleanliness", "ee": "facility and cleanliness", "eq": "facility and cleanliness",
    "ep": "facility and cleanliness",
    "aa": "booking and access", "al": "booking and access",
}  # fmt: skip


US_CHECKS = {
    "us_dev": Path(__file__).resolve().parents[2] / "data" / "us-review-check" / "reviews.csv",
    "us_check": Path(__file__).resolve().parents[2] / "data" / "us-review-check-2" / "reviews.csv",
}


def held_out_rows() -> list[Row]:
    return split(load())[1]


def _accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def _macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Iterable[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def _three(score: float, band: float, strict: bool) -> str:
    if strict:
        return "positive" if score > band else "negative" if score < -band else "neutral"
    return "positive" if score >= band else "negative" if score <= -band else "neutral"


def method_scores(texts: Sequence[str]) -> dict[str, list[tuple[float, str]]]:
    """For each method, (score, three-class label) per text."""
    from textblob import TextBlob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    ours = [analyze(t) for t in texts]
    vader_scores = [vader.polarity_scores(t)["compound"] for t in texts]
    blob_scores = [TextBlob(t).sentiment.polarity for t in texts]
    return {
        "comments": [(a.score, a.sentiment) for a in ours],
        "vader": [(s, _three(s, 0.05, strict=False)) for s in vader_scores],
        "textblob": [(s, _three(s, 0.0, strict=True)) for s in blob_scores],
    }


def sentiment_figures(rows: Sequence[Row] | None = None) -> dict[str, float]:
    """Accuracy and macro-F1 of ours, VADER and TextBlob on the held-out rows."""
    rows = held_out_rows() if rows is None else rows
    gold = [r.label for r in rows]
    posneg = [i for i, label in enumerate(gold) if label != "neutral"]
    figures: dict[str, float] = {"rows": len(rows), "posneg_rows": len(posneg)}
    for method, results in method_scores([r.text for r in rows]).items():
        labels = [label for _score, label in results]
        decision = ["positive" if results[i][0] >= 0 else "negative" for i in posneg]
        posneg_gold = [gold[i] for i in posneg]
        figures[f"{method}_sentiment_accuracy"] = _accuracy(gold, labels)
        figures[f"{method}_sentiment_macro_f1"] = _macro_f1(gold, labels, LABELS)
        figures[f"{method}_posneg_accuracy"] = _accuracy(posneg_gold, decision)
        figures[f"{method}_posneg_macro_f1"] = _macro_f1(posneg_gold, decision, ("negative", "positive"))
    return figures


def us_check_figures(name: str) -> dict[str, float]:
    """Positive/negative accuracy and macro-F1 of ours, VADER and TextBlob on one US wording check set."""
    with US_CHECKS[name].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    gold = [row["label"] for row in rows]
    figures: dict[str, float] = {"rows": len(rows)}
    for method, results in method_scores([row["text"] for row in rows]).items():
        decision = ["positive" if score >= 0 else "negative" for score, _label in results]
        figures[f"{method}_posneg_accuracy"] = _accuracy(gold, decision)
        figures[f"{method}_posneg_macro_f1"] = _macro_f1(gold, decision, ("negative", "positive"))
    return figures


def touchpoint_figures(rows: Sequence[Row] | None = None) -> dict[str, tuple[float, float, int]]:
    """Per touch point (precision, recall, comments with a mapped code) on the held-out rows."""
    rows = held_out_rows() if rows is None else rows
    out: dict[str, tuple[float, float, int]] = {}
    for name in sorted(set(CODE_TOUCHPOINTS.values())):
        gold = [CODE_TOUCHPOINTS.get(r.code) == name for r in rows]
        found = [name in detect(r.text.lower()) for r in rows]
        tp = sum(g and f for g, f in zip(gold, found, strict=True))
        out[name] = (tp / max(1, sum(found)), tp / max(1, sum(gold)), sum(gold))
    return out


def throughput(texts: Sequence[str], seconds: float = 2.0) -> float:
    """Comments analysed per second of this process's CPU time (one core; the model already loaded), repeating
    ``texts`` for at least ``seconds``. CPU time rather than wall time, so a busy machine does not halve it."""
    analyze(texts[0])
    done, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for text in texts:
            analyze(text)
        done += len(texts)
    return done / (time.process_time() - started)


def main() -> int:
    rows = held_out_rows()
    figures = sentiment_figures(rows)
    print(f"Held-out {HELD_OUT_TRUST}: {figures['rows']} labelled comments, {figures['posneg_rows']} positive/negative")
    print(f"{'method':<10} {'pos/neg acc':>11} {'pos/neg F1':>10} {'3-class acc':>11} {'3-class F1':>10}")
    for method in ("comments", "vader", "textblob"):
        print(
            f"{'ours' if method == 'comments' else method:<10} {figures[f'{method}_posneg_accuracy']:>11.4f} "
            f"{figures[f'{method}_posneg_macro_f1']:>10.4f} {figures[f'{method}_sentiment_accuracy']:>11.4f} "
            f"{figures[f'{method}_sentiment_macro_f1']:>10.4f}"
        )
    print()
    print(f"{'touch point':<26} {'precision':>9} {'recall':>7} {'coded':>6}  (NHS codes mapped: see CODE_TOUCHPOINTS)")
    for name, (precision, recall, support) in touchpoint_figures(rows).items():
        print(f"{name:<26} {precision:>9.3f} {recall:>7.3f} {support:>6}")
    print()
    for check in US_CHECKS:
        us = us_check_figures(check)
        print(f"US wording check {check} ({int(us['rows'])} team-written reviews): pos/neg accuracy (macro-F1)")
        print("  " + "   ".join(
            f"{'ours' if m == 'comments' else m} {us[f'{m}_posneg_accuracy']:.4f} ({us[f'{m}_posneg_macro_f1']:.4f})"
            for m in ("comments", "vader", "textblob")
        ))  # fmt: skip
    print()
    for name in ("comments_sentiment_accuracy", "comments_sentiment_macro_f1", "comments_posneg_accuracy",
                 "vader_sentiment_accuracy", "textblob_sentiment_accuracy"):  # fmt: skip
        print(f"{name}: {figures[name]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
