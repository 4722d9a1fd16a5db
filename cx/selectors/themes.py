"""Recurring themes and recurrences after a root-cause analysis's fixes, for the governance agenda
and the RCA pages. Read-only, scoped by practice.

**A theme** is a survey touch point (``Response.touchpoint``, the journey catalogue code the survey
asked about) and a comment topic the analyser tagged (``feedback/comments/touchpoints.py``:
"waiting", "front desk and staff"...). A comment speaks negatively of a theme when its effective
reading (the staff's correction when there is one, else the machine's) tags that topic with a
negative sentiment: a comment that praises the booking and complains of the wait is negative for
"waiting" only. Each comment counts once per theme.

**Recurring**: negative at least ``threshold`` times in the last ``window_days`` of the practice's
local days (today included), by the day the response was started. The committee sets both
(``Committee.recurring_threshold``, ``Committee.recurring_window_days``).

**A recurrence**: a root-cause analysis whose actions are all done (status "done", from
``actions_done_on``) whose failure came back after that day: for an analysis of a theme, a negative
comment on the same touch point and theme; for an analysis of one failed experience (no theme), a
negative comment (overall or on any topic) or a new recovery case on a response about the same touch
point (the analysis's, else its case's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from feedback.models import CommentAnalysis, RecoveryCase, Sentiment
from feedback.selectors.scores import local_bounds
from practices.models import Practice

from ..models import RcaStatus, RootCauseAnalysis

NEGATIVE = Sentiment.NEGATIVE.value
MAX_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Theme:
    touchpoint: str  # a journey catalogue code
    topic: str  # a comment topic name (English, as the analyser writes it)
    n: int  # negative comments in the window
    latest: date  # the practice-local day of the newest one


@dataclass(frozen=True)
class Recurrence:
    rca: RootCauseAnalysis
    touchpoint: str
    theme: str  # "" for an analysis of one failed experience
    since: date  # actions_done_on
    n: int  # negative comments and recovery cases after ``since``
    latest: date


def _tags(plain: Any, corrected: Any) -> list[dict[str, Any]]:
    chosen = corrected if corrected is not None else plain
    return [t for t in chosen if isinstance(t, dict)] if isinstance(chosen, list) else []


def negative_topics(plain: Any, corrected: Any) -> set[str]:
    """The topics a comment's effective reading tags negative."""
    return {
        str(t["name"]) for t in _tags(plain, corrected) if t.get("name") and str(t.get("sentiment", "")) == NEGATIVE
    }


_NEGATIVE_TAG = '"negative"'


def _comments(practice: Practice, start: datetime, end: datetime, *, touchpoint: str | None = None) -> Iterable[Any]:
    """(response id, response touch point, response started at, tags, corrected tags, sentiment,
    corrected sentiment)
    of the practice's comments on responses started in [start, end) that could be negative."""
    rows = CommentAnalysis.objects.filter(
        practice=practice,
        answer__response__practice=practice,
        answer__response__started_at__gte=start,
        answer__response__started_at__lt=end,
    )
    if touchpoint is not None:
        rows = rows.filter(answer__response__touchpoint=touchpoint)
    # The JSON text holds each sentiment in quotes (topic names never equal one); checked again in Python.
    maybe = (
        Q(corrected_touchpoints__isnull=True, touchpoints__icontains=_NEGATIVE_TAG)
        | Q(corrected_touchpoints__icontains=_NEGATIVE_TAG)
        | Q(corrected_sentiment=NEGATIVE)
        | Q(corrected_sentiment="", sentiment=NEGATIVE)
    )
    return (
        rows.filter(maybe)
        .order_by()
        .values_list(
            "answer__response_id",
            "answer__response__touchpoint",
            "answer__response__started_at",
            "touchpoints",
            "corrected_touchpoints",
            "sentiment",
            "corrected_sentiment",
        )
    )


def recurring_themes(practice: Practice, *, today: date, threshold: int, window_days: int) -> list[Theme]:
    """Themes negative at least ``threshold`` times in the ``window_days`` local days up to ``today``,
    most frequent first (then newest, then by name)."""
    threshold = max(1, threshold)
    window_days = min(max(1, window_days), MAX_WINDOW_DAYS)
    zone = ZoneInfo(practice.timezone)
    start, end = local_bounds(practice, today - timedelta(days=window_days - 1), today)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    latest: dict[tuple[str, str], date] = {}
    for _id, touchpoint, started_at, plain, corrected, _sentiment, _corrected in _comments(practice, start, end):
        day = started_at.astimezone(zone).date()
        for topic in negative_topics(plain, corrected):
            key = (touchpoint, topic)
            counts[key] += 1
            if key not in latest or day > latest[key]:
                latest[key] = day
    themes = [
        Theme(touchpoint=tp, topic=topic, n=n, latest=latest[(tp, topic)])
        for (tp, topic), n in counts.items()
        if n >= threshold
    ]
    themes.sort(key=lambda t: (-t.n, -t.latest.toordinal(), t.touchpoint, t.topic))
    return themes


def _is_negative(plain: Any, corrected: Any, sentiment: str, corrected_sentiment: str) -> bool:
    return (corrected_sentiment or sentiment) == NEGATIVE or bool(negative_topics(plain, corrected))


def _recurrence(practice: Practice, rca: RootCauseAnalysis, today: date) -> Recurrence | None:
    since = rca.actions_done_on
    if since is None or since >= today:
        return None
    touchpoint = rca.touchpoint
    if not touchpoint and rca.recovery_case is not None:
        touchpoint = rca.recovery_case.response.touchpoint
    if not touchpoint:
        return None
    zone = ZoneInfo(practice.timezone)
    start, end = local_bounds(practice, since + timedelta(days=1), today)
    days: dict[int, date] = {}  # by response: a negative comment and the case it opened count once
    for response_id, _tp, started_at, plain, corrected, sentiment, corrected_sentiment in _comments(
        practice, start, end, touchpoint=touchpoint
    ):
        if rca.theme:
            if rca.theme in negative_topics(plain, corrected):
                days[response_id] = started_at.astimezone(zone).date()
        elif _is_negative(plain, corrected, sentiment, corrected_sentiment):
            days[response_id] = started_at.astimezone(zone).date()
    if not rca.theme:
        opened = RecoveryCase.objects.filter(
            practice=practice, response__touchpoint=touchpoint, opened_at__gte=start, opened_at__lt=end
        )
        if rca.recovery_case_id is not None:
            opened = opened.exclude(pk=rca.recovery_case_id)
        for response_id, at in opened.values_list("response_id", "opened_at"):
            days.setdefault(response_id, at.astimezone(zone).date())
    if not days:
        return None
    return Recurrence(
        rca=rca, touchpoint=touchpoint, theme=rca.theme, since=since, n=len(days), latest=max(days.values())
    )


def recurrences(practice: Practice, *, today: date) -> list[Recurrence]:
    """Done analyses whose failure came back after their actions were done (newest first)."""
    done = (
        RootCauseAnalysis.objects.filter(practice=practice, status=RcaStatus.DONE, actions_done_on__isnull=False)
        .select_related("recovery_case__response")
        .order_by("-actions_done_on", "pk")
    )
    found = [r for r in (_recurrence(practice, rca, today) for rca in done) if r is not None]
    found.sort(key=lambda r: (-r.latest.toordinal(), r.rca.pk))
    return found
