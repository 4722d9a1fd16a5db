"""The labelled NHS patient comments in data/patient-comments (pure Python, no Django).

Labels come from ``criticality`` (-5..5): positive when > 0, negative when < 0, neutral when 0. Dirty values
(``-o``, ``NA``, ``-NA``, ``cc``, ``-9``, ``-6``, ``A``, ``SS``: anything outside -5..5) are unlabelled and dropped.
Trust B gives 0 to 2,563 comments that are nearly all praise ("Excellent service, very friendly staff"): there 0
means "not critical", not "neutral", so Trust B's zeros are dropped too (documented, not guessed as positive).

Split: trusts A and B train (hyper-parameters are chosen by cross-validation inside them); trust C, the largest,
is held out and only ever used by ``evaluate``.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "patient-comments" / "text_data.csv"
TRAIN_TRUSTS = ("Trust A", "Trust B")
HELD_OUT_TRUST = "Trust C"
LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    label: str  # negative / neutral / positive
    criticality: int
    trust: str
    code: str


def label_of(criticality: int) -> str:
    return "positive" if criticality > 0 else "negative" if criticality < 0 else "neutral"


def load(path: Path = DATA_FILE) -> list[Row]:
    """Every labelled row, in file order (unlabelled and Trust B's zero rows dropped)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            try:
                criticality = int(record["criticality"])
            except ValueError:
                continue
            text = (record["feedback"] or "").strip()
            if not -5 <= criticality <= 5 or not text:
                continue
            if record["organization"] == "Trust B" and criticality == 0:
                continue
            rows.append(Row(text, label_of(criticality), criticality, record["organization"], record["code"]))
    return rows


def split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(training rows from trusts A and B, held-out rows from trust C)."""
    return [r for r in rows if r.trust in TRAIN_TRUSTS], [r for r in rows if r.trust == HELD_OUT_TRUST]
