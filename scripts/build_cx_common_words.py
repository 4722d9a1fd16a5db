"""Rebuild cx/data/common_words_en.txt (the ordinary English words cx.redaction and cx.recognition check).

Source: TextBlob 0.20.1 (a dev requirement, MIT licence): en-lexicon.txt (Brill's tagger lexicon, Brown
corpus and Penn Treebank) intersected with en-spelling.txt (word counts from public-domain books, Wiktionary
and the BNC). A word is kept when it is written in lower case in the lexicon with a tag that is not a proper
noun or a foreign word, it is longer than five letters or counted at least once in the spelling list (short
rare entries are often abbreviations or surnames), it is not a surname counted fewer than three times
(graham, potter, walker), and it is not a first name in
cx.redaction.FIRST_NAMES (the lexicon has "john" and "maria"; first names that are everyday words, such as
grace or will, are listed by hand in cx.redaction.EVERYDAY_WORDS).
Run: PYTHONPATH=. .venv/bin/python scripts/build_cx_common_words.py
"""

from pathlib import Path

import textblob

from cx.redaction import FIRST_NAMES, LAST_NAMES

SOURCE = Path(textblob.__file__).parent / "en"
TARGET = Path(__file__).resolve().parent.parent / "cx" / "data" / "common_words_en.txt"


def build() -> list[str]:
    counts: dict[str, int] = {}
    for line in (SOURCE / "en-spelling.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith(";;;"):
            counts[parts[0]] = int(parts[1])
    words: set[str] = set()
    for line in (SOURCE / "en-lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or line.startswith(";;;") or not parts[0].isalpha():
            continue
        word, tags = parts[0], set(parts[1:])
        count = counts.get(word, 0)
        listed = word.islower() and not tags & {"FW", "NNP", "NNPS"} and (count >= 1 or len(word) > 5)
        if listed and (word not in LAST_NAMES or count >= 3):
            words.add(word)
    return sorted(words - FIRST_NAMES)


if __name__ == "__main__":
    words = build()
    header = "# Ordinary English words (lower case). Built by scripts/build_cx_common_words.py; do not edit.\n"
    TARGET.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {TARGET}")
