"""Survey rows for the listening tests, made directly with the ORM (no survey pages involved).

``make_survey`` builds one version with one question of each kind; ``make_response`` answers it for a
patient with ``{code: value or text}`` and marks it completed.
"""

import itertools
from datetime import UTC, datetime, timedelta

from feedback.models import (
    Answer,
    Composite,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyKind,
    SurveyVersion,
)

# Monday 7 January 2030, 09:00 in Chicago (the test practice's zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
_serial = itertools.count(1)

QUESTIONS = [
    ("cg_access", QuestionKind.FREQUENCY, "Did you get an appointment as soon as you needed?", "access"),
    ("provider_rating", QuestionKind.RATING, "Rate your provider from 0 to 10.", "provider_rating"),
    ("ease_booking", QuestionKind.EASE, "How easy was it to book?", ""),
    ("after_hours", QuestionKind.YES_NO, "Did you get information about after-hours care?", ""),
    ("recommend", QuestionKind.RECOMMEND, "How likely are you to recommend us?", ""),
    ("comment", QuestionKind.TEXT, "Anything else you would like to tell us?", ""),
]


def make_survey(practice, kind: str = SurveyKind.POST_VISIT) -> SurveyVersion:
    survey = Survey.objects.create(
        practice=practice, kind=kind, name_en="After your visit", name_es="Después de su visita"
    )
    version = SurveyVersion.objects.create(survey=survey, number=1)
    for position, (code, qkind, text, composite) in enumerate(QUESTIONS):
        Question.objects.create(
            version=version,
            code=code,
            position=position,
            kind=qkind,
            text_en=text,
            text_es=f"(es) {text}",
            touchpoint="survey",
            composite=composite or Composite.NONE,
        )
    return version


def make_response(
    version,
    patient,
    answers: dict,
    *,
    completed_at=NOW,
    provider=None,
    location=None,
    touchpoint: str = "survey",
    language: str = "en",
) -> Response:
    practice = patient.practice
    n = next(_serial)
    invitation = Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        token_hash=f"listening-test-{n}".ljust(64, "0"),
        status=InvitationStatus.COMPLETED if completed_at else InvitationStatus.STARTED,
        language=language,
        created_at=(completed_at or NOW) - timedelta(hours=1),
        expires_at=(completed_at or NOW) + timedelta(days=14),
        completed_at=completed_at,
    )
    response = Response.objects.create(
        practice=practice,
        invitation=invitation,
        version=version,
        patient=patient,
        provider=provider,
        location=location,
        touchpoint=touchpoint,
        language=language,
        started_at=(completed_at or NOW) - timedelta(minutes=5),
        completed_at=completed_at,
    )
    questions = {q.code: q for q in version.questions.all()}
    for code, value in answers.items():
        question = questions[code]
        if question.kind == QuestionKind.TEXT:
            Answer.objects.create(response=response, question=question, text=value)
        else:
            Answer.objects.create(response=response, question=question, value=value)
    return response
