"""Reads for surveys, scoped by practice: the editor's lists and pages, and a response's saved answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from journey.models import JourneyEvent
from practices.models import Practice

from ..models import Answer, Invitation, Question, Response, Survey, SurveyKind, SurveyVersion
from ..shipped import SHIPPED


@dataclass
class KindOverview:
    kind: str
    label: str
    active: Survey | None
    shipped_name_en: str
    shipped_name_es: str
    others: list[Survey] = field(default_factory=list)

    @property
    def never_used(self) -> bool:
        return self.active is None and not self.others


def surveys_overview(practice: Practice) -> list[KindOverview]:
    """Each kind of survey with the practice's active survey (if any) and its earlier or switched-off ones."""
    surveys = list(
        Survey.objects.filter(practice=practice)
        .select_related("copied_from")
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("kind", "-pk")
    )
    overview = []
    for kind, label in SurveyKind.choices:
        own = [s for s in surveys if s.kind == kind]
        active = next((s for s in own if s.is_active), None)
        overview.append(
            KindOverview(
                kind=kind,
                label=str(label),
                active=active,
                shipped_name_en=SHIPPED[kind].name_en,
                shipped_name_es=SHIPPED[kind].name_es,
                others=[s for s in own if s is not active],
            )
        )
    return overview


def survey_or_404(*, practice: Practice, pk: int) -> Survey:
    """One of the practice's own surveys (never a shipped template, never another practice's)."""
    return get_object_or_404(Survey.objects.select_related("copied_from"), practice=practice, pk=pk)


def viewable_survey_or_404(*, practice: Practice, pk: int) -> Survey:
    """A survey the practice may preview or copy: its own, or a shipped template."""
    survey = Survey.objects.filter(Q(practice=practice) | Q(practice__isnull=True), pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def _count_per_version(queryset: QuerySet[Model], version_field: str) -> Coalesce:
    """COUNT(*) of ``queryset``'s rows whose ``version_field`` is the outer version: one relation at a time."""
    rows = queryset.filter(**{version_field: OuterRef("pk")}).order_by().values(version_field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)


def versions_with_counts(survey: Survey) -> QuerySet[SurveyVersion]:
    """The survey's versions, newest first, with their question, completed-response and answer counts.

    Each relation is counted in its own subquery: joining questions, answers and responses in one
    GROUP BY multiplies them (questions × answers × responses per version; ~10^8 rows on the demo)."""
    return (
        SurveyVersion.objects.filter(survey=survey)
        .select_related("created_by")
        .annotate(
            question_count=_count_per_version(Question.objects.all(), "version"),
            answer_count=_count_per_version(Answer.objects.all(), "question__version"),
            completed_count=_count_per_version(Response.objects.filter(completed_at__isnull=False), "version"),
        )
        .order_by("-number")
    )


def version_or_404(*, survey: Survey, number: int) -> SurveyVersion:
    return get_object_or_404(SurveyVersion, survey=survey, number=number)


def questions_of(version: SurveyVersion) -> list[Question]:
    return list(Question.objects.filter(version=version).order_by("position", "pk"))


def questions_for(invitation: Invitation) -> list[Question]:
    """The questions the invited patient sees: the version's, except that the survey after a change
    (sent from a cx change signal) shows only the question about that change, named by the invitation's
    trigger event (``data["signal"]``). Without a matching question, all of them."""
    questions = questions_of(invitation.version)
    if invitation.version.survey.kind != SurveyKind.AFTER_CHANGE or invitation.trigger_event_id is None:
        return questions
    event = JourneyEvent.objects.filter(pk=invitation.trigger_event_id, practice_id=invitation.practice_id).first()
    signal = event.data.get("signal") if event is not None else None
    chosen = [q for q in questions if q.code == f"change_{signal}"]
    return chosen or questions


def saved_answers(response: Response) -> dict[int, int | str]:
    """{question id: stored value, or the text of a text answer}."""
    return {
        a.question_id: (a.value if a.value is not None else a.text)
        for a in Answer.objects.filter(response=response).only("question_id", "value", "text")
    }
