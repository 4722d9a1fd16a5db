"""Normalising and tokenising comment text (pure Python, no Django).

Text is lower-cased (which also undoes the capital-I quirk of one NHS trust's export, "FrIendly"), curly quotes
become straight ones and words are `[a-z0-9']+` runs. Negation is marked the classic way: after a negator
("not", "no", "never", "didn't", ...) the next three words get a ``not_`` prefix, so "not helpful" and "helpful"
are different features.
"""

import re

WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nor",
        "neither",
        "without",
        "cannot",
        "cant",
        "dont",
        "didnt",
        "doesnt",
        "wasnt",
        "werent",
        "isnt",
        "arent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "hadnt",
    ]
)
NEGATION_SCOPE = 3
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": " - ", "\u2013": " - "})


# Pronouns carry no sentiment of their own; in the NHS data they mostly encode which survey question a comment
# answered ("me"/"my" in answers to "what was good?"), which would not carry over to other surveys. They are dropped
# as unigrams, and bigrams made only of them are dropped too. (Cross-validation inside trusts A and B is unchanged
# by this; dropping all function words cost 2-3 points, as "would be"/"could" mark suggestions, i.e. criticism.)
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "they",
        "them",
        "their",
        "theirs",
        "it",
        "its",
    ]
)


def normalise(text: str) -> str:
    return text.translate(_QUOTES).lower()


def words(text: str) -> list[str]:
    """The words of already normalised text; "didn't" -> "didnt", "doctor's" -> "doctor", "i'm" -> "i"."""
    out = []
    for word in WORD_RE.findall(text):
        if "'" in word:
            stem, _, tail = word.partition("'")
            word = stem + "t" if tail == "t" else stem if tail in _CLITICS else stem + tail
        out.append(word)
    return out


def features(text: str) -> list[str]:
    """Bag-of-words features of normalised text: negation-marked unigrams and plain bigrams (deduplicated)."""
    tokens = words(text)
    feats = set()
    scope = 0
    for token in tokens:
        if token in STOP_WORDS:
            if scope:
                scope -= 1
            continue
        if token in NEGATORS:
            feats.add(token)
            scope = NEGATION_SCOPE
        elif scope:
            feats.add("not_" + token)
            scope -= 1
        else:
            feats.add(token)
    feats.update(
        f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False) if a not in STOP_WORDS or b not in STOP_WORDS
    )
    return list(feats)


_CLITICS = frozenset({"s", "ll", "d", "m", "re", "ve"})
