"""The practice's team: its active members, the basis of actions and recognition."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from practices.models import Membership, Practice, Provider

from ..models import TeamMemberProfile


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


_TITLES = frozenset({"dr", "dr.", "doctor", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "md", "np", "pa", "rn"})


def staff_names(practice: Practice) -> list[str]:
    """Every name patients may use for the team, kept when a quote is redacted (they are who patients
    thank): active members' names and nicknames, and the providers' names (a provider may have no
    account); each person's full name too. Three small queries."""
    names: list[str] = []
    for full_name in Membership.objects.filter(practice=practice, is_active=True).values_list(
        "user__full_name", flat=True
    ):
        words = [w for w in full_name.split(",")[0].split() if w.lower() not in _TITLES]
        names.extend(words)
        if len(words) > 1:
            names.append(" ".join(words))  # the pair, so "Maria Lopez" is kept and "Maria Sanchez" is not
    for nicknames in (
        TeamMemberProfile.objects.filter(practice=practice)
        .exclude(also_known_as="")
        .values_list("also_known_as", flat=True)
    ):
        names.extend(n.strip() for n in nicknames.split(",") if n.strip())
    for first, last in Provider.objects.filter(practice=practice).values_list("first_name", "last_name"):
        names.extend([*first.split(), *last.split()])
        names.append(f"{first} {last}".strip())
    return sorted({n for n in names if n.lower() not in _TITLES and len(n) > 1})
