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

**Who is in a group** (empty criteria mean "any"), decided by the database in one query:

- *language*: the patient answered the survey in it (``Response.language``) or their record says
  they prefer it (``Patient.preferred_language``): a Spanish-speaking patient who answered the
  English survey still counts as Spanish-speaking;
- *age*: whole years from ``Patient.date_of_birth`` to the local day the response was started,
  between ``min_age`` and ``max_age`` inclusive (``(yyyymmdd − yyyymmdd) div 10000`` in SQL);
- *new or returning*: new when the patient had no appointment that began before the response's
  appointment (the one the survey invitation was about; for a survey without one, before the
  response was started). Cancelled, no-show and entered-in-error appointments never count: they
  were not visits. It is a correlated ``EXISTS`` per response, one seek on the index
  ``appointment_patient_time_idx`` (practice, patient, start), rather than fetching every
  patient's appointments; the group's responses are a subquery of the answers' query (``IN``),
  never a list of ids.

**Cost.** A fixed number of queries whatever the data size, none returning a row per answer: the
items' answers counted per (question, value) and their responses counted, the comment readings
(one row per comment, without the text), the quote candidates' text, the question wording, the
staff names (two) and the journey events by kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
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
DEFAULT_DAYS = 365
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
    def is_everyone(self) -> bool:
        return not (self.visits or self.language or self.min_age is not None or self.max_age is not None)


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day`` (a birthday on 29 February counts on 1 March): the same
    rule as the SQL below, for tests and plain use."""
    return (day.year * 10000 + day.month * 100 + day.day - (born.year * 10000 + born.month * 100 + born.day)) // 10000


def _day_number(year: Any, month: Any, day: Any) -> Any:
    return year * Value(10000) + month * Value(100) + day


def members(*, practice: Practice, criteria: Criteria, start: datetime, end: datetime) -> QuerySet[Response]:
    """The practice's responses started in [start, end) whose patient is in the group, all in SQL.

    The age is ``(yyyymmdd of the local day the response started − yyyymmdd of the date of birth) div
    10000``, whole years, computed by the database. "Returning" is a correlated EXISTS: an appointment
    of the patient that counts as a visit and began before the response's appointment (or before the
    response, without one); it is one seek on ``appointment_patient_time_idx`` (practice, patient,
    start) per response.
    """
    rows = Response.objects.filter(practice=practice, started_at__gte=start, started_at__lt=end)
    if criteria.language:
        rows = rows.filter(Q(language=criteria.language) | Q(patient__preferred_language=criteria.language))
    if criteria.min_age is not None or criteria.max_age is not None:
        zone = ZoneInfo(practice.timezone)
        rows = rows.annotate(
            age_key=_day_number(
                ExtractYear("started_at", tzinfo=zone),
                ExtractMonth("started_at", tzinfo=zone),
                ExtractDay("started_at", tzinfo=zone),
            )
            - _day_number(
                ExtractYear("patient__date_of_birth"),
                ExtractMonth("patient__date_of_birth"),
                ExtractDay("patient__date_of_birth"),
            )
        )
        if criteria.min_age is not None:
            rows = rows.filter(age_key__gte=criteria.min_age * 10000)
        if criteria.max_age is not None:
            rows = rows.filter(age_key__lt=(criteria.max_age + 1) * 10000)
    if criteria.visits:
        earlier = Appointment.objects.filter(
            practice_id=OuterRef("practice_id"),
            patient_id=OuterRef("patient_id"),
            start__lt=Coalesce(OuterRef("invitation__appointment__start"), OuterRef("started_at")),
        ).exclude(status__in=NOT_A_VISIT)
        returning = Exists(earlier)
        rows = rows.filter(returning if criteria.visits == PatientGroup.Visits.RETURNING else ~returning)
    return rows


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
    """The last 12 months of the practice's local days: 365 days, today included."""
    today = today or timezone.now().astimezone(ZoneInfo(practice.timezone)).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _topic_q(topics: Sequence[str]) -> Q:
    # The JSON text holds each name in quotes; names never equal a sentiment label. The effective
    # reading (the staff's correction when there is one) is checked again in Python.
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
    return str(found.pop()) if len(found) == 1 else empathy.MIXED


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
    """What patients of ``group`` (None: everyone) said at ``touchpoint`` from ``first_day`` to
    ``last_day`` (the practice's local days; the last 12 months to ``today`` when not given)."""
    if first_day is None or last_day is None:
        default_first, default_last = default_range(practice, today)
        first_day, last_day = first_day or default_first, last_day or default_last
    start, end = local_bounds(practice, first_day, last_day)
    criteria = Criteria.of(group)

    def in_group(to_response: str) -> Q:
        """Rows whose response (at ``to_response``) is in the range and the group."""
        if criteria.is_everyone:
            return Q(
                **{
                    f"{to_response}__practice": practice,
                    f"{to_response}__started_at__gte": start,
                    f"{to_response}__started_at__lt": end,
                }
            )
        chosen = members(practice=practice, criteria=criteria, start=start, end=end).values("pk")
        return Q(**{f"{to_response}__in": chosen})

    items, responses = _items(practice, touchpoint, in_group)
    comments, sentiments, candidates = _comments(practice, touchpoint, in_group)
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
        quotes=_quotes(practice, candidates),
        events=events_at(practice=practice, touchpoint=touchpoint, start=start, end=end),
        survey_top_box=survey_top_box,
        survey_feeling=survey_feeling,
        comment_feeling=comment_feeling,
        feeling=empathy.overall_feeling(comments=comment_feeling, survey=survey_feeling),
    )


def _items(practice: Practice, touchpoint: str, in_group: Callable[[str], Q]) -> tuple[tuple[ItemResult, ...], int]:
    """Top box per item, counted by the database per (question code, kind, value)."""
    answers = (
        Answer.objects.filter(in_group("response"), question__touchpoint=touchpoint, value__isnull=False)
        .exclude(question__kind=QuestionKind.TEXT)
        .order_by()
    )
    rows = answers.values_list("question__code", "question__kind", "value").annotate(
        count=Count("pk"), position=Min("question__position")
    )
    tallies: dict[str, list[int]] = {}  # code -> [position, n, top box]
    kinds: dict[str, str] = {}
    for code, kind, value, count, position in rows:
        if not scores.is_scored(kind, value):
            continue
        tally = tallies.setdefault(code, [position, 0, 0])
        kinds.setdefault(code, kind)
        tally[0] = min(tally[0], position)
        tally[1] += count
        if scores.is_top_box(kind, value):
            tally[2] += count
    if not tallies:
        return (), 0
    labels = question_labels(practice, list(tallies))
    ordered = sorted(tallies, key=lambda code: (tallies[code][0], code))
    items = tuple(
        ItemResult(
            code=code, kind=kinds[code], label=labels.get(code), top_box=Share.of(tallies[code][2], tallies[code][1])
        )
        for code in ordered
    )
    responded = answers.aggregate(n=Count("response_id", distinct=True))["n"]
    return items, int(responded or 0)


@dataclass(frozen=True)
class _Candidate:
    answer_id: int
    started_at: datetime
    sentiment: str
    score: float
    themes: tuple[str, ...]


def _comments(
    practice: Practice, touchpoint: str, in_group: Callable[[str], Q]
) -> tuple[int, tuple[SentimentShare, ...], list[_Candidate]]:
    topics = empathy.topics_for(touchpoint)
    about = Q(answer__response__touchpoint=touchpoint)
    if topics:
        about |= _topic_q(topics)
    rows = (
        CommentAnalysis.objects.filter(practice=practice)
        .filter(in_group("answer__response"))
        .filter(about)
        .values_list(
            "answer_id",
            "sentiment",
            "corrected_sentiment",
            "score",
            "touchpoints",
            "corrected_touchpoints",
            "answer__response__touchpoint",
            "answer__response__started_at",
        )
    )
    counts: Counter[str] = Counter()
    candidates: list[_Candidate] = []
    for answer_id, sentiment, corrected, score, tagged, corrected_tagged, about_touchpoint, started_at in rows:
        tags = corrected_tagged if corrected_tagged is not None else tagged
        tags = tags if isinstance(tags, list) else []
        counted: str | None = corrected or sentiment
        if about_touchpoint != touchpoint:
            counted = _topic_sentiment(tags, topics)
        if counted is None:  # the needle matched the machine's reading; the staff's correction dropped it
                continue
        counts[counted] += 1
        themes = tuple(str(t["name"]) for t in tags if isinstance(t, dict) and "name" in t)
        candidates.append(
            _Candidate(answer_id=answer_id, started_at=started_at, sentiment=counted, score=score, themes=themes)
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
