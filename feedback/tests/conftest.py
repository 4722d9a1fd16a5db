"""Shared feedback fixtures: a finished visit and a post-visit survey invitation with its link.

``survey_invitation`` is what the invitations work will create after ``visit.done``: an Invitation
for ``patient`` on the practice's post-visit survey (a copy of the shipped template), with a fresh
token whose hash is stored. Other kinds and patients: ``make_invitation(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import survey_links
from feedback.models import Invitation, SurveyKind
from feedback.services import surveys
from scheduling.models import Appointment
from tests.factories import make_fulfilled_appointment


@dataclass
class SurveyLink:
    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return survey_links.survey_path(self.invitation.practice.slug, self.token)

    @property
    def answer_path(self) -> str:
        return self.path + "answer/"

    @property
    def thanks_path(self) -> str:
        return self.path + "thanks/"


@pytest.fixture
def visit_done(patient, provider, location) -> Appointment:
    return make_fulfilled_appointment(patient, provider, location)


@pytest.fixture
def make_invitation(db):
    def make(
        patient,
        *,
        kind: str = SurveyKind.POST_VISIT,
        appointment: Appointment | None = None,
        language: str | None = None,
        now=None,
        valid_days: int = 14,
    ) -> SurveyLink:
        now = now or timezone.now()
        survey = surveys.survey_for(practice=patient.practice, kind=kind)
        assert survey is not None, f"the {kind} survey is switched off"
        token, token_hash = survey_links.new_token()
        invitation = Invitation.objects.create(
            practice=patient.practice,
            version=surveys.current_version(survey),
            patient=patient,
            appointment=appointment,
            token_hash=token_hash,
            language=language or patient.preferred_language or "en",
            created_at=now,
            expires_at=now + timedelta(days=valid_days),
        )
        return SurveyLink(invitation=invitation, token=token)

    return make


@pytest.fixture
def survey_invitation(make_invitation, patient, visit_done) -> SurveyLink:
    """A post-visit survey invitation (and its link) for ``patient`` after ``visit_done``."""
    return make_invitation(patient, appointment=visit_done)
