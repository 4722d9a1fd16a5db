"""Which touch points a clause speaks of: a documented keyword map (pure Python, no Django).

Each touch point is a list of word patterns (regular expressions matched on lower-cased clause text at word
boundaries). A clause can name several touch points; a comment's touch points are those of its clauses. The map was
written for US outpatient practices and checked against the NHS codes of the training trusts (A and B): the
codes ``wa``/``wb`` (waiting), ``sa``/``ss`` (staff), ``ml`` (listening), ``ec``/``ee``/``eq``/``ep`` (environment) and
``aa``/``al`` (access) map onto touch points; see docs/comment-analysis.md for the precision and recall on the
held-out trust C.
"""

import re
from functools import lru_cache

_WORD_RE = re.compile(r"[a-z0-9]+")

# fmt: off
TOUCHPOINTS = {
    "booking and access": [
        r"appointments?", r"appts?", r"book(?:ed|ing|ings)?", r"(?:re)?schedul\w*", r"cancell?\w*", r"availability",
        r"get (?:an|in|seen)", r"got (?:an|in|seen)", r"same[- ]day", r"walk[- ]in", r"phones?", r"telephone",
        r"on hold", r"answer(?:ed|s|ing)? (?:the|my) (?:phone|calls?)", r"voice ?mail", r"online booking",
        r"referrals?", r"referred", r"locations?", r"opening hours", r"office hours", r"hours of", r"access",
        r"accessible", r"new patients?", r"slots?", r"waiting list", r"no[- ]show", r"directions", r"to get to",
    ],
    "waiting": [
        r"wait(?:ed|ing|s)?(?! (?:room|area))", r"delays?", r"delayed", r"late", r"on time", r"punctual\w*",
        r"prompt(?:ly)?",
        r"(?:hours?|hrs?|minutes?|mins?) (?:late|past|behind|after)", r"running (?:late|behind)", r"behind schedule",
        r"seen (?:quickly|right away|promptly|immediately|on time)", r"queues?", r"queuing", r"in and out",
        r"kept (?:us|me) waiting", r"took (?:so|too) long", r"quick(?:ly)?", r"speedy",
    ],
    "front desk and staff": [
        r"front (?:desk|office)", r"reception\w*", r"receptionists?", r"staff\w*", r"nurses?", r"nursing",
        r"medical assistants?", r"assistants?", r"\bmas?\b", r"team", r"personnel", r"secretar\w+", r"admin\w*",
        r"check[- ]?in", r"check[- ]?out", r"office manager", r"employees?", r"the girls?", r"the ladies",
        r"(?:everyone|everybody) (?:there|at)", r"people (?:there|at the)", r"techs?", r"technicians?",
        r"(?:rude|friendly|helpful|kind|polite|welcoming|courteous|pleasant|lovely)\b[^.]{0,12}\b(?:people|lady|man)",
    ],
    "provider communication": [
        r"doctors?", r"dr", r"drs", r"physicians?", r"providers?", r"dermatologists?", r"surgeons?", r"consultants?",
        r"\bpa\b", r"nurse practitioners?", r"\bnp\b", r"clinicians?", r"gps?", r"therapists?", r"specialists?",
        r"listen\w*", r"explain\w*", r"explanations?", r"questions?", r"bedside manner", r"communicat\w*",
        r"took (?:the|her|his|their)? ?time", r"rushed", r"talked? (?:to|down|with)",
        r"spoke (?:to|with)", r"understand\w*", r"diagnos\w+", r"treatment plan", r"options", r"advice", r"advised",
    ],
    "records and information": [
        r"records?", r"results?", r"test results", r"labs?", r"lab work", r"biops(?:y|ies) results", r"portal",
        r"charts?", r"information", r"info", r"paperwork", r"forms?", r"letters?", r"reports?", r"emails?",
        r"e-?mailed", r"documents?", r"documentation", r"notes", r"prescriptions?", r"refills?", r"pharmacy",
        r"leaflets?", r"website", r"app", r"messages?", r"messaging", r"text(?:s|ed)? (?:me|reminders?)", r"reminders?",
    ],
    "billing and cost": [
        r"bill(?:s|ed|ing)?", r"charg(?:e|es|ed|ing)", r"co-?pays?", r"co-?insurance", r"deductibles?",
        r"insurance", r"insurer", r"claims?", r"costs?", r"cost(?:ly)?", r"price[sd]?", r"pricing", r"expensive",
        r"cheap", r"paid", r"pay(?:ing|ment|ments)?", r"refund\w*", r"statements?", r"collections?", r"invoices?",
        r"fees?", r"out of pocket", r"overcharg\w*", r"prior auth\w*", r"pre-?auth\w*", r"authorization",
        r"coverage", r"covered", r"in[- ]network", r"out[- ]of[- ]network", r"balance", r"money", r"dollars?",
        r"\$\d+", r"funding", r"estimates?",
    ],
    "facility and cleanliness": [
        r"clean\w*", r"dirty", r"filthy", r"spotless", r"tidy", r"untidy", r"immaculate",
        r"(?:the )?office (?:was|is|looked|looks|felt|itself)", r"hygien\w*", r"facilit(?:y|ies)", r"building",
        r"waiting (?:room|area)",
        r"exam rooms?", r"rooms?", r"parking", r"car park", r"park", r"bathrooms?", r"toilets?", r"restrooms?",
        r"equipment", r"decor", r"d\u00e9cor", r"noise", r"noisy", r"quiet", r"temperature", r"cold", r"hot",
        r"smell\w*", r"ward", r"environment", r"chairs?", r"seating", r"comfortable", r"uncomfortable", r"modern",
        r"spacious", r"cramped", r"lighting", r"signage", r"signs", r"lift", r"elevator", r"wheelchair",
    ],
    "follow-up": [
        r"follow[- ]?ups?", r"followed up", r"follow(?:ing)? up", r"call(?:ed|s)? (?:me |us )?back", r"callbacks?",
        r"call (?:me|us) back", r"returned (?:my|the) calls?", r"heard back", r"hear back", r"got back to",
        r"check(?:ed)? (?:on|in on) (?:me|us)", r"after ?care", r"discharge\w*", r"next (?:appointment|visit|steps?)",
        r"recall", r"post[- ]op\w*", r"continuity", r"ongoing", r"keep (?:me|us) (?:informed|updated)",
    ],
}
# fmt: on
NAMES = tuple(TOUCHPOINTS)


def _is_word_pattern(pattern: str) -> bool:
    """True when the pattern can only match one word of ``text.words`` (checked word by word, with a cache)."""
    return not any(mark in pattern for mark in (" ", "-", "[", "$", "\\b", "\\d", "\u00e9", "'"))


# Speed: most patterns match a single word, so each distinct word is checked once (cached) against one
# alternation per touch point; the few multi-word patterns run as one regular expression over the clause.
_WORD_PATTERNS = {
    name: re.compile("|".join(p for p in patterns if _is_word_pattern(p))) for name, patterns in TOUCHPOINTS.items()
}
_PHRASE_GROUPS = {f"t{i}": name for i, name in enumerate(NAMES)}
_PHRASES = re.compile(
    r"\b(?:"
    + "|".join(
        f"(?P<t{i}>{'|'.join(p for p in TOUCHPOINTS[name] if not _is_word_pattern(p))})" for i, name in enumerate(NAMES)
    )
    + r")(?!\w)"
)


@lru_cache(maxsize=65536)
def _word_touchpoints(word: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _WORD_PATTERNS.items() if pattern.fullmatch(word))


def detect(text: str) -> list[str]:
    """The touch points named in lower-cased ``text``, in the order of ``NAMES``."""
    found: set[str] = set()
    for word in set(_WORD_RE.findall(text)):
        found.update(_word_touchpoints(word))
    for match in _PHRASES.finditer(text):
        if match.lastgroup:  # always: every alternative of _PHRASES is a named group
            found.add(_PHRASE_GROUPS[match.lastgroup])
    return [name for name in NAMES if name in found]
