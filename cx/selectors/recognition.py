"""Reads for recognition: the practice's team as the matcher sees it (``team``), the comments to scan
and who was on duty for each, and the recognitions to decide or to show.

The team is built from active memberships. Names: a member linked to a ``Provider`` (``Provider.user``)
takes the provider's first and last name and counts as a provider; anyone else's ``full_name`` is
split into first and last (titles such as "Dr." and suffixes such as "MD" dropped). Job titles: the
member's ``TeamMemberProfile.job_title`` when the editors set one, else a default from the role:

    front desk     -> receptionist
    clinician      -> provider when linked to a Provider, else nurse (the usual non-provider
                      clinician of a small dermatology practice; the editors correct it on the team
                      member's page, e.g. to medical assistant)
    billing        -> billing
    owner          -> manager
    experience lead-> none (the role says nothing patients would call them; set it on their page)

Nicknames come from ``TeamMemberProfile.also_known_as`` (comma-separated).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import TITLES, User
from feedback.models import Answer, QuestionKind, Response, Sentiment
from frontdesk.models import VisitStatusChange
from patients.models import Patient
from practices.models import Membership, Practice, Provider, Role
from scheduling.models import Appointment

from ..models import JobTitle, Recognition, RecognitionStatus, TeamMemberProfile
from ..recognition import TeamMember
from .team import active_memberships

SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "md", "do", "phd", "np", "pa", "pa-c", "rn", "lpn", "ma", "faad"}
PRAISE = (Sentiment.POSITIVE, Sentiment.MIXED)
TO_DECIDE = (RecognitionStatus.CANDIDATE, RecognitionStatus.AMBIGUOUS)


def split_name(full_name: str) -> tuple[str, str]:
    """("Hannah", "Cole") from "Dr. Hannah Cole, MD"; ("Cher", "") from "Cher"; ("", "") from ""."""
    words = full_name.split(",")[0].split()
    if words and words[0].rstrip(".").lower() in TITLES:
        words = words[1:]
    while len(words) > 1 and words[-1].rstrip(".").lower() in SUFFIXES:
        words = words[:-1]
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return words[0], words[-1]


def default_job_title(role: str, *, is_provider: bool) -> str:
    """The job title a member has until the editors set one (see the module's docstring)."""
    if role == Role.FRONT_DESK:
        return JobTitle.RECEPTIONIST
    if role == Role.CLINICIAN:
        return JobTitle.PROVIDER if is_provider else JobTitle.NURSE
    if role == Role.BILLING:
        return JobTitle.BILLING
    if role == Role.OWNER:
        return JobTitle.MANAGER
    return ""


def nicknames(also_known_as: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in also_known_as.split(",") if name.strip())


def profiles_by_user(*, practice: Practice) -> dict[int, TeamMemberProfile]:
    return {profile.user_id: profile for profile in TeamMemberProfile.objects.filter(practice=practice)}


def profile_for(*, practice: Practice, user: User) -> TeamMemberProfile:
    """The member's profile, or an unsaved one with the defaults (nothing is written by reading)."""
    profile = TeamMemberProfile.objects.filter(practice=practice, user=user).first()
    return profile or TeamMemberProfile(practice=practice, user=user)


def _providers_by_user(practice: Practice) -> dict[int, Provider]:
    linked: dict[int, Provider] = {}
    for provider in Provider.objects.filter(practice=practice, user__isnull=False).order_by("-is_active", "pk"):
        if provider.user_id is not None:
            linked.setdefault(provider.user_id, provider)
    return linked


@dataclass(frozen=True)
class TeamRow:
    """One active member as the team pages show them: their membership, the matcher's view, their profile."""

    membership: Membership
    member: TeamMember
    profile: TeamMemberProfile
    job_title_is_default: bool

    @property
    def job_title_label(self) -> str:
        return str(JobTitle(self.member.job_title).label) if self.member.job_title else ""


def team_rows(*, practice: Practice) -> list[TeamRow]:
    profiles = profiles_by_user(practice=practice)
    providers = _providers_by_user(practice)
    rows: list[TeamRow] = []
    for membership in active_memberships(practice=practice):
        user = membership.user
        provider = providers.get(user.pk)
        if provider is not None:
            first, last = provider.first_name.strip(), provider.last_name.strip()
        else:
            first, last = split_name(user.full_name)
        profile = profiles.get(user.pk) or TeamMemberProfile(practice=practice, user=user)
        title = profile.job_title or default_job_title(membership.role, is_provider=provider is not None)
        member = TeamMember(
            user_id=user.pk,
            first_name=first,
            last_name=last,
            job_title=title,
            nicknames=nicknames(profile.also_known_as),
            is_provider=provider is not None,
        )
        rows.append(TeamRow(membership, member, profile, job_title_is_default=not profile.job_title))
    return rows


def team(*, practice: Practice) -> list[TeamMember]:
    """The practice's active members as the matcher (``cx.recognition.find_mentions``) sees them."""
    return [row.member for row in team_rows(practice=practice)]


def staff_names(members: list[TeamMember]) -> list[str]:
    """Every name a team member goes by, for redaction to keep."""
    names: list[str] = []
    for member in members:
        names.extend(name for name in (member.first_name, member.last_name) if name)
        if member.first_name and member.last_name:
            names.append(f"{member.first_name} {member.last_name}")
        names.extend(member.nicknames)
    return names


def patient_names(patient: Patient) -> list[str]:
    """The patient's own names: never credited as staff, redacted from the evidence."""
    return [name for name in (patient.first_name.strip(), patient.last_name.strip()) if name]


# --- comments to scan ------------------------------------------------------------------------------


def praise_comments(*, practice: Practice, since: datetime, until: datetime) -> QuerySet[Answer]:
    """Free-text answers given in [since, until) whose reading (the staff's correction first) is positive
    or mixed, with their response, patient and invitation loaded."""
    praise = Q(analysis__corrected_sentiment__in=PRAISE) | Q(
        analysis__corrected_sentiment="", analysis__sentiment__in=PRAISE
    )
    return (
        Answer.objects.filter(
            response__practice=practice,
            question__kind=QuestionKind.TEXT,
            answered_at__gte=since,
            answered_at__lt=until,
        )
        .exclude(text="")
        .filter(praise)
        .select_related("response", "response__patient", "response__invitation", "response__provider")
        .order_by("answered_at", "pk")
    )


def on_duty(*, practice: Practice, responses: list[Response]) -> dict[int, frozenset[int]]:
    """Response id -> the users on duty for its visit: the appointment's (or the response's) provider's
    user, and the staff who changed the visit's status (check-in, rooming...). In two queries."""
    appointment_of = {r.pk: r.invitation.appointment_id for r in responses if r.invitation.appointment_id}
    provider_ids = {r.provider_id for r in responses if r.provider_id}
    users_by_appointment: dict[int, set[int]] = defaultdict(set)
    if appointment_of:
        for appointment_id, user_id in Appointment.objects.filter(
            practice=practice, pk__in=set(appointment_of.values()), provider__user__isnull=False
        ).values_list("pk", "provider__user_id"):
            users_by_appointment[appointment_id].add(user_id)
        for appointment_id, user_id in VisitStatusChange.objects.filter(
            practice=practice, visit__appointment_id__in=set(appointment_of.values()), by_user__isnull=False
        ).values_list("visit__appointment_id", "by_user_id"):
            users_by_appointment[appointment_id].add(user_id)
    provider_users = dict(
        Provider.objects.filter(practice=practice, pk__in=provider_ids, user__isnull=False).values_list("pk", "user_id")
    )
    duty: dict[int, frozenset[int]] = {}
    for response in responses:
        users = set(users_by_appointment.get(appointment_of.get(response.pk, 0), set()))
        if response.provider_id in provider_users:
            users.add(provider_users[response.provider_id])
        duty[response.pk] = frozenset(users)
    return duty


# --- recognitions -----------------------------------------------------------------------------------


def to_decide(*, practice: Practice) -> QuerySet[Recognition]:
    """Candidates and ambiguous ones waiting for the lead, oldest first."""
    return (
        Recognition.objects.filter(practice=practice, status__in=TO_DECIDE)
        .select_related("user")
        .order_by("said_at", "pk")
    )


def confirmed_for(*, practice: Practice, user: User) -> QuerySet[Recognition]:
    """One person's confirmed recognitions, newest first."""
    return Recognition.objects.filter(practice=practice, user=user, status=RecognitionStatus.CONFIRMED).order_by(
        "-said_at", "-pk"
    )


@dataclass(frozen=True)
class PersonCount:
    user: User
    membership_pk: int | None
    count: int


def confirmed_counts(*, practice: Practice) -> list[PersonCount]:
    """Confirmed recognitions per person, most first (people without any are left out)."""
    counts = dict(
        Recognition.objects.filter(practice=practice, status=RecognitionStatus.CONFIRMED, user__isnull=False)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    memberships = {
        m.user_id: m.pk for m in Membership.objects.filter(practice=practice, user_id__in=counts).only("pk", "user_id")
    }
    users = User.objects.filter(pk__in=counts)
    rows = [PersonCount(user, memberships.get(user.pk), counts[user.pk]) for user in users]
    return sorted(rows, key=lambda row: (-row.count, str(row.user).lower()))


def recognition_or_404(*, practice: Practice, pk: int) -> Recognition:
    return get_object_or_404(Recognition.objects.filter(practice=practice).select_related("user"), pk=pk)


def users_by_id(*, practice: Practice, ids: list[int]) -> dict[int, User]:
    """The practice's members among ``ids`` (someone who left another practice is not shown)."""
    return {
        user.pk: user
        for user in User.objects.filter(pk__in=ids, memberships__practice=practice).distinct().order_by("full_name")
    }
