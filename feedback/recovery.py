"""Service recovery: opening a case after a failed experience and working it through hear, empathize,
apologize, respond and thank, to a closed case with an outcome.

Every write is one transaction with its audit entry; opening and closing also record a journey event
("service-recovery", ``recovery.opened`` / ``recovery.closed``) whose data is a label only. Notes and the
patient's comments never reach an audit summary, a journey event or a log.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import journey
from audit import services as audit
from audit.models import Action
from practices.models import Membership, Role

from .models import CaseOutcome, CaseStatus, ContactMethod, FeedbackSettings, RecoveryCase

DUE_AFTER = timedelta(hours=48)
STEPS = ("heard", "empathized", "apologized", "responded", "thanked")
# Who may be given a case, and who may work any case of the practice.
ASSIGNABLE_ROLES = (Role.OWNER, Role.EXPERIENCE_LEAD)


class CaseRefused(ValueError):
    """A change the case does not allow (closed already, no outcome, unknown step...); the message says why."""


def default_assignee(practice):
    """The settings' recovery assignee if still an active member, else the first experience lead, else
    the first owner; None for a practice with neither."""
    members = Membership.objects.filter(practice=practice, is_active=True, user__is_active=True)
    chosen = FeedbackSettings.objects.filter(practice=practice).values_list("recovery_assignee", flat=True).first()
    if chosen and members.filter(user_id=chosen).exists():
        return members.get(user_id=chosen).user
    for role in ASSIGNABLE_ROLES[::-1]:  # experience lead first, then owner
        membership = members.filter(role=role).select_related("user").order_by("created_at", "pk").first()
        if membership:
            return membership.user
    return None


def open_case(*, response, reason: str, now: datetime | None = None) -> RecoveryCase:
    """Open the response's case (or return the one it has): assigned, due in 48 hours, audited."""
    now = now or timezone.now()
    existing = RecoveryCase.objects.filter(response=response).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            case = RecoveryCase.objects.create(
                practice_id=response.practice_id,
                response=response,
                patient_id=response.patient_id,
                reason=reason,
                assigned_to=default_assignee(response.practice),
                opened_at=now,
                due_at=now + DUE_AFTER,
            )
    except IntegrityError:  # opened by a concurrent call for the same response
        return RecoveryCase.objects.get(response=response)
    audit.record(
        practice=response.practice,
        action=Action.CREATE,
        target=case,
        patient=response.patient,
        summary=f"recovery case opened ({reason})",
        changes={"assigned_to": [None, case.assigned_to.email if case.assigned_to else None]},
    )
    # The event data key is not "reason": the journey log refuses that key (it usually carries clinical detail).
    journey.record(
        practice=response.practice,
        patient=response.patient,
        touchpoint="service-recovery",
        kind="recovery.opened",
        at=now,
        data={"case_reason": reason},
    )
    return case


def _locked(case: RecoveryCase) -> RecoveryCase:
    locked = RecoveryCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.OPEN:
        raise CaseRefused(_("This case is closed; it can no longer be changed."))
    return locked


def _audit(case, actor_user, summary: str, changes: dict) -> None:
    audit.record(
        practice=case.practice,
        action=Action.UPDATE,
        target=case,
        actor_user=actor_user,
        patient=case.patient,
        summary=summary,
        changes=changes,
    )


@transaction.atomic
def record_step(*, case, step: str, done: bool, actor_user, now: datetime | None = None) -> RecoveryCase:
    """Mark one of the five steps done now (``done``) or undo it."""
    if step not in STEPS:
        raise CaseRefused(_("Unknown step."))
    case = _locked(case)
    field = f"{step}_at"
    before = getattr(case, field)
    after = (before or now or timezone.now()) if done else None
    if before == after:
        return case
    setattr(case, field, after)
    case.save(update_fields=[field])
    _audit(
        case,
        actor_user,
        f"recovery step {step} {'done' if done else 'undone'}",
        {field: [before.isoformat() if before else None, after.isoformat() if after else None]},
    )
    return case


@transaction.atomic
def set_contact(*, case, contacted: bool, method: str, actor_user) -> RecoveryCase:
    """Whether the patient was reached, and how (required when they were; cleared when not)."""
    if contacted and method not in ContactMethod.values:
        raise CaseRefused(_("Say how the patient was contacted."))
    case = _locked(case)
    method = method if contacted else ""
    changes = {}
    if case.contacted != contacted:
        changes["contacted"] = [case.contacted, contacted]
    if case.contact_method != method:
        changes["contact_method"] = [case.contact_method, method]
    if changes:
        case.contacted, case.contact_method = contacted, method
        case.save(update_fields=["contacted", "contact_method"])
        _audit(case, actor_user, "recovery contact recorded", changes)
    return case


@transaction.atomic
def set_notes(*, case, notes: str, actor_user) -> RecoveryCase:
    case = _locked(case)
    if case.notes != notes:
        case.notes = notes
        case.save(update_fields=["notes"])
        # The notes themselves may be clinical: the audit says only that they changed.
        _audit(case, actor_user, "recovery notes changed", {})
    return case


def assignable_members(*, practice):
    return (
        Membership.objects.filter(practice=practice, is_active=True, user__is_active=True, role__in=ASSIGNABLE_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@transaction.atomic
def reassign(*, case, user, actor_user) -> RecoveryCase:
    """Give the case to an owner or experience lead of the practice."""
    if not assignable_members(practice=case.practice).filter(user=user).exists():
        raise CaseRefused(_("Cases go to an owner or experience lead of this practice."))
    case = _locked(case)
    if case.assigned_to_id != user.pk:
        before = case.assigned_to.email if case.assigned_to else None
        case.assigned_to = user
        case.save(update_fields=["assigned_to"])
        _audit(case, actor_user, "recovery case reassigned", {"assigned_to": [before, user.email]})
    return case


@transaction.atomic
def close_case(*, case, outcome: str, actor_user, now: datetime | None = None) -> RecoveryCase:
    """Close with an outcome (refused without one)."""
    if outcome not in CaseOutcome.values:
        raise CaseRefused(_("Choose an outcome before closing the case."))
    now = now or timezone.now()
    case = _locked(case)
    case.status, case.outcome, case.closed_at, case.closed_by = CaseStatus.CLOSED, outcome, now, actor_user
    case.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
    _audit(
        case, actor_user, f"recovery case closed ({outcome})", {"status": ["open", "closed"], "outcome": ["", outcome]}
    )
    journey.record(
        practice=case.practice,
        patient=case.patient,
        touchpoint="service-recovery",
        kind="recovery.closed",
        at=now,
        data={"outcome": outcome},
    )
    return case


# --- audited reads --------------------------------------------------------------------------------


def record_case_viewed(*, case, actor_user) -> None:
    audit.record(
        practice=case.practice,
        action=Action.VIEW,
        target=case,
        actor_user=actor_user,
        patient=case.patient,
        summary="recovery case viewed",
    )


def record_list_viewed(*, practice, actor_user, target, what: str, page_number: int, shown: int) -> None:
    """A page listing named patients (cases or survey responses) was shown. Filters are not stored."""
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=target,
        actor_user=actor_user,
        summary=f"{what}, page {page_number}, {shown} shown",
    )
