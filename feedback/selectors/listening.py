"""Reads for the listening pages, each scoped by practice: survey responses with their comments, comment
readings, review sites and settings (recovery cases: ``selectors/recovery.py``)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from ..models import (
    Answer,
    CommentAnalysis,
    FeedbackSettings,
    QuestionKind,
    Response,
    ReviewSite,
)

# --- responses and comments -----------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseFilters:
    touchpoint: str = ""  # the journey touch point the survey asked about
    topic: str = ""  # a touch point a comment speaks of ("billing and cost")
    provider_id: int | None = None
    location_id: int | None = None
    sentiment: str = ""
    start: date | None = None  # local days, inclusive
    end: date | None = None
    survey_kind: str = ""


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def _comments_with(*, sentiment: str = "", topic: str = "") -> QuerySet[CommentAnalysis]:
    comments = CommentAnalysis.objects.filter(answer__response=OuterRef("pk"))
    if sentiment:
        comments = comments.filter(Q(corrected_sentiment=sentiment) | Q(corrected_sentiment="", sentiment=sentiment))
    if topic:
        # The JSON text holds each name in quotes; names never equal a sentiment label.
        needle = f'"{topic}"'
        comments = comments.filter(
            Q(corrected_touchpoints__isnull=True, touchpoints__icontains=needle)
            | Q(corrected_touchpoints__icontains=needle)
        )
    return comments


def responses(*, practice, filters: ResponseFilters = ResponseFilters()) -> QuerySet[Response]:
    """Completed responses of the practice, newest first, with patient, survey, recommend score and
    comments (with their readings) loaded in a fixed number of queries."""
    recommend = Answer.objects.filter(
        response=OuterRef("pk"), question__kind=QuestionKind.RECOMMEND, value__isnull=False
    ).values("value")[:1]
    rows = (
        Response.objects.filter(practice=practice, completed_at__isnull=False)
        .select_related("patient", "version__survey", "provider", "location", "recovery_case")
        .annotate(recommend=Subquery(recommend))
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.filter(question__kind=QuestionKind.TEXT)
                .exclude(text="")
                .select_related("question", "analysis")
                .order_by("question__position", "pk"),
                to_attr="comments",
            )
        )
        .order_by("-completed_at", "-pk")
    )
    f = filters
    if f.touchpoint:
        rows = rows.filter(touchpoint=f.touchpoint)
    if f.provider_id:
        rows = rows.filter(provider_id=f.provider_id)
    if f.location_id:
        rows = rows.filter(location_id=f.location_id)
    if f.survey_kind:
        rows = rows.filter(version__survey__kind=f.survey_kind)
    if f.start:
        rows = rows.filter(completed_at__gte=_local_midnight(f.start, practice.timezone))
    if f.end:
        rows = rows.filter(completed_at__lt=_local_midnight(f.end + timedelta(days=1), practice.timezone))
    if f.sentiment or f.topic:
        rows = rows.filter(Exists(_comments_with(sentiment=f.sentiment, topic=f.topic)))
    return rows


def comment_or_404(*, practice, pk: int) -> CommentAnalysis:
    return get_object_or_404(
        CommentAnalysis.objects.select_related(
            "answer__question", "answer__response__patient", "answer__response__version__survey", "corrected_by"
        ),
        practice=practice,
        pk=pk,
    )


def corrections(*, practice=None) -> QuerySet[CommentAnalysis]:
    """Every corrected comment reading (of one practice, or all), oldest correction first."""
    rows = CommentAnalysis.objects.filter(corrected_at__isnull=False).select_related("answer", "practice")
    if practice is not None:
        rows = rows.filter(practice=practice)
    return rows.order_by("corrected_at", "pk")


# --- review sites and settings --------------------------------------------------------------------


def review_sites(*, practice, active_only: bool = False) -> QuerySet[ReviewSite]:
    rows = ReviewSite.objects.filter(practice=practice)
    return rows.filter(is_active=True) if active_only else rows


def review_site_or_404(*, practice, pk: int) -> ReviewSite:
    return get_object_or_404(ReviewSite, practice=practice, pk=pk)


def feedback_settings(*, practice) -> FeedbackSettings:
    """The practice's settings, or unsaved defaults when it has none yet (reading never writes)."""
    return FeedbackSettings.objects.filter(practice=practice).first() or FeedbackSettings(practice=practice)
