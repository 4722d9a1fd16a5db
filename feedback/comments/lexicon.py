"""Lexicon evidence for one clause: VADER, adjusted for clinics, plus hand-written US outpatient phrases.

The NHS training data is British and inpatient-heavy; US practice reviews talk about copays, the front desk, the
portal and being on hold. A model that only learned the NHS words would miss those, so every clause also gets a
lexicon score that needs no training:

1. VADER (``vaderSentiment``, its own shipped lexicon, negation, boosters and capitals rules), with
   ``WORD_VALENCES`` changing a few entries: words for what a patient has (cancer, rash, pain, anxiety...) say
   nothing about the practice and are set to 0; care words that VADER lacks (thorough, dismissive, rushed,
   knowledgeable, unprofessional...) are added. Values use VADER's -4..4 scale.
2. ``PHRASES``: regular expressions for US outpatient wording that VADER cannot see because no single word carries
   the sentiment ("never called back", "on hold for 40 minutes", "waited over an hour", "sent to collections",
   "surprise bill", "took the time to explain", "in and out"...). Each match adds its valence to VADER's raw sum.

The score is VADER's normalisation of the raw sum, ``x / sqrt(x*x + 15)``, in -1..1 (0 when there is no evidence).
"""

import math
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Changes to VADER's lexicon (word -> valence on VADER's -4..4 scale); 0 removes the word's sentiment.
WORD_VALENCES = {
    # what the patient has, not how the practice did
    "cancer": 0.0, "tumor": 0.0, "tumour": 0.0, "rash": 0.0, "itchy": 0.0, "sick": 0.0, "ill": 0.0,
    "illness": 0.0, "pain": 0.0, "emergency": 0.0, "depression": 0.0, "depressed": 0.0, "anxiety": 0.0,
    "anxious": 0.0, "stress": 0.0, "death": 0.0, "died": 0.0, "cut": 0.0, "pressure": 0.0, "worry": -0.5,
    "worried": -0.3, "improve": 0.0, "care": 0.8, "like": 0.6, "free": 0.8, "no": -0.4,
    # how the practice did
    "thorough": 2.0, "knowledgeable": 2.0, "professional": 1.8, "professionally": 1.6, "attentive": 2.0,
    "informative": 1.6, "reassuring": 1.8, "reassured": 1.6, "accommodating": 1.8, "punctual": 1.5,
    "prompt": 1.4, "promptly": 1.3, "timely": 1.2, "organized": 1.2, "organised": 1.2, "seamless": 1.6,
    "painless": 1.5, "personable": 1.8, "respectful": 1.9, "gentle": 1.5, "skilled": 1.8, "competent": 1.5,
    "spotless": 2.0, "immaculate": 2.0, "tidy": 1.2,
    "rushed": -1.8, "dismissive": -2.3, "dismissed": -1.8, "condescending": -2.6, "arrogant": -2.2,
    "unprofessional": -2.5, "unhelpful": -2.0, "disrespectful": -2.3, "unresponsive": -2.0, "uncaring": -2.3,
    "incompetent": -2.5, "overcharged": -2.3, "overbooked": -1.6, "understaffed": -1.2, "unorganized": -1.6,
    "disorganised": -1.6, "chaotic": -1.8, "impersonal": -1.4, "curt": -1.6, "abrupt": -1.4, "snippy": -1.8,
    "inattentive": -1.8, "misdiagnosed": -2.5, "botched": -2.8, "nightmare": -2.8, "ripoff": -2.5,
    "unreturned": -1.8, "careless": -2.0, "cold": -0.6, "filthy": -2.5, "unsanitary": -2.5, "grimy": -2.0,
}  # fmt: skip

# US outpatient phrases: (regular expression on lower-cased clause text, valence on VADER's scale).
_N = r"(?:\d+|a|an|one|two|three|four|five|several|many|few|couple of)"
# fmt: off
PHRASES = [
    # waiting
    (rf"\bwait(?:ed|ing)?\b[^.]{{0,25}}\b(?:over|more than|almost|nearly|about|for|at least)\s+{_N}\s*(?:\+\s*)?"
     r"(?:hours?|hrs?)\b", -2.2),
    (rf"\b(?:{_N}|45|40|50)\s*(?:\+\s*)?(?:hours?|hrs?|minutes?|mins?)\s+(?:late|behind|past|after)\b", -2.0),
    (r"\b(?:running|ran|always|very|so|extremely)\s+(?:late|behind)\b", -1.5),
    (r"\bkept (?:us |me )?waiting\b", -1.8),
    (r"\b(?:long|endless|ridiculous|excessive) wait", -1.8),
    (r"\b(?:no|little|short|minimal) wait\b", 1.6),
    (r"\b(?:seen|taken back|called back to the room) (?:right away|quickly|promptly|on time|immediately)\b", 1.8),
    (r"\bon time\b", 1.0),
    (r"\bin and out\b", 1.2),
    # phones, booking, access
    (r"\bon hold\b", -1.6),
    (r"\b(?:never|nobody|no one|didnt|did not|don'?t|do not|doesnt|does not|wont|would not|wouldnt)\b[^.]{0,30}"
     r"\b(?:call(?:ed|s|ing)? (?:me )?back|return(?:ed|s)? (?:my |the )?(?:calls?|messages?|emails?)|"
     r"answer(?:ed|s)? (?:the |my )?(?:phones?|calls?|messages?))", -2.4),
    (r"\bnever (?:heard|got) back\b", -2.4),
    (r"\b(?:voicemail|voice mail) (?:is )?(?:full|box full)\b", -1.8),
    (r"\b(?:impossible|hard|difficult) to (?:get|reach|book|schedule|make)\b", -1.8),
    (r"\b(?:easy|simple|quick) to (?:book|schedule|get|reach|make|use)\b", 1.6),
    (r"\b(?:cancell?ed|reschedul\w+) (?:my|our|the) appointment\b", -1.5),
    (r"\bno[- ]show fee\b", -1.0),
    (r"\bmonths? (?:out|wait|to get)\b", -1.2),
    # staff and provider
    (r"\btook (?:the |her |his |their )?time\b", 1.8),
    (r"\b(?:explained|answered) (?:everything|all (?:of )?my questions|things clearly|it all)\b", 1.8),
    (r"\b(?:listened|listens) to\b", 1.2),
    (r"\b(?:did ?n[o']?t|does ?n[o']?t|never|wouldnt|would not) (?:listen|explain|care|bother|look)\b", -2.0),
    (r"\bbedside manner\b[^.]{0,20}\b(?:poor|terrible|awful|lacking|horrible|bad|none|zero)\b", -2.2),
    (r"\b(?:great|wonderful|excellent|amazing|good|fantastic|lovely) bedside manner\b", 2.0),
    (r"\b(?:treated|made) (?:me|us) (?:like|feel like) (?:a number|cattle|an inconvenience|a burden)", -2.5),
    (r"\b(?:in|out) (?:less than|under)? ?(?:\d+|five|two|three) minutes?\b[^.]{0,20}\b(?:rushed|left|gone)\b",
     -1.5),
    (r"\b(?:highly|would|definitely|100%) recommend\b", 1.0),
    (r"\b(?:would not|wouldn'?t|would never|do not|don'?t|cannot|can'?t|can not) recommend\b(?![^!?]{0,30}\benough\b)",
     -1.5),
    (r"\b(?:never (?:going|coming) back|never again|find (?:a |another )?(?:new |different )?(?:doctor|provider|"
     r"practice|office)|switch(?:ed|ing)? (?:doctors|providers|practices))\b", -2.5),
    (r"\b(?:stay away|run away|beware|zero stars|0 stars|one star|1 star)\b", -2.5),
    (r"\b(?:five|5) stars?\b", 2.0),
    # how Americans praise and complain in reviews, which VADER misreads word by word
    (r"\b(?:six|6|ten|10) stars?\b|\b10 ?/ ?10\b|\b(?:an |a )?a\+(?!\w)", 2.0),
    (r"\b(?:can'?t|cannot|can not|couldn'?t) (?:recommend|thank|praise)\b[^!?]{0,30}\benough\b", 2.8),
    (r"\b(?:can'?t|cannot|can not) say enough good\b", 2.8),
    (r"\b(?:couldn'?t|could not|can'?t|cannot) (?:be happier|(?:have )?ask(?:ed)? for (?:a )?better)\b", 2.8),
    (r"\bwhat more could (?:you|i|anyone) (?:want|ask for)\b", 1.8),
    (r"\b(?:will|would|i'?ll|definitely|i'?d) (?:definitely |certainly )?(?:be back|go back|come back|return)\b", 1.4),
    (r"\brun,? (?:don'?t|do not) walk\b", 2.5),
    (r"\babove and beyond\b", 2.2),
    (r"\bno complaints\b", 1.8),
    (r"\b(?:squeezed|fit|got) (?:me|us|my \w+) in\b", 1.6),
    (r"\b(?:a|what a|such a|total|complete) (?:joke|scam|rip[- ]?off)\b|\bscam\b", -2.5),
    (r"\bwaste (?:of )?(?:my |your |our )?(?:time|money)\b|\bsave yourself\b", -2.5),
    (r"\b(?:did|does|do|done|said|explained|offered|got|helped) (?:absolutely )?nothing\b|\bnothing (?:was|got) done\b",
     -2.0),
    (r"\bnothing (?:special|great|to write home about)\b", -1.2),
    # billing, insurance, cost
    (r"\bsurprise (?:bill|charge|fee)s?\b", -3.0),
    (r"\b(?:sent|send|sending|turned over) (?:me |us |it |my (?:bill|account) )?to collections?\b", -2.8),
    (r"\b(?:billed|charged) (?:me |us |my insurance )?(?:twice|incorrectly|wrong(?:ly)?|for (?:a|an|something))",
     -2.2),
    (r"\bdouble[- ]billed\b|\bbilling (?:error|mistake|mess|issue|problem)s?\b", -2.2),
    (r"\b(?:insurance|claim|prior auth\w*|authorization)\b[^.]{0,30}\b"
     r"(?:denied|rejected|never (?:sent|submitted|filed)|not (?:sent|submitted|filed)|wrong)\b", -2.0),
    (r"\b(?:didnt|did not|never|failed to|forgot to) (?:submit|file|bill|send|verify|check)\b", -1.8),
    (r"\b(?:hidden|outrageous|ridiculous|crazy|huge|unexpected|exorbitant) (?:fees?|charges?|bills?|costs?|prices?)\b",
     -2.3),
    (r"\b(?:transparent|clear|upfront|up front) (?:about|with) (?:the )?(?:costs?|prices?|pricing|fees?)\b", 1.6),
    (r"\b(?:reasonable|affordable|fair) (?:prices?|costs?|fees?|rates?)\b", 1.5),
    # records, portal, follow-up
    (r"\b(?:lost|misplaced) (?:my|our|the) (?:records?|paperwork|chart|forms?|referral|results?|samples?|biops\w+)\b",
     -2.3),
    (r"\b(?:results?|referral|prescription|records?|refill)s?\b[^.]{0,25}\bnever (?:came|arrived|sent|received)\b",
     -2.0),
    (r"\bportal\b[^.]{0,25}\b(?:never|doesnt|does not|not|broken|down|useless|confusing)\b", -1.6),
    (r"\b(?:followed|follow) up (?:promptly|quickly|the next day|right away|personally)\b", 1.8),
    (r"\b(?:called|checked on|checked in on) (?:me|us) (?:the next day|afterwards|after|later|to check)\b", 1.8),
    (r"\b(?:to|would|will|did) (?:check on|check in on|follow up with) (?:me|us)\b", 1.2),
    (r"\b(?:no|never any|zero) follow[- ]?up\b", -2.0),
]
# fmt: on
_COMPILED = [(re.compile(pattern), valence) for pattern, valence in PHRASES]
_ANY_PHRASE = re.compile("|".join(f"(?:{pattern})" for pattern, _valence in PHRASES))  # one search for most clauses
_WORD_RE = re.compile(r"[a-z][a-z'\-]*|[:;=8xX][\-o^']?[()\[\]dDpP/\\|*]")  # words and ascii emoticons
_ALPHA = 15.0  # VADER's normalisation constant


@cache
def _analyzer() -> "SentimentIntensityAnalyzer":
    """VADER with the clinic adjustments, built once per process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(WORD_VALENCES)
    return analyzer


def phrase_valence(text: str) -> float:
    """The summed valence of the US phrases found in lower-cased ``text``."""
    if _ANY_PHRASE.search(text) is None:
        return 0.0
    return sum(valence for pattern, valence in _COMPILED if pattern.search(text))


def clause_score(text: str) -> float:
    """Lexicon sentiment of one lower-cased clause, -1..1 (VADER + clinic words + US phrases)."""
    analyzer = _analyzer()
    if text.isascii() and analyzer.lexicon.keys().isdisjoint(_WORD_RE.findall(text)):
        compound = 0.0  # no lexicon word (and no emoji): VADER would say 0, skip its slower pass
    else:
        compound = analyzer.polarity_scores(text)["compound"]
    compound = max(-0.9999, min(0.9999, compound))
    raw = compound * math.sqrt(_ALPHA / (1.0 - compound * compound)) + phrase_valence(text)
    return raw / math.sqrt(raw * raw + _ALPHA)
