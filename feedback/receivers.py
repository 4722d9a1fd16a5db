"""Feedback's answers to messaging's signals, connected in ``apps.FeedbackConfig.ready``."""

from __future__ import annotations

from practices.models import Practice

from .models import Survey, SurveyKind


def visit_survey_thanks(sender: object, *, practice: Practice, **kwargs: object) -> bool:
    """``messaging.signals.thank_you_replaced``: True when the practice's visit survey goes out after
    visits (on unless the practice switched it off). The survey invitation thanks the patient, so
    messaging sends its own "thank you" only without it."""
    surveys = Survey.objects.filter(practice=practice, kind=SurveyKind.POST_VISIT)
    return surveys.filter(is_active=True).exists() or not surveys.exists()
