"""Test data for the experience moment's tests (this folder's tests only): comments with their
readings, recovery cases, many survey answers at once, and visits for the operational measures."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from feedback.models import (
    Answer,
    CaseOutcome,
    CaseStatus,
    CommentAnalysis,
    Invitation,
    InvitationStatus,
    Question,
    RecoveryCase,
    Response,
    Sentiment,
    SurveyVersion,
)
from frontdesk.models import Visit
from patients.models import Patient
from practices.models import Location, Practice, Provider
from scheduling.models import AppointmentStatus, VisitType
from tests.factories import make_appointment, make_response

_serial = itertools.count(1)

# Tuesday 8 January 2030: the test practice (America/Chicago) meets on Tuesdays at 08:00 by default.
MEETING = date(2030, 1, 8)


def local(practice: Practice, day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(practice.timezone))


def in_week(practice: Practice, meeting: date = MEETING, days_before: int = 2, hour: int = 12) -> datetime:
    """An instant inside the week of the meeting of ``meeting`` (``days_before`` the meeting)."""
    return local(practice, meeting - timedelta(days=days_before), hour)


def comment(
    version: SurveyVersion,
    patient: Patient,
    text: str,
    *,
    at: datetime,
    sentiment: str = Sentiment.POSITIVE,
    score: float = 0.8,
    corrected: str = "",
    touchpoint: str = "survey",
    answers: dict | None = None,
) -> Response:
    """A completed response with ``text`` as its comment, read as ``sentiment`` (``corrected`` by staff)."""
    response = make_response(
        version,
        patient,
        {**(answers or {}), "comment": text},
        completed_at=at + timedelta(minutes=5),
        touchpoint=touchpoint,
    )
    answer = Answer.objects.get(response=response, question__code="comment")
    CommentAnalysis.objects.create(
        practice=response.practice,
        answer=answer,
        sentiment=sentiment,
        score=score,
        corrected_sentiment=corrected,
    )
    return response


def case(
    response: Response,
    *,
    opened_at: datetime,
    closed_at: datetime | None = None,
    outcome: str = "",
    notes: str = "",
    reason: str = "negative_comment",
) -> RecoveryCase:
    return RecoveryCase.objects.create(
        practice=response.practice,
        response=response,
        patient=response.patient,
        reason=reason,
        status=CaseStatus.CLOSED if closed_at else CaseStatus.OPEN,
        opened_at=opened_at,
        due_at=opened_at + timedelta(hours=48),
        closed_at=closed_at,
        outcome=outcome or (CaseOutcome.RESOLVED if closed_at else ""),
        notes=notes,
    )


def bulk_answers(version: SurveyVersion, patient: Patient, code: str, values: list[int], *, at: datetime) -> None:
    """One response per value to question ``code`` (started at ``at``), written in bulk."""
    practice = patient.practice
    question = Question.objects.get(version=version, code=code)
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                practice=practice,
                version=version,
                patient=patient,
                token_hash=f"moment-bulk-{next(_serial):012d}".ljust(64, "x"),
                status=InvitationStatus.COMPLETED,
                created_at=at,
                expires_at=at + timedelta(days=14),
                completed_at=at,
            )
            for _ in values
        ]
    )
    responses = Response.objects.bulk_create(
        [
            Response(
                practice=practice,
                invitation=invitation,
                version=version,
                patient=patient,
                touchpoint="survey",
                started_at=at,
                completed_at=at,
            )
            for invitation in invitations
        ]
    )
    Answer.objects.bulk_create(
        [
            Answer(practice_id=response.practice_id, response=response, question=question, value=value)
            for response, value in zip(responses, values, strict=True)
        ]
    )


def visits(
    patient: Patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    *,
    week_end: date,
    waits: list[float],
) -> None:
    """One fulfilled visit per wait (minutes from arrival to the provider) in the week before the
    meeting of ``week_end``, at distinct times (a provider sees one patient at a time)."""
    practice = patient.practice
    rows = []
    for i, wait in enumerate(waits):
        start = local(practice, week_end - timedelta(days=6 - i // 8), 8 + i % 8)
        appointment = make_appointment(
            patient, provider, location, visit_type, start=start, status=AppointmentStatus.FULFILLED
        )
        rows.append(
            Visit(
                practice=practice,
                appointment=appointment,
                status="done",
                arrived_at=start,
                roomed_at=start + timedelta(minutes=wait / 2),
                with_provider_at=start + timedelta(minutes=wait),
                done_at=start + timedelta(minutes=wait + 20),
            )
        )
    Visit.objects.bulk_create(rows)
