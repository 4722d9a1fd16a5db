"""Reads for the "what changed" pages, scoped by practice: a week's change signals with filters, the
monthly counts per kind, one signal, a patient's change timeline, what was learned (searchable, with
the lessons that recur), and what a micro-survey or a recovery case would meet before it is tried.

The signals themselves are written by the detector (``cx/services/signal_detection.py``); staff
responses and handling by ``cx/services/signals.py``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from feedback.models import Answer, CaseStatus, FeedbackSettings, QuestionKind, RecoveryCase, Sentiment, Survey
from feedback.models import SurveyKind as FeedbackSurveyKind
from feedback.selectors.invitations import in_cooldown
from feedback.shipped import AFTER_CHANGE
from patients.models import Patient
from practices.models import Membership, Practice, Role

from ..models import ChangeSignal, SignalKind, SignalStatus

MONTHS_CHARTED = 12
# A recovery case hangs on a survey answer: the unhappy answers this recent can carry one.
RECOVERY_LOOKBACK = timedelta(days=90)
DETRACTOR_MAX = 6
LESSON_WORDS_MAX = 8


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _local_midnight(practice: Practice, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(practice.timezone)).astimezone(UTC)


def _scoped(practice: Practice) -> QuerySet[ChangeSignal]:
    return ChangeSignal.objects.filter(practice=practice).select_related(
        "patient", "location", "provider", "handled_by", "survey_invitation", "recovery_case", "call_action"
    )


@dataclass(frozen=True)
class SignalFilters:
    """The list's filters: the week (its Monday) and optional kind, location, provider and status."""

    week: date
    kind: str = ""
    location_id: int | None = None
    provider_id: int | None = None
    status: str = ""


def week_signals(*, practice: Practice, filters: SignalFilters) -> QuerySet[ChangeSignal]:
    """The signals detected in the practice's local week, strongest and newest first."""
    start = _local_midnight(practice, filters.week)
    end = _local_midnight(practice, filters.week + timedelta(days=7))
    signals = _scoped(practice).filter(detected_at__gte=start, detected_at__lt=end)
    if filters.kind:
        signals = signals.filter(kind=filters.kind)
    if filters.location_id is not None:
        signals = signals.filter(location_id=filters.location_id)
    if filters.provider_id is not None:
        signals = signals.filter(provider_id=filters.provider_id)
    if filters.status:
        signals = signals.filter(status=filters.status)
    return signals.order_by("-strength", "-detected_at", "pk")


@dataclass(frozen=True)
class StatusCounts:
    total: int
    open: int
    handled: int
    dismissed: int


def status_counts(signals: QuerySet[ChangeSignal]) -> StatusCounts:
    rows = dict(signals.order_by().values_list("status").annotate(n=Count("pk")))
    return StatusCounts(
        total=sum(rows.values()),
        open=rows.get(SignalStatus.OPEN, 0),
        handled=rows.get(SignalStatus.HANDLED, 0),
        dismissed=rows.get(SignalStatus.DISMISSED, 0),
    )


@dataclass(frozen=True)
class MonthRow:
    first_day: date
    counts: dict[str, int]  # kind → signals that changed that month
    n: int  # every signal of the month


@dataclass(frozen=True)
class MonthlyCounts:
    months: list[MonthRow]
    kinds: list[str]  # the kinds seen in these months, in the catalogue's order

    @property
    def total(self) -> int:
        return sum(m.n for m in self.months)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def monthly_counts(*, practice: Practice, today: date, months: int = MONTHS_CHARTED) -> MonthlyCounts:
    """Signals per kind per month of the change (``changed_on``), the last ``months`` months to today's."""
    first = _add_months(today.replace(day=1), -(months - 1))
    rows = (
        ChangeSignal.objects.filter(practice=practice, changed_on__gte=first, changed_on__lte=today)
        .annotate(month=TruncMonth("changed_on"))
        .order_by()
        .values_list("month", "kind")
        .annotate(n=Count("pk"))
    )
    by_month: dict[date, dict[str, int]] = defaultdict(dict)
    seen: set[str] = set()
    for month, kind, n in rows:
        day = month.date() if isinstance(month, datetime) else month
        by_month[day][kind] = n
        seen.add(kind)
    kinds = [k for k in SignalKind.values if k in seen]
    result = []
    for i in range(months):
        day = _add_months(first, i)
        counts = by_month.get(day, {})
        result.append(MonthRow(first_day=day, counts={k: counts.get(k, 0) for k in kinds}, n=sum(counts.values())))
    return MonthlyCounts(months=result, kinds=kinds)


def signal_or_404(*, practice: Practice, pk: int) -> ChangeSignal:
    return get_object_or_404(_scoped(practice), pk=pk)


def patient_or_404(*, practice: Practice, pk: int) -> Patient:
    return get_object_or_404(Patient.objects.filter(practice=practice), pk=pk)


def patient_signals(*, practice: Practice, patient: Patient) -> QuerySet[ChangeSignal]:
    """The patient's signals over time, the newest change first."""
    return _scoped(practice).filter(patient=patient).order_by("-changed_on", "-detected_at", "pk")


def open_signal_count(*, practice: Practice, patient: Patient) -> int:
    return ChangeSignal.objects.filter(practice=practice, patient=patient, status=SignalStatus.OPEN).count()


# --- what was learned ------------------------------------------------------------------------------


def lessons(*, practice: Practice, words: str = "", kind: str = "") -> QuerySet[ChangeSignal]:
    """Handled signals with what was learned, every word of ``words`` in the lesson, newest first."""
    found = _scoped(practice).filter(status=SignalStatus.HANDLED).exclude(lesson="")
    for word in words.split()[:LESSON_WORDS_MAX]:
        found = found.filter(lesson__icontains=word)
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("-handled_at", "pk")


_NOT_A_WORD = re.compile(r"[^\w\s]+")


def normalise_lesson(text: str) -> str:
    """A lesson's words, lower case, without punctuation: two lessons written alike count as one."""
    return " ".join(_NOT_A_WORD.sub(" ", text.lower()).split())


@dataclass(frozen=True)
class Recurring:
    lesson: str  # as first written
    times: int


@dataclass
class KindLessons:
    kind: str
    handled: int  # handled signals of this kind with a lesson
    dismissed: int  # "not a real change"
    recurring: list[Recurring] = field(default_factory=list)  # the same lesson written at least twice


def lessons_by_kind(*, practice: Practice, since: date | None = None) -> list[KindLessons]:
    """Per kind: how many signals were handled with a lesson, how many dismissed, and the lessons written
    at least twice (same words, ignoring case and punctuation), most frequent first."""
    signals = ChangeSignal.objects.filter(practice=practice).exclude(status=SignalStatus.OPEN)
    if since is not None:
        signals = signals.filter(changed_on__gte=since)
    handled: Counter[str] = Counter()
    dismissed: Counter[str] = Counter()
    texts: dict[str, Counter[str]] = defaultdict(Counter)
    first_written: dict[tuple[str, str], str] = {}
    for kind, status, lesson in signals.order_by("handled_at", "pk").values_list("kind", "status", "lesson"):
        if status == SignalStatus.DISMISSED:
            dismissed[kind] += 1
            continue
        if not lesson.strip():
            continue
        handled[kind] += 1
        key = normalise_lesson(lesson)
        texts[kind][key] += 1
        first_written.setdefault((kind, key), lesson.strip())
    rows = []
    for kind in SignalKind.values:
        if not handled[kind] and not dismissed[kind]:
            continue
        recurring = [
            Recurring(lesson=first_written[kind, key], times=n)
            for key, n in sorted(texts[kind].items(), key=lambda item: (-item[1], item[0]))
            if n >= 2
        ]
        rows.append(KindLessons(kind=kind, handled=handled[kind], dismissed=dismissed[kind], recurring=recurring))
    return rows


# --- responding ------------------------------------------------------------------------------------


def change_question(*, practice: Practice, kind: str, language: str) -> str:
    """The question the one-question survey asks about ``kind``, as the practice words it (its own
    copy of the survey after a change) or as shipped."""
    code = f"change_{kind}"
    survey = Survey.objects.filter(practice=practice, kind=FeedbackSurveyKind.AFTER_CHANGE, is_active=True).first()
    if survey is not None:
        version = survey.versions.order_by("-number").first()
        question = version.questions.filter(code=code).first() if version is not None else None
        if question is not None:
            return question.text(language)
    for shipped in AFTER_CHANGE.questions:
        if shipped.code == code:
            return shipped.text_es if language == "es" else shipped.text_en
    return ""


def survey_switched_off(*, practice: Practice) -> bool:
    """The practice has its own survey after a change and none of them is sent."""
    own = Survey.objects.filter(practice=practice, kind=FeedbackSurveyKind.AFTER_CHANGE)
    return own.exists() and not own.filter(is_active=True).exists()


def cooldown_days(*, practice: Practice) -> int:
    rules = FeedbackSettings.objects.filter(practice=practice).first()
    return rules.cooldown_days if rules is not None else FeedbackSettings._meta.get_field("cooldown_days").default


def in_survey_cooldown(*, practice: Practice, patient: Patient, now: datetime) -> bool:
    """Whether the survey cooldown holds back a one-question survey for the patient now."""
    return in_cooldown(
        practice=practice,
        patient=patient,
        days=cooldown_days(practice=practice),
        now=now,
        kind=FeedbackSurveyKind.AFTER_CHANGE,
    )


def open_recovery_case(*, practice: Practice, patient: Patient) -> RecoveryCase | None:
    """The patient's open recovery case, if any (the oldest due first)."""
    return RecoveryCase.objects.filter(practice=practice, patient=patient, status=CaseStatus.OPEN).first()


@dataclass(frozen=True)
class UnhappyAnswer:
    answer: Answer
    reason: str  # a feedback.models.CaseReason value


def unhappy_answer(*, practice: Practice, patient: Patient, now: datetime) -> UnhappyAnswer | None:
    """The patient's latest unhappy survey answer of the last 90 days whose response has no case yet:
    a 0–6 likelihood to recommend, or a comment read (or corrected) as negative."""
    answers = (
        Answer.objects.filter(
            response__practice=practice,
            response__patient=patient,
            response__started_at__gte=now - RECOVERY_LOOKBACK,
            response__recovery_case__isnull=True,
        )
        .filter(
            Q(question__kind=QuestionKind.RECOMMEND, value__lte=DETRACTOR_MAX)
            | Q(analysis__corrected_sentiment=Sentiment.NEGATIVE)
            | Q(analysis__corrected_sentiment="", analysis__sentiment=Sentiment.NEGATIVE)
        )
        .select_related("response", "question")
        .order_by("-answered_at", "-pk")
    )
    answer = answers.first()
    if answer is None:
        return None
    reason = "detractor" if answer.question.kind == QuestionKind.RECOMMEND else "negative_comment"
    return UnhappyAnswer(answer=answer, reason=reason)


def front_desk_caller(*, practice: Practice, actor_id: int) -> Membership | None:
    """Who gets the call: the person asking if they are on the front desk, else the longest-serving
    active front-desk member; None for a practice without one."""
    members = Membership.objects.filter(
        practice=practice, role=Role.FRONT_DESK, is_active=True, user__is_active=True
    ).select_related("user")
    mine = members.filter(user_id=actor_id).first()
    return mine or members.order_by("created_at", "pk").first()
