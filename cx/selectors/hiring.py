"""Reads for hiring: the practice's interview kits, and the candidates a person may see.

A candidate is visible to the practice's owners and to the candidate's interviewers
(``Candidate.interviewers``, a list of user ids), nobody else: not the experience lead unless they
interview. ``candidate_or_404`` answers 404 to everyone else, as to a stranger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from practices.models import Membership, Practice, Role

from ..hiring import CompetencySummary, Score, summarise
from ..models import Candidate, HiringKit, InterviewQuestion, InterviewScore


def kits(*, practice: Practice) -> QuerySet[HiringKit]:
    """The practice's kits, by role, each with ``question_count``."""
    return HiringKit.objects.filter(practice=practice).annotate(question_count=Count("questions")).order_by("job_title")


def kit_or_404(*, practice: Practice, pk: int) -> HiringKit:
    return get_object_or_404(
        HiringKit.objects.filter(practice=practice).prefetch_related(
            Prefetch("questions", queryset=InterviewQuestion.objects.filter(practice=practice))
        ),
        pk=pk,
    )


def kit_for_role(*, practice: Practice, job_title: str) -> HiringKit | None:
    return HiringKit.objects.filter(practice=practice, job_title=job_title).first()


def questions_of(*, kit: HiringKit) -> list[InterviewQuestion]:
    return list(InterviewQuestion.objects.filter(practice_id=kit.practice_id, kit=kit).order_by("position", "pk"))


def question_or_404(*, kit: HiringKit, pk: int) -> InterviewQuestion:
    return get_object_or_404(InterviewQuestion.objects.filter(practice_id=kit.practice_id, kit=kit), pk=pk)


def scored_question_ids(*, kit: HiringKit) -> set[int]:
    """The kit's questions some interviewer scored (they cannot be removed while the scores are kept)."""
    return set(
        InterviewScore.objects.filter(practice_id=kit.practice_id, question__kit=kit).values_list(
            "question_id", flat=True
        )
    )


# --- candidates ---------------------------------------------------------------------------------------


def is_owner(membership: Membership) -> bool:
    return membership.role == Role.OWNER


def may_see(*, candidate: Candidate, membership: Membership) -> bool:
    """The practice's owners and the candidate's interviewers."""
    if candidate.practice_id != membership.practice_id or not membership.is_active:
        return False
    return is_owner(membership) or membership.user_id in interviewer_ids(candidate)


def interviewer_ids(candidate: Candidate) -> set[int]:
    """The ids in ``interviewers``, ignoring anything that is not an id (the field is plain JSON)."""
    raw = candidate.interviewers if isinstance(candidate.interviewers, list) else []
    return {i for i in raw if isinstance(i, int) and not isinstance(i, bool)}


def visible_candidates(*, practice: Practice, membership: Membership) -> list[Candidate]:
    """The candidates ``membership`` may see, newest interview first. Filtered in Python: JSON
    containment is not portable to SQLite, and a practice keeps few candidates (its retention)."""
    rows = (
        Candidate.objects.filter(practice=practice)
        .annotate(score_count=Count("scores"))
        .order_by("-interviewed_on", "-pk")
    )
    return [c for c in rows if may_see(candidate=c, membership=membership)]


def candidate_or_404(*, practice: Practice, pk: int, membership: Membership) -> Candidate:
    """The candidate when ``membership`` may see it; 404 otherwise (the same answer as for an id that
    does not exist, so nobody learns who is being interviewed)."""
    candidate = get_object_or_404(Candidate.objects.filter(practice=practice), pk=pk)
    if not may_see(candidate=candidate, membership=membership):
        raise Http404
    return candidate


def interviewers_of(*, practice: Practice, candidate: Candidate) -> list[User]:
    """The candidate's interviewers who are (or were) members of the practice, by name."""
    ids = interviewer_ids(candidate)
    return list(
        User.objects.filter(pk__in=ids, memberships__practice=practice).distinct().order_by("full_name", "email", "pk")
    )


def scores_of(*, candidate: Candidate) -> list[InterviewScore]:
    return list(
        InterviewScore.objects.filter(practice_id=candidate.practice_id, candidate=candidate)
        .select_related("question", "interviewer")
        .order_by("question__position", "question_id", "interviewer_id")
    )


@dataclass(frozen=True)
class CandidateScores:
    """A candidate's scores laid out for the page: per question, each interviewer's score and note; per
    competency, the mean with its n."""

    questions: list[InterviewQuestion]
    interviewers: list[User]
    # (question id, interviewer id) -> the score
    cells: dict[tuple[int, int], InterviewScore]
    summaries: list[CompetencySummary]


def candidate_scores(*, practice: Practice, candidate: Candidate) -> CandidateScores:
    kit = kit_for_role(practice=practice, job_title=candidate.job_title)
    questions = questions_of(kit=kit) if kit is not None else []
    scores = scores_of(candidate=candidate)
    shown = {q.pk for q in questions}
    interviewers = interviewers_of(practice=practice, candidate=candidate)
    known = {u.pk for u in interviewers}
    for score in scores:
        # A question scored and then removed from the kit, or a former interviewer, still shows.
        if score.question_id not in shown:
            shown.add(score.question_id)
            questions.append(score.question)
        if score.interviewer_id not in known:
            known.add(score.interviewer_id)
            interviewers.append(score.interviewer)
    summaries = summarise(
        Score(s.interviewer_id, s.question_id, s.question.competency, s.score) for s in scores if 1 <= s.score <= 4
    )
    return CandidateScores(
        questions=questions,
        interviewers=interviewers,
        cells={(s.question_id, s.interviewer_id): s for s in scores},
        summaries=summaries,
    )


def expired_candidates(*, practice: Practice, today: date, retention_days: int) -> QuerySet[Candidate]:
    """Candidates interviewed more than ``retention_days`` before ``today``."""
    return Candidate.objects.filter(practice=practice, interviewed_on__lt=today - timedelta(days=retention_days))
