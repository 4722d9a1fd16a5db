"""Front-desk reads for online check-in: the intake questions and policies a patient is asked, and
what a patient gave (for the board's check-in page). Scoped by practice."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from practices.models import Practice
from scheduling.models import Appointment

from ..models import IntakeQuestion, OnlineCheckIn, PracticePolicy


def active_questions(practice: Practice) -> list[IntakeQuestion]:
    return list(IntakeQuestion.objects.filter(practice=practice, is_active=True))


def active_policies(practice: Practice) -> list[PracticePolicy]:
    return list(PracticePolicy.objects.filter(practice=practice, is_active=True))


def online_check_in_or_404(*, practice: Practice, appointment: Appointment) -> OnlineCheckIn:
    check_in = OnlineCheckIn.objects.filter(practice=practice, appointment=appointment).first()
    if check_in is None:
        raise Http404
    return check_in


def check_in_answers(
    *, practice: Practice, check_in: OnlineCheckIn
) -> tuple[list[tuple[IntakeQuestion, Any]], list[tuple[PracticePolicy, Any]]]:
    """([(question, answer)], [(policy, version acknowledged)]) of an online check-in, in the form's order."""
    answers = check_in.answers if isinstance(check_in.answers, dict) else {}
    question_ids = [int(k) for k in answers if str(k).isdigit()]
    questions = IntakeQuestion.objects.filter(practice=practice, pk__in=question_ids).order_by("position", "pk")
    acknowledged = {
        item.get("id"): item.get("version") for item in (check_in.policies_acknowledged or []) if isinstance(item, dict)
    }
    policies = PracticePolicy.objects.filter(practice=practice, pk__in=[k for k in acknowledged if k])
    return [(q, answers.get(str(q.pk))) for q in questions], [(p, acknowledged[p.pk]) for p in policies]
