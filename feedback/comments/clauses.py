"""Splitting a comment into clauses (pure Python, no Django).

English (``language="en"``, the default): a comment is cut into sentences (at ``.``, ``!``, ``?``, ``;``, newlines
and spaced dashes, but not after "Dr."/"Mr."/"St." and the like, nor inside numbers such as "1.5"), and each
sentence is cut again before a contrastive word: "but", "however", "although", "though", "even though", "except",
"whereas", "yet", "apart from", "other than", "on the other hand", "unfortunately". A clause that begins with a
concessive word ("although", "though", "even though", "while", "whilst", "despite") is cut once more at its first
comma: "Although the wait was long, Dr. Lee was great" gives "Although the wait was long" and "Dr. Lee was great".
Finally ", and" followed by a new subject ("the", "my", "dr", "she", "they", ...) starts a new clause, so
"the front desk was rude, and the doctor was great" is two clauses while "friendly and helpful" stays one.

Spanish (``language="es"``): the same steps with Spanish words. Sentences also end at the opening marks "¿" and
"¡" and not after "Dr."/"Dra."/"Sr."/"Sra."/"Lic."; contrasts are "pero", "sin embargo", "aunque", "excepto",
"salvo", "menos" (only before an article or preposition: "todo bien menos la espera", not "menos de una hora" nor
"al menos"), "a pesar de", "en cambio", "mientras que", "no obstante", "lo único", "lo malo", "lo bueno",
"eso sí", "desafortunadamente", "lamentablemente", "por desgracia"; concessive openers cut at their first comma are
"aunque", "a pesar de", "pese a", "si bien"; and "y" (with or without a comma) before a new subject ("el", "la",
"mi", "su", "dr", "dra", "ella", "nadie", ...) starts a new clause.

Each clause keeps whether it was introduced by a contrast (``contrast=True``), which the analyser uses to give
clauses after "but" their own sentiment instead of the sentence's.
"""

import re
from dataclasses import dataclass

from .text import normalise


@dataclass(frozen=True, slots=True)
class _Rules:
    sentence: re.Pattern[str]
    contrast: re.Pattern[str]
    concessive: re.Pattern[str]
    and_subject: re.Pattern[str]
    bare_connectives: frozenset[str]


_ABBREVIATIONS = r"(?<!\bdr)(?<!\bmr)(?<!\bms)(?<!\bmrs)(?<!\bst)(?<!\bvs)(?<!\bno)(?<!\bpa)(?<!\bnp)(?<!\betc)"
_ENGLISH = _Rules(
    sentence=re.compile(_ABBREVIATIONS + r"(?:[.!?]+(?!\d)|;|\n+|\s[-\u2013\u2014]+\s)"),
    contrast=re.compile(
        r"(?:,\s*)?\b(?=(?:but|however|although|though|even though|except|whereas|yet|apart from|other than|"
        r"on the other hand|unfortunately|sadly|the only (?:thing|problem|issue|downside))\b)"
    ),
    concessive=re.compile(r"^(?:although|though|even though|while|whilst|despite|apart from|other than)\b"),
    and_subject=re.compile(
        r",\s*(?=and\s+(?:the|my|our|his|her|their|dr|doctor|she|he|they|it|we|i|staff|everyone|nobody|no one)\b)"
    ),
    bare_connectives=frozenset({"but", "however", "though", "although", "yet", "and", "unfortunately", "sadly"}),
)

_ES_ABBREVIATIONS = (
    r"(?<!\bdr)(?<!\bdra)(?<!\bdres)(?<!\bdras)(?<!\bsr)(?<!\bsra)(?<!\bsrta)(?<!\blic)(?<!\benf)(?<!\bst)(?<!\betc)"
)
_SPANISH = _Rules(
    sentence=re.compile(_ES_ABBREVIATIONS + r"(?:[.!?\u00a1\u00bf]+(?!\d)|;|\n+|\s[-\u2013\u2014]+\s)"),
    contrast=re.compile(
        r"(?:,\s*)?\b(?=(?:pero|sin embargo|aunque|excepto|salvo|a pesar de|pese a|en cambio|mientras que|"
        r"no obstante|lo [u\u00fa]nico|lo malo|lo bueno|eso s[i\u00ed]|desafortunadamente|lamentablemente|"
        r"por desgracia|(?<!\bal )(?<!\blo )(?<!\bo )(?<!\bpor )menos(?=\s+(?:el|la|los|las|lo|por|en|con|cuando|"
        r"mi|mis|su|sus)\b))\b)"
    ),
    concessive=re.compile(r"^(?:aunque|a pesar de|pese a|si bien)\b"),
    and_subject=re.compile(
        r"(?:,\s*|\s+)(?=y\s+(?:el|la|los|las|mi|mis|su|sus|nuestro|nuestra|dr|dra|doctor|doctora|[e\u00e9]l|ella|"
        r"ellos|ellas|nadie|todos|yo)\b)"
    ),
    bare_connectives=frozenset(
        {
            "pero",
            "sin embargo",
            "aunque",
            "y",
            "excepto",
            "salvo",
            "menos",
            "no obstante",
            "eso sí",
            "eso si",
            "lo único",
            "lo unico",
            "lo malo",
            "lo bueno",
            "desafortunadamente",
            "lamentablemente",
            "por desgracia",
        }
    ),  # fmt: skip
)
RULES = {"en": _ENGLISH, "es": _SPANISH}


@dataclass(frozen=True, slots=True)
class Clause:
    text: str  # normalised (lower-cased) clause text, stripped
    contrast: bool  # introduced by "but", "however", ... ("pero", "sin embargo", ... in Spanish)
    sentence: int  # index of the sentence it belongs to


def split_clauses(text: str, language: str = "en") -> list[Clause]:
    """The clauses of a comment, in order; empty pieces are dropped. ``language``: "en" or "es"."""
    rules = RULES[language]
    clauses = []
    for index, sentence in enumerate(rules.sentence.split(normalise(text))):
        for number, piece in enumerate(rules.contrast.split(sentence)):
            contrast = number > 0
            parts = [piece]
            stripped = piece.strip(" ,")
            if rules.concessive.match(stripped) and "," in stripped:
                head, _, tail = stripped.partition(",")
                parts = [head, tail]
            for part_number, part in enumerate(parts):
                for and_number, chunk in enumerate(rules.and_subject.split(part)):
                    chunk = chunk.strip(" ,:-\t\r\"'()")
                    if any(ch.isalnum() for ch in chunk) and chunk not in rules.bare_connectives:
                        is_contrast = (contrast and part_number == 0 and and_number == 0) or part_number == 1
                        clauses.append(Clause(chunk, is_contrast, index))
    return clauses
