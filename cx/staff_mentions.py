"""A quick, loose test of whether a comment could name one team member (pure, no Django).

``cx.recognition.find_mentions`` is exact but costs a few milliseconds a comment; a staff member's
experience record reads up to a couple of years of comments for one person. ``could_name`` lets through
every comment ``find_mentions`` could credit to the member and drops most of the rest, so only those
are matched properly. It may let through too much, never too little (tested on the recognition corpus
against ``find_mentions`` itself):

- a word of the comment shares its first three letters with one of the member's names (first, last,
  nicknames, the common nicknames and English/Spanish equivalents of ``cx.recognition``), "c" and "k"
  and "ph" and "f" taken as the same, or begins with the same letter, differs in length by at most one
  and is at most two edits away (typos, a swap, spelling variants such as Stefanie/Stephanie);
- or the comment holds a role word (``cx.recognition.ROLE_WORDS``) of the member's job title (any
  provider word for a provider).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .recognition import EQUIVALENTS, NICKNAMES, PROVIDER, ROLE_WORDS, TeamMember
from .redaction import fold

_WORD = re.compile(r"[^\W\d_]+")


def _key(word: str) -> str:
    key = fold(word).replace("ph", "f").replace("'", "")
    return "k" + key[1:] if key.startswith("c") else key


def _close(a: str, b: str) -> bool:
    """At most two edits apart (Levenshtein), for words of similar length."""
    if abs(len(a) - len(b)) > 1:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > 2:
            return False
        previous = current
    return previous[-1] <= 2


@lru_cache(maxsize=256)
def _family(name: str) -> frozenset[str]:
    """A folded first name with its common nicknames and its other-language equivalents."""
    names = {name}
    for full, shorts in NICKNAMES.items():
        if name == full or name in shorts:
            names.add(full)
            names.update(shorts)
    for group in EQUIVALENTS:
        if any(n in group for n in tuple(names)):
            names.update(group)
    return frozenset(names)


def name_keys(member: TeamMember) -> frozenset[str]:
    names: set[str] = set()
    for part in (member.first_name, member.last_name, *member.nicknames):
        for word in _WORD.findall(part):
            folded = fold(word)
            names.update(_family(folded))
    return frozenset(_key(n) for n in names if len(n) > 1)


def role_words(member: TeamMember) -> tuple[str, ...]:
    titles = {member.job_title} | ({PROVIDER} if member.is_provider else set())
    return tuple(word for word, title in ROLE_WORDS.items() if title in titles)


def could_name(text: str, member: TeamMember, *, keys: frozenset[str] | None = None) -> bool:
    """Whether ``text`` could mention ``member`` (see the module's docstring). ``keys``: the member's
    ``name_keys``, computed once by a caller that tests many comments."""
    folded = " ".join(fold(text).split())
    if any(word in folded for word in _role_words(member.job_title, member.is_provider)):
        return True
    by_letter = _by_letter(keys if keys is not None else name_keys(member))
    for word in set(_WORD.findall(folded)):
        key = _key(word)
        for name in by_letter.get(key[:1], ()):
            if key[:3] == name[:3] and len(key) >= min(3, len(name)):
                return True
            if len(name) >= 4 and _close(key, name):
                return True
    return False


@lru_cache(maxsize=64)
def _role_words(job_title: str, is_provider: bool) -> tuple[str, ...]:
    return tuple(
        " ".join(word.split()) for word in role_words(TeamMember(0, "", "", job_title, is_provider=is_provider))
    )


@lru_cache(maxsize=64)
def _by_letter(keys: frozenset[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for name in sorted(keys):
        grouped.setdefault(name[:1], []).append(name)
    return {letter: tuple(names) for letter, names in grouped.items()}
