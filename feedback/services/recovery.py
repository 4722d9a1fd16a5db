"""Service recovery: opening a case after a failed experience and working it through hear, empathize,
apologize, respond and thank, to a closed case with an outcome.

Every write is one transaction with its audit entry; opening, closing and reopening also record a journey
event ("service-recovery", ``recovery.opened`` / ``recovery.closed`` / ``recovery.reopened``) whose data is a
label only. Opening, assigning, steps, closing and reopening each add a ``RecoveryCaseEvent`` (the case's
history, shown on the case page). Notes and the patient's comments never reach an audit summary, a journey
event, the history or a log.

Changes that would change nothing (assigning a case to its assignee, reopening an open case) return
``changed=False`` and write nothing, so a double click is harmless.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import journey
from audit import services as audit
from audit.models import Action
from practices.models import Membership

from ..models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    ContactMethod,
    FeedbackSettings,
    RecoveryCase,
    RecoveryCaseEvent,
)
from ..selectors.recovery import ASSIGNABLE_ROLES, case_assignees

DUE_AFTER = timedelta(hours=48)
STEPS = ("heard", "empathized", "apologized", "responded", "thanked")


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
            _event(case, CaseEventKind.OPENED, None, reason, now)
            if case.assigned_to:
                _event(case, CaseEventKind.ASSIGNED, None, person_name(case.assigned_to), now)
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
    _journey(case, "recovery.opened", now, {"case_reason": reason})
    return case


def person_name(user) -> str:
    """How a staff member is named in a case's history and messages."""
    return user.get_full_name() or user.email


def _event(case: RecoveryCase, kind: str, by, detail: str = "", at: datetime | None = None) -> RecoveryCaseEvent:
    """One line of the case's history. ``detail`` is a label (a code or a staff name), never clinical."""
    return RecoveryCaseEvent.objects.create(
        practice_id=case.practice_id, case=case, at=at or timezone.now(), by=by, kind=kind, detail=detail[:200]
    )


def _journey(case: RecoveryCase, kind: str, at: datetime, data: dict) -> None:
    journey.record(
        practice=case.practice, patient=case.patient, touchpoint="service-recovery", kind=kind, at=at, data=data
    )


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
    _event(case, CaseEventKind.STEP, actor_user, f"{step} {'done' if done else 'undone'}", now)
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


NOT_ASSIGNABLE = _("Cases go to an active staff member of this practice; nothing was changed.")


@transaction.atomic
def assign(*, case, user, actor_user, now: datetime | None = None) -> tuple[RecoveryCase, bool]:
    """Give the open case to ``user`` (an active staff member of the case's practice; refused otherwise).

    Who may call it is the view's rule: owners and experience leads assign anyone, other readers take a
    case for themselves. Returns ``(case, changed)``; giving it to its assignee changes nothing.
    """
    if user is None or not case_assignees(practice=case.practice).filter(user_id=user.pk).exists():
        raise CaseRefused(NOT_ASSIGNABLE)
    case = _locked(case)
    if case.assigned_to_id == user.pk:
        return case, False
    before = case.assigned_to.email if case.assigned_to else None
    case.assigned_to = user
    case.save(update_fields=["assigned_to"])
    summary = "recovery case reassigned" if before else "recovery case assigned"
    if actor_user is not None and actor_user.pk == user.pk:
        summary += " (taken by the assignee)"
    _audit(case, actor_user, summary, {"assigned_to": [before, user.email]})
    _event(case, CaseEventKind.ASSIGNED, actor_user, person_name(user), now)
    return case, True


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
    _event(case, CaseEventKind.CLOSED, actor_user, outcome, now)
    _journey(case, "recovery.closed", now, {"outcome": outcome})
    return case


@transaction.atomic
def reopen_case(*, case, actor_user, now: datetime | None = None) -> tuple[RecoveryCase, bool]:
    """Open a closed case again, due 48 hours from now; its outcome and who closed it are cleared on the case
    and kept in its history and the audit. Returns ``(case, changed)``; reopening an open case changes nothing.
    """
    now = now or timezone.now()
    case = RecoveryCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.OPEN:
        return case, False
    earlier, closed_by = case.outcome, case.closed_by
    before_due = case.due_at
    case.status, case.outcome, case.closed_at, case.closed_by = CaseStatus.OPEN, "", None, None
    case.due_at = now + DUE_AFTER
    case.save(update_fields=["status", "outcome", "closed_at", "closed_by", "due_at"])
    _audit(
        case,
        actor_user,
        f"recovery case reopened (was {earlier})",
        {
            "status": ["closed", "open"],
            "outcome": [earlier, ""],
            "closed_by": [closed_by.email if closed_by else None, None],
            "due_at": [before_due.isoformat(), case.due_at.isoformat()],
        },
    )
    _event(case, CaseEventKind.REOPENED, actor_user, earlier, now)
    _journey(case, "recovery.reopened", now, {"earlier_outcome": earlier})
    return case, True


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
