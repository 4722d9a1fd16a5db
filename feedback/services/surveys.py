"""Writes for surveys: the shipped templates as rows, each practice's copies, and their versions.

A practice's survey of a kind starts as a copy of the shipped template (made the first time it is
needed). Editing questions changes the current version in place while nobody has answered it, and
otherwise creates the next version, so every answer stays attached to the wording the patient saw.
A question's ``code`` keeps its answer kind: a question whose kind changes gets a new code, so
scores over time never mix a 0–10 rating with a yes/no.
"""

from __future__ import annotations

import re
import secrets
import zlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

import audit.services as audit
from accounts.models import User
from audit.models import Action
from journey.catalogue import BY_CODE
from practices.models import Practice

from ..models import Answer, Composite, Question, QuestionKind, Survey, SurveyKind, SurveyVersion
from ..shipped import SHIPPED, ShippedSurvey

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUESTION_FIELDS = ("code", "kind", "text_en", "text_es", "touchpoint", "composite", "required")
TEXT_MAX = 300
CODE_RE = re.compile(r"^[a-z0-9_]{1,60}$")
MAX_QUESTIONS = 40


class QuestionData(TypedDict):
    """One question as plain data (the keys are ``QUESTION_FIELDS``), in and out of the editor."""

    code: str
    kind: str
    text_en: str
    text_es: str
    touchpoint: str
    composite: str
    required: bool


class SurveyError(ValueError):
    """A change that cannot be made; ``messages`` says why, in words fit for the editor."""

    def __init__(self, messages: Iterable[StrOrPromise] | StrOrPromise):
        self.messages: list[StrOrPromise] = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(str(m) for m in self.messages))


# --- shipped templates ---------------------------------------------------------------------------


def _serialise(key: str) -> None:
    """Make concurrent creators of the same shipped row wait for each other (PostgreSQL advisory lock;
    SQLite's IMMEDIATE transactions already serialise writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode())])


def _shipped_rows(kind: str) -> QuerySet[Survey]:
    return Survey.objects.filter(practice__isnull=True, kind=kind).order_by("pk")


def shipped_survey(kind: str) -> Survey:
    """The shipped template of ``kind`` as a Survey (practice empty) with version 1; made once."""
    spec: ShippedSurvey = SHIPPED[kind]
    existing = _shipped_rows(kind).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        _serialise(f"feedback.shipped:{kind}")
        existing = _shipped_rows(kind).first()
        if existing is not None:
            return existing
        survey = Survey.objects.create(practice=None, kind=kind, name_en=spec.name_en, name_es=spec.name_es)
        version = SurveyVersion.objects.create(practice=None, survey=survey, number=1)
        Question.objects.bulk_create(
            Question(
                practice=None,
                version=version,
                position=position,
                code=q.code,
                kind=q.kind,
                text_en=q.text_en,
                text_es=q.text_es,
                touchpoint=q.touchpoint,
                composite=q.composite,
                required=q.required,
            )
            for position, q in enumerate(spec.questions)
        )
    return survey


def current_version(survey: Survey) -> SurveyVersion:
    """The survey's newest version (the one new invitations use); every survey has one from the start."""
    return SurveyVersion.objects.filter(survey=survey).latest("number")


def questions_data(version: SurveyVersion) -> list[QuestionData]:
    """The version's questions as the plain dicts ``update_questions`` takes, in order."""
    return _as_data(version)


def _as_data(version: SurveyVersion) -> list[QuestionData]:
    return [
        QuestionData(
            code=q.code,
            kind=q.kind,
            text_en=q.text_en,
            text_es=q.text_es,
            touchpoint=q.touchpoint,
            composite=q.composite,
            required=q.required,
        )
        for q in Question.objects.filter(version=version).order_by("position", "pk")
    ]


# --- a practice's surveys ------------------------------------------------------------------------


def _lock_practice(practice: Practice) -> None:
    Practice.objects.select_for_update().filter(pk=practice.pk).first()


def survey_for(*, practice: Practice, kind: str) -> Survey | None:
    """The practice's active survey of ``kind``; a copy of the shipped template the first time; None
    when the practice has turned that kind off."""
    if kind not in SurveyKind.values:
        raise SurveyError(_("Unknown kind of survey."))
    active = Survey.objects.filter(practice=practice, kind=kind, is_active=True).first()
    if active is not None:
        return active
    if Survey.objects.filter(practice=practice, kind=kind).exists():
        return None
    source = shipped_survey(kind)
    try:
        with transaction.atomic():
            _lock_practice(practice)
            if Survey.objects.filter(practice=practice, kind=kind).exists():
                raise _Raced
            return _copy(practice=practice, source=source, is_active=True)
    except (_Raced, IntegrityError):
        return Survey.objects.filter(practice=practice, kind=kind, is_active=True).first()


class _Raced(Exception):
    """Another request made the practice's copy first."""


def _copy(*, practice: Practice, source: Survey, is_active: bool, actor_user: User | None = None) -> Survey:
    source_version = current_version(source)
    survey = Survey.objects.create(
        practice=practice,
        kind=source.kind,
        name_en=source.name_en,
        name_es=source.name_es,
        copied_from=source if source.practice_id is None else source.copied_from,
        is_active=is_active,
    )
    version = SurveyVersion.objects.create(practice=practice, survey=survey, number=1, created_by=actor_user)
    _create_questions(version, _as_data(source_version))
    return survey


def copy_survey(*, practice: Practice, source: Survey, actor_user: User) -> Survey:
    """A new survey for the practice from ``source`` (a shipped template or one of its own surveys).

    The copy takes the place of the practice's survey of that kind, on or off as that one was; the
    one it replaces keeps its versions and answers.
    """
    if source.practice_id not in (None, practice.pk):
        raise SurveyError(_("That survey belongs to another practice."))
    with transaction.atomic():
        _lock_practice(practice)
        previous = Survey.objects.filter(practice=practice, kind=source.kind).order_by("-is_active", "-pk").first()
        is_active = previous.is_active if previous is not None else True
        if previous is not None and previous.is_active:
            previous.is_active = False
            previous.save(update_fields=["is_active"])
        survey = _copy(practice=practice, source=source, is_active=is_active, actor_user=actor_user)
        audit.record(
            practice=practice,
            action=Action.CREATE,
            target=survey,
            actor_user=actor_user,
            summary=f"survey copied ({survey.kind}) from survey #{source.pk}",
            changes={"is_active": {"from": None, "to": is_active}},
        )
    return survey


def set_sending(*, practice: Practice, kind: str, on: bool, actor_user: User) -> Survey | None:
    """Turn a kind of survey on or off for the practice. Off keeps every survey and answer; on again
    sends the survey that was last used (or a copy of the shipped template)."""
    if kind not in SurveyKind.values:
        raise SurveyError(_("Unknown kind of survey."))
    with transaction.atomic():
        _lock_practice(practice)
        surveys = Survey.objects.filter(practice=practice, kind=kind)
        active = surveys.filter(is_active=True).first()
        if on:
            if active is not None:
                return active
            survey = surveys.order_by("-pk").first()
            if survey is None:
                survey = _copy(practice=practice, source=shipped_survey(kind), is_active=True, actor_user=actor_user)
            else:
                survey.is_active = True
                survey.save(update_fields=["is_active"])
        else:
            survey = active
            if survey is None and not surveys.exists():
                survey = _copy(practice=practice, source=shipped_survey(kind), is_active=False, actor_user=actor_user)
            elif survey is None:
                return None
            else:
                survey.is_active = False
                survey.save(update_fields=["is_active"])
        audit.record(
            practice=practice,
            action=Action.UPDATE,
            target=survey,
            actor_user=actor_user,
            summary=f"survey {kind} turned {'on' if on else 'off'}",
            changes={"is_active": {"from": not on, "to": on}},
        )
    return survey if on else None


def _owner(survey: Survey) -> Practice:
    """The practice a survey belongs to; callers have refused the shipped templates (no practice) first."""
    practice = survey.practice
    assert practice is not None, "a shipped template reached a practice's write"
    return practice


# --- editing questions -----------------------------------------------------------------------------


def _clean_questions(questions_data: Iterable[Mapping[str, Any]]) -> list[QuestionData]:
    cleaned: list[QuestionData] = []
    problems: list[StrOrPromise] = []
    seen: set[str] = set()
    for number, raw in enumerate(questions_data, start=1):
        q = QuestionData(
            code=str(raw.get("code") or "").strip(),
            kind=str(raw.get("kind") or ""),
            text_en=" ".join(str(raw.get("text_en") or "").split()),
            text_es=" ".join(str(raw.get("text_es") or "").split()),
            touchpoint=str(raw.get("touchpoint") or ""),
            composite=str(raw.get("composite") or ""),
            required=bool(raw.get("required")),
        )
        if not q["code"]:
            q["code"] = _new_code(q["text_en"], seen)
        if not CODE_RE.match(q["code"]):
            problems.append(_("Question %(n)s has an invalid code.") % {"n": number})
        elif q["code"] in seen:
            problems.append(_("Two questions share the code %(code)s.") % {"code": q["code"]})
        seen.add(q["code"])
        if q["kind"] not in QuestionKind.values:
            problems.append(_("Question %(n)s needs a kind of answer.") % {"n": number})
        if not q["text_en"] or not q["text_es"]:
            problems.append(_("Question %(n)s needs its wording in English and in Spanish.") % {"n": number})
        if len(q["text_en"]) > TEXT_MAX or len(q["text_es"]) > TEXT_MAX:
            problems.append(_("Question %(n)s is longer than %(max)s characters.") % {"n": number, "max": TEXT_MAX})
        if q["touchpoint"] not in BY_CODE:
            problems.append(_("Question %(n)s needs a touch point.") % {"n": number})
        if q["composite"] not in Composite.values:
            problems.append(_("Question %(n)s has an unknown composite.") % {"n": number})
        cleaned.append(q)
    if not cleaned:
        problems.append(_("A survey needs at least one question."))
    if len(cleaned) > MAX_QUESTIONS:
        problems.append(_("A survey can have at most %(max)s questions.") % {"max": MAX_QUESTIONS})
    if problems:
        raise SurveyError(problems)
    return cleaned


def _new_code(text: str, taken: Iterable[str]) -> str:
    base = slugify(text).replace("-", "_")[:40].strip("_") or "question"
    while True:
        code = f"{base}_{secrets.token_hex(2)}"
        if code not in taken:
            return code


def _known_kinds(survey: Survey) -> dict[str, str]:
    """code → answer kind, for every question this survey (and the template it came from) ever had."""
    surveys = [survey.pk] + ([survey.copied_from_id] if survey.copied_from_id else [])
    return dict(Question.objects.filter(version__survey__in=surveys).values_list("code", "kind"))


def _create_questions(version: SurveyVersion, questions: list[QuestionData]) -> None:
    Question.objects.bulk_create(
        Question(practice_id=version.practice_id, version=version, position=position, **q)
        for position, q in enumerate(questions)
    )


def update_questions(
    *,
    survey: Survey,
    questions_data: Iterable[Mapping[str, Any]],
    actor_user: User,
    now: datetime | None = None,
) -> SurveyVersion:
    """Replace the survey's questions with ``questions_data`` (dicts of QUESTION_FIELDS, in order; an
    empty code makes a new question). Returns the version now current: the same one edited in
    place if nobody has answered it yet, otherwise a new one."""
    if survey.practice_id is None:
        raise SurveyError(_("The shipped templates cannot be changed; copy one to change it."))
    now = now or timezone.now()
    questions = _clean_questions(questions_data)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        version = current_version(survey)
        before = _as_data(version)
        known = _known_kinds(survey)
        taken = set(known) | {q["code"] for q in questions}
        for q in questions:
            if q["code"] in known and known[q["code"]] != q["kind"]:
                q["code"] = _new_code(q["text_en"], taken)
                taken.add(q["code"])
        if questions == before:
            return version
        answered = Answer.objects.filter(question__version=version).exists()
        if answered:
            previous_number = version.number
            version = SurveyVersion.objects.create(
                practice_id=survey.practice_id,
                survey=survey,
                number=previous_number + 1,
                created_at=now,
                created_by=actor_user,
            )
            _create_questions(version, questions)
        else:
            previous_number = version.number
            Question.objects.filter(version=version).delete()
            _create_questions(version, questions)
        audit.record(
            practice=_owner(survey),
            action=Action.UPDATE,
            target=survey,
            actor_user=actor_user,
            summary=(
                f"survey questions changed: version {version.number} "
                + ("created (earlier answers kept on their version)" if answered else "edited")
            ),
            changes={
                "version": {"from": previous_number, "to": version.number},
                "questions": {"from": len(before), "to": len(questions)},
            },
        )
    return version


def rename_survey(*, survey: Survey, name_en: str, name_es: str, actor_user: User) -> Survey:
    if survey.practice_id is None:
        raise SurveyError(_("The shipped templates cannot be changed; copy one to change it."))
    name_en, name_es = " ".join(name_en.split()), " ".join(name_es.split())
    if not name_en or not name_es:
        raise SurveyError(_("Give the survey a name in English and in Spanish."))
    with transaction.atomic():
        before = {"name_en": survey.name_en, "name_es": survey.name_es}
        survey.name_en, survey.name_es = name_en[:120], name_es[:120]
        survey.save(update_fields=["name_en", "name_es"])
        audit.record(
            practice=_owner(survey),
            action=Action.UPDATE,
            target=survey,
            actor_user=actor_user,
            summary="survey renamed",
            changes={k: {"from": v, "to": getattr(survey, k)} for k, v in before.items() if v != getattr(survey, k)},
        )
    return survey
