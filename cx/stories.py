"""Rank candidate patient success stories for the weekly experience moment (pure, no Django).

The seed is explicit: the moment's story is about something that went right *for a patient*, not
something the practice did. ``rank_stories`` scores each candidate:

- its sentiment (-1..1) counts, and a candidate that is not positive cannot be a success story
  (sentiment at or under 0 gets a large penalty);
- patient-outcome cues, English and Spanish (``OUTCOME_CUES``: "fit me in", "same day", "my rash ... gone",
  "finally", "listened", "explained", "called me back", "felt heard", "took the time", "me atendieron",
  "me explicó"...), each adds, up to a cap; first-person words ("I", "my", "me", "mi", "yo") are needed for
  the full weight, because the story should be the patient's own;
- practice-achievement cues (``PRACTICE_CUES``: "new chairs", "renovated", "new building", "nice decor",
  "parking lot", "new website", "nueva sala"...) subtract;
- a role word or a title ("the nurse", "Dr. Lee", "la recepcionista") adds: the story names who helped;
- a closed recovery case (``source == "recovery"``) adds: something went wrong and the team put it right;
- a comment under six words ("Great!") loses a little: it is praise, not a story.

Top picks then prefer different touch points: each next pick is the best remaining score after a
penalty for a touch point already chosen. Ties break on ``key`` so the result is deterministic.

``reasons`` are short English msgids from ``REASONS``; the view translates them with ``gettext(reason)``
(their Spanish is in cx/locale/es/LC_MESSAGES/django.po).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cx.redaction import fold

COMMENT = "comment"
RECOVERY = "recovery"

REASON_OUTCOME = "about the patient's outcome"
REASON_STAFF = "names the staff who helped"
REASON_RECOVERED = "a recovered experience"
REASON_PRACTICE = "about the practice, not the patient"
REASON_POSITIVE = "strongly positive"
REASON_OWN_WORDS = "in the patient's own words"
REASON_NEW_TOUCHPOINT = "a different touch point"
REASONS = (
    REASON_OUTCOME,
    REASON_STAFF,
    REASON_RECOVERED,
    REASON_PRACTICE,
    REASON_POSITIVE,
    REASON_OWN_WORDS,
    REASON_NEW_TOUCHPOINT,
)


@dataclass(frozen=True)
class StoryCandidate:
    key: str
    text: str
    sentiment: float  # -1..1
    touchpoint: str
    source: str  # "comment" | "recovery"


@dataclass(frozen=True)
class RankedStory:
    candidate: StoryCandidate
    score: float
    reasons: tuple[str, ...]  # msgids from REASONS, translated by the view


# Regular expressions over folded text (lower case, no accents).
OUTCOME_CUES = (
    r"\bfit (?:me|us|him|her|my \w+) in\b",
    r"\b(?:squeezed?|worked) (?:me|us|him|her) in\b",
    r"\bsame[- ]day\b",
    r"\bnext[- ]day\b",
    r"\b(?:my|the) (?:skin|rash|itch|itching|spots?|mole|face|scalp|hands?|arms?|legs?|back|pain|bump|"
    r"redness|swelling|scar|breakout|condition)\b[^.!?]{0,60}\b(?:clear(?:ed)?|gone|better|healed|improved|"
    r"went away|disappeared|fixed|resolved|much better|under control)\b",
    r"\b(?:cleared|cleared up|went away|healed|improved|gone|under control)\b",
    r"\bfinally\b",
    r"\blistened\b",
    r"\bexplain(?:ed|s)\b",
    r"\b(?:called|got back to|texted|emailed) (?:me|us) (?:back|right away|within|the same|quickly)",
    r"\bcalled (?:me|us) back\b",
    r"\bfelt (?:heard|safe|cared for|cared about|comfortable|respected|understood|listened to|at ease)\b",
    r"\btook (?:the|their|her|his) time\b",
    r"\b(?:answered|answer) (?:all )?(?:my|our) questions\b",
    r"\bsaved (?:my|me)\b",
    r"\bchanged my life\b",
    r"\bno (?:more )?(?:wait|waiting)\b",
    r"\bgot (?:me|us) (?:in|an appointment|seen)\b",
    r"\bworked with my insurance\b",
    r"\bin (?:and out|no time)\b",
    r"\bcalm(?:ed)? (?:me|my)\b",
    r"\bput me at ease\b",
    r"\bmade me feel\b",
    r"\b(?:me|nos) atendieron\b",
    r"\bme (?:explico|explicaron|escucho|escucharon|ayudo|ayudaron|llamaron|llamo)\b",
    r"\b(?:me|nos) dieron (?:cita|una cita)\b",
    r"\bel mismo dia\b",
    r"\bmi (?:piel|sarpullido|picazon|mancha|lunar|cara|dolor)\b[^.!?]{0,60}\b(?:mejor|desaparecio|se quito|"
    r"sano|mejoro|curo|limpia)\b",
    r"\b(?:desaparecio|mejoro|se quito|se curo)\b",
    r"\bpor fin\b",
    r"\bme senti (?:escuchad[oa]|segur[oa]|comod[oa]|atendid[oa]|en confianza|bien)\b",
    r"\bse tomo (?:el|su) tiempo\b",
    r"\ben espanol\b",
    r"\bin spanish\b",
)
PRACTICE_CUES = (
    r"\bnew (?:chairs?|furniture|building|office|offices|website|site|app|sign|signs?|decor|paint|carpet|"
    r"waiting room|lobby|equipment|machine|laser|logo|location|tv|coffee machine|parking)\b",
    r"\brenovat(?:ed|ion|ions)\b",
    r"\bremodel(?:ed|ing)?\b",
    r"\b(?:nice|beautiful|modern|lovely|pretty|great) (?:decor|decoration|building|office|lobby|waiting room|"
    r"furniture|chairs|artwork|paintings|music)\b",
    r"\bparking (?:lot|garage|spaces?)\b",
    r"\bwebsite\b",
    r"\bdecor\b",
    r"\bcoffee\b",
    r"\bmagazines?\b",
    r"\b(?:nueva|nuevo|nuevas|nuevos) (?:sala|sillas|edificio|oficina|pagina|sitio|estacionamiento|muebles|"
    r"decoracion|recepcion)\b",
    r"\b(?:remodelaron|renovaron|remodelacion|renovacion)\b",
    r"\bestacionamiento\b",
)
_STAFF_CUES = re.compile(
    r"\b(?:dr|dra|doctor|doctora|nurse|receptionist|front desk|medical assistant|assistant|the ma|the pa|"
    r"physician|dermatologist|provider|billing|enfermer[oa]|recepcionista|asistente|medic[oa]|"
    r"dermatolog[oa]|secretaria)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|me|my|mine|we|us|our|yo|mi|mis|me|nos|nuestro|nuestra)\b")

_OUTCOME = [re.compile(c) for c in OUTCOME_CUES]
_PRACTICE = [re.compile(c) for c in PRACTICE_CUES]

OUTCOME_WEIGHT = 0.6  # per distinct cue, at most OUTCOME_CAP in all
OUTCOME_CAP = 1.8
PRACTICE_WEIGHT = 0.9  # per distinct cue, at most PRACTICE_CAP in all
PRACTICE_CAP = 1.8
STAFF_WEIGHT = 0.3
RECOVERY_WEIGHT = 0.5
SENTIMENT_WEIGHT = 1.0
NOT_POSITIVE_PENALTY = 3.0
SAME_TOUCHPOINT_PENALTY = 0.6
SHORT_WORDS = 6  # "Great!" is praise, not a story
SHORT_PENALTY = 0.5


def score_story(candidate: StoryCandidate) -> tuple[float, tuple[str, ...]]:
    """The candidate's score before the touch-point diversity step, and why."""
    text = fold(candidate.text)
    reasons: list[str] = []
    sentiment = max(-1.0, min(1.0, candidate.sentiment))
    score = SENTIMENT_WEIGHT * sentiment
    if sentiment <= 0:
        score -= NOT_POSITIVE_PENALTY
    first_person = _FIRST_PERSON.search(text) is not None
    outcome_hits = sum(1 for cue in _OUTCOME if cue.search(text))
    practice_hits = sum(1 for cue in _PRACTICE if cue.search(text))
    if outcome_hits:
        outcome = min(OUTCOME_CAP, OUTCOME_WEIGHT * outcome_hits) * (1.0 if first_person else 0.5)
        score += outcome
        reasons.append(REASON_OUTCOME)
    if practice_hits:
        score -= min(PRACTICE_CAP, PRACTICE_WEIGHT * practice_hits)
        if practice_hits >= outcome_hits:
            reasons.append(REASON_PRACTICE)
    if _STAFF_CUES.search(text):
        score += STAFF_WEIGHT
        reasons.append(REASON_STAFF)
    if len(text.split()) < SHORT_WORDS:
        score -= SHORT_PENALTY
    if candidate.source == RECOVERY:
        score += RECOVERY_WEIGHT
        reasons.append(REASON_RECOVERED)
    if sentiment >= 0.6:
        reasons.append(REASON_POSITIVE)
    if first_person and not outcome_hits and not practice_hits:
        reasons.append(REASON_OWN_WORDS)
    return score, tuple(reasons)


def rank_stories(candidates: Sequence[StoryCandidate], *, limit: int = 3) -> list[RankedStory]:
    """The ``limit`` best stories, patient outcomes above practice achievements, touch points varied."""
    scored = sorted(
        ((candidate, *score_story(candidate)) for candidate in candidates),
        key=lambda row: (-row[1], row[0].key),
    )
    chosen: list[RankedStory] = []
    used: dict[str, int] = {}
    remaining = list(scored)
    while remaining and len(chosen) < limit:
        best_index = 0
        best_value = float("-inf")
        for n, (candidate, score, _) in enumerate(remaining):
            value = score - SAME_TOUCHPOINT_PENALTY * used.get(candidate.touchpoint, 0)
            if value > best_value:
                best_index, best_value = n, value
        candidate, score, reasons = remaining.pop(best_index)
        if chosen and candidate.touchpoint not in used:
            reasons = (*reasons, REASON_NEW_TOUCHPOINT)
        used[candidate.touchpoint] = used.get(candidate.touchpoint, 0) + 1
        chosen.append(RankedStory(candidate=candidate, score=round(score, 4), reasons=reasons))
    return chosen
