"""Rebuild feedback/comments/model/sentiment.json from data/patient-comments, deterministically.

    .venv/bin/python -m feedback.comments.train [--quiet]

Training uses trusts A and B only (see ``data``). The model is a class-balanced L2 logistic regression over the
comment's bag-of-words features and its four lexicon figures (``features``), positive vs negative. Two
hyper-parameters, the regularisation ``C`` and the scale of the lexicon columns (a larger scale regularises the
lexicon weights less, so the model leans more on the lexicon, which is what carries over to US wording), are
chosen by cross-validation inside the training trusts: the mean macro-F1 of leave-one-trust-out (train A, test
B; train B, test A) and of a stratified 5-fold split of A+B. The third, the lexicon blend (how much of the score
given out is the plain lexicon score rather than the fitted model's, see ``model``), is chosen by leave-one-trust-out
alone: it exists to carry the model to wording it was not trained on, and training on one trust and scoring another
is the only such test inside the training data. Trust C is never looked at here. Needs scikit-learn
(a development dependency); the product itself only reads the JSON file.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .data import Row, load, split
from .features import LEXICON_FEATURES, CommentFeatures, featurise
from .model import MODEL_FILE, Model

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

Log = Callable[[str], object]

C_GRID = (0.03, 0.1, 0.3, 1.0)
LEX_SCALE_GRID = (3.0, 10.0, 30.0)
BLEND_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MIN_DF = 2
NEUTRAL_BAND = 0.25  # |score| below this is neutral (NHS data has no neutral labels to tune it on)
MIXED_THRESHOLD = 0.4  # a comment is mixed when one clause scores >= this and another <= -this
SEED = 0


def _matrix(feats: Sequence[CommentFeatures], vocabulary: dict[str, int], lex_scale: float) -> "csr_matrix":
    from scipy.sparse import csr_matrix

    n_words = len(vocabulary)
    indptr: list[int] = [0]
    indices: list[int] = []
    values: list[float] = []
    for f in feats:
        cols = sorted(vocabulary[w] for w in f.words if w in vocabulary)
        indices.extend(cols)
        values.extend([1.0] * len(cols))
        indices.extend(range(n_words, n_words + len(LEXICON_FEATURES)))
        values.extend(x * lex_scale for x in f.lexicon)
        indptr.append(len(indices))
    return csr_matrix((values, indices, indptr), shape=(len(feats), n_words + len(LEXICON_FEATURES)))


def _vocabulary(feats: Iterable[CommentFeatures]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in feats:
        for word in f.words:
            counts[word] = counts.get(word, 0) + 1
    return {word: i for i, word in enumerate(sorted(w for w, n in counts.items() if n >= MIN_DF))}


def fit(
    feats: Sequence[CommentFeatures],
    labels: Sequence[str],
    c: float,
    lex_scale: float,
    meta: dict[str, Any] | None = None,
) -> Model:
    """A Model fitted on featurised comments and their labels ("positive"/"negative")."""
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(feats)
    y = [1 if label == "positive" else 0 for label in labels]
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=SEED)
    clf.fit(_matrix(feats, vocabulary, lex_scale), y)
    coef = clf.coef_[0]
    words = {w: round(float(coef[i]), 5) for w, i in vocabulary.items() if abs(coef[i]) >= 5e-5}
    lexicon = tuple(round(float(w) * lex_scale, 5) for w in coef[len(vocabulary) :])
    return Model(round(float(clf.intercept_[0]), 5), words, lexicon, NEUTRAL_BAND, MIXED_THRESHOLD, meta or {})


def _macro_f1(model: Model, feats: Iterable[CommentFeatures], labels: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    predicted = ["positive" if model.score(f.words, f.lexicon) >= 0 else "negative" for f in feats]
    return float(f1_score(labels, predicted, average="macro"))


def select(rows: Sequence[Row], feats: Sequence[CommentFeatures], log: Log = print) -> tuple[float, float, float]:
    """(C, lexicon scale, CV macro-F1) chosen by cross-validation inside the training rows (blend 0)."""
    from sklearn.model_selection import StratifiedKFold

    labels = [r.label for r in rows]
    trusts = sorted({r.trust for r in rows})
    folds: list[tuple[str, list[int], list[int]]] = []
    for trust in trusts:  # leave one trust out
        train = [i for i, r in enumerate(rows) if r.trust != trust]
        test = [i for i, r in enumerate(rows) if r.trust == trust]
        folds.append(("trust", train, test))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=SEED).split(rows, labels):
        folds.append(("kfold", list(train), list(test)))
    best: tuple[float, float, float] | None = None
    for c in C_GRID:
        for lex_scale in LEX_SCALE_GRID:
            scores: dict[str, list[float]] = {"trust": [], "kfold": []}
            for kind, train, test in folds:
                model = fit([feats[i] for i in train], [labels[i] for i in train], c, lex_scale)
                scores[kind].append(_macro_f1(model, [feats[i] for i in test], [labels[i] for i in test]))
            trust_f1 = sum(scores["trust"]) / len(scores["trust"])
            kfold_f1 = sum(scores["kfold"]) / len(scores["kfold"])
            combined = (trust_f1 + kfold_f1) / 2
            log(f"C={c:<4} lex_scale={lex_scale:<4} leave-one-trust-out F1={trust_f1:.4f} 5-fold F1={kfold_f1:.4f}")
            if best is None or combined > best[2] + 1e-9:
                best = (c, lex_scale, combined)
    assert best is not None  # the grids are not empty
    return best


def select_blend(
    rows: Sequence[Row], feats: Sequence[CommentFeatures], c: float, lex_scale: float, log: Log = print
) -> tuple[float, float]:
    """(lexicon blend, its leave-one-trust-out macro-F1) for the chosen C and lexicon scale."""
    labels = [r.label for r in rows]
    folds = []
    for trust in sorted({r.trust for r in rows}):
        train = [i for i, r in enumerate(rows) if r.trust != trust]
        test = [i for i, r in enumerate(rows) if r.trust == trust]
        folds.append((fit([feats[i] for i in train], [labels[i] for i in train], c, lex_scale), test))
    best: tuple[float, float] | None = None
    for blend in BLEND_GRID:
        f1 = sum(
            _macro_f1(replace(model, lexicon_blend=blend), [feats[i] for i in test], [labels[i] for i in test])
            for model, test in folds
        ) / len(folds)
        log(f"lexicon blend={blend:<4} leave-one-trust-out F1={f1:.4f}")
        if best is None or f1 > best[1] + 1e-9:
            best = (blend, f1)
    assert best is not None  # the grid is not empty
    return best


def train(log: Log = print) -> Model:
    rows, _held_out = split(load())
    rows = [r for r in rows if r.label != "neutral"]  # 2 rows; the model decides positive vs negative
    feats = [featurise(r.text) for r in rows]
    c, lex_scale, cv_f1 = select(rows, feats, log=log)
    blend, blend_f1 = select_blend(rows, feats, c, lex_scale, log=log)
    meta = {
        "trained_on": "data/patient-comments trusts A and B (Trust B criticality-0 rows and dirty labels dropped)",
        "held_out": "Trust C",
        "rows": len(rows),
        "C": c,
        "lex_scale": lex_scale,
        "cv_macro_f1": round(cv_f1, 4),
        "lexicon_blend_loto_macro_f1": round(blend_f1, 4),
        "min_df": MIN_DF,
    }
    model = replace(fit(feats, [r.label for r in rows], c, lex_scale, meta), lexicon_blend=blend)
    log(f"chose C={c} lex_scale={lex_scale} (CV macro-F1 {cv_f1:.4f}), lexicon blend {blend}; "
        f"{len(model.words)} word weights")  # fmt: skip
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    model = train(log=(lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr)))
    MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
    with MODEL_FILE.open("w", encoding="utf-8") as handle:
        json.dump(model.to_json(), handle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        handle.write("\n")
    print(f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
