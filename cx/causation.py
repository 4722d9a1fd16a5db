"""A causal statement checked against the five rules of causation (RCA², after the VA National Center
for Patient Safety), in English and Spanish.

A causal statement says how a cause led to an effect that made the failed experience more likely:
"the booking page showed no Saturday times, which increased the likelihood that working patients would
call, which led to longer hold times". The five rules, as checked here:

1. **Cause and effect**: the statement links a cause to its effect ("led to", "increased the likelihood
   that", "because", "lo que llevó a", "porque"...). A bare fact ("hold times were long") is not a cause.
2. **No negative descriptors**: "poorly", "inadequate", "careless", "failed to", "sloppy", "bad",
   "mal", "deficiente"... judge instead of describing what happened; say what actually happened.
3. **Every human error has a preceding cause**: "the receptionist forgot", "staff didn't..." blames a
   person; say what made the slip likely (no call-back list, 40 calls an hour...).
4. **Every procedure deviation has a preceding cause**: "did not follow the policy" needs why (the
   policy was on paper in a drawer, the script took ten minutes...).
5. **Failure to act is a cause only when there was a pre-existing duty to act**: "nobody called the
   patient" is causal only if someone was required to ("the protocol requires a call within a day").

The checks are heuristics over words and their order (no language model): a human error or a deviation
counts as explained when a cause comes before it ("..., which increased the likelihood that the
receptionist would forget") or a "because"/"due to" clause follows it, or the sentence opens with one
("Because the list was on paper, the receptionist forgot..."). ``cx/tests/test_causation.py`` holds
the written set of good and bad statements and the figure of how often the checks agree with it.

No database access. Explanations are English msgids (``gettext_noop``) with ``%(words)s`` for the
words found; the page translates them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks a msgid for ``makemessages`` (xgettext knows the name) without needing Django's settings."""
    return message


CAUSE_AND_EFFECT = 1
NO_NEGATIVE_DESCRIPTORS = 2
HUMAN_ERROR = 3
PROCEDURE_DEVIATION = 4
FAILURE_TO_ACT = 5

RULE_NAMES: dict[int, str] = {
    CAUSE_AND_EFFECT: gettext_noop("Show cause and effect"),
    NO_NEGATIVE_DESCRIPTORS: gettext_noop("No negative descriptors"),
    HUMAN_ERROR: gettext_noop("A human error needs a preceding cause"),
    PROCEDURE_DEVIATION: gettext_noop("A procedure deviation needs a preceding cause"),
    FAILURE_TO_ACT: gettext_noop("Failure to act needs a duty to act"),
}


@dataclass(frozen=True)
class RuleFailure:
    """One rule a statement breaks: which, the words that break it, why it matters and how to fix it
    (msgids; ``%(words)s`` in ``explanation`` stands for ``words``)."""

    rule: int
    words: str
    explanation: str
    fix: str

    @property
    def rule_name(self) -> str:
        return RULE_NAMES[self.rule]


def fold(text: str) -> str:
    """Lower case without accents, typographic apostrophes straightened, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(plain.replace("’", "'").replace("‘", "'").split())


def _alternatives(phrases: list[str]) -> str:
    # Longest first so "failed to" wins over "failed"; each phrase may be a small regular expression.
    return "|".join(sorted(phrases, key=len, reverse=True))


def _words(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternatives(phrases)})\b")


# Links from a cause to what it led to: the cause comes before them.
FORWARD = _words(
    [
        r"increase[sd]? the (?:likelihood|chance|risk|odds)",
        r"(?:made|makes|make) it (?:more )?likely",
        r"(?:made|makes|make) it (?:harder|easier|impossible)",
        r"(?:made|makes|make) [a-z' ]{1,30} more likely",
        r"led to",
        r"led (?:[a-z'-]+ ){1,3}to",
        r"leads? to",
        r"lead to",
        r"resulted in",
        r"results in",
        r"caused",
        r"causes",
        r"causing",
        r"contributed to",
        r"contributes to",
        r"meant that",
        r"means that",
        r"so that",
        r"which meant",
        r"therefore",
        r"as a result",
        r"aumento la (?:probabilidad|posibilidad)",
        r"aumenta la (?:probabilidad|posibilidad)",
        r"aumentaron la (?:probabilidad|posibilidad)",
        r"hizo (?:mas )?probable",
        r"hace (?:mas )?probable",
        r"(?:lo que|que) (?:llevo|lleva|condujo|conduce) a",
        r"llevo a",
        r"condujo a",
        r"provoco",
        r"provoca",
        r"causo",
        r"dio lugar a",
        r"da lugar a",
        r"contribuyo a",
        r"por lo que",
        r"lo que hizo",
        r"de modo que",
        r"resulto en",
        r"como resultado",
    ]
)

# Links from an effect back to its cause: the cause comes after them.
BACKWARD = _words(
    [
        r"because(?: of)?",
        r"due to",
        r"owing to",
        r"since",
        r"as a result of",
        r"given that",
        r"porque",
        r"debido a",
        r"ya que",
        r"puesto que",
        r"a causa de",
        r"por falta de",
        r"dado que",
    ]
)

# A sentence that opens with its cause: "Because the list was on paper, ...", "Without a list, ...".
OPENING_CAUSE = re.compile(
    r"^(?:because|since|as|with no|without|due to|given that|owing to|after|when|porque|como|sin|debido a|"
    r"ya que|dado que|puesto que|tras|al no haber|cuando)\b[^,;]{3,},"
)

NEGATIVE = _words(
    [
        r"poor(?:ly)?",
        r"inadequate(?:ly)?",
        r"insufficient(?:ly)?",
        r"careless(?:ly|ness)?",
        r"fail(?:ed|s)? to",
        r"sloppy",
        r"sloppily",
        r"bad(?:ly)?",
        r"negligen(?:t|tly|ce)",
        r"lazy",
        r"laziness",
        r"incompeten(?:t|ce)",
        r"improper(?:ly)?",
        r"inappropriate(?:ly)?",
        r"sub-?standard",
        r"deficient",
        r"unprofessional",
        r"terrible",
        r"awful",
        r"lax",
        r"mal",
        r"malo",
        r"mala",
        r"malos",
        r"malas",
        r"deficiente(?:s|mente)?",
        r"inadecuad[oa]s?",
        r"inadecuadamente",
        r"insuficiente(?:s|mente)?",
        r"descuidad[oa]s?",
        r"descuido",
        r"negligente(?:s|mente)?",
        r"negligencia",
        r"pesim[oa]s?",
        r"incompetente(?:s)?",
        r"no supo",
        r"no logro",
        r"fallo (?:en|al)",
    ]
)

# Who gets blamed: a role, a pronoun, "staff", "someone".
PERSON = (
    r"(?:the |a |an |our |one )?(?:front[- ]desk(?: staff| person| team)?|receptionists?|staff(?: member)?s?|"
    r"staffers?|nurses?|doctors?|dr\.? [a-z]+|physicians?|providers?|schedulers?|billers?|clerks?|"
    r"(?:medical )?assistants?|ma|technicians?|managers?|employees?|team members?|he|she|someone|"
    r"somebody|nobody|no one|"
    r"(?:el |la |los |las |un |una )?(?:recepcionistas?|personal|enfermer[oa]s?|medic[oa]s?|doctor(?:a|es)?|"
    r"asistentes?|emplead[oa]s?|administrativ[oa]s?|gerentes?|encargad[oa]s?)|ella|alguien|nadie)"
)
NOT = r"(?:did not|didn't|does not|doesn't|do not|don't|never|would not|wouldn't|was not|wasn't|were not|weren't|no)"

HUMAN_SLIP = _words(
    [
        r"forg[eo]t(?:s|ten)?",
        r"overlook(?:ed|s)?",
        r"mis(?:read|typed|heard|keyed|spelled|dialled|dialed)",
        r"made (?:a|an) (?:mistake|error|slip)",
        r"(?:did not|didn't|never) (?:notice|realise|realize|see|hear)",
        r"(?:was not|wasn't|not) paying attention",
        r"neglected",
        r"ignored",
        r"(?:se )?olvido",
        r"se equivoco",
        r"cometio un error",
        r"no (?:se dio cuenta|presto atencion|vio|escucho)",
        r"confundio",
        r"ignoro",
    ]
)
PERSON_DID_NOT = re.compile(rf"\b{PERSON} (?:{NOT}|forgot|missed|no)\b")

DEVIATION = _words(
    [
        rf"{NOT} (?:follow|comply with|stick to|use|apply)(?:ed)? (?:the |our |a )?"
        r"(?:policy|procedure|protocol|process|checklist|script|rule|rules|steps?|guideline|guidelines|workflow)",
        r"(?:not following|didn't follow|did not follow)",
        r"violated",
        r"violation of",
        r"deviated from",
        r"bypass(?:ed)?",
        r"skip(?:ped|s)? (?:the |a )?(?:[a-z-]+ ){0,2}(?:step|check|checklist|verification|confirmation)",
        r"work(?:ed)? around (?:the )?(?:policy|procedure|protocol|process|system)",
        r"(?:contrary to|against) (?:the )?(?:policy|procedure|protocol)",
        r"no (?:siguio|cumplio(?: con)?|respeto|aplico) (?:el |la |los |las )?"
        r"(?:protocolo|procedimiento|politica|norma|normas|proceso|guion|lista|pasos?)",
        r"incumplio",
        r"se salto (?:el |la )?(?:paso|verificacion|comprobacion|protocolo|procedimiento)",
        r"omitio (?:el |la )?(?:paso|verificacion|comprobacion)",
    ]
)

ACTS = (
    r"(?:call|phone|ring|tell|inform|notify|check|confirm|verify|update|send|follow up|respond|reply|answer|"
    r"offer|document|escalate|contact|book|reschedule|warn|explain|return)"
)
SPANISH_ACTS = (
    r"(?:llamo|llamaron|aviso|avisaron|informo|informaron|confirmo|verifico|reviso|envio|enviaron|contesto|"
    r"respondio|ofrecio|ofrecieron|documento|explico|devolvio|contacto)"
)
FAILURE_TO_ACT_PATTERN = re.compile(
    rf"\b(?:(?:did not|didn't|never|does not|doesn't|do not|don't) {ACTS}"
    rf"|(?:no one|nobody) {ACTS}(?:ed|s)?"
    rf"|(?:no one|nobody) (?:called|phoned|told|informed|notified|checked|confirmed|answered|followed up|offered|sent)"
    rf"|(?:was|were|is|are|wasn't|weren't) not (?:called|phoned|told|informed|notified|checked|confirmed|"
    rf"offered|contacted|updated|warned|given)"
    rf"|(?:wasn't|weren't) (?:called|phoned|told|informed|notified|checked|confirmed|offered|contacted|updated|"
    rf"warned|given)"
    rf"|fail(?:ed|ure)? to {ACTS}"
    rf"|(?:nadie|no se(?: le| les)?|no le|no les|no) {SPANISH_ACTS})\b"
)
DUTY = _words(
    [
        r"(?:is|was|are|were) (?:required|supposed|expected|responsible|obliged|assigned) (?:to|for)",
        r"requires?",
        r"required",
        r"per (?:the |our )?(?:policy|protocol|procedure)",
        r"(?:the |our )?(?:policy|protocol|procedure|checklist|script|standard|rule) (?:says|requires|calls for|asks)",
        r"(?:must|has to|have to|had to|should have)",
        r"(?:whose|its|his|her|their) (?:job|task|duty|role|responsibility)",
        r"duty",
        r"responsible for",
        r"in charge of",
        r"debia",
        r"debe",
        r"deben",
        r"tenia que",
        r"tiene que",
        r"obligatori[oa]",
        r"segun (?:el|la) (?:protocolo|procedimiento|politica|norma)",
        r"le corresponde",
        r"le correspondia",
        r"(?:es|era) responsable",
        r"(?:esta|estaba) obligad[oa]",
        r"(?:exige|exigia|requiere|requeria)",
    ]
)

MIN_WORDS = 8


def _explained(folded: str, start: int) -> bool:
    """Whether the slip or deviation found at ``start`` has a preceding cause in the statement."""
    before = folded[:start]
    if any(len(before[: m.start()].split()) >= 2 for m in FORWARD.finditer(before)):
        return True  # "..., which increased the likelihood that the receptionist would forget"
    if any(m.start() > start for m in BACKWARD.finditer(folded)):
        return True  # "the receptionist forgot because..."
    opening = OPENING_CAUSE.match(folded)
    return opening is not None and opening.end() <= start  # "Because the list was on paper, ..."


def check(statement: str) -> list[RuleFailure]:
    """The rules ``statement`` breaks, in rule order (an empty list: it passes every check)."""
    folded = fold(statement)
    failures: list[RuleFailure] = []
    if not folded:
        return [
            RuleFailure(
                CAUSE_AND_EFFECT,
                "",
                gettext_noop("The statement is empty."),
                gettext_noop("Write what caused what: “X increased the likelihood that Y, which led to Z.”"),
            )
        ]
    linked = FORWARD.search(folded) or BACKWARD.search(folded) or OPENING_CAUSE.match(folded)
    if linked is None or len(folded.split()) < MIN_WORDS:
        failures.append(
            RuleFailure(
                CAUSE_AND_EFFECT,
                "",
                gettext_noop("It does not show a cause leading to an effect: it reads as a fact or a label."),
                gettext_noop(
                    "Link a cause to its effect and to the failed experience: “X increased the likelihood "
                    "that Y, which led to Z.”"
                ),
            )
        )
    for match in NEGATIVE.finditer(folded):
        failures.append(
            RuleFailure(
                NO_NEGATIVE_DESCRIPTORS,
                match.group(0),
                gettext_noop("“%(words)s” judges what happened instead of describing it."),
                gettext_noop(
                    "Say what actually happened, specifically: not “the instructions were poor” but "
                    "“the instructions were a 600-word email with the address at the end”."
                ),
            )
        )
        break
    slip = HUMAN_SLIP.search(folded) or PERSON_DID_NOT.search(folded)
    deviation = DEVIATION.search(folded)
    inside_deviation = deviation is not None and slip is not None and deviation.start() <= slip.end() <= deviation.end()
    if slip is not None and not inside_deviation and not _explained(folded, slip.start()):
        failures.append(
            RuleFailure(
                HUMAN_ERROR,
                slip.group(0),
                gettext_noop("“%(words)s” blames a person without saying what made the slip likely."),
                gettext_noop(
                    "Say what led to the error (workload, interruptions, no list or reminder, a screen "
                    "that hides the step): “Because …, the receptionist did not …”."
                ),
            )
        )
    if deviation is not None and not _explained(folded, deviation.start()):
        failures.append(
            RuleFailure(
                PROCEDURE_DEVIATION,
                deviation.group(0),
                gettext_noop("“%(words)s” is a deviation from a procedure with no reason given for it."),
                gettext_noop(
                    "Say why the procedure was not followed (it was hard to find, too slow, conflicted with "
                    "another rule, the usual way everyone works): “Because …, the policy was not followed.”"
                ),
            )
        )
    not_done = FAILURE_TO_ACT_PATTERN.search(folded)
    if not_done is not None and DUTY.search(folded) is None:
        failures.append(
            RuleFailure(
                FAILURE_TO_ACT,
                not_done.group(0),
                gettext_noop("“%(words)s” is a failure to act; it is a cause only if someone had a duty to do it."),
                gettext_noop(
                    "Name the duty that existed beforehand (“the protocol requires a call within one day”) "
                    "or, if there was none, make the missing step the cause (“no one is assigned to …”)."
                ),
            )
        )
    return failures


def passes(statement: str) -> bool:
    return not check(statement)
