"""Reads for the governance committee, scoped by practice: the committee (an unsaved default until
someone edits it), its members, the checklist of criteria for patient input, proposed changes,
meetings and decisions. Every lookup by id is the practice's own, else 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop

from practices.models import Practice

from ..models import (
    ChangeStatus,
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    Decision,
    DecisionSubject,
    PatientInputCriterion,
    ProposedChange,
)

# The checklist a committee starts with (each line completes "The change…"); English msgids,
# stored in the language of whoever first opens the checklist, then the committee's own words.
DEFAULT_CRITERIA: tuple[str, ...] = (
    gettext_noop("touches a patient-facing touch point (something patients see, hear or use)"),
    gettext_noop("changes what patients pay, or how and when they pay"),
    gettext_noop("changes access: opening hours, locations, who patients can see, or how soon"),
    gettext_noop("changes a form, a letter, a message or the language patients read"),
    gettext_noop("changes how or when patients are contacted (calls, texts, email, reminders)"),
    gettext_noop("changes how patients book, check in or wait"),
    gettext_noop("takes away something patients use today"),
)

WAITING_STATUSES = (ChangeStatus.PROPOSED, ChangeStatus.WAITING_FOR_INPUT, ChangeStatus.READY)


def as_id(value: object) -> int:
    """A positive database id from a URL or form value, else 404."""
    try:
        number = int(str(value))
    except ValueError:
        raise Http404 from None
    if not 0 < number < 2**63:
        raise Http404
    return number


def committee(practice: Practice) -> Committee:
    """The practice's committee, or an unsaved one with the defaults (saved on the first edit)."""
    found = Committee.objects.filter(practice=practice).first()
    return found if found is not None else Committee(practice=practice)


def members(practice: Practice, *, active_only: bool = True) -> QuerySet[CommitteeMember]:
    rows = CommitteeMember.objects.filter(practice=practice).select_related("user")
    return rows.filter(active=True) if active_only else rows


def member_or_404(practice: Practice, pk: object) -> CommitteeMember:
    return get_object_or_404(members(practice), pk=as_id(pk))


def is_member(practice: Practice, user_id: int) -> bool:
    return members(practice).filter(user_id=user_id).exists()


def criteria(practice: Practice, *, active_only: bool = True) -> QuerySet[PatientInputCriterion]:
    rows = PatientInputCriterion.objects.filter(practice=practice)
    return rows.filter(active=True) if active_only else rows


def criteria_by_id(practice: Practice, ids: list[int]) -> list[PatientInputCriterion]:
    """The criteria a change met, in checklist order (inactive ones too: they applied when screened)."""
    return list(criteria(practice, active_only=False).filter(pk__in=[i for i in ids if isinstance(i, int)]))


def proposals(practice: Practice) -> QuerySet[ProposedChange]:
    return ProposedChange.objects.filter(practice=practice).select_related("proposed_by")


def waiting_proposals(practice: Practice) -> QuerySet[ProposedChange]:
    return proposals(practice).filter(status__in=WAITING_STATUSES).order_by("proposed_at", "pk")


def proposal_or_404(practice: Practice, pk: object) -> ProposedChange:
    return get_object_or_404(proposals(practice), pk=as_id(pk))


def meetings(practice: Practice) -> QuerySet[CommitteeMeeting]:
    return CommitteeMeeting.objects.filter(practice=practice)


def meeting_or_404(practice: Practice, pk: object) -> CommitteeMeeting:
    return get_object_or_404(meetings(practice), pk=as_id(pk))


def previous_meeting(practice: Practice, meeting: CommitteeMeeting) -> CommitteeMeeting | None:
    return meetings(practice).filter(held_on__lt=meeting.held_on).order_by("-held_on").first()


def decisions_of(practice: Practice, meeting: CommitteeMeeting) -> QuerySet[Decision]:
    return Decision.objects.filter(practice=practice, meeting=meeting)


def decisions_about(practice: Practice, kind: str, subject_id: int) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(practice=practice, subject_kind=kind, subject_id=subject_id)
        .select_related("meeting")
        .order_by("-decided_at", "pk")
    )


@dataclass(frozen=True)
class Attendee:
    pk: int
    name: str
    role: str  # MemberRole value


def attendees(practice: Practice, meeting: CommitteeMeeting) -> list[Attendee]:
    ids = [i for i in meeting.attendees if isinstance(i, int)]
    rows = CommitteeMember.objects.filter(practice=practice, pk__in=ids).select_related("user")
    return [Attendee(pk=m.pk, name=member_name(m), role=m.role) for m in rows]


def member_name(member: CommitteeMember) -> str:
    if member.user is not None:
        return member.user.full_name or member.user.email
    return member.name


SUBJECT_KINDS = frozenset(DecisionSubject.values)
