"""Reads behind the scores page, scoped to one practice: every scored answer in a range in one
query, the questions' wording in a second, and the invitation counts in a third. Aggregates only;
no patient appears."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from practices.models import Location, Provider

from ..models import Answer, Invitation, InvitationStatus, Question, QuestionKind
from ..scores import ScoredAnswer


@dataclass(frozen=True)
class Filters:
    first_day: date
    last_day: date
    provider_id: int | None = None
    location_id: int | None = None
    survey_kind: str = ""
    touchpoint: str = ""


@dataclass(frozen=True)
class QuestionLabel:
    code: str
    text_en: str
    text_es: str

    def text(self, language: str) -> str:
        return self.text_es if language == "es" and self.text_es else self.text_en


@dataclass(frozen=True)
class InvitationCounts:
    sent: int  # invitations that went out (not skipped)
    completed: int
    skipped_no_consent: int
    skipped_other: int

    @property
    def response_rate(self) -> float | None:
        return self.completed * 100 / self.sent if self.sent else None


def local_bounds(practice, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """UTC instants of the start of ``first_day`` and the end of ``last_day`` in the practice's zone."""
    zone = ZoneInfo(practice.timezone)
    return (
        datetime.combine(first_day, time(0), tzinfo=zone),
        datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone),
    )


def scored_answers(practice, filters: Filters) -> list[ScoredAnswer]:
    """Every answer to a scale question of a response started in the range (partial responses too)."""
    start, end = local_bounds(practice, filters.first_day, filters.last_day)
    rows = Answer.objects.filter(
        response__practice=practice,
        response__started_at__gte=start,
        response__started_at__lt=end,
        value__isnull=False,
    ).exclude(question__kind=QuestionKind.TEXT)
    if filters.provider_id:
        rows = rows.filter(response__provider_id=filters.provider_id)
    if filters.location_id:
        rows = rows.filter(response__location_id=filters.location_id)
    if filters.survey_kind:
        rows = rows.filter(response__version__survey__kind=filters.survey_kind)
    if filters.touchpoint:
        rows = rows.filter(question__touchpoint=filters.touchpoint)
    values = rows.order_by("question__position", "response_id").values_list(
        "response_id",
        "question__code",
        "question__kind",
        "value",
        "question__composite",
        "question__touchpoint",
        "response__started_at",
        "response__provider_id",
        "response__location_id",
        "response__version__survey__kind",
    )
    return [
        ScoredAnswer(
            response_id=r,
            code=code,
            kind=kind,
            value=value,
            composite=composite,
            touchpoint=touchpoint,
            at=at,
            provider_id=provider_id,
            location_id=location_id,
            survey_kind=survey_kind,
        )
        for r, code, kind, value, composite, touchpoint, at, provider_id, location_id, survey_kind in values
    ]


def question_labels(practice, codes) -> dict[str, QuestionLabel]:
    """The newest wording of each question code among the practice's surveys (and the shipped ones)."""
    codes = list(set(codes))
    if not codes:
        return {}
    rows = (
        Question.objects.filter(code__in=codes)
        .filter(Q(version__survey__practice=practice) | Q(version__survey__practice__isnull=True))
        .values_list("code", "text_en", "text_es", "version__survey__practice_id", "version__number", "pk")
    )
    best: dict[str, tuple] = {}
    for code, text_en, text_es, owner, number, pk in rows:
        # The practice's own wording wins over the shipped template's; within it, the newest version.
        rank = (owner is None, -number, -pk)
        if code not in best or rank < best[code][0]:
            best[code] = (rank, QuestionLabel(code, text_en, text_es))
    return {code: label for code, (_rank, label) in best.items()}


def invitation_counts(practice, filters: Filters) -> InvitationCounts:
    """Invitations created in the range: sent, completed, and not sent (by reason)."""
    start, end = local_bounds(practice, filters.first_day, filters.last_day)
    rows = Invitation.objects.filter(practice=practice, created_at__gte=start, created_at__lt=end)
    if filters.provider_id:
        rows = rows.filter(appointment__provider_id=filters.provider_id)
    if filters.location_id:
        rows = rows.filter(appointment__location_id=filters.location_id)
    if filters.survey_kind:
        rows = rows.filter(version__survey__kind=filters.survey_kind)
    skipped = Q(status=InvitationStatus.SKIPPED)
    counts = rows.aggregate(
        sent=Count("pk", filter=~skipped),
        completed=Count("pk", filter=~skipped & Q(completed_at__isnull=False)),
        no_consent=Count("pk", filter=skipped & Q(skip_reason="no_consent")),
        skipped=Count("pk", filter=skipped),
    )
    return InvitationCounts(
        sent=counts["sent"],
        completed=counts["completed"],
        skipped_no_consent=counts["no_consent"],
        skipped_other=counts["skipped"] - counts["no_consent"],
    )


def providers(practice):
    """Every provider, past ones too: their scores still count (for the filter; nothing prefetched)."""
    return Provider.objects.filter(practice=practice).order_by("last_name", "first_name")


def locations(practice):
    return Location.objects.filter(practice=practice).order_by("name")


def names(practice) -> tuple[dict[int, str], dict[int, str]]:
    """Provider and location names by id, for the group tables (two small queries)."""
    provider_names = {
        provider.pk: provider.display_name
        for provider in providers(practice).only("pk", "first_name", "last_name", "credentials")
    }
    location_names = dict(locations(practice).values_list("pk", "name"))
    return provider_names, location_names
