"""Writes for a patient's answers: open the response, save answers as they come, complete it.

Every function runs in one transaction and locks the invitation first, so two tabs (or a quick
double tap) cannot complete twice or write half an answer set. Answers are validated against their
question's kind before anything is written: one bad answer refuses the whole call.

Nothing here puts a comment's words anywhere but the ``Answer`` row: the journey event of a
completed response carries only the survey kind and numbers.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import journey

from .. import survey_links
from ..models import Answer, Invitation, InvitationStatus, Question, QuestionKind, Response
from ..shipped import MAIN_TOUCHPOINT

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from . import listening

# Stored values per kind: rating/recommend 0–10, frequency 1–4 (never..always), yes/no 1/0, ease 1–5.
SCALES: dict[str, tuple[int, ...]] = {
    QuestionKind.RATING.value: tuple(range(11)),
    QuestionKind.RECOMMEND.value: tuple(range(11)),
    QuestionKind.FREQUENCY.value: (1, 2, 3, 4),
    QuestionKind.YES_NO.value: (1, 0),
    QuestionKind.EASE.value: (1, 2, 3, 4, 5),
}
TEXT_MAX = 2000
LANGUAGES = ("en", "es")


class SurveyClosed(Exception):
    """The link takes no more answers; ``state`` is survey_links.COMPLETED or EXPIRED."""

    def __init__(self, state: str):
        self.state = state
        super().__init__(state)


class AnswersInvalid(ValueError):
    """``errors``: {question id (or the key as sent): message}. Nothing was saved."""

    def __init__(self, errors: dict[Hashable, StrOrPromise]):
        self.errors = errors
        super().__init__(f"{len(errors)} answer(s) refused")


def _lock(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("version__survey").get(pk=invitation.pk)


def _check_open(invitation: Invitation, now: datetime) -> None:
    state = survey_links.link_state(invitation, now=now)
    if state != survey_links.OPEN:
        raise SurveyClosed(state)


def open_response(*, invitation: Invitation, language: str | None = None, now: datetime | None = None) -> Response:
    """The invitation's response, made on the first open (the invitation then counts as started)."""
    now = now or timezone.now()
    language = language if language in LANGUAGES else invitation.language
    with transaction.atomic():
        invitation = _lock(invitation)
        existing = Response.objects.filter(invitation=invitation).first()
        if existing is not None:
            return existing
        _check_open(invitation, now)
        appointment = invitation.appointment
        response = Response.objects.create(
            practice_id=invitation.practice_id,
            invitation=invitation,
            version=invitation.version,
            patient_id=invitation.patient_id,
            provider_id=appointment.provider_id if appointment else None,
            location_id=appointment.location_id if appointment else None,
            touchpoint=MAIN_TOUCHPOINT[invitation.version.survey.kind],
            language=language,
            started_at=now,
        )
        invitation.opened_at = invitation.opened_at or now
        invitation.status = InvitationStatus.STARTED
        invitation.save(update_fields=["opened_at", "status"])
    return response


def _parse(question: Question, raw: object) -> tuple[int | None, str, StrOrPromise | None]:
    """(value, text, error). ``None``/"" means "no answer" (the saved one is cleared)."""
    if question.kind == QuestionKind.TEXT:
        if raw is None:
            return None, "", None
        if not isinstance(raw, str):
            return None, "", _("This question takes words, not a number.")
        text = raw.replace("\x00", "").strip()
        if len(text) > TEXT_MAX:
            return None, "", _("Please keep your answer under %(max)s characters.") % {"max": TEXT_MAX}
        return None, text, None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, "", None
    if isinstance(raw, bool):
        return None, "", _("Please choose one of the answers.")
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.lstrip("-").isdigit() or len(raw) > 3:
            return None, "", _("Please choose one of the answers.")
        raw = int(raw)
    if not isinstance(raw, int) or raw not in SCALES[question.kind]:
        return None, "", _("Please choose one of the answers.")
    return raw, "", None


def save_answers(
    *, response: Response, answers: Mapping[Hashable, object], language: str | None = None, now: datetime | None = None
) -> int:
    """Save ``answers`` ({question id: value or text}) into the response; returns how many were kept.

    An empty value clears that question's answer. Refuses everything (``AnswersInvalid``) if any
    answer is out of range, of the wrong kind, or for a question not in this survey version;
    ``SurveyClosed`` once the survey is completed or the link expired.
    """
    now = now or timezone.now()
    questions = {q.pk: q for q in Question.objects.filter(version_id=response.version_id)}
    errors: dict[Hashable, StrOrPromise] = {}
    parsed: dict[int, tuple[int | None, str]] = {}
    for key, raw in answers.items():
        question = questions.get(key) if isinstance(key, int) and not isinstance(key, bool) else None
        if question is None:
            errors[key] = _("This question is not part of this survey.")
            continue
        value, text, error = _parse(question, raw)
        if error:
            errors[key] = error
        else:
            parsed[question.pk] = (value, text)
    if errors:
        raise AnswersInvalid(errors)
    with transaction.atomic():
        invitation = _lock(response.invitation)
        _check_open(invitation, now)
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.completed_at is not None:
            raise SurveyClosed(survey_links.COMPLETED)
        # A handful of queries whatever the number of answers (one update_or_create each cost four;
        # the load run found the survey the dearest page outside booking). The response row is locked,
        # so nobody else writes its answers meanwhile.
        cleared = [question_id for question_id, (value, text) in parsed.items() if value is None and not text]
        if cleared:
            Answer.objects.filter(practice_id=response.practice_id, response=response, question_id__in=cleared).delete()
        given = {question_id: answer for question_id, answer in parsed.items() if question_id not in cleared}
        existing = {
            a.question_id: a
            for a in Answer.objects.filter(
                practice_id=response.practice_id, response=response, question_id__in=list(given)
            )
        }
        changed, new = [], []
        for question_id, (value, text) in given.items():
            answer = existing.get(question_id)
            if answer is None:
                new.append(
                    Answer(
                        practice_id=response.practice_id,
                        response=response,
                        question_id=question_id,
                        value=value,
                        text=text,
                        answered_at=now,
                    )
                )
            else:
                answer.value, answer.text, answer.answered_at = value, text, now
                changed.append(answer)
        if changed:
            Answer.objects.bulk_update(changed, ["value", "text", "answered_at"])
        if new:
            Answer.objects.bulk_create(new)
        if language in LANGUAGES and language != response.language:
            response.language = language
            response.save(update_fields=["language"])
    return len([p for p in parsed.values() if p != (None, "")])


def missing_required(response: Response) -> list[Question]:
    answered = set(Answer.objects.filter(response=response).values_list("question_id", flat=True))
    return [q for q in Question.objects.filter(version_id=response.version_id, required=True) if q.pk not in answered]


class AnswersMissing(ValueError):
    """Required questions (``questions``) are unanswered, or nothing was answered at all."""

    def __init__(self, questions: list[Question]):
        self.questions = questions
        super().__init__(f"{len(questions)} required question(s) unanswered")


def complete_response(*, response: Response, now: datetime | None = None) -> Response:
    """The patient sent the survey: the response is complete, the link is used up, the journey log
    gets one event (numbers only), and the listening work runs in the same transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _lock(response.invitation)
        _check_open(invitation, now)
        response = Response.objects.select_for_update().select_related("practice", "patient").get(pk=response.pk)
        missing = missing_required(response)
        answers = list(Answer.objects.filter(response=response).select_related("question"))
        if missing or not answers:
            raise AnswersMissing(missing)
        response.completed_at = now
        response.save(update_fields=["completed_at"])
        invitation.status = InvitationStatus.COMPLETED
        invitation.completed_at = now
        invitation.save(update_fields=["status", "completed_at"])
        data = {"survey": invitation.version.survey.kind, "version": invitation.version.number}
        data["answered"] = len(answers)
        for answer in answers:
            if answer.question.kind == QuestionKind.RECOMMEND and answer.value is not None:
                data["recommend"] = answer.value
            elif answer.question.composite == "provider_rating" and answer.value is not None:
                data["provider_rating"] = answer.value
        journey.record(
            practice=response.practice,
            patient=response.patient,
            touchpoint=response.touchpoint,
            kind="survey.completed",
            at=now,
            data=data,
        )
        listening.response_completed(response=response, now=now)
    return response
