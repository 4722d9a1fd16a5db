"""Hiring: the default interview kit of each role, the owner's edits to a kit, candidates, interview
scores, the decision, and deleting candidates past the practice's retention time.

- ``ensure_default_kits`` gives every role (``JobTitle``) a kit of ``cx.hiring.default_questions``
  the first time the hiring page is opened; a role that has a kit (even an emptied one) is left alone.
- Only the practice's owners edit kits, add candidates and decide (the views' ``OWNER_ONLY``); only a
  candidate's interviewers score them, each their own scores, 1 to 4 with a short note.
- ``purge_expired_candidates`` deletes candidates (their scores go with them) interviewed more than
  ``CxSettings.candidate_retention_days`` ago; the daily task runs it for every practice, and a second
  run deletes nothing. The audit keeps only how many were deleted, never a name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from practices.models import Membership, Practice

from ..hiring import COMPETENCIES, default_questions, rubric_problem, valid_score
from ..models import Candidate, HiringDecision, HiringKit, InterviewQuestion, InterviewScore, JobTitle
from ..selectors import hiring as hiring_selectors
from ..selectors import settings as settings_selectors

NOTE_MAX = 300
NAME_MAX = 120
TEXT_MAX = 600


class HiringError(ValueError):
    """A change hiring does not allow; the message is translated and fit to show."""


# --- kits ---------------------------------------------------------------------------------------------


def ensure_default_kits(*, practice: Practice, job_titles: Sequence[str] | None = None) -> int:
    """Create the default kit of every role (or of ``job_titles``) that has none; returns how many.
    Safe to repeat and to race: a kit is unique per practice and role."""
    wanted = list(job_titles) if job_titles is not None else list(JobTitle.values)
    have = set(HiringKit.objects.filter(practice=practice, job_title__in=wanted).values_list("job_title", flat=True))
    created = 0
    for job_title in wanted:
        if job_title in have or job_title not in JobTitle.values:
            continue
        try:
            with transaction.atomic():
                kit = HiringKit.objects.create(practice=practice, job_title=job_title)
                InterviewQuestion.objects.bulk_create(
                    InterviewQuestion(
                        practice=practice,
                        kit=kit,
                        competency=q.competency,
                        text_en=q.text_en,
                        text_es=q.text_es,
                        anchors_en=list(q.anchors_en),
                        anchors_es=list(q.anchors_es),
                        position=position,
                    )
                    for position, q in enumerate(default_questions(job_title))
                )
        except IntegrityError:  # another request made it first
            continue
        created += 1
    if created:
        with transaction.atomic():
            audit.record(
                practice=practice,
                action=AuditAction.CREATE,
                target=HiringKit,
                summary=f"{created} default hiring kits created",
                changes={"created": created},
            )
    return created


@dataclass(frozen=True)
class QuestionFields:
    competency: str
    text_en: str
    text_es: str
    anchors_en: tuple[str, ...]
    anchors_es: tuple[str, ...]


def _clean(fields: QuestionFields) -> QuestionFields:
    if fields.competency not in COMPETENCIES:
        raise HiringError(_("Choose what the question shows from the list."))
    text_en, text_es = fields.text_en.strip(), fields.text_es.strip()
    if not text_en:
        raise HiringError(_("Write the question in English."))
    if len(text_en) > TEXT_MAX or len(text_es) > TEXT_MAX:
        raise HiringError(_("Keep each question under 600 characters."))
    problem_en = rubric_problem(fields.anchors_en, required=True)
    problem_es = rubric_problem(fields.anchors_es, required=False)
    if problem_en or problem_es:
        if "long" in (problem_en, problem_es):
            raise HiringError(_("Keep each description under 300 characters."))
        raise HiringError(_("Describe what each score from 1 to 4 looks like (in Spanish: all four or none)."))
    anchors_es = tuple(a.strip() for a in fields.anchors_es)
    return QuestionFields(
        fields.competency,
        text_en,
        text_es,
        tuple(a.strip() for a in fields.anchors_en),
        anchors_es if any(anchors_es) else (),
    )


def add_question(
    *, practice: Practice, actor_user: User | None, kit: HiringKit, fields: QuestionFields
) -> InterviewQuestion:
    if kit.practice_id != practice.pk:
        raise HiringError(_("That kit belongs to another practice."))
    clean = _clean(fields)
    with transaction.atomic():
        HiringKit.objects.select_for_update().get(pk=kit.pk, practice=practice)
        last = InterviewQuestion.objects.filter(practice=practice, kit=kit).aggregate(m=Max("position"))["m"]
        question = InterviewQuestion.objects.create(
            practice=practice,
            kit=kit,
            competency=clean.competency,
            text_en=clean.text_en,
            text_es=clean.text_es,
            anchors_en=list(clean.anchors_en),
            anchors_es=list(clean.anchors_es),
            position=0 if last is None else last + 1,
        )
        kit.save(update_fields=["updated_at"])
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=question,
            actor_user=actor_user,
            summary="Interview question added",
            changes={"kit": kit.pk, "competency": clean.competency},
        )
    return question


def update_kit(
    *,
    practice: Practice,
    actor_user: User | None,
    kit: HiringKit,
    changes: Mapping[int, QuestionFields],
    remove: Sequence[int] = (),
) -> int:
    """Save the kit's edited questions (question id -> fields) and remove ``remove``; returns how many
    changed. A question an interviewer scored cannot be removed while that candidate is kept. All or
    nothing: one bad question changes nothing."""
    if kit.practice_id != practice.pk:
        raise HiringError(_("That kit belongs to another practice."))
    cleaned = {pk: _clean(fields) for pk, fields in changes.items()}
    with transaction.atomic():
        HiringKit.objects.select_for_update().get(pk=kit.pk, practice=practice)
        questions = {q.pk: q for q in InterviewQuestion.objects.filter(practice=practice, kit=kit)}
        unknown = (set(cleaned) | set(remove)) - set(questions)
        if unknown:
            raise HiringError(_("That question is not in this kit."))
        if set(remove) & hiring_selectors.scored_question_ids(kit=kit):
            raise HiringError(
                _("A question with interview scores stays while those candidates are kept; change its words instead.")
            )
        changed = 0
        for pk, clean in cleaned.items():
            if pk in remove:
                continue
            question = questions[pk]
            new = {
                "competency": clean.competency,
                "text_en": clean.text_en,
                "text_es": clean.text_es,
                "anchors_en": list(clean.anchors_en),
                "anchors_es": list(clean.anchors_es),
            }
            if any(getattr(question, name) != value for name, value in new.items()):
                for name, value in new.items():
                    setattr(question, name, value)
                question.save()
                changed += 1
        removed = InterviewQuestion.objects.filter(practice=practice, kit=kit, pk__in=list(remove)).delete()[0]
        changed += removed
        if changed:
            kit.save(update_fields=["updated_at"])
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=kit,
                actor_user=actor_user,
                summary="Hiring kit changed",
                changes={"questions_changed": changed - removed, "questions_removed": removed},
            )
    return changed


# --- candidates ---------------------------------------------------------------------------------------


def _active_members(practice: Practice, users: Sequence[User]) -> list[User]:
    ids = {u.pk for u in users}
    found = set(
        Membership.objects.filter(practice=practice, user_id__in=ids, is_active=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    return [u for u in users if u.pk in found]


def create_candidate(
    *,
    practice: Practice,
    actor_user: User | None,
    name: str,
    job_title: str,
    interviewed_on: date,
    interviewers: Sequence[User],
    today: date,
) -> Candidate:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise HiringError(_("Write the candidate's name (at most 120 characters)."))
    if job_title not in JobTitle.values:
        raise HiringError(_("Choose a role from the list."))
    retention = settings_selectors.cx_settings(practice=practice).candidate_retention_days
    if (today - interviewed_on).days > retention:
        raise HiringError(
            _("An interview older than %(days)d days would be deleted at once (the practice's retention setting).")
            % {"days": retention}
        )
    if (interviewed_on - today).days > 365:
        raise HiringError(_("Choose an interview date within the next year."))
    members = _active_members(practice, interviewers)
    if not members or len(members) != len({u.pk for u in interviewers}):
        raise HiringError(_("Choose at least one interviewer, from the team."))
    ensure_default_kits(practice=practice, job_titles=[job_title])
    with transaction.atomic():
        candidate = Candidate.objects.create(
            practice=practice,
            name=name,
            job_title=job_title,
            interviewed_on=interviewed_on,
            interviewers=sorted({u.pk for u in members}),
            created_by=actor_user,
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=candidate,
            actor_user=actor_user,
            summary="Candidate added",
            changes={"role": job_title, "interviewers": len(members)},
        )
    return candidate


@dataclass(frozen=True)
class ScoreEntry:
    score: int | None  # None: not asked (an earlier score of theirs is removed)
    note: str = ""


def record_scores(
    *, practice: Practice, interviewer: User, candidate: Candidate, entries: Mapping[int, ScoreEntry]
) -> int:
    """Save ``interviewer``'s scores of the candidate (question id -> entry); returns how many changed.
    Only the candidate's interviewers score, only questions of the kit of the candidate's role, only
    1 to 4. All or nothing."""
    if candidate.practice_id != practice.pk:
        raise HiringError(_("That candidate belongs to another practice."))
    if interviewer.pk not in hiring_selectors.interviewer_ids(candidate) or not _active_members(
        practice, [interviewer]
    ):
        raise HiringError(_("Only the candidate's interviewers score them."))
    for entry in entries.values():
        if entry.score is not None and not valid_score(entry.score):
            raise HiringError(_("A score is 1, 2, 3 or 4."))
        if len(entry.note) > NOTE_MAX:
            raise HiringError(_("Keep each note under 300 characters."))
        if entry.score is None and entry.note.strip():
            raise HiringError(_("A note needs a score: give the answer 1 to 4, or clear the note."))
    kit = hiring_selectors.kit_for_role(practice=practice, job_title=candidate.job_title)
    allowed = {q.pk for q in hiring_selectors.questions_of(kit=kit)} if kit is not None else set()
    if set(entries) - allowed:
        raise HiringError(_("That question is not in this role's kit."))
    changed = 0
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk, practice=practice)
        existing = {
            s.question_id: s
            for s in InterviewScore.objects.filter(practice=practice, candidate=candidate, interviewer=interviewer)
        }
        for question_id, entry in entries.items():
            found = existing.get(question_id)
            note = entry.note.strip()
            if entry.score is None:
                if found is not None:
                    found.delete()
                    changed += 1
                continue
            if found is None:
                InterviewScore.objects.create(
                    practice=practice,
                    candidate=candidate,
                    question_id=question_id,
                    interviewer=interviewer,
                    score=entry.score,
                    note=note,
                )
                changed += 1
            elif (found.score, found.note) != (entry.score, note):
                found.score, found.note = entry.score, note
                found.save(update_fields=["score", "note"])
                changed += 1
        if changed:
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=candidate,
                actor_user=interviewer,
                summary="Interview scores recorded",
                changes={"scores_changed": changed},
            )
    return changed


def decide(*, practice: Practice, actor_user: User | None, candidate: Candidate, decision: str) -> Candidate:
    if candidate.practice_id != practice.pk:
        raise HiringError(_("That candidate belongs to another practice."))
    if decision not in HiringDecision.values:
        raise HiringError(_("Choose a decision from the list."))
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk, practice=practice)
        if locked.decision == decision:
            return locked
        before = locked.decision
        locked.decision = decision
        locked.save(update_fields=["decision"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Hiring decision recorded",
            changes={"decision": [before, decision]},
        )
    return locked


# --- retention ----------------------------------------------------------------------------------------


def purge_expired_candidates(*, practice: Practice, today: date) -> int:
    """Delete the practice's candidates interviewed more than its retention time before ``today``, with
    their scores; returns how many candidates. Idempotent."""
    retention = settings_selectors.cx_settings(practice=practice).candidate_retention_days
    with transaction.atomic():
        expired = hiring_selectors.expired_candidates(practice=practice, today=today, retention_days=retention)
        ids = list(expired.values_list("pk", flat=True))
        if not ids:
            return 0
        InterviewScore.objects.filter(practice=practice, candidate_id__in=ids).delete()
        Candidate.objects.filter(practice=practice, pk__in=ids).delete()
        audit.record(
            practice=practice,
            action=AuditAction.DELETE,
            target=Candidate,
            summary=f"{len(ids)} candidates deleted after {retention} days (retention setting)",
            changes={"deleted": len(ids), "retention_days": retention},
        )
    return len(ids)


def purge_all_expired_candidates(*, now: datetime) -> int:
    """Every practice's expired candidates, each by its own local date."""
    deleted = 0
    for practice in Practice.objects.order_by("pk"):
        deleted += purge_expired_candidates(practice=practice, today=practice.local_date(now))
    return deleted
