"""Reads for service recovery, each scoped by practice: the cases list, one case with its answers and
history, the overdue count, and who may be given a case."""

from datetime import datetime

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from practices.models import Membership, Role

from ..models import Answer, CaseStatus, RecoveryCase, RecoveryCaseEvent

# Who gets a new case by default, and who may work any case of the practice. Any active staff member of the
# practice may be given a case (``case_assignees``).
ASSIGNABLE_ROLES = (Role.OWNER, Role.EXPERIENCE_LEAD)

CASE_VIEWS = ("open", "mine", "closed", "all")


def cases(*, practice, view: str = "open", user=None, only_assigned_to=None) -> QuerySet[RecoveryCase]:
    """The practice's cases: open ones first (soonest due first), then closed (latest first).

    ``view``: open, mine (open and closed cases assigned to ``user``), closed, all.
    ``only_assigned_to`` limits the list to one member's cases whatever the view (roles that see only theirs).
    """
    rows = RecoveryCase.objects.filter(practice=practice).select_related("patient", "assigned_to")
    if only_assigned_to is not None:
        rows = rows.filter(assigned_to=only_assigned_to)
    if view == "open":
        rows = rows.filter(status=CaseStatus.OPEN)
    elif view == "closed":
        rows = rows.filter(status=CaseStatus.CLOSED)
    elif view == "mine":
        rows = rows.filter(assigned_to=user)
    # Open cases have no closed_at: they come first, soonest due first; then the latest closed.
    return rows.order_by(F("closed_at").desc(nulls_first=True), "due_at", "pk")


def case_or_404(*, practice, pk: int) -> RecoveryCase:
    return get_object_or_404(
        RecoveryCase.objects.select_related(
            "patient",
            "assigned_to",
            "closed_by",
            "response__version__survey",
            "response__provider",
            "response__location",
        ),
        practice=practice,
        pk=pk,
    )


def case_answers(*, case) -> list[Answer]:
    """The case's response, answer by answer, in the survey's order, with comment readings."""
    return list(
        Answer.objects.filter(response_id=case.response_id)
        .select_related("question", "analysis")
        .order_by("question__position", "pk")
    )


def case_events(*, case) -> QuerySet[RecoveryCaseEvent]:
    """The case's history, oldest first, with who did each thing."""
    return RecoveryCaseEvent.objects.filter(practice_id=case.practice_id, case=case).select_related("by")


def overdue_case_count(*, practice, now: datetime | None = None) -> int:
    return RecoveryCase.objects.filter(
        practice=practice, status=CaseStatus.OPEN, due_at__lt=now or timezone.now()
    ).count()


# --- who may be given a case ----------------------------------------------------------------------


def assignable_members(*, practice):
    """Who may be chosen as the practice's default recovery assignee (feedback settings): an active owner or
    experience lead."""
    return case_assignees(practice=practice).filter(role__in=ASSIGNABLE_ROLES)


def case_assignees(*, practice):
    """Who may be given a case: every active staff member of the practice (any staff role)."""
    return (
        Membership.objects.filter(practice=practice, is_active=True, user__is_active=True, role__in=Role.values)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
