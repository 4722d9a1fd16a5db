"""What patients actually said at one touch point, for one patient group: the "actual" side of an
empathy map. Read-only, scoped by practice; aggregates and a few redacted quotes, never a patient.

For a catalogue touch point, a group (``cx.models.PatientGroup``, or None for every patient) and a
range of the practice's local days (the last 12 months unless told):

- **survey items**: every scale answer to a question linked to the touch point (``Question.touchpoint``),
  from responses started in the range, scored by ``feedback/scores.py`` (top box per item, n), with a
  Wilson 95 % interval (``cx/stats.py``); under 30 answers an item is "too few to trust";
- **comment sentiment**: the comments (free-text answers with a reading) of responses about the
  touch point (``Response.touchpoint``) and of any response whose comment is tagged with a topic
  that covers the touch point (``cx/empathy.py``, ``TOPIC_TOUCHPOINTS``). The staff's corrected
  reading wins over the machine's. A comment found through its topic counts with that topic's
  sentiment (a comment can praise the booking and complain of the wait); a comment from a
  response about the touch point counts with its overall sentiment. Shares carry n and a Wilson
  interval;
- **representative quotes**: up to five, chosen by ``cx.quotes.representative`` to cover different
  themes among the newest ``QUOTE_POOL`` comments, each redacted by ``cx.redaction.redact`` (staff
  names kept; the writer's own name, other people's names, phone numbers, email addresses, dates and
  clinical detail removed);
- **what patients did**: the touch point's journey events by kind (every patient: the journey log
  is not split by group).

**Who is in a group** (empty criteria mean "any"):

- *language*: the patient answered the survey in it (``Response.language``) or their record says
  they prefer it (``Patient.preferred_language``): a Spanish-speaking patient who answered the
  English survey still counts as Spanish-speaking;
- *age*: whole years from ``Patient.date_of_birth`` to the local day the response was started,
  between ``min_age`` and ``max_age`` inclusive;
- *new or returning*: new when the patient had no appointment that began before the response's
  appointment (the one the survey invitation was about; for a survey without one, before the
  response was started). Cancelled, no-show and entered-in-error appointments never count: they
  were not visits. Measured with one aggregate query, the earliest counting appointment of each
  patient who answered in the range (``MIN(start) GROUP BY patient``, on the index
  ``appointment_patient_time_idx``): a response is new when that first start is not before its
  own appointment's start. That is one indexed pass instead of a subquery per answer.

Language and a coarse age window (date of birth against the range's ends) are filtered in SQL; the
exact age and new/returning are decided in Python per response, once. The page costs a fixed
number of queries whatever the data size: the scored answers, the comment readings (without their
text), the first appointments (only for a new/returning group), the quote candidates' text, the
question wording, the staff names (two), and the journey events by kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Q
from django.utils import timezone

from feedback import scores
from feedback.models import Answer, CommentAnalysis, QuestionKind, Response
from feedback.selectors.scores import QuestionLabel, local_bounds, question_labels
from journey import selectors as journey_selectors
from practices.models import Membership, Practice, Provider
from scheduling.models import Appointment, AppointmentStatus

from .. import empathy, stats
from ..models import PatientGroup
from ..quotes import Quote, representative
from ..redaction import redact

MIN_N = scores.MIN_RESPONSES  # 30: under it a figure is "too few to trust"
QUOTE_POOL = 200  # quotes are chosen among this many of the newest comments
QUOTES = 5
SENTIMENTS = (empathy.POSITIVE, empathy.MIXED, empathy.NEUTRAL, empathy.NEGATIVE)
NOT_A_VISIT = (AppointmentStatus.CANCELLED, AppointmentStatus.NOSHOW, AppointmentStatus.ENTERED_IN_ERROR)


# --- the group ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    """Who is in a patient group, as plain data (empty means any)."""

    visits: str = ""  # "", "new" or "returning"
    language: str = ""
    min_age: int | None = None
    max_age: int | None = None

    @classmethod
    def of(cls, group: PatientGroup | None) -> Criteria:
        if group is None:
            return cls()
        return cls(visits=group.visits, language=group.language, min_age=group.min_age, max_age=group.max_age)

    @property
    def needs_python(self) -> bool:
        """Whether rows must be checked one by one (ages exactly, new or returning)."""
        return bool(self.visits) or self.min_age is not None or self.max_age is not None


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day`` (a birthday on 29 February counts on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


# The columns each row carries for the group check, relative to the response.
_GROUP_COLUMNS = ("patient_id", "started_at", "invitation__appointment__start", "patient__date_of_birth")


def _group_q(criteria: Criteria, prefix: str, first_day: date, last_day: date) -> Q:
    """What SQL can decide: the language, and a window on the date of birth that no member falls outside."""
    q = Q()
    if criteria.language:
        q &= Q(**{f"{prefix}language": criteria.language}) | Q(
            **{f"{prefix}patient__preferred_language": criteria.language}
        )
    if criteria.min_age is not None:
        # At least min_age on some day of the range: born on or before the last day, min_age years back.
        q &= Q(**{f"{prefix}patient__date_of_birth__lte": _years_before(last_day, criteria.min_age)})
    if criteria.max_age is not None:
        # At most max_age on some day of the range: born after the first day, max_age + 1 years back.
        q &= Q(**{f"{prefix}patient__date_of_birth__gt": _years_before(first_day, criteria.max_age + 1)})
    return q


class _Membership:
    """Decides, once per response, whether it belongs to the group (exact age, new or returning)."""

    def __init__(self, criteria: Criteria, zone: ZoneInfo, first_visits: dict[int, datetime]) -> None:
        self.criteria = criteria
        self.zone = zone
        self.first_visits = first_visits
        self.seen: dict[int, bool] = {}

    def __call__(
        self, response_id: int, patient_id: int, started_at: datetime, anchor: datetime | None, born: date
    ) -> bool:
        known = self.seen.get(response_id)
        if known is not None:
            return known
        c = self.criteria
        member = True
        if c.min_age is not None or c.max_age is not None:
            age = age_on(born, started_at.astimezone(self.zone).date())
            member = (c.min_age is None or age >= c.min_age) and (c.max_age is None or age <= c.max_age)
        if member and c.visits:
            first = self.first_visits.get(patient_id)
            is_new = first is None or first >= (anchor or started_at)
            member = is_new if c.visits == PatientGroup.Visits.NEW else not is_new
        self.seen[response_id] = member
        return member


def _first_visits(practice: Practice, start: datetime, end: datetime) -> dict[int, datetime]:
    """Each patient who answered a survey in the range: the start of their first counting appointment."""
    patients = Response.objects.filter(practice=practice, started_at__gte=start, started_at__lt=end).values(
        "patient_id"
    )
    rows = (
        Appointment.objects.filter(practice=practice, patient_id__in=patients)
        .exclude(status__in=NOT_A_VISIT)
        .values("patient_id")
        .annotate(first=Min("start"))
        .values_list("patient_id", "first")
    )
    return dict(rows)


# --- the answer -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """``count`` of ``n``, as a percentage with its Wilson 95 % interval (percentages too)."""

    count: int
    n: int
    percent: float | None
    low: float | None
    high: float | None

    @property
    def too_few(self) -> bool:
        return self.n < MIN_N

    @classmethod
    def of(cls, count: int, n: int) -> Share:
        interval = stats.wilson(count, n)
        if interval is None:
            return cls(count=count, n=n, percent=None, low=None, high=None)
        return cls(count=count, n=n, percent=count * 100 / n, low=interval.low * 100, high=interval.high * 100)


@dataclass(frozen=True)
class ItemResult:
    code: str
    kind: str
    label: QuestionLabel | None  # the newest wording (None: a code no survey has any more)
    top_box: Share


@dataclass(frozen=True)
class SentimentShare:
    sentiment: str
    share: Share


@dataclass(frozen=True)
class ShownQuote:
    text: str  # redacted
    sentiment: str
    themes: tuple[str, ...]  # comment topics (feedback.comments.touchpoints names)


@dataclass(frozen=True)
class EventCount:
    kind: str
    events: int
    patients: int


@dataclass(frozen=True)
class PatientsSaid:
    touchpoint: str
    first_day: date
    last_day: date
    responses: int  # responses of the group that answered at least one of the items
    items: tuple[ItemResult, ...]
    comments: int
    sentiments: tuple[SentimentShare, ...]  # in SENTIMENTS order
    quotes: tuple[ShownQuote, ...]
    events: tuple[EventCount, ...]  # every patient, most frequent first
    survey_top_box: float | None  # mean top box of the items with at least 30 answers
    survey_feeling: str | None  # cx.empathy feelings; None: too few to say
    comment_feeling: str | None
    feeling: str | None

    @property
    def too_few_responses(self) -> bool:
        return self.responses < MIN_N

    @property
    def too_few_comments(self) -> bool:
        return self.comments < MIN_N


def default_range(practice: Practice, today: date | None = None) -> tuple[date, date]:
    """The last 12 months of the practice's local days, today included."""
    today = today or timezone.now().astimezone(ZoneInfo(practice.timezone)).date()
    return _years_before(today, 1) + timedelta(days=1), today


def _topic_q(topics: Sequence[str]) -> Q:
    # JSON text holds each name in quotes; names never equal a sentiment label.
    q = Q()
    for topic in topics:
        needle = f'"{topic}"'
        q |= Q(corrected_touchpoints__isnull=True, touchpoints__icontains=needle) | Q(
            corrected_touchpoints__icontains=needle
        )
    return q


def _topic_sentiment(tagged: Iterable[Any], topics: Sequence[str]) -> str | None:
    """The sentiment of the comment's topics that cover the touch point: one, or mixed when they differ."""
    found = {t.get("sentiment") for t in tagged if isinstance(t, dict) and t.get("name") in topics}
    found.discard(None)
    if not found:
        return None
    return found.pop() if len(found) == 1 else empathy.MIXED


def staff_names(practice: Practice) -> list[str]:
    """The team's and providers' names: kept in quotes (they are who patients thank)."""
    names = list(Membership.objects.filter(practice=practice).values_list("user__full_name", flat=True))
    for first, last in Provider.objects.filter(practice=practice).values_list("first_name", "last_name"):
        names += [first, last]
    return [name for name in names if name]


def patients_said(
    *,
    practice: Practice,
    touchpoint: str,
    group: PatientGroup | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    today: date | None = None,
) -> PatientsSaid:
    if first_day is None or last_day is None:
        default_first, default_last = default_range(practice, today)
        first_day, last_day = first_day or default_first, last_day or default_last
    zone = ZoneInfo(practice.timezone)
    start, end = local_bounds(practice, first_day, last_day)
    criteria = Criteria.of(group)
    first_visits = _first_visits(practice, start, end) if criteria.visits else {}
    member = _Membership(criteria, zone, first_visits)
    keep: Callable[[Sequence[Any]], bool]
    if criteria.needs_python:

        def keep(row: Sequence[Any]) -> bool:
            return member(*row[-5:])

    else:

        def keep(row: Sequence[Any]) -> bool:
            return True

    items, responses = _items(practice, touchpoint, criteria, first_day, last_day, start, end, keep)
    comments, sentiments, candidates = _comments(practice, touchpoint, criteria, first_day, last_day, start, end, keep)
    quotes = _quotes(practice, candidates)
    survey_top_box = empathy.trusted_top_box((item.top_box.percent, item.top_box.n) for item in items)
    counts = {s.sentiment: s.share.count for s in sentiments}
    survey_feeling = empathy.feeling_from_top_box(survey_top_box)
    comment_feeling = empathy.feeling_from_comments(
        positive=counts[empathy.POSITIVE], negative=counts[empathy.NEGATIVE], n=comments
    )
    return PatientsSaid(
        touchpoint=touchpoint,
        first_day=first_day,
        last_day=last_day,
        responses=responses,
        items=items,
        comments=comments,
        sentiments=sentiments,
        quotes=quotes,
        events=events_at(practice=practice, touchpoint=touchpoint, start=start, end=end),
        survey_top_box=survey_top_box,
        survey_feeling=survey_feeling,
        comment_feeling=comment_feeling,
        feeling=empathy.overall_feeling(comments=comment_feeling, survey=survey_feeling),
    )


def _items(
    practice: Practice,
    touchpoint: str,
    criteria: Criteria,
    first_day: date,
    last_day: date,
    start: datetime,
    end: datetime,
    keep: Callable[[Sequence[Any]], bool],
) -> tuple[tuple[ItemResult, ...], int]:
    rows = (
        Answer.objects.filter(
            response__practice=practice,
            response__started_at__gte=start,
            response__started_at__lt=end,
            question__touchpoint=touchpoint,
            value__isnull=False,
        )
        .exclude(question__kind=QuestionKind.TEXT)
        .filter(_group_q(criteria, "response__", first_day, last_day))
        .order_by("question__position", "question__code")
        .values_list(
            "question__code",
            "question__kind",
            "value",
            "response_id",
            *(f"response__{column}" for column in _GROUP_COLUMNS),
        )
    )
    answers = [
        scores.ScoredAnswer(response_id=row[3], code=row[0], kind=row[1], value=row[2], touchpoint=touchpoint)
        for row in rows
        if keep(row)
    ]
    scored = scores.item_scores(answers)
    labels = question_labels(practice, [item.code for item in scored])
    items = tuple(
        ItemResult(
            code=item.code,
            kind=item.kind,
            label=labels.get(item.code),
            top_box=Share.of(item.top_box_count, item.n),
        )
        for item in scored
    )
    responded = {a.response_id for a in answers if scores.is_scored(a.kind, a.value)}
    return items, len(responded)


@dataclass(frozen=True)
class _Candidate:
    answer_id: int
    started_at: datetime
    sentiment: str
    score: float
    themes: tuple[str, ...]


def _comments(
    practice: Practice,
    touchpoint: str,
    criteria: Criteria,
    first_day: date,
    last_day: date,
    start: datetime,
    end: datetime,
    keep: Callable[[Sequence[Any]], bool],
) -> tuple[int, tuple[SentimentShare, ...], list[_Candidate]]:
    topics = empathy.topics_for(touchpoint)
    about = Q(answer__response__touchpoint=touchpoint)
    if topics:
        about |= _topic_q(topics)
    rows = (
        CommentAnalysis.objects.filter(
            practice=practice,
            answer__response__started_at__gte=start,
            answer__response__started_at__lt=end,
        )
        .filter(about)
        .filter(_group_q(criteria, "answer__response__", first_day, last_day))
        .values_list(
            "answer_id",
            "sentiment",
            "corrected_sentiment",
            "score",
            "touchpoints",
            "corrected_touchpoints",
            "answer__response__touchpoint",
            "answer__response_id",
            *(f"answer__response__{column}" for column in _GROUP_COLUMNS),
        )
    )
    counts: Counter[str] = Counter()
    candidates: list[_Candidate] = []
    for row in rows:
        if not keep(row):
            continue
        answer_id, sentiment, corrected, score, tagged, corrected_tagged, about_touchpoint = row[:7]
        tags = corrected_tagged if corrected_tagged is not None else tagged
        tags = tags if isinstance(tags, list) else []
        if about_touchpoint == touchpoint:
            counted = corrected or sentiment
        else:
            counted = _topic_sentiment(tags, topics)
            if counted is None:  # the SQL needle matched, the effective reading does not name the topic
                continue
        counts[counted] += 1
        themes = tuple(str(t["name"]) for t in tags if isinstance(t, dict) and "name" in t)
        candidates.append(
            _Candidate(answer_id=answer_id, started_at=row[9], sentiment=counted, score=score, themes=themes)
        )
    n = sum(counts.values())
    shares = tuple(SentimentShare(sentiment=s, share=Share.of(counts[s], n)) for s in SENTIMENTS)
    candidates.sort(key=lambda c: (c.started_at, c.answer_id), reverse=True)
    return n, shares, candidates[:QUOTE_POOL]


def _quotes(practice: Practice, candidates: list[_Candidate]) -> tuple[ShownQuote, ...]:
    if not candidates:
        return ()
    rows = Answer.objects.filter(pk__in=[c.answer_id for c in candidates]).values_list(
        "pk", "text", "response__patient__first_name", "response__patient__last_name"
    )
    texts = {pk: (text, (first, last)) for pk, text, first, last in rows}
    by_key = {str(c.answer_id): c for c in candidates if c.answer_id in texts}
    pool = [
        Quote(key=key, text=texts[c.answer_id][0], themes=c.themes, sentiment=c.score)
        for key, c in by_key.items()
        if texts[c.answer_id][0].strip()
    ]
    chosen = representative(pool, k=QUOTES)
    team = staff_names(practice)
    shown = []
    for quote in chosen:
        candidate = by_key[quote.key]
        writer = [name for name in texts[candidate.answer_id][1] if name]
        shown.append(
            ShownQuote(
                text=redact(quote.text, staff_names=team, patient_names=writer),
                sentiment=candidate.sentiment,
                themes=candidate.themes,
            )
        )
    return tuple(shown)


def events_at(*, practice: Practice, touchpoint: str, start: datetime, end: datetime) -> tuple[EventCount, ...]:
    """The touch point's journey events in [start, end) by kind, with the distinct patients of each."""
    rows = (
        journey_selectors.events_for_practice(practice=practice)
        .filter(touchpoint=touchpoint, occurred_at__gte=start, occurred_at__lt=end)
        .order_by()
        .values("kind")
        .annotate(events=Count("id"), patients=Count("patient", distinct=True))
        .values_list("kind", "events", "patients")
    )
    counted = [EventCount(kind=kind, events=events, patients=patients) for kind, events, patients in rows]
    return tuple(sorted(counted, key=lambda e: (-e.events, e.kind)))
