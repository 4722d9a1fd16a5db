"""Hiring through the experience lens (pure, no Django ORM): the default interview kit of each role,
the check of a 1-4 rubric, and the summary of a candidate's scores.

Default kit: one behavioural question per competency (listening, empathy, service recovery,
teamwork) for every role, plus one question written for the role (the receptionist's unclear phone
call, the nurse's frightened patient...). Each competency has its own 1-4 rubric of anchored
descriptions, in English and Spanish; a role's own question uses its competency's rubric. Behavioural
questions ask what the candidate *did* ("Tell me about a time..."), because past behaviour in a real
situation predicts better than what someone says they would do.

Scores: each interviewer gives each question 1 to 4 with a short note. ``summarise`` gives, per
competency, the mean of every score given with its n (scores and interviewers) and the lowest and
highest score, so a 3.0 from one interviewer does not read like a 3.0 from four.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LISTENING = "listening"
EMPATHY = "empathy"
SERVICE_RECOVERY = "recovery"
TEAMWORK = "teamwork"
COMPETENCIES = (LISTENING, EMPATHY, SERVICE_RECOVERY, TEAMWORK)

LOWEST, HIGHEST = 1, 4
SCORES = tuple(range(LOWEST, HIGHEST + 1))
ANCHOR_MAX = 300


@dataclass(frozen=True)
class DefaultQuestion:
    competency: str
    text_en: str
    text_es: str
    anchors_en: tuple[str, str, str, str]
    anchors_es: tuple[str, str, str, str]


# What scores 1, 2, 3 and 4 look like, per competency.
RUBRICS: dict[str, tuple[tuple[str, str, str, str], tuple[str, str, str, str]]] = {
    LISTENING: (
        (
            "No real example, or they assumed what the person meant and acted without checking.",
            "A real example, but understanding came by luck; few questions, nothing repeated back.",
            "Asked open questions, repeated back what they heard and checked before acting; the need was met.",
            "As 3, and heard the feeling behind the words; says what they now do differently because of it.",
        ),
        (
            "Sin un ejemplo real, o supuso lo que la persona quería decir y actuó sin comprobarlo.",
            "Un ejemplo real, pero entendió por suerte; pocas preguntas, no repitió lo que oyó.",
            "Hizo preguntas abiertas, repitió lo que oyó y lo comprobó antes de actuar; la necesidad se resolvió.",
            "Como 3, y captó el sentimiento detrás de las palabras; dice qué hace distinto desde entonces.",
        ),
    ),
    EMPATHY: (
        (
            "Blames the person or others, or only followed the rule; the person's upset is not acknowledged.",
            "Said sorry in general terms, but does not describe the person's point of view or what changed for them.",
            "Names how the person felt and why, acknowledged it sincerely and gave honest information or a choice.",
            "As 3, and acted before being asked (kept them updated, offered another time) and checked on them after.",
        ),
        (
            "Culpa a la persona o a otros, o solo siguió la norma; no reconoce el malestar de la persona.",
            "Pidió disculpas en general, pero no describe el punto de vista de la persona ni qué cambió para ella.",
            "Dice cómo se sentía la persona y por qué, lo reconoció con sinceridad y dio información honesta o "
            "una opción.",
            "Como 3, y actuó sin que se lo pidieran (la mantuvo informada, ofreció otra hora) y volvió a "
            "preguntarle después.",
        ),
    ),
    SERVICE_RECOVERY: (
        (
            "Defends the team or blames the person, or no example; nothing was put right.",
            "Apologised or passed it on, but cannot describe any follow-through.",
            "Heard the person out, apologised without excuses, fixed it (or found who could) and followed up.",
            "As 3, acted quickly within their own authority, thanked the person and made sure it would not recur.",
        ),
        (
            "Defiende al equipo o culpa a la persona, o no da un ejemplo; nada se arregló.",
            "Se disculpó o lo pasó a otra persona, pero no describe ningún seguimiento.",
            "Escuchó a la persona hasta el final, se disculpó sin excusas, lo arregló (o buscó quién podía) "
            "y dio seguimiento.",
            "Como 3, actuó rápido dentro de sus atribuciones, agradeció a la persona y se aseguró de que no "
            "se repitiera.",
        ),
    ),
    TEAMWORK: (
        (
            "Stayed in their own lane (“not my job”), or no example.",
            "Helped when asked, but did not notice the pressure on others until told.",
            "Noticed, offered help, agreed with the colleague what to take on and kept patients informed.",
            "As 3, and afterwards proposed a way to prevent it (a handover, a change of rota), crediting others.",
        ),
        (
            "Se limitó a sus tareas («no es mi trabajo»), o no da un ejemplo.",
            "Ayudó cuando se lo pidieron, pero no notó la presión sobre los demás hasta que se lo dijeron.",
            "Lo notó, ofreció ayuda, acordó con su colega qué hacer y mantuvo informados a los pacientes.",
            "Como 3, y después propuso cómo evitarlo (un relevo, un cambio de turnos), reconociendo a los demás.",
        ),
    ),
}

# One question per competency for every role: (competency, English, Spanish).
COMMON: tuple[tuple[str, str, str], ...] = (
    (
        LISTENING,
        "Tell me about a time someone was explaining a problem and you realised you had misunderstood them at "
        "first. How did you find out, and what did you do?",
        "Cuénteme de una vez en que alguien le explicaba un problema y usted se dio cuenta de que al principio "
        "no lo había entendido. ¿Cómo se dio cuenta y qué hizo?",
    ),
    (
        EMPATHY,
        "Tell me about a time a patient or customer was upset with a wait. What did you do?",
        "Cuénteme de una vez en que un paciente o cliente estaba molesto por una espera. ¿Qué hizo usted?",
    ),
    (
        SERVICE_RECOVERY,
        "Tell me about a time something went wrong for someone you were serving and it was partly your team's "
        "fault. How did you put it right?",
        "Cuénteme de una vez en que algo salió mal para alguien a quien usted atendía y fue en parte culpa de su "
        "equipo. ¿Cómo lo arregló?",
    ),
    (
        TEAMWORK,
        "Tell me about a time a colleague was overwhelmed, for example the phones were ringing while the "
        "waiting room was full. What did you do?",
        "Cuénteme de una vez en que un compañero estaba desbordado, por ejemplo sonaban los teléfonos con la "
        "sala de espera llena. ¿Qué hizo usted?",
    ),
)

# One more question written for the role (JobTitle values), on the competency it needs most.
FOR_ROLE: dict[str, tuple[str, str, str]] = {
    "receptionist": (
        LISTENING,
        "Tell me about a phone call where the caller could not quite say what they needed. How did you work "
        "out what it was?",
        "Cuénteme de una llamada en la que la persona no sabía decir bien lo que necesitaba. ¿Cómo averiguó qué era?",
    ),
    "nurse": (
        EMPATHY,
        "Tell me about a time a patient was frightened before a procedure or an injection. What did you notice, "
        "and what did you do?",
        "Cuénteme de una vez en que un paciente tenía miedo antes de un procedimiento o una inyección. ¿Qué "
        "notó y qué hizo?",
    ),
    "medical_assistant": (
        TEAMWORK,
        "Tell me about a day the provider was running behind and patients were waiting in the rooms. How did "
        "you help the day recover?",
        "Cuénteme de un día en que el médico iba con retraso y había pacientes esperando en los consultorios. "
        "¿Cómo ayudó a recuperar el día?",
    ),
    "provider": (
        LISTENING,
        "Tell me about a time a patient's main worry turned out to be different from the reason they booked. "
        "How did you find out?",
        "Cuénteme de una vez en que la mayor preocupación de un paciente resultó ser distinta del motivo de su "
        "cita. ¿Cómo lo descubrió?",
    ),
    "billing": (
        SERVICE_RECOVERY,
        "Tell me about a time someone got a bill they did not expect and called upset. How did you handle the "
        "call, and what happened after?",
        "Cuénteme de una vez en que alguien recibió una factura que no esperaba y llamó molesto. ¿Cómo atendió "
        "la llamada y qué pasó después?",
    ),
    "manager": (
        SERVICE_RECOVERY,
        "Tell me about a complaint that showed a problem in how the practice worked rather than one person's "
        "mistake. What did you change?",
        "Cuénteme de una queja que mostró un problema en cómo funcionaba la consulta y no un error de una "
        "persona. ¿Qué cambió?",
    ),
}


def default_questions(job_title: str) -> list[DefaultQuestion]:
    """The default kit of a role (a JobTitle value): the four common questions, then the role's own."""
    rows = list(COMMON)
    if job_title in FOR_ROLE:
        rows.append(FOR_ROLE[job_title])
    return [
        DefaultQuestion(competency, text_en, text_es, RUBRICS[competency][0], RUBRICS[competency][1])
        for competency, text_en, text_es in rows
    ]


def rubric_problem(anchors: Sequence[str], *, required: bool) -> str | None:
    """Why a rubric is not four anchored descriptions (one per score, none longer than ANCHOR_MAX), or
    None when it is. Not ``required``: all four empty is fine too (a question with no Spanish yet)."""
    cleaned = [a.strip() for a in anchors]
    if len(cleaned) != len(SCORES):
        return "count"
    if not required and not any(cleaned):
        return None
    if not all(cleaned):
        return "missing"
    if any(len(a) > ANCHOR_MAX for a in cleaned):
        return "long"
    return None


def valid_score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST


@dataclass(frozen=True)
class Score:
    """One interviewer's score of one question."""

    interviewer_id: int
    question_id: int
    competency: str
    score: int


@dataclass(frozen=True)
class CompetencySummary:
    competency: str
    mean: float | None  # None when nobody scored it
    n: int  # scores given
    interviewers: int
    lowest: int | None
    highest: int | None


def summarise(scores: Iterable[Score], *, competencies: Sequence[str] = COMPETENCIES) -> list[CompetencySummary]:
    """Per competency, in ``competencies`` order: the mean of every score given, with its n, how many
    interviewers gave them, and the range."""
    by_competency: dict[str, list[Score]] = defaultdict(list)
    for row in scores:
        if not valid_score(row.score):
            raise ValueError(f"a score must be {LOWEST} to {HIGHEST}, not {row.score!r}")
        by_competency[row.competency].append(row)
    summaries: list[CompetencySummary] = []
    for competency in competencies:
        rows = by_competency.get(competency, [])
        values = [r.score for r in rows]
        summaries.append(
            CompetencySummary(
                competency=competency,
                mean=round(sum(values) / len(values), 2) if values else None,
                n=len(values),
                interviewers=len({r.interviewer_id for r in rows}),
                lowest=min(values) if values else None,
                highest=max(values) if values else None,
            )
        )
    return summaries
