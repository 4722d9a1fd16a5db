"""Reads of actions: one person's list or everyone's, scoped by practice, with the overdue flag."""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import User
from practices.models import Practice

from ..models import Action, ActionStatus


def actions_for(*, practice: Practice, owner: User | None = None, status: str | None = None) -> QuerySet[Action]:
    """The practice's actions (one owner's when given; one status when given), soonest due first,
    with what they came from and their owner loaded."""
    actions = Action.objects.filter(practice=practice)
    if owner is not None:
        actions = actions.filter(owner=owner)
    if status is not None:
        actions = actions.filter(status=status)
    return actions.select_related("owner", "moment", "idea", "idea__empathy_map", "recovery_case", "project").order_by(
        "due_on", "pk"
    )


def with_overdue(actions: QuerySet[Action], *, today: date) -> QuerySet[Action]:
    """Annotate ``overdue``: open and due before ``today`` (the practice's date)."""
    return actions.annotate(
        overdue=Case(
            When(Q(status=ActionStatus.OPEN) & Q(due_on__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def is_overdue(action: Action, today: date) -> bool:
    """Open and due before ``today`` (the practice's date): the due day itself is not overdue."""
    return action.status == ActionStatus.OPEN and action.due_on < today


def action_or_404(*, practice: Practice, pk: int) -> Action:
    """The practice's action, or 404 (another practice's action is not found)."""
    return get_object_or_404(actions_for(practice=practice), pk=pk)


def overdue_count(*, practice: Practice, owner: User | None, today: date) -> int:
    return actions_for(practice=practice, owner=owner, status=ActionStatus.OPEN).filter(due_on__lt=today).count()
