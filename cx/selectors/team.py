"""The practice's team: its active members, the basis of actions and recognition."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from practices.models import Membership, Practice


def active_memberships(*, practice: Practice) -> QuerySet[Membership]:
    """Active members of the practice (active users only), by name, with their users loaded."""
    return (
        Membership.objects.filter(practice=practice, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def active_users(*, practice: Practice) -> QuerySet[User]:
    return User.objects.filter(memberships__practice=practice, memberships__is_active=True, is_active=True).order_by(
        "full_name", "email", "pk"
    )


def membership_or_404(*, practice: Practice, pk: int) -> Membership:
    """One of the practice's memberships (active or not), or 404 for anyone else's."""
    return get_object_or_404(Membership.objects.filter(practice=practice).select_related("user"), pk=pk)


def membership_of(*, practice: Practice, user: User) -> Membership | None:
    return Membership.objects.filter(practice=practice, user=user).select_related("user").first()
