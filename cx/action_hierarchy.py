"""The RCA² action hierarchy: kinds of corrective action and how strong each is, and a classifier that
suggests a kind from an action's words (English and Spanish).

Stronger actions change the system so the failure is hard to repeat whoever is on duty (a physical
change, a forcing function, a simpler or standardised process, leadership that commits time and money).
Intermediate actions make the right thing easier (redundancy, staffing, software, checklists, standard
hand-offs). Weaker actions rely on people remembering (double checks, warnings, a new policy or memo,
training, more study). An RCA whose actions are all weaker is unlikely to stop the failure recurring,
so the page warns (``all_weaker``).

The classifier counts keyword matches per kind; the kind with most matches wins, and a tie goes to the
kind whose words come first (a forcing function's words count double; actions usually start with
their verb: "Train staff on the checklist" is training, "Add a checklist for ..." is a checklist).
``None`` when nothing matches: the person picks. No database access; labels are English msgids the page translates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

STRONGER = "stronger"
INTERMEDIATE = "intermediate"
WEAKER = "weaker"
STRENGTHS = (STRONGER, INTERMEDIATE, WEAKER)


def gettext_noop(message: str) -> str:
    """Marks a msgid for ``makemessages`` (xgettext knows the name) without needing Django's settings."""
    return message


STRENGTH_LABELS: dict[str, str] = {
    STRONGER: gettext_noop("Stronger actions"),
    INTERMEDIATE: gettext_noop("Intermediate actions"),
    WEAKER: gettext_noop("Weaker actions"),
}


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # msgid
    strength: str
    keywords: tuple[str, ...]  # regular expressions over folded text (lower case, no accents)


KINDS: tuple[Kind, ...] = (
    # Stronger
    Kind(
        "physical",
        gettext_noop("Architectural or physical change"),
        STRONGER,
        (
            r"physical",
            r"relocat\w*",
            r"move the (?:desk|kiosk|phone|printer|fax|check-in|waiting)",
            r"remodel\w*",
            r"rebuild",
            r"install\w*",
            r"layout",
            r"partition",
            r"(?:new|second|separate) (?:room|desk|entrance|window|counter)",
            r"mover el (?:mostrador|quiosco|telefono)",
            r"reubicar",
            r"remodelar",
            r"instalar",
            r"cambio fisico",
        ),
    ),
    Kind(
        "forcing_function",
        gettext_noop("Forcing function"),
        STRONGER,
        (
            r"forcing function",
            r"hard stop",
            r"cannot (?:be )?(?:book|booked|save|saved|submit|submitted|continue|proceed|finish|close|closed)",
            r"can't (?:book|save|submit|continue|proceed|finish|close)",
            r"(?:won't|will not) (?:let|allow)",
            r"block\w*",
            r"required field",
            r"mandatory",
            r"impossible to",
            r"lock\w*",
            r"no (?:se )?(?:puede|podra|permite|permitira)",
            r"bloque\w*",
            r"campo obligatorio",
        ),
    ),
    Kind(
        "simplify",
        gettext_noop("Simplify the process"),
        STRONGER,
        (
            r"simplif\w*",
            r"streamlin\w*",
            r"fewer (?:steps|screens|questions|options|clicks)",
            r"(?:remove|eliminate|drop|cut) (?:the |a |one |two |\w+ )?(?:steps?|screens?|questions?|options?)",
            r"shorten\w*",
            r"one[- ]step",
            r"menos (?:pasos|pantallas|preguntas|opciones)",
            r"eliminar (?:el |un |los )?(?:paso|pasos|pantalla|pregunta)",
            r"acortar",
        ),
    ),
    Kind(
        "standardise",
        gettext_noop("Standardise equipment or process"),
        STRONGER,
        (
            r"standardi[sz]\w*",
            r"the same (?:template|equipment|process|phone|form) (?:in|at|for) every",
            r"one (?:template|process|form) for (?:all|every)",
            r"estandariz\w*",
            r"unific\w*",
        ),
    ),
    Kind(
        "leadership",
        gettext_noop("Tangible involvement of leadership"),
        STRONGER,
        (
            r"leadership",
            r"the owner (?:will|commits|funds|reviews|joins|approves)",
            r"(?:fund|funds|funded|budget)",
            r"(?:owner|manager|leaders?) (?:reviews?|checks?) \w+ (?:every|each) (?:week|month|day)",
            r"liderazgo",
            r"la direccion",
            r"presupuesto",
            r"el propietario (?:revisa|financia|aprueba)",
        ),
    ),
    # Intermediate
    Kind(
        "redundancy",
        gettext_noop("Redundancy"),
        INTERMEDIATE,
        (r"redundan\w*", r"back-?up", r"fallback", r"second (?:line|person answers)", r"respaldo", r"redundan\w*"),
    ),
    Kind(
        "staffing",
        gettext_noop("More staff or less workload"),
        INTERMEDIATE,
        (
            r"hire\w*",
            r"hiring",
            r"(?:add|extra|another|more) (?:staff|receptionists?|people|person|nurses?|hours of cover)",
            r"staffing",
            r"workload",
            r"cover(?:age)? (?:at|for) (?:peak|lunch|busy)",
            r"contrat\w*",
            r"personal (?:adicional|extra)",
            r"carga de trabajo",
            r"otra recepcionista",
        ),
    ),
    Kind(
        "software",
        gettext_noop("Software enhancement"),
        INTERMEDIATE,
        (
            r"software",
            r"(?:booking|online) (?:page|system|template)",
            r"automat\w*",
            r"configur\w*",
            r"(?:the )?system (?:will|to) (?:send|show|flag|offer|route)",
            r"phone (?:menu|system|tree)",
            r"call[- ]back queue",
            r"text message (?:sent|sends) automatically",
            r"portal",
            r"(?:add|open|restore) \w+ (?:times|slots) (?:online|to the booking)",
            r"sistema",
            r"automati\w*",
            r"configurar",
            r"pagina de reservas",
            r"menu telefonico",
        ),
    ),
    Kind(
        "look_alikes",
        gettext_noop("Eliminate look-alikes and sound-alikes"),
        INTERMEDIATE,
        (r"look-?alike", r"sound-?alike", r"similar names", r"rename\w*", r"parecid[oa]s", r"renombrar"),
    ),
    Kind(
        "checklist",
        gettext_noop("Checklist or cognitive aid"),
        INTERMEDIATE,
        (
            r"checklists?",
            r"cognitive aid",
            r"job aid",
            r"cheat sheet",
            r"quick reference",
            r"script",
            r"lista de (?:verificacion|comprobacion|control)",
            r"guion",
            r"ayuda visual",
        ),
    ),
    Kind(
        "communication_tool",
        gettext_noop("Standardised communication tool"),
        INTERMEDIATE,
        (
            r"hand-?off",
            r"sbar",
            r"read-?back",
            r"huddle",
            r"standard (?:message|handover|hand-over)",
            r"traspaso",
            r"reunion breve",
            r"mensaje estandar",
        ),
    ),
    Kind(
        "documentation",
        gettext_noop("Enhanced documentation or communication"),
        INTERMEDIATE,
        (
            r"document\w*",
            r"record (?:it |the \w+ )?in",
            r"log (?:every|each|the)",
            r"note in the",
            r"documentar",
            r"registrar",
        ),
    ),
    # Weaker
    Kind(
        "double_check",
        gettext_noop("Double check"),
        WEAKER,
        (
            r"double[- ]check\w*",
            r"second person (?:checks|verifies)",
            r"check twice",
            r"doble (?:verificacion|control)",
        ),
    ),
    Kind(
        "warning",
        gettext_noop("Warning or reminder"),
        WEAKER,
        (
            r"warn\w*",
            r"alert\w*",
            r"sign(?:s|age)?",
            r"poster",
            r"label",
            r"remind\w*",
            r"aviso",
            r"alerta",
            r"cartel\w*",
            r"letrero",
            r"recordar",
            r"recordatorio",
        ),
    ),
    Kind(
        "policy",
        gettext_noop("New procedure, memo or policy"),
        WEAKER,
        (
            r"polic(?:y|ies)",
            r"procedure",
            r"memo\w*",
            r"(?:email|e-mail|message) (?:to|the) (?:staff|team)",
            r"new rule",
            r"politica",
            r"procedimiento",
            r"memorando",
            r"nueva norma",
        ),
    ),
    Kind(
        "training",
        gettext_noop("Training"),
        WEAKER,
        (
            r"train\w*",
            r"retrain\w*",
            r"educat\w*",
            r"in-?service",
            r"coach\w*",
            r"formacion",
            r"capacit\w*",
            r"entrenar",
            r"formar al",
        ),
    ),
    Kind(
        "study",
        gettext_noop("Additional study or analysis"),
        WEAKER,
        (r"study", r"analy[sz]\w*", r"investigat\w*", r"look into", r"estudi\w*", r"analizar", r"investigar"),
    ),
)

# A forcing function is usually built in software ("the booking page cannot book..."): its words are
# specific, so they count double against the software kind's.
WEIGHT: dict[str, int] = {"forcing_function": 2}

BY_CODE: dict[str, Kind] = {kind.code: kind for kind in KINDS}
_PATTERNS: dict[str, re.Pattern[str]] = {
    kind.code: re.compile(r"\b(?:" + "|".join(kind.keywords) + r")\b") for kind in KINDS
}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(plain.replace("’", "'").split())


def strength_of(code: str) -> str:
    """The strength of a kind; ``KeyError`` for a code that is not in the hierarchy."""
    return BY_CODE[code].strength


def is_kind(code: str) -> bool:
    return code in BY_CODE


def suggest(text: str) -> str | None:
    """The kind an action's words suggest, or None when no kind's words appear."""
    folded = fold(text)
    best: tuple[int, int, str] | None = None  # (-matches, first position, code): the smallest wins
    for kind in KINDS:
        found = list(_PATTERNS[kind.code].finditer(folded))
        if not found:
            continue
        key = (-len(found) * WEIGHT.get(kind.code, 1), found[0].start(), kind.code)
        if best is None or key < best:
            best = key
    return best[2] if best is not None else None


def grouped() -> list[tuple[str, list[Kind]]]:
    """[(strength, kinds)] strongest first, for the form's grouped choices."""
    return [(strength, [kind for kind in KINDS if kind.strength == strength]) for strength in STRENGTHS]


def all_weaker(kinds: Iterable[str]) -> bool:
    """Every action is a weaker one (and there is at least one): the page warns."""
    strengths = [BY_CODE[code].strength if code in BY_CODE else WEAKER for code in kinds]
    return bool(strengths) and all(strength == WEAKER for strength in strengths)


def counts(kinds: Iterable[str]) -> dict[str, int]:
    """How many actions of each strength (an unknown kind counts as weaker)."""
    tally = dict.fromkeys(STRENGTHS, 0)
    for code in kinds:
        tally[BY_CODE[code].strength if code in BY_CODE else WEAKER] += 1
    return tally
