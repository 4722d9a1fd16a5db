"""Reads of the weekly experience moment: the practice's meeting settings, the meeting dates and the
week a moment draws from, the moments' history, and the draft the experience lead reviews.

``moment_draft`` builds everything the moment page shows from the moment's week, in a fixed number of
queries whatever the practice's size (about fifteen): story candidates from positive comments and
recovery cases closed with a good outcome, ranked by ``cx.stories``; the recognitions found in the
week; failed experiences to learn from; and the week's movement, each survey touch point's top box
and the operational measures against control limits from the twelve weeks before (``cx.charts``).
Only the 13 weeks needed are read, as plain values.

Every patient's words leave here redacted (``cx.redaction``): staff names kept, other names, phone
numbers, email addresses, dates and clinical detail replaced. The patient is shown by first name or
not at all, as the practice chooses; no date of service is shown.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Case,
    Count,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from feedback import scores
from feedback.models import (
    Answer,
    CaseOutcome,
    CaseReason,
    CaseStatus,
    CommentAnalysis,
    QuestionKind,
    RecoveryCase,
    Sentiment,
)
from feedback.selectors import recovery as recovery_selectors
from insights import measures
from patients.models import Patient
from practices.models import Practice
from scheduling.models import Appointment

from .. import charts, redaction, stories
from ..models import (
    CxSettings,
    ExperienceMoment,
    MomentAttendee,
    PatientShown,
    Recognition,
    RecognitionStatus,
    SourceKind,
    TeamMemberProfile,
)
from .team import staff_names

WEEKS_OF_HISTORY = 12  # control limits come from the twelve weeks before the moment's week
STORY_LIMIT = 3
LESSON_LIMIT = 3
MIN_N = scores.MIN_RESPONSES  # under 30 a figure is "too few to trust"
# Bottom box per scale (feedback's recovery rule): never, 0–6 of 10, very hard.
BOTTOM_BOX: dict[str, int] = {QuestionKind.FREQUENCY: 1, QuestionKind.RATING: 6, QuestionKind.EASE: 1}
# A recovery story is about a patient whose problem the team solved.
GOOD_OUTCOMES = (CaseOutcome.RESOLVED,)
RECOVERY_STORY_SENTIMENT = 0.5
SHOWN_RECOGNITIONS = (RecognitionStatus.CANDIDATE, RecognitionStatus.AMBIGUOUS, RecognitionStatus.CONFIRMED)

# Measures of the week's movement, beside one "top_box" per survey touch point.
TOP_BOX, WAITING, NO_SHOW = "top_box", "waiting", "no_show"


# --- settings and dates ------------------------------------------------------------------------------


def cx_settings(practice: Practice) -> CxSettings:
    """The practice's settings, or unsaved defaults when it has none yet (reading never writes)."""
    return CxSettings.objects.filter(practice=practice).first() or CxSettings(practice=practice)


def meeting_start(practice: Practice, meeting_date: date, *, settings: CxSettings | None = None) -> datetime:
    """When the meeting of ``meeting_date`` starts, in UTC (the meeting time is the practice's wall clock)."""
    settings = settings or cx_settings(practice)
    local = datetime.combine(meeting_date, settings.meeting_time, tzinfo=ZoneInfo(practice.timezone))
    return local.astimezone(UTC)


def moment_period(
    practice: Practice, meeting_date: date, *, settings: CxSettings | None = None
) -> tuple[datetime, datetime]:
    """The week a moment draws from: the seven local days before the meeting starts, [start, end) in UTC.

    Seven days of the practice's calendar, not 168 hours: the week of a clock change is an hour shorter
    or longer, and both ends are at the meeting's wall-clock time."""
    settings = settings or cx_settings(practice)
    return (
        meeting_start(practice, meeting_date - timedelta(days=7), settings=settings),
        meeting_start(practice, meeting_date, settings=settings),
    )


def next_meeting_date(practice: Practice, today: date, *, settings: CxSettings | None = None) -> date:
    """The practice's next meeting day on or after ``today`` (a local date)."""
    settings = settings or cx_settings(practice)
    return today + timedelta(days=(settings.meeting_weekday - today.weekday()) % 7)


def local_today(practice: Practice, now: datetime | None = None) -> date:
    return practice.local_date(now or timezone.now())


# --- the history -------------------------------------------------------------------------------------


def moments(*, practice: Practice, query: str = "") -> QuerySet[ExperienceMoment]:
    """The practice's moments, newest meeting first; ``query`` searches the story, the lesson and the
    decisions (every word must appear somewhere)."""
    rows = ExperienceMoment.objects.filter(practice=practice)
    for word in query.split()[:8]:
        rows = rows.filter(
            Q(story_quote__icontains=word)
            | Q(story_note__icontains=word)
            | Q(lesson_quote__icontains=word)
            | Q(lesson_done__icontains=word)
            | Q(decisions__icontains=word)
        )
    return rows.order_by("-meeting_date", "-pk")


def moment_or_404(*, practice: Practice, pk: int) -> ExperienceMoment:
    return get_object_or_404(ExperienceMoment, practice=practice, pk=pk)


def moment_for(*, practice: Practice, meeting_date: date) -> ExperienceMoment | None:
    return ExperienceMoment.objects.filter(practice=practice, meeting_date=meeting_date).first()


# --- names for redaction ----------------------------------------------------------------------------


# Words of a name that are also everyday words: "de la Cruz" must not blank every "la" of a quote.
NAME_PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "la",
        "las",
        "los",
        "le",
        "lo",
        "van",
        "von",
        "der",
        "den",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "y",
        "e",
        "st",
    ]
)


def _name_words(names: Iterable[str]) -> list[str]:
    return [w for name in names for w in name.split() if len(w) > 1 and redaction.fold(w) not in NAME_PARTICLES]


@dataclass(frozen=True)
class _Redactor:
    """Redacts a quote: staff names kept; the quote's own patient's names and the week's other patients'
    names replaced. Another patient's name that is also an everyday word ("Grace", "Rose") is left to the
    redaction's own rules, so that "it was a joy" keeps its joy."""

    staff: tuple[str, ...]
    week_patients: frozenset[str]

    def __call__(self, text: str, *, patient_names: Iterable[str] = ()) -> str:
        if not text:
            return ""
        staff_folded = {redaction.fold(n) for n in self.staff}
        others = [
            n
            for n in self.week_patients
            if redaction.fold(n) not in staff_folded and redaction.fold(n) not in redaction.EVERYDAY_WORDS
        ]
        return redaction.redact(text, staff_names=self.staff, patient_names=[*_name_words(patient_names), *others])


def redactor(practice: Practice, week_patients: Iterable[str] = ()) -> _Redactor:
    return _Redactor(staff=tuple(staff_names(practice)), week_patients=frozenset(_name_words(week_patients)))


def week_patient_names(practice: Practice, moment: ExperienceMoment) -> list[str]:
    """The names of the patients who answered a survey in the moment's week or whose recovery case it
    touched (one query): what the lead types about the week is redacted against them too."""
    start, end = moment.period_start, moment.period_end
    rows = (
        Patient.objects.filter(practice=practice)
        .filter(
            Q(survey_responses__started_at__gte=start, survey_responses__started_at__lt=end)
            | Q(recovery_cases__opened_at__lt=end, recovery_cases__closed_at__gte=start)
            | Q(recovery_cases__opened_at__lt=end, recovery_cases__closed_at__isnull=True)
        )
        .values_list("first_name", "last_name")
        .distinct()
    )
    return [f"{first} {last}" for first, last in rows]


def shown_patient(first_name: str, settings: CxSettings) -> str:
    mode = redaction.SHOW_FIRST_NAME if settings.patient_shown == PatientShown.FIRST_NAME else redaction.SHOW_ANONYMOUS
    return redaction.shown_patient(first_name, mode=mode)


# --- story candidates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryOption:
    key: str  # "comment:<answer id>" or "recovery:<case id>"
    source: str  # SourceKind: comment | recovery
    touchpoint: str  # journey.catalogue code
    quote: str  # the patient's words, redacted
    done: str  # what the team did (a recovery case's notes), redacted
    patient: str  # as the practice shows patients: a first name, or "" (a patient)
    reasons: tuple[str, ...]  # why it was picked: English msgids, translated by the page
    answer_id: int | None = None
    case_id: int | None = None


@dataclass(frozen=True)
class _Comment:
    answer_id: int
    text: str
    score: float
    touchpoint: str
    first_name: str
    last_name: str
    response_id: int


def _in_period(field_name: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _effective(sentiment: str) -> Q:
    return Q(corrected_sentiment=sentiment) | Q(corrected_sentiment="", sentiment=sentiment)


_COMMENT_FIELDS = (
    "answer_id",
    "answer__text",
    "score",
    "answer__response__touchpoint",
    "answer__response__patient__first_name",
    "answer__response__patient__last_name",
    "answer__response_id",
)


def _comments(practice: Practice, start: datetime, end: datetime, sentiment: str, limit: int | None) -> list[_Comment]:
    rows = (
        CommentAnalysis.objects.filter(practice=practice)
        .filter(_in_period("answer__response__started_at", start, end))
        .filter(_effective(sentiment))
        .exclude(answer__text="")
    )
    rows = rows.order_by("score" if sentiment == Sentiment.NEGATIVE else "-score", "answer_id")
    if limit is not None:
        rows = rows[:limit]
    return [_Comment(*row) for row in rows.values_list(*_COMMENT_FIELDS)]


@dataclass(frozen=True)
class _Case:
    pk: int
    response_id: int
    touchpoint: str
    reason: str
    status: str
    outcome: str
    notes: str
    due_at: datetime
    first_name: str
    last_name: str


_CASE_FIELDS = (
    "pk",
    "response_id",
    "response__touchpoint",
    "reason",
    "status",
    "outcome",
    "notes",
    "due_at",
    "patient__first_name",
    "patient__last_name",
)


def _case_comments(response_ids: Sequence[int]) -> dict[int, str]:
    """The patient's comment on each response (its text answers joined), one query."""
    if not response_ids:
        return {}
    texts: dict[int, list[str]] = defaultdict(list)
    rows = (
        Answer.objects.filter(response_id__in=response_ids, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .order_by("question__position", "pk")
        .values_list("response_id", "text")
    )
    for response_id, text in rows:
        texts[response_id].append(text.strip())
    return {rid: " ".join(parts) for rid, parts in texts.items()}


def _story_candidates(
    practice: Practice, start: datetime, end: datetime
) -> tuple[list[_Comment], list[_Case], dict[int, str]]:
    comments = _comments(practice, start, end, Sentiment.POSITIVE, limit=None)
    cases = [
        _Case(*row)
        for row in RecoveryCase.objects.filter(practice=practice, status=CaseStatus.CLOSED, outcome__in=GOOD_OUTCOMES)
        .filter(_in_period("closed_at", start, end))
        .order_by("-closed_at", "pk")
        .values_list(*_CASE_FIELDS)
    ]
    return comments, cases, _case_comments([c.response_id for c in cases])


def _rank(
    comments: Sequence[_Comment], cases: Sequence[_Case], case_texts: dict[int, str]
) -> list[stories.RankedStory]:
    candidates = [
        stories.StoryCandidate(
            key=f"comment:{c.answer_id}",
            text=c.text,
            sentiment=max(-1.0, min(1.0, c.score)),
            touchpoint=c.touchpoint,
            source=SourceKind.COMMENT,
        )
        for c in comments
    ]
    candidates += [
        stories.StoryCandidate(
            key=f"recovery:{c.pk}",
            text=" ".join(part for part in (case_texts.get(c.response_id, ""), c.notes) if part),
            sentiment=RECOVERY_STORY_SENTIMENT,
            touchpoint=c.touchpoint,
            source=SourceKind.RECOVERY,
        )
        for c in cases
    ]
    return stories.rank_stories(candidates, limit=STORY_LIMIT)


def _story_options(
    ranked: Sequence[stories.RankedStory],
    comments: Sequence[_Comment],
    cases: Sequence[_Case],
    case_texts: dict[int, str],
    *,
    settings: CxSettings,
    redact: _Redactor,
) -> list[StoryOption]:
    by_comment = {f"comment:{c.answer_id}": c for c in comments}
    by_case = {f"recovery:{c.pk}": c for c in cases}
    options = []
    for ranked_story in ranked:
        key = ranked_story.candidate.key
        if key in by_comment:
            comment = by_comment[key]
            names = (comment.first_name, comment.last_name)
            options.append(
                StoryOption(
                    key=key,
                    source=SourceKind.COMMENT,
                    touchpoint=comment.touchpoint,
                    quote=redact(comment.text, patient_names=names),
                    done="",
                    patient=shown_patient(comment.first_name, settings),
                    reasons=tuple(ranked_story.reasons),
                    answer_id=comment.answer_id,
                )
            )
        elif key in by_case:
            case = by_case[key]
            names = (case.first_name, case.last_name)
            options.append(
                StoryOption(
                    key=key,
                    source=SourceKind.RECOVERY,
                    touchpoint=case.touchpoint,
                    quote=redact(case_texts.get(case.response_id, ""), patient_names=names),
                    done=redact(case.notes, patient_names=names),
                    patient=shown_patient(case.first_name, settings),
                    reasons=tuple(ranked_story.reasons),
                    case_id=case.pk,
                )
            )
    return options


# --- failed experiences to learn from ---------------------------------------------------------------


@dataclass(frozen=True)
class LessonOption:
    key: str  # "recovery:<case id>", "comment:<answer id>" or "answer:<answer id>"
    source: str  # SourceKind: recovery | comment | answer
    touchpoint: str
    quote: str  # what went wrong, in the patient's words (redacted); a bottom-box answer's question and answer
    done: str  # what was done about it (the case's notes, redacted), "" when nothing is recorded
    case_status: str = ""  # CaseStatus of a recovery case
    case_outcome: str = ""  # CaseOutcome of a closed case
    overdue: bool = False
    answer_id: int | None = None
    case_id: int | None = None


def _case_done(case: _Case, notes: str) -> str:
    """What was done: the case's notes, and a closed case's outcome."""
    if case.status != CaseStatus.CLOSED or case.outcome not in CaseOutcome.values:
        return notes
    outcome = gettext("Outcome: %(outcome)s.") % {"outcome": CaseOutcome(case.outcome).label}
    return f"{notes}\n{outcome}" if notes else outcome


def _answer_label(kind: str, value: int) -> str:
    if kind == QuestionKind.FREQUENCY:
        labels = {1: gettext("Never"), 2: gettext("Sometimes"), 3: gettext("Usually"), 4: gettext("Always")}
        return labels.get(value, str(value))
    if kind == QuestionKind.EASE:
        return gettext("%(value)s out of 5") % {"value": value}
    return gettext("%(value)s out of 10") % {"value": value}


def _lesson_options(
    practice: Practice, start: datetime, end: datetime, *, now: datetime, redact: _Redactor, language: str
) -> list[LessonOption]:
    """Recovery cases opened in the week or still open, then negative comments without a case, then
    bottom-box answers: up to three, the most instructive first."""
    cases = [
        _Case(*row)
        for row in RecoveryCase.objects.filter(practice=practice)
        .filter(_in_period("opened_at", start, end) | Q(status=CaseStatus.OPEN, opened_at__lt=end))
        .order_by("-opened_at", "-pk")
        .values_list(*_CASE_FIELDS)[:LESSON_LIMIT]
    ]
    case_texts = _case_comments([c.response_id for c in cases])
    options: list[LessonOption] = []
    for case in cases:
        names = (case.first_name, case.last_name)
        options.append(
            LessonOption(
                key=f"recovery:{case.pk}",
                source=SourceKind.RECOVERY,
                touchpoint=case.touchpoint,
                # No comment (a low score opened it): the reason, in words.
                quote=redact(case_texts.get(case.response_id, ""), patient_names=names)
                or str(CaseReason(case.reason).label if case.reason in CaseReason.values else ""),
                done=_case_done(case, redact(case.notes, patient_names=names)),
                case_status=case.status,
                case_outcome=case.outcome,
                overdue=case.status == CaseStatus.OPEN and case.due_at < now,
                case_id=case.pk,
            )
        )
    seen = {c.response_id for c in cases}
    if len(options) < LESSON_LIMIT:
        for comment in _comments(practice, start, end, Sentiment.NEGATIVE, limit=LESSON_LIMIT * 2):
            if comment.response_id in seen or len(options) >= LESSON_LIMIT:
                continue
            seen.add(comment.response_id)
            options.append(
                LessonOption(
                    key=f"comment:{comment.answer_id}",
                    source=SourceKind.COMMENT,
                    touchpoint=comment.touchpoint,
                    quote=redact(comment.text, patient_names=(comment.first_name, comment.last_name)),
                    done="",
                    answer_id=comment.answer_id,
                )
            )
    if len(options) < LESSON_LIMIT:
        bottom = Q()
        for kind, highest in BOTTOM_BOX.items():
            bottom |= Q(question__kind=kind, value__lte=highest)
        rows = (
            Answer.objects.filter(response__practice=practice, value__isnull=False)
            .filter(_in_period("response__started_at", start, end))
            .filter(bottom)
            .order_by("value", "-response__started_at", "pk")
            .values_list(
                "pk",
                "value",
                "question__kind",
                "question__text_en",
                "question__text_es",
                "response__touchpoint",
                "response_id",
            )[: LESSON_LIMIT * 2]
        )
        for pk, value, kind, text_en, text_es, touchpoint, response_id in rows:
            if value is None or response_id in seen or len(options) >= LESSON_LIMIT:
                continue
            seen.add(response_id)
            question = text_es if language == "es" and text_es else text_en
            options.append(
                LessonOption(
                    key=f"answer:{pk}",
                    source=SourceKind.ANSWER,
                    touchpoint=touchpoint,
                    quote=redact(f"“{question}” {_answer_label(kind, value)}"),
                    done="",
                    answer_id=pk,
                )
            )
    return options


# --- recognitions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecognitionRow:
    pk: int
    status: str
    user_id: int | None
    name: str  # the person credited ("" while ambiguous)
    possible: tuple[tuple[int, str], ...]  # (user id, name) of who could be meant, when ambiguous
    mention: str
    evidence: str  # the patient's words, stored redacted
    touchpoint: str
    moment_id: int | None


def recognitions(*, practice: Practice, start: datetime, end: datetime) -> list[RecognitionRow]:
    """Recognitions found in the week: waiting, ambiguous and confirmed (two queries)."""
    rows = list(
        Recognition.objects.filter(practice=practice, status__in=SHOWN_RECOGNITIONS)
        .filter(_in_period("said_at", start, end))
        .select_related("user")
        .order_by("status", "-said_at", "pk")
    )
    possible_ids = {int(uid) for r in rows for uid in (r.possible_users or []) if str(uid).isdigit()}
    names = dict(User.objects.filter(pk__in=possible_ids).values_list("pk", "full_name")) if possible_ids else {}
    return [
        RecognitionRow(
            pk=r.pk,
            status=r.status,
            user_id=r.user_id,
            name=(r.user.full_name or r.user.email) if r.user is not None else "",
            possible=tuple(
                (int(uid), names.get(int(uid), "?")) for uid in (r.possible_users or []) if str(uid).isdigit()
            ),
            mention=r.mention,
            evidence=r.evidence,
            touchpoint=r.touchpoint,
            moment_id=r.moment_id,
        )
        for r in rows
    ]


# --- the week's movement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureMove:
    kind: str  # TOP_BOX | WAITING | NO_SHOW
    touchpoint: str  # for top box: the survey items' touch point
    direction: str  # charts.UP | DOWN | FLAT | TOO_FEW
    value: float | None  # percent, or minutes
    n: int
    center: float | None
    lower: float | None
    upper: float | None
    higher_is_better: bool
    unit: str  # "%" or "min"

    @property
    def better(self) -> bool | None:
        """Whether the move is good news; None when it is no move."""
        if self.direction not in (charts.UP, charts.DOWN):
            return None
        return (self.direction == charts.UP) == self.higher_is_better


@dataclass(frozen=True)
class Movement:
    moves: list[MeasureMove]  # beyond the control limits: "up" or "down"
    steady: list[MeasureMove]  # inside the limits: no change beyond normal variation
    too_few: list[MeasureMove]  # too few answers (or too little history) to tell
    weeks: int  # weeks of history behind the limits


def week_bounds(
    practice: Practice, meeting_date: date, *, settings: CxSettings, weeks: int = WEEKS_OF_HISTORY
) -> list[datetime]:
    """The weeks' boundaries, oldest first, in UTC: ``weeks`` weeks of history then the moment's week."""
    return [
        meeting_start(practice, meeting_date - timedelta(days=7 * back), settings=settings)
        for back in range(weeks + 1, -1, -1)
    ]


def _week_index(bounds: Sequence[datetime], at: datetime) -> int | None:
    """Which week ``at`` falls in (0 = oldest), None outside."""
    i = bisect_right(bounds, at) - 1
    return i if 0 <= i < len(bounds) - 1 else None


def _move(kind: str, touchpoint: str, result: charts.Movement, *, higher_is_better: bool, unit: str) -> MeasureMove:
    direction = result.direction
    if direction in (charts.UP, charts.DOWN, charts.FLAT) and result.latest.n < MIN_N:
        direction = charts.TOO_FEW
    return MeasureMove(
        kind=kind,
        touchpoint=touchpoint,
        direction=direction,
        value=result.latest.value,
        n=result.latest.n,
        center=result.center,
        lower=result.lower,
        upper=result.upper,
        higher_is_better=higher_is_better,
        unit=unit,
    )


def _week_of(field_name: str, bounds: Sequence[datetime]) -> Case:
    """The week (0 = oldest) an instant falls in, computed by the database."""
    whens = [When(**{f"{field_name}__lt": upper}, then=Value(i)) for i, upper in enumerate(bounds[1:])]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def weekly_top_box(practice: Practice, bounds: Sequence[datetime]) -> dict[str, list[tuple[int, int]]]:
    """Each survey touch point's (top-box answers, scored answers) per week, oldest first.

    The same answers as ``feedback.selectors.scores.scored_answers`` (a value, not free text, the
    response started in the week) scored by ``feedback.scores``; counted by the database per
    (touch point, scale, value, week), so 13 weeks of the large demo's 40,000 answers are a few hundred
    rows, not 40,000 objects (one query)."""
    weeks = len(bounds) - 1
    rows = (
        Answer.objects.filter(response__practice=practice, value__isnull=False)
        .filter(_in_period("response__started_at", bounds[0], bounds[-1]))
        .exclude(question__kind=QuestionKind.TEXT)
        .annotate(week=_week_of("response__started_at", bounds))
        .values_list("question__touchpoint", "question__kind", "value", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(weeks)])
    for touchpoint, kind, value, week, n in rows:
        if week is None or value is None or not scores.is_scored(kind, value):
            continue
        cell = counts[touchpoint][week]
        cell[0] += n if scores.is_top_box(kind, value) else 0
        cell[1] += n
    return {tp: [(k, n) for k, n in cells] for tp, cells in counts.items()}


class MinutesBetween(Func):
    """Minutes from the second expression to the first (``MinutesBetween(end, start)``), computed by the
    database itself: SQLite's own ``julianday`` rather than Django's per-row Python function for a
    difference of datetimes (a quarter of a second over 16,000 visits)."""

    output_field = FloatField()
    arity = 2
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 60.0)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 1440.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


@dataclass(frozen=True)
class WeekVisits:
    waiting_mean: float | None  # minutes from arrival to the provider, mean
    waiting_n: int
    no_shows: int
    came: int


def weekly_visits(practice: Practice, bounds: Sequence[datetime], *, now: datetime) -> list[WeekVisits]:
    """Minutes waiting and the no-show rate per week, by ``insights.measures``' definitions, counted by the
    database (one query): appointments neither cancelled nor entered in error; waiting over visits with an
    arrival and a time with the provider; no-shows over no-shows and the patients who came, among
    appointments that have started by ``now``."""
    no_show = Q(status=measures.NOSHOW) | Q(visit__status=measures.FLOW_NO_SHOW)
    came = Q(status__in=measures.CAME_STATUSES) | Q(visit__arrived_at__isnull=False)
    timed = Q(visit__arrived_at__isnull=False, visit__with_provider_at__isnull=False)
    started = Q(start__lte=now)
    wait = MinutesBetween("visit__with_provider_at", "visit__arrived_at")
    rows = (
        Appointment.objects.filter(practice=practice)
        .filter(_in_period("start", bounds[0], bounds[-1]))
        .exclude(status__in=[measures.CANCELLED, measures.ENTERED_IN_ERROR])
        .annotate(week=_week_of("start", bounds))
        .values("week")
        .annotate(
            waiting_n=Count("pk", filter=timed),
            waiting_avg=Avg(wait, filter=timed),
            no_shows=Count("pk", filter=started & no_show),
            came=Count("pk", filter=started & ~no_show & came),
        )
        .order_by()
    )
    weeks = [WeekVisits(None, 0, 0, 0) for _ in range(len(bounds) - 1)]
    for row in rows:
        if row["week"] is None:
            continue
        weeks[row["week"]] = WeekVisits(
            waiting_mean=row["waiting_avg"],
            waiting_n=row["waiting_n"],
            no_shows=row["no_shows"],
            came=row["came"],
        )
    return weeks


def movement(
    *, practice: Practice, moment: ExperienceMoment, settings: CxSettings, now: datetime | None = None
) -> Movement:
    """This week against the twelve before it: each survey touch point's top box (p-chart), minutes
    waiting (XmR) and the no-show rate (p-chart). Two queries, both counted by the database."""
    now = now or timezone.now()
    zone = ZoneInfo(practice.timezone)
    bounds = week_bounds(practice, moment.meeting_date, settings=settings)
    labels = [b.astimezone(zone).date().isoformat() for b in bounds[1:]]

    results: list[MeasureMove] = []
    for touchpoint, cells in sorted(weekly_top_box(practice, bounds).items()):
        points = [(label, k, n) for label, (k, n) in zip(labels, cells, strict=True)]
        result = charts.movement_p(points[:-1], points[-1])
        results.append(_move(TOP_BOX, touchpoint, result, higher_is_better=True, unit="%"))

    visits = weekly_visits(practice, bounds, now=now)
    waiting = [(label, w.waiting_mean, w.waiting_n) for label, w in zip(labels, visits, strict=True)]
    no_show = [(label, w.no_shows, w.no_shows + w.came) for label, w in zip(labels, visits, strict=True)]
    if any(n for _label, _mean, n in waiting):
        result = charts.movement_x(waiting[:-1], waiting[-1])
        results.append(_move(WAITING, "", result, higher_is_better=False, unit="min"))
    if any(n for _label, _k, n in no_show):
        result = charts.movement_p(no_show[:-1], no_show[-1])
        results.append(_move(NO_SHOW, "", result, higher_is_better=False, unit="%"))

    return Movement(
        moves=[m for m in results if m.direction in (charts.UP, charts.DOWN)],
        steady=[m for m in results if m.direction == charts.FLAT],
        too_few=[m for m in results if m.direction == charts.TOO_FEW],
        weeks=len(labels) - 1,
    )


# --- the draft ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MomentDraft:
    moment: ExperienceMoment
    settings: CxSettings
    period_start: datetime
    period_end: datetime
    stories: list[StoryOption] = field(default_factory=list)  # candidates (the lead's page only)
    lessons: list[LessonOption] = field(default_factory=list)  # failed experiences, the first is suggested
    recognitions: list[RecognitionRow] = field(default_factory=list)
    movement: Movement | None = None
    open_cases: int = 0
    overdue_cases: int = 0

    @property
    def confirmed(self) -> list[RecognitionRow]:
        return [r for r in self.recognitions if r.status == RecognitionStatus.CONFIRMED]

    @property
    def waiting(self) -> list[RecognitionRow]:
        return [r for r in self.recognitions if r.status != RecognitionStatus.CONFIRMED]

    @property
    def lesson(self) -> LessonOption | None:
        return self.lessons[0] if self.lessons else None


def story_options(
    practice: Practice, moment: ExperienceMoment, *, settings: CxSettings | None = None
) -> list[StoryOption]:
    """The week's three best story candidates, redacted (what the lead picks from)."""
    settings = settings or cx_settings(practice)
    start, end = moment.period_start, moment.period_end
    comments, cases, case_texts = _story_candidates(practice, start, end)
    ranked = _rank(comments, cases, case_texts)
    week_patients = [f"{c.first_name} {c.last_name}" for c in comments] + [
        f"{c.first_name} {c.last_name}" for c in cases
    ]
    redact = redactor(practice, week_patients)
    return _story_options(ranked, comments, cases, case_texts, settings=settings, redact=redact)


def lesson_options(
    practice: Practice, moment: ExperienceMoment, *, language: str = "en", now: datetime | None = None
) -> list[LessonOption]:
    return _lesson_options(
        practice,
        moment.period_start,
        moment.period_end,
        now=now or timezone.now(),
        redact=redactor(practice),
        language=language,
    )


def moment_draft(
    practice: Practice,
    moment: ExperienceMoment,
    *,
    candidates: bool = True,
    language: str = "en",
    now: datetime | None = None,
) -> MomentDraft:
    """Everything the moment's pages show, from its week. ``candidates=False`` (the screen, the print and
    the team's read-only page) leaves out the story and lesson candidates, which only the lead picks from."""
    if moment.practice_id != practice.pk:
        raise ValueError("the moment belongs to another practice")
    now = now or timezone.now()
    settings = cx_settings(practice)
    start, end = moment.period_start, moment.period_end
    story_list: list[StoryOption] = []
    lesson_list: list[LessonOption] = []
    if candidates:
        comments, cases, case_texts = _story_candidates(practice, start, end)
        ranked = _rank(comments, cases, case_texts)
        week_patients = [f"{c.first_name} {c.last_name}" for c in comments]
        week_patients += [f"{c.first_name} {c.last_name}" for c in cases]
        redact = redactor(practice, week_patients)
        story_list = _story_options(ranked, comments, cases, case_texts, settings=settings, redact=redact)
        lesson_list = _lesson_options(practice, start, end, now=now, redact=redact, language=language)
    open_cases = recovery_selectors.cases(practice=practice, view="open").count()
    return MomentDraft(
        moment=moment,
        settings=settings,
        period_start=start,
        period_end=end,
        stories=story_list,
        lessons=lesson_list,
        recognitions=recognitions(practice=practice, start=start, end=end),
        movement=movement(practice=practice, moment=moment, settings=settings, now=now),
        open_cases=open_cases,
        overdue_cases=recovery_selectors.overdue_case_count(practice=practice, now=now) if open_cases else 0,
    )


# --- the meeting record ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRecord:
    team: list[User]  # active members, for the attendee checkboxes and action owners
    attendee_ids: frozenset[int]
    recognised: list[Recognition]  # confirmed recognitions given at this meeting


def team_users(practice: Practice) -> QuerySet[User]:
    """The practice's active members, by name."""
    return User.objects.filter(memberships__practice=practice, memberships__is_active=True, is_active=True).order_by(
        "full_name", "email", "pk"
    )


def meeting_record(*, practice: Practice, moment: ExperienceMoment) -> MeetingRecord:
    attendee_ids = frozenset(
        MomentAttendee.objects.filter(practice=practice, moment=moment).values_list("user_id", flat=True)
    )
    recognised = list(
        Recognition.objects.filter(practice=practice, moment=moment, status=RecognitionStatus.CONFIRMED)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    return MeetingRecord(team=list(team_users(practice)), attendee_ids=attendee_ids, recognised=recognised)


def attendees(*, practice: Practice, moment: ExperienceMoment) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=MomentAttendee.objects.filter(practice=practice, moment=moment).values("user_id")
        ).order_by("full_name", "email")
    )


def confirmed_in_period(*, practice: Practice, moment: ExperienceMoment) -> QuerySet[Recognition]:
    """Confirmed recognitions the meeting may give: found in the week, or already given at this meeting."""
    return (
        Recognition.objects.filter(practice=practice, status=RecognitionStatus.CONFIRMED)
        .filter(_in_period("said_at", moment.period_start, moment.period_end) | Q(moment=moment))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


# --- the team's morning email ------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamEmail:
    """What the morning email says: no patient's name (not even a first name), no date of service; the
    quotes redacted once more, with the story's patient's own names."""

    meeting_date: date
    touchpoint: str
    story_quote: str
    story_note: str
    recognised: tuple[str, ...]  # staff names


def team_email(*, practice: Practice, moment: ExperienceMoment) -> TeamEmail:
    patient_names: list[str] = []
    if moment.story_answer_id:
        patient_names.extend(
            Answer.objects.filter(pk=moment.story_answer_id, response__practice=practice)
            .values_list("response__patient__first_name", "response__patient__last_name")
            .first()
            or ()
        )
    if moment.story_case_id:
        patient_names.extend(
            RecoveryCase.objects.filter(pk=moment.story_case_id, practice=practice)
            .values_list("patient__first_name", "patient__last_name")
            .first()
            or ()
        )
    if moment.story_patient:
        patient_names.append(moment.story_patient)
    redact = redactor(practice)
    given = list(
        Recognition.objects.filter(practice=practice, moment=moment, status=RecognitionStatus.CONFIRMED)
        .values_list("user__full_name", flat=True)
        .order_by("user__full_name")
    )
    if not given:
        given = list(confirmed_in_period(practice=practice, moment=moment).values_list("user__full_name", flat=True))
    return TeamEmail(
        meeting_date=moment.meeting_date,
        touchpoint=moment.story_touchpoint,
        story_quote=redact(moment.story_quote, patient_names=patient_names),
        story_note=redact(moment.story_note, patient_names=patient_names),
        recognised=tuple(dict.fromkeys(n for n in given if n)),
    )


def email_recipients(*, practice: Practice, moment: ExperienceMoment) -> list[User]:
    """Active members who asked for the morning email and have not had this moment's yet."""
    opted_in = TeamMemberProfile.objects.filter(practice=practice, moment_email=True).values("user_id")
    return list(team_users(practice).filter(pk__in=opted_in).exclude(pk__in=moment.emails.values("user_id")).distinct())
