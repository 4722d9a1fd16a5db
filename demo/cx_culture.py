"""The demo's culture through the experience lens: the hiring kits with two scored front-desk
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
    HiringDecision,
    HiringKit,
    JobTitle,
    PulseRound,
    TeamMemberProfile,
)
from cx.services import hiring as hiring_services
from cx.services import pulse as pulse_services
from practices.models import Practice

# (name, days ago, scores by the owner and by the experience lead per question in kit order, decision)
CANDIDATES = (
    ("Jordan Reyes", 9, ((4, 3, 4, 3, 4), (4, 4, 3, 3, 3)), HiringDecision.HIRE),
    ("Casey Morgan", 12, ((2, 2, 1, 3, 2), (2, 1, 2, 2, 1)), HiringDecision.NO_HIRE),
)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def build_hiring(*, practice: Practice, today: date) -> HiringKit:
    """The default kits (as the hiring page makes them on its first visit) and two front-desk candidates
    the owner and the experience lead interviewed and scored, one hired and one not."""
    owner = User.objects.get(email="owner@demo.touchpoints.test")
    lead = User.objects.get(email="experience@demo.touchpoints.test")
    hiring_services.ensure_default_kits(practice=practice)
    kit = HiringKit.objects.get(practice=practice, job_title=JobTitle.RECEPTIONIST)
    questions = list(kit.questions.order_by("position", "pk"))
    for name, days_ago, scores, decision in CANDIDATES:
        candidate = hiring_services.create_candidate(
            practice=practice,
            actor_user=owner,
            name=name,
            job_title=JobTitle.RECEPTIONIST,
            interviewed_on=today - timedelta(days=days_ago),
            interviewers=[owner, lead],
            today=today,
        )
        for interviewer, marks in zip((owner, lead), scores, strict=True):
            hiring_services.record_scores(
                practice=practice,
                interviewer=interviewer,
                candidate=candidate,
                entries={
                    question.pk: hiring_services.ScoreEntry(score=mark, note="")
                    for question, mark in zip(questions, marks, strict=False)
                },
            )
        hiring_services.decide(practice=practice, actor_user=owner, candidate=candidate, decision=decision)
    return kit


GROUP_OF: dict[str, str] = {
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
