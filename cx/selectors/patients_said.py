"""What patients actually said at one touch point, for one patient group: the "actual" side of an
empathy map. Read-only, scoped by practice; aggregates and a few redacted quotes, never a patient.

For a catalogue touch point, a group (``cx.models.PatientGroup``, or None for every patient) and a
range of the practice's local days (the last 12 months unless told):

- **survey items**: every scale answer to a question linked to the touch point (``Question.touchpoint``),
  from responses started in the range, scored by the rules of ``feedback/scores.py`` (top box per
  item, n), with a Wilson 95 % interval (``cx/stats.py``); under 30 answers an item is "too few to
  trust";
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
  clinical detail removed).

**Who is in a group** (empty criteria mean "any"):

- *language*: the patient answered the survey in it (``Response.language``) or their record says
  they prefer it (``Patient.preferred_language``): a Spanish-speaking patient who answered the
  English survey still counts as Spanish-speaking;
- *age*: whole years from ``Patient.date_of_birth`` to the local day the response was started,
  between ``min_age`` and ``max_age`` inclusive (see ``_age_q``: plain date comparisons in SQL, and
  only the few patients who cross an age limit during the range decided in Python);
- *new or returning*: new when the patient had no appointment that began before the response's
  appointment (the one the survey invitation was about; for a survey without one, before the
  response was started). Cancelled, no-show and entered-in-error appointments never count: they
  were not visits. It is a correlated ``EXISTS`` per response, one seek on the covering index
  ``appointment_patient_kept_idx`` (practice, patient, start, status): the status is in the index,
  so no appointment row is read (with the index on (practice, patient, start) alone the status
  lookups were half the cost). Reading every patient's first kept visit instead (a ``MIN(start)
  GROUP BY patient`` restricted to the responses' patients, then deciding in Python) measured two to
  three times slower on the medium demo: the responses' rows and their dates cost more in Python
  than the seeks do in SQLite.

**Cost.** A fixed number of queries whatever the data size, none returning a row per answer: the
group's response ids (one query, plus one for the age band; then a list in the items' query, or a
subquery past ``MAX_LISTED`` ids, and a set the comments are checked against in Python, so the
EXISTS runs once per page), the items' answers counted per (question, value), the comments of
responses about the touch point (id, response, date and feeling: a few thousand small rows), the
topic-tagged comments of other responses (their tags too), the quote candidates (``QUOTE_POOL``
rows with their text), the question wording and the staff names (two). On the large demo (about
20,000 item answers and 2,600 comments in 12 months at online booking) the uncached page takes
about 150 ms for every patient and 250–350 ms for new patients on an unloaded two-CPU machine
(``make bench``: ``cx_map_page_p95_ms``, ``cx_map_new_patients_page_p95_ms``).
The result is cached for ``CACHE_SECONDS`` per practice, touch point, group criteria and range,
and the cache key also carries the practice's newest response and newest comment correction, so a
new response or a correction shows at once; a group's response ids are cached the same way, for
the maps of its other touch points.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from feedback import scores
from feedback.models import Answer, CommentAnalysis, QuestionKind, Response
from feedback.selectors.scores import QuestionLabel, local_bounds, question_labels
from practices.models import Practice
from scheduling.models import Appointment, AppointmentStatus

from .. import empathy, stats
from ..models import PatientGroup
from ..quotes import Quote, representative
from ..redaction import redact
from .team import staff_names

MIN_N = scores.MIN_RESPONSES  # 30: under it a figure is "too few to trust"
DEFAULT_DAYS = 365
QUOTE_POOL = 100  # quotes are chosen among this many of the newest comments
QUOTES = 5
MAX_LISTED = 20_000  # group response ids passed as a list (SQLite's stock limit is 32,766 parameters)
CACHE_SECONDS = 600
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
    """Whole years from ``born`` to ``day`` (a birthday on 29 February counts on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29 February that year has not):
    ``age_on(born, day) >= years`` exactly when ``born <= _years_before(day, years)``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_q(practice: Practice, criteria: Criteria, rows: QuerySet[Response], first_day: date, last_day: date) -> Q:
    """The age criteria, exactly, with plain date comparisons in SQL.

    "At least m" holds for the whole range when the patient was born on or before the first day, m
    years back, and for none of it when born after the last day, m years back; only the patients born
    in between (one range of birthdays, a few percent of rows) turn m during the range. Those
    responses are read (id, start, date of birth) and decided in Python on the local day the response
    was started; "at most M" is "not at least M + 1". So no SQL function runs per row, on SQLite as on
    PostgreSQL, and the few ids decided in Python go back as a short list.
    """
    zone = ZoneInfo(practice.timezone)
    dob = "patient__date_of_birth"
    sure: list[Q] = []  # per criterion: the patients it holds for on every day of the range
    band = Q()  # the patients some criterion holds for on only some days
    if criteria.min_age is not None:
        always, never = _years_before(first_day, criteria.min_age), _years_before(last_day, criteria.min_age)
        sure.append(Q(**{f"{dob}__lte": always}))
        band |= Q(**{f"{dob}__gt": always, f"{dob}__lte": never})
    if criteria.max_age is not None:
        older = criteria.max_age + 1
        too_old, still_young = _years_before(first_day, older), _years_before(last_day, older)
        sure.append(Q(**{f"{dob}__gt": still_young}))
        band |= Q(**{f"{dob}__gt": too_old, f"{dob}__lte": still_young})
    decided: list[int] = []
    for pk, started_at, born in rows.filter(band).values_list("pk", "started_at", dob):
        age = age_on(born, started_at.astimezone(zone).date())
        if (criteria.min_age is None or age >= criteria.min_age) and (
            criteria.max_age is None or age <= criteria.max_age
        ):
            decided.append(pk)
    every_day = Q()
    for q in sure:
        every_day &= q
    return every_day | Q(pk__in=decided)


def members(*, practice: Practice, criteria: Criteria, first_day: date, last_day: date) -> QuerySet[Response]:
    """The practice's responses started from ``first_day`` to ``last_day`` (local days) whose patient
    is in the group (see the module docstring)."""
    start, end = local_bounds(practice, first_day, last_day)
    rows = Response.objects.filter(practice=practice, started_at__gte=start, started_at__lt=end)
    if criteria.language:
        rows = rows.filter(Q(language=criteria.language) | Q(patient__preferred_language=criteria.language))
    if criteria.min_age is not None or criteria.max_age is not None:
        rows = rows.filter(_age_q(practice, criteria, rows, first_day, last_day))
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
class PatientsSaid:
    touchpoint: str
    first_day: date
    last_day: date
    responses: int  # answers to the touch point's most answered item (at most one per response)
    items: tuple[ItemResult, ...]
    comments: int
    sentiments: tuple[SentimentShare, ...]  # in SENTIMENTS order
    quotes: tuple[ShownQuote, ...]
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


def _newest_response(practice: Practice) -> int | None:
    newest: int | None = Response.objects.filter(practice=practice).aggregate(newest=Max("pk"))["newest"]
    return newest


def _cache_key(
    practice: Practice, touchpoint: str, criteria: Criteria, first_day: date, last_day: date, newest: int | None
) -> str:
    corrected = CommentAnalysis.objects.filter(practice=practice).aggregate(at=Max("corrected_at"))["at"]
    parts = (practice.pk, touchpoint, criteria, first_day, last_day, newest, corrected)
    return "cx:patients-said:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _member_ids(
    practice: Practice,
    criteria: Criteria,
    first_day: date,
    last_day: date,
    rows: QuerySet[Response],
    newest: int | None,
) -> set[int]:
    """The group's response ids, cached like the answer: the maps of other touch points for the same
    group and range share them (working out who is new costs the most)."""
    parts = (practice.pk, criteria, first_day, last_day, newest)
    key = "cx:group-members:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    found = cache.get(key)
    if isinstance(found, list):
        return set(found)
    ids = list(rows.values_list("pk", flat=True))
    cache.set(key, ids, CACHE_SECONDS)
    return set(ids)


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
    criteria = Criteria.of(group)
    newest = _newest_response(practice)
    key = _cache_key(practice, touchpoint, criteria, first_day, last_day, newest)
    found = cache.get(key)
    if isinstance(found, PatientsSaid):
        return found
    said = _read(practice, touchpoint, criteria, first_day, last_day, newest)
    cache.set(key, said, CACHE_SECONDS)
    return said


def _read(
    practice: Practice, touchpoint: str, criteria: Criteria, first_day: date, last_day: date, newest: int | None
) -> PatientsSaid:
    start, end = local_bounds(practice, first_day, last_day)

    def in_range(to_response: str) -> Q:
        return Q(
            **{
                f"{to_response}__practice": practice,
                f"{to_response}__started_at__gte": start,
                f"{to_response}__started_at__lt": end,
            }
        )

    chosen: set[int] | None = None
    in_group = in_range
    if not criteria.is_everyone:
        group_rows = members(practice=practice, criteria=criteria, first_day=first_day, last_day=last_day)
        chosen = _member_ids(practice, criteria, first_day, last_day, group_rows, newest)
        listed: list[int] | QuerySet[Response, Any] = (
            sorted(chosen) if len(chosen) <= MAX_LISTED else group_rows.values("pk")
        )

        def in_group(to_response: str) -> Q:
            return Q(**{f"{to_response}__in": listed})

    items, responses = _items(practice, touchpoint, in_group)
    comments, sentiments, quotes = _comments(practice, touchpoint, in_range, chosen)
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
        survey_top_box=survey_top_box,
        survey_feeling=survey_feeling,
        comment_feeling=comment_feeling,
        feeling=empathy.overall_feeling(comments=comment_feeling, survey=survey_feeling),
    )


def _items(practice: Practice, touchpoint: str, in_group: Callable[[str], Q]) -> tuple[tuple[ItemResult, ...], int]:
    """Top box per item, counted by the database per (question code, kind, value)."""
    rows = (
        Answer.objects.filter(in_group("response"), question__touchpoint=touchpoint, value__isnull=False)
        .exclude(question__kind=QuestionKind.TEXT)
        .order_by()
        .values_list("question__code", "question__kind", "value")
        .annotate(count=Count("pk"), position=Min("question__position"))
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
    return items, max(item.top_box.n for item in items)


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


def _tags(tagged: Any, corrected: Any) -> list[dict[str, Any]]:
    chosen = corrected if corrected is not None else tagged
    return [t for t in chosen if isinstance(t, dict)] if isinstance(chosen, list) else []


def _topic_sentiment(tags: Iterable[dict[str, Any]], topics: Sequence[str]) -> str | None:
    """The sentiment of the comment's topics that cover the touch point: one, or mixed when they differ."""
    found = {str(t["sentiment"]) for t in tags if t.get("name") in topics and t.get("sentiment")}
    if not found:
        return None
    return found.pop() if len(found) == 1 else empathy.MIXED


def _comments(
    practice: Practice, touchpoint: str, in_range: Callable[[str], Q], chosen: set[int] | None
) -> tuple[int, tuple[SentimentShare, ...], tuple[ShownQuote, ...]]:
    """Sentiment shares and quotes, from two reads without the text: the comments of responses about
    the touch point (their overall feeling), and those of other responses tagged with a topic that
    covers it (their tags, for that topic's feeling). A group's responses (``chosen``) are kept here,
    in Python: a few thousand rows cost less than a long list of ids in each query. The newest
    ``QUOTE_POOL`` are then read with their text for the quotes."""
    topics = empathy.topics_for(touchpoint)
    effective = Coalesce(NullIf(F("corrected_sentiment"), Value("")), F("sentiment"))
    counts: Counter[str] = Counter()
    dated: list[tuple[datetime, int]] = []
    # Scoped by practice through the response: the planner then starts from the responses' index.
    at_touchpoint = (
        CommentAnalysis.objects.filter(in_range("answer__response"), answer__response__touchpoint=touchpoint)
        .annotate(effective=effective)
        .order_by()
        .values_list("pk", "answer__response_id", "answer__response__started_at", "effective")
    )
    for pk, response_id, at, sentiment in at_touchpoint:
        if chosen is None or response_id in chosen:
            counts[sentiment] += 1
            dated.append((at, pk))
    if topics:
        # From the practice's comments first: the words are matched before any join.
        tagged = (
            CommentAnalysis.objects.filter(practice=practice)
            .filter(in_range("answer__response"), _topic_q(topics))
            .exclude(answer__response__touchpoint=touchpoint)
            .order_by()
            .values_list(
                "pk", "answer__response_id", "answer__response__started_at", "touchpoints", "corrected_touchpoints"
            )
        )
        for pk, response_id, at, plain, corrected in tagged:
            if chosen is not None and response_id not in chosen:
                continue
            topic_sentiment = _topic_sentiment(_tags(plain, corrected), topics)
            if topic_sentiment is not None:
                counts[topic_sentiment] += 1
                dated.append((at, pk))
    n = sum(counts[s] for s in SENTIMENTS)
    shares = tuple(SentimentShare(sentiment=s, share=Share.of(counts[s], n)) for s in SENTIMENTS)
    newest = [pk for _at, pk in sorted(dated, reverse=True)[:QUOTE_POOL]]
    pool = (
        CommentAnalysis.objects.filter(practice=practice, pk__in=newest)
        .annotate(effective=effective)
        .order_by("-answer__response__started_at", "-pk")
        .values_list(
            "answer_id",
            "answer__text",
            "score",
            "effective",
            "touchpoints",
            "corrected_touchpoints",
            "answer__response__touchpoint",
            "answer__response__patient__first_name",
            "answer__response__patient__last_name",
        )
    )
    return n, shares, _quotes(practice, touchpoint, topics, list(pool))


def _quotes(practice: Practice, touchpoint: str, topics: Sequence[str], pool: list[Any]) -> tuple[ShownQuote, ...]:
    candidates: dict[str, tuple[Quote, str, tuple[str, ...]]] = {}
    writers: dict[str, list[str]] = {}
    for answer_id, text, score, sentiment, plain, corrected, about, first, last in pool:
        tags = _tags(plain, corrected)
        if about != touchpoint:
            sentiment = _topic_sentiment(tags, topics)
            if sentiment is None:  # the staff's correction took the topic away
                continue
        if not text.strip():
            continue
        key = str(answer_id)
        themes = tuple(str(t["name"]) for t in tags if t.get("name"))
        candidates[key] = (Quote(key=key, text=text, themes=themes, sentiment=score), sentiment, themes)
        writers[key] = [name for name in (first, last) if name]
    if not candidates:
        return ()
    chosen = representative([quote for quote, _s, _t in candidates.values()], k=QUOTES)
    team = staff_names(practice)
    return tuple(
        ShownQuote(
            text=redact(quote.text, staff_names=team, patient_names=writers[quote.key]),
            sentiment=candidates[quote.key][1],
            themes=candidates[quote.key][2],
        )
        for quote in chosen
    )
