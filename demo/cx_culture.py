"""The demo's culture through the experience lens: the front desk's hiring kit with two scored
candidates, and two closed quarters of the staff engagement pulse.

Pulse answers go through the pulse's services: a participation per person (who answered) and,
unlinked, an answer with a random id and no time.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from accounts.models import User
from cx import anonymity
from cx.models import (
    Candidate,
    Competency,
    HiringDecision,
    HiringKit,
    InterviewQuestion,
    InterviewScore,
    JobTitle,
    PulseRound,
    TeamMemberProfile,
)
from cx.services import pulse as pulse_services
from practices.models import Practice

FRONT_DESK_QUESTIONS = (
    (
        Competency.LISTENING,
        "Tell me about a time someone on the phone was confused or upset. How did you find out what they needed?",
        "Cuénteme de una vez en que alguien al teléfono estaba confundido o molesto. ¿Cómo supo qué necesitaba?",
    ),
    (
        Competency.EMPATHY,
        "Describe a patient or customer whose situation stayed with you. What did you do for them?",
        "Describa a un paciente o cliente cuya situación le marcó. ¿Qué hizo por esa persona?",
    ),
    (
        Competency.SERVICE_RECOVERY,
        "Tell me about a time something went wrong for a customer because of your workplace. What did you do next?",
        "Cuénteme de una vez en que algo salió mal para un cliente por culpa de su lugar de trabajo. ¿Qué hizo?",
    ),
    (
        Competency.TEAMWORK,
        "Tell me about a busy day when a colleague was struggling. What did you do?",
        "Cuénteme de un día de mucho trabajo en que un compañero tenía dificultades. ¿Qué hizo usted?",
    ),
)
ANCHORS_EN = [
    "No example, or blames the customer.",
    "A general answer; little about what they did.",
    "A specific example; listened and acted.",
    "A specific example; listened, acted, followed up and learned from it.",
]
ANCHORS_ES = [
    "Sin ejemplo, o culpa al cliente.",
    "Una respuesta general; poco sobre lo que hizo.",
    "Un ejemplo concreto; escuchó y actuó.",
    "Un ejemplo concreto; escuchó, actuó, dio seguimiento y aprendió de ello.",
]
# (name, days ago, scores by the owner and by the experience lead per question, decision)
CANDIDATES = (
    ("Jordan Reyes", 9, ((4, 3, 4, 3), (4, 4, 3, 3)), HiringDecision.HIRE),
    ("Casey Morgan", 12, ((2, 2, 1, 3), (2, 1, 2, 2)), HiringDecision.NO_HIRE),
)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def build_hiring(*, practice: Practice, today: date) -> HiringKit:
    owner = User.objects.get(email="owner@demo.touchpoints.test")
    lead = User.objects.get(email="experience@demo.touchpoints.test")
    kit = HiringKit.objects.create(practice=practice, job_title=JobTitle.RECEPTIONIST)
    questions = [
        InterviewQuestion.objects.create(
            practice=practice,
            kit=kit,
            competency=competency,
            text_en=english,
            text_es=spanish,
            anchors_en=ANCHORS_EN,
            anchors_es=ANCHORS_ES,
            position=index,
        )
        for index, (competency, english, spanish) in enumerate(FRONT_DESK_QUESTIONS)
    ]
    for name, days_ago, scores, decision in CANDIDATES:
        candidate = Candidate.objects.create(
            practice=practice,
            name=name,
            job_title=JobTitle.RECEPTIONIST,
            interviewed_on=today - timedelta(days=days_ago),
            decision=decision,
            interviewers=[owner.pk, lead.pk],
            created_by=owner,
        )
        for interviewer, marks in zip((owner, lead), scores, strict=True):
            InterviewScore.objects.bulk_create(
                InterviewScore(
                    practice=practice, candidate=candidate, question=question, interviewer=interviewer, score=mark
                )
                for question, mark in zip(questions, marks, strict=True)
            )
    return kit


GROUP_OF = {
    JobTitle.RECEPTIONIST: anonymity.FRONT_OFFICE,
    JobTitle.BILLING: anonymity.FRONT_OFFICE,
    JobTitle.NURSE: anonymity.CLINICAL,
    JobTitle.MEDICAL_ASSISTANT: anonymity.CLINICAL,
    JobTitle.PROVIDER: anonymity.PROVIDERS,
    JobTitle.MANAGER: anonymity.MANAGEMENT,
}


def _score(rng: random.Random, mean: float, spread: float, low: int, high: int) -> int:
    return min(high, max(low, round(rng.gauss(mean, spread))))


def build_pulse(*, practice: Practice, seed: int, today: date) -> list[PulseRound]:
    """The two quarters before this one, answered and closed through the pulse's own services (so each
    answer is stored as the product stores it: unlinked, no time, reshuffled)."""
    rng = random.Random(f"{seed}-pulse")
    lead = User.objects.get(email="experience@demo.touchpoints.test")
    profiles = list(TeamMemberProfile.objects.filter(practice=practice).select_related("user").order_by("pk"))
    this_quarter = _quarter_start(today)
    last = _quarter_start(this_quarter - timedelta(days=1))
    before = _quarter_start(last - timedelta(days=1))
    rounds = []
    # The later quarter is a little better: recognition at the weekly meeting started then.
    for quarter, lift in ((before, 0.0), (last, 0.12)):
        pulse = pulse_services.open_round(
            practice=practice,
            actor_user=lead,
            quarter_start=quarter,
            closes_on=quarter + timedelta(days=21),
            today=quarter,
        )
        for profile in rng.sample(profiles, k=len(profiles) - rng.randint(1, 2)):
            pulse_services.answer_round(
                practice=practice,
                user=profile.user,
                pulse_round=pulse,
                scores=pulse_services.Scores(
                    group=GROUP_OF.get(profile.job_title, anonymity.NOT_SAID) if rng.random() < 0.85 else "",
                    recommend_work=_score(rng, 7.6 + 6 * lift, 1.6, 0, 10),
                    can_serve_patients=_score(rng, 3.9 + 2 * lift, 0.8, 1, 5),
                    systems_help=_score(rng, 3.2 + 2 * lift, 0.9, 1, 5),
                    recognised=_score(rng, 3.3 + 4 * lift, 0.9, 1, 5),
                ),
                today=quarter + timedelta(days=rng.randint(0, 20)),
            )
        rounds.append(pulse_services.close_round(practice=practice, actor_user=lead, pulse_round=pulse))
    return rounds
