"""Rows for the governance tests: comments with their reading, recovery cases, signals, analyses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from cx.models import ChangeSignal, RcaStatus, RootCauseAnalysis, SignalStatus
from feedback.models import Answer, CaseStatus, CommentAnalysis, RecoveryCase, SurveyVersion
from patients.models import Patient
from practices.models import Practice
from tests.factories import make_response


def at_noon(practice: Practice, day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(practice.timezone)).astimezone(UTC)


def today(practice: Practice) -> date:
    return practice.local_date(timezone.now())


def comment(
    version: SurveyVersion,
    patient: Patient,
    *,
    day: date,
    touchpoint: str = "phone-booking",
    tags: list[dict[str, str]] | None = None,
    sentiment: str = "negative",
    corrected: list[dict[str, str]] | None = None,
    corrected_sentiment: str = "",
) -> CommentAnalysis:
    """A comment on a survey about ``touchpoint`` answered on ``day`` with the analyser's reading."""
    practice = patient.practice
    response = make_response(
        version, patient, {"comment": "It took long."}, completed_at=at_noon(practice, day), touchpoint=touchpoint
    )
    answer = Answer.objects.get(response=response, question__code="comment")
    return CommentAnalysis.objects.create(
        practice=practice,
        answer=answer,
        sentiment=sentiment,
        score=-0.6 if sentiment == "negative" else 0.6,
        touchpoints=tags if tags is not None else [{"name": "waiting", "sentiment": "negative"}],
        corrected_touchpoints=corrected,
        corrected_sentiment=corrected_sentiment,
        corrected_at=timezone.now() if corrected is not None else None,
    )


def waiting(sentiment: str = "negative") -> list[dict[str, str]]:
    return [{"name": "waiting", "sentiment": sentiment}]


def closed_case(
    version: SurveyVersion,
    patient: Patient,
    *,
    closed_on: date,
    outcome: str,
    touchpoint: str = "phone-booking",
) -> RecoveryCase:
    practice = patient.practice
    closed_at = at_noon(practice, closed_on)
    response = make_response(version, patient, {"recommend": 2}, completed_at=closed_at - timedelta(days=2))
    response.touchpoint = touchpoint
    response.save(update_fields=["touchpoint"])
    return RecoveryCase.objects.create(
        practice=practice,
        response=response,
        patient=patient,
        reason="detractor",
        status=CaseStatus.CLOSED,
        outcome=outcome,
        opened_at=closed_at - timedelta(days=2),
        due_at=closed_at,
        closed_at=closed_at,
    )


def open_case(version: SurveyVersion, patient: Patient, *, opened_on: date, touchpoint: str) -> RecoveryCase:
    practice = patient.practice
    opened_at = at_noon(practice, opened_on)
    response = make_response(version, patient, {"recommend": 1}, completed_at=opened_at, touchpoint=touchpoint)
    return RecoveryCase.objects.create(
        practice=practice,
        response=response,
        patient=patient,
        reason="detractor",
        opened_at=opened_at,
        due_at=opened_at + timedelta(hours=48),
    )


def signal(patient: Patient, *, kind: str, handled_on: date | None, lesson: str, **extra: Any) -> ChangeSignal:
    practice = patient.practice
    handled = handled_on is not None
    return ChangeSignal.objects.create(
        practice=practice,
        patient=patient,
        kind=kind,
        evidence="booked online 6 times since 2024; booked by phone on 3 Dec",
        changed_on=(handled_on or today(practice)) - timedelta(days=3),
        status=SignalStatus.HANDLED if handled else SignalStatus.OPEN,
        lesson=lesson,
        handled_at=at_noon(practice, handled_on) if handled_on is not None else None,
        **extra,
    )


def analysis(
    practice: Practice,
    *,
    title: str = "Long holds on the phone",
    touchpoint: str = "phone-booking",
    theme: str = "waiting",
    status: str = RcaStatus.OPEN,
    actions_done_on: date | None = None,
    recovery_case: RecoveryCase | None = None,
) -> RootCauseAnalysis:
    return RootCauseAnalysis.objects.create(
        practice=practice,
        title=title,
        touchpoint=touchpoint,
        theme=theme,
        status=status,
        actions_done_on=actions_done_on,
        recovery_case=recovery_case,
    )
