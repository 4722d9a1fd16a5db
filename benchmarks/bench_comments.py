"""comments_*: the offline comment analysis (feedback.comments), no database.

comments_per_second: comments analysed per second of CPU time on one core, the model already loaded, over the
held-out trust's comments (trust C of data/patient-comments, about 4,400 real comments, 13 words on average).
comments_model_load_seconds: reading the shipped model file once. comments_model_size_mb: the files in
feedback/comments/model.

Accuracy on the held-out trust, ours beside VADER and TextBlob on the same rows (see feedback/comments/evaluate.py
for the definitions): comments_sentiment_accuracy / comments_sentiment_macro_f1 (three classes),
comments_posneg_accuracy / comments_posneg_macro_f1 (positive vs negative rows, the method's positive/negative
decision), and the same for vader_* and textblob_*.

us_check_*_posneg_accuracy: positive/negative accuracy on the team-written blind US wording check
(data/us-review-check-2, 300 invented reviews in the style of US practice reviews; not real data).
"""

import time

from feedback.comments import evaluate
from feedback.comments.model import MODEL_FILE, load_model

from .demo_db import log

ORDER = 60


def run(quick: bool) -> list[tuple[str, float, str]]:
    load_model.cache_clear()
    started = time.perf_counter()
    load_model()
    load_seconds = time.perf_counter() - started
    size_mb = sum(p.stat().st_size for p in MODEL_FILE.parent.iterdir() if p.is_file()) / 1e6

    rows = evaluate.held_out_rows()
    log(f"comments: {len(rows)} held-out comments")
    rate = evaluate.throughput([r.text for r in rows], seconds=1.0 if quick else 5.0)
    figures = evaluate.sentiment_figures(rows)
    out = [
        ("comments_per_second", round(rate), "comments/s"),
        ("comments_model_load_seconds", round(load_seconds, 3), "s"),
        ("comments_model_size_mb", round(size_mb, 2), "MB"),
    ]
    for method in ("comments", "vader", "textblob"):
        for figure in ("sentiment_accuracy", "sentiment_macro_f1", "posneg_accuracy", "posneg_macro_f1"):
            out.append((f"{method}_{figure}", round(figures[f"{method}_{figure}"], 4), ""))
    us = evaluate.us_check_figures("us_check")
    for method in ("comments", "vader", "textblob"):
        out.append((f"us_check_{method}_posneg_accuracy", round(us[f"{method}_posneg_accuracy"], 4), ""))
    return out
