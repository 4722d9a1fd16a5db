"""Choose representative quotes for an empathy map (pure, no Django).

``representative(quotes, k=5)`` picks quotes that together cover what patients said, not the five most
alike. It is a greedy maximal-marginal-relevance choice:

    value(q) = LAMBDA * relevance(q) - (1 - LAMBDA) * max over chosen c of similarity(q, c)

- relevance: how common the quote's themes are among all the quotes (the mean share of quotes carrying
  each of its themes; a quote without a theme gets a small base value), plus a little for a readable
  length (8 to 40 words) and for a clear sentiment (|sentiment|);
- similarity: the larger of the Jaccard overlap of the two quotes' themes and the Jaccard overlap of
  their content words (lower case, no accents, English and Spanish stop words removed, a plural "s"
  dropped);
- a theme not yet covered by the chosen quotes adds ``NEW_THEME_BONUS``.

Ties break on ``key``, so the choice is deterministic. Fewer than ``k`` quotes: all of them, in that order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cx.redaction import fold, spaced_words

LAMBDA = 0.6
NEW_THEME_BONUS = 0.25
NO_THEME_RELEVANCE = 0.05

STOP_WORDS = spaced_words(
    "a an and are as at be been but by did do does for from had has have he her here him his how i i'm "
    "if in is it it's its just me my no not of on or our she so than that the their them then there "
    "they this to too up us very was we were what when which who will with would you your am all get got "
    "de del el la las los un una unos unas y o que en con por para es son fue fueron muy mi mis me se su "
    "sus lo le les al pero como mas ya yo nos nuestro nuestra esta este estaba eso esa ese todo todos"
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@dataclass(frozen=True)
class Quote:
    key: str
    text: str
    themes: tuple[str, ...]
    sentiment: float


def content_words(text: str) -> frozenset[str]:
    """Lower-case content words without accents, stop words or a plural "s"."""
    words = set()
    for word in _WORD.findall(fold(text)):
        if word in STOP_WORDS or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def representative(quotes: Sequence[Quote], *, k: int = 5) -> list[Quote]:
    """Up to ``k`` quotes covering different themes (greedy MMR, deterministic)."""
    if k <= 0 or not quotes:
        return []
    ordered = sorted(quotes, key=lambda q: q.key)
    theme_counts: Counter[str] = Counter(t for q in ordered for t in set(q.themes))
    total = len(ordered)
    words = {q.key: content_words(q.text) for q in ordered}
    themes = {q.key: frozenset(q.themes) for q in ordered}

    def relevance(quote: Quote) -> float:
        own = themes[quote.key]
        base = sum(theme_counts[t] / total for t in own) / len(own) if own else NO_THEME_RELEVANCE
        length = len(quote.text.split())
        readable = 0.1 if 8 <= length <= 40 else 0.0
        return base + readable + 0.1 * min(1.0, abs(quote.sentiment))

    def similarity(a: Quote, b: Quote) -> float:
        return max(jaccard(themes[a.key], themes[b.key]), jaccard(words[a.key], words[b.key]))

    relevances = {q.key: relevance(q) for q in ordered}
    chosen: list[Quote] = []
    covered: set[str] = set()
    remaining = list(ordered)
    while remaining and len(chosen) < k:
        scored = []
        for n, quote in enumerate(remaining):
            redundancy = max((similarity(quote, c) for c in chosen), default=0.0)
            new_theme = NEW_THEME_BONUS if themes[quote.key] - covered else 0.0
            value = LAMBDA * relevances[quote.key] - (1 - LAMBDA) * redundancy + new_theme
            scored.append((round(value, 9), -n))
        _, negative_index = max(scored)
        best = remaining[-negative_index]
        chosen.append(best)
        covered |= themes[best.key]
        remaining.remove(best)
    return chosen
