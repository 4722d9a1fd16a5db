"""Splitting a comment into clauses (pure Python, no Django).

A comment is cut into sentences (at ``.``, ``!``, ``?``, ``;``, newlines and spaced dashes, but not after
"Dr."/"Mr."/"St." and the like, nor inside numbers such as "1.5"), and each sentence is cut again before a
contrastive word: "but", "however", "although", "though", "even though", "except", "whereas", "yet",
"apart from", "other than", "on the other hand", "unfortunately". A clause that begins with a concessive word
("although", "though", "even though", "while", "whilst", "despite") is cut once more at its first comma:
"Although the wait was long, Dr. Lee was great" gives "Although the wait was long" and "Dr. Lee was great".
Finally ", and" followed by a new subject ("the", "my", "dr", "she", "they", ...) starts a new clause, so
"the front desk was rude, and the doctor was great" is two clauses while "friendly and helpful" stays one.

Each clause keeps whether it was introduced by a contrast (``contrast=True``), which the analyser uses to give
clauses after "but" their own sentiment instead of the sentence's.
"""

import re
from dataclasses import dataclass

from .text import normalise

_ABBREVIATIONS = r"(?<!\bdr)(?<!\bmr)(?<!\bms)(?<!\bmrs)(?<!\bst)(?<!\bvs)(?<!\bno)(?<!\bpa)(?<!\bnp)(?<!\betc)"
_SENTENCE_RE = re.compile(_ABBREVIATIONS + r"(?:[.!?]+(?!\d)|;|\n+|\s[-\u2013\u2014]+\s)")
_CONTRAST_RE = re.compile(
    r"(?:,\s*)?\b(?=(?:but|however|although|though|even though|except|whereas|yet|apart from|other than|"
    r"on the other hand|unfortunately|sadly|the only (?:thing|problem|issue|downside))\b)"
)
_CONCESSIVE_RE = re.compile(r"^(?:although|though|even though|while|whilst|despite|apart from|other than)\b")
_AND_SUBJECT_RE = re.compile(
    r",\s*(?=and\s+(?:the|my|our|his|her|their|dr|doctor|she|he|they|it|we|i|staff|everyone|nobody|no one)\b)"
)

_BARE_CONNECTIVES = frozenset({"but", "however", "though", "although", "yet", "and", "unfortunately", "sadly"})


@dataclass(frozen=True, slots=True)
class Clause:
    text: str  # normalised (lower-cased) clause text, stripped
    contrast: bool  # introduced by "but", "however", ...
    sentence: int  # index of the sentence it belongs to


def split_clauses(text: str) -> list[Clause]:
    """The clauses of a comment, in order; empty pieces are dropped."""
    clauses = []
    for index, sentence in enumerate(_SENTENCE_RE.split(normalise(text))):
        for number, piece in enumerate(_CONTRAST_RE.split(sentence)):
            contrast = number > 0
            parts = [piece]
            stripped = piece.strip(" ,")
            if _CONCESSIVE_RE.match(stripped) and "," in stripped:
                head, _, tail = stripped.partition(",")
                parts = [head, tail]
            for part_number, part in enumerate(parts):
                for and_number, chunk in enumerate(_AND_SUBJECT_RE.split(part)):
                    chunk = chunk.strip(" ,:-\t\r\"'()")
                    if any(ch.isalnum() for ch in chunk) and chunk not in _BARE_CONNECTIVES:
                        is_contrast = (contrast and part_number == 0 and and_number == 0) or part_number == 1
                        clauses.append(Clause(chunk, is_contrast, index))
    return clauses
