"""Writes for the governance committee: the committee itself, its members and patient advisers, the
checklist of criteria for patient input, proposed changes (screened against the checklist, decided),
meetings (the agenda prepared as a snapshot, minutes, attendees) and decisions linked to what they
were about. Each write is atomic, scoped by practice and audited.

Every refusal is a ``GovernanceRefused`` with a message for the page (and the field it is about),
and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from feedback.models import RecoveryCase
from journey.catalogue import BY_CODE
from practices.models import Membership, Practice

from ..models import (
    Cadence,
    ChangeSignal,
    ChangeStatus,
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    Decision,
    DecisionSubject,
    Goal,
    ImprovementProject,
    InputMethod,
    MemberRole,
    PatientInputCriterion,
    ProposedChange,
    RootCauseAnalysis,
)
from ..selectors import agenda as agenda_selectors
from ..selectors import governance as selectors
from . import Refused

TITLE_MAX = 200
NAME_MAX = 120
CRITERION_MAX = 200
CRITERIA_MAX = 30
TEXT_MAX = 10_000
MEETING_DAYS_AHEAD = 366
MEETING_DAYS_BACK = 366 * 2
THRESHOLD_RANGE = (2, 100)
WINDOW_RANGE = (7, 365)


class GovernanceRefused(Refused):
    pass


def _today(practice: Practice) -> date:
    return practice.local_date(timezone.now())


def _text(value: str, *, limit: int, field: str, what: str, required: bool = True) -> str:
    clean = value.replace("\x00", "").strip()
    if required and not clean:
        raise GovernanceRefused(_("Write %(what)s.") % {"what": what}, field=field)
    if len(clean) > limit:
        raise GovernanceRefused(_("Keep it under %(n)s characters.") % {"n": limit}, field=field)
    return clean


# --- the committee ----------------------------------------------------------------------------------


def ensure_committee(practice: Practice) -> Committee:
    """The practice's committee, created with the defaults the first time."""
    found = Committee.objects.filter(practice=practice).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Committee.objects.create(practice=practice)
    except IntegrityError:  # created meanwhile by another request
        return Committee.objects.get(practice=practice)


@dataclass(frozen=True)
class CommitteeFields:
    charter: str
    cadence: str
    recurring_threshold: int
    recurring_window_days: int


def update_committee(*, practice: Practice, actor_user: User | None, fields: CommitteeFields) -> Committee:
    charter = _text(fields.charter, limit=TEXT_MAX, field="charter", what=_("the charter"), required=False)
    if fields.cadence not in Cadence.values:
        raise GovernanceRefused(_("Choose how often the committee meets."), field="cadence")
    low, high = THRESHOLD_RANGE
    if not low <= fields.recurring_threshold <= high:
        raise GovernanceRefused(
            _("A theme recurs after between %(low)s and %(high)s times.") % {"low": low, "high": high},
            field="recurring_threshold",
        )
    low, high = WINDOW_RANGE
    if not low <= fields.recurring_window_days <= high:
        raise GovernanceRefused(
            _("Count over between %(low)s and %(high)s days.") % {"low": low, "high": high},
            field="recurring_window_days",
        )
    ensure_committee(practice)
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(practice=practice)
        before = (committee.charter, committee.cadence, committee.recurring_threshold, committee.recurring_window_days)
        committee.charter = charter
        committee.cadence = fields.cadence
        committee.recurring_threshold = fields.recurring_threshold
        committee.recurring_window_days = fields.recurring_window_days
        committee.save()
        after = (committee.charter, committee.cadence, committee.recurring_threshold, committee.recurring_window_days)
        names = ("charter", "cadence", "recurring_threshold", "recurring_window_days")
        changes = {n: {"from": str(b), "to": str(a)} for n, b, a in zip(names, before, after, strict=True) if a != b}
        if changes:
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=committee,
                actor_user=actor_user,
                summary="governance committee",
                changes=changes,
            )
    return committee


def add_member(
    *, practice: Practice, actor_user: User | None, user: User | None, name: str, role: str
) -> CommitteeMember:
    """A staff member of the practice (chair or member), or a patient adviser by name only: advisers
    get no login and no access to patient records."""
    if role not in MemberRole.values:
        raise GovernanceRefused(_("Choose a role on the committee."), field="role")
    committee = ensure_committee(practice)
    with transaction.atomic():
        if role == MemberRole.PATIENT_ADVISER:
            if user is not None:
                raise GovernanceRefused(_("A patient adviser is recorded by name only, without a login."), field="user")
            clean = _text(name, limit=NAME_MAX, field="name", what=_("the adviser's name"))
            member = CommitteeMember.objects.create(
                practice=practice, committee=committee, name=clean, role=MemberRole.PATIENT_ADVISER
            )
        else:
            if user is None:
                raise GovernanceRefused(_("Choose a member of the team."), field="user")
            if not Membership.objects.filter(practice=practice, user=user, is_active=True).exists():
                raise GovernanceRefused(_("Only members of the team can sit on the committee as staff."), field="user")
            existing = CommitteeMember.objects.select_for_update().filter(practice=practice, user=user).first()
            if existing is not None and existing.active and existing.role == role:
                raise GovernanceRefused(_("They are already on the committee."), field="user")
            if existing is not None:
                existing.active, existing.role = True, role
                existing.save(update_fields=["active", "role"])
                member = existing
            else:
                member = CommitteeMember.objects.create(practice=practice, committee=committee, user=user, role=role)
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=member,
            actor_user=actor_user,
            summary="committee member added",
            changes={"role": {"from": None, "to": role}},
        )
    return member


def remove_member(*, practice: Practice, actor_user: User | None, member: CommitteeMember) -> None:
    """Off the committee (kept, inactive: past minutes still name who attended)."""
    if member.practice_id != practice.pk:
        raise GovernanceRefused(_("That member is not on this practice's committee."))
    with transaction.atomic():
        updated = CommitteeMember.objects.filter(pk=member.pk, practice=practice, active=True).update(active=False)
        if updated:
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=member,
                actor_user=actor_user,
                summary="committee member removed",
                changes={"active": {"from": "True", "to": "False"}},
            )


# --- the checklist ----------------------------------------------------------------------------------


def ensure_criteria(practice: Practice) -> list[PatientInputCriterion]:
    """The active checklist, seeded with the defaults (in the active language) when it has none."""
    committee = ensure_committee(practice)
    with transaction.atomic():
        Committee.objects.select_for_update().filter(pk=committee.pk).first()  # one seeder at a time
        if not selectors.criteria(practice, active_only=False).exists():
            PatientInputCriterion.objects.bulk_create(
                PatientInputCriterion(practice=practice, text=_(text), position=i)
                for i, text in enumerate(selectors.DEFAULT_CRITERIA)
            )
    return list(selectors.criteria(practice))


def save_criteria(*, practice: Practice, actor_user: User | None, lines: Sequence[str]) -> list[PatientInputCriterion]:
    """The checklist as the committee writes it, one criterion a line: a line kept keeps its id (past
    screenings still name it); a line removed is retired, not deleted."""
    texts: list[str] = []
    for line in lines:
        clean = line.replace("\x00", "").strip()
        if not clean:
            continue
        if len(clean) > CRITERION_MAX:
            raise GovernanceRefused(
                _("Keep each criterion under %(n)s characters.") % {"n": CRITERION_MAX}, field="criteria"
            )
        if clean.casefold() not in {t.casefold() for t in texts}:
            texts.append(clean)
    if not texts:
        raise GovernanceRefused(_("Keep at least one criterion on the checklist."), field="criteria")
    if len(texts) > CRITERIA_MAX:
        raise GovernanceRefused(_("Keep the checklist to %(n)s criteria.") % {"n": CRITERIA_MAX}, field="criteria")
    committee = ensure_committee(practice)
    with transaction.atomic():
        Committee.objects.select_for_update().filter(pk=committee.pk).first()
        existing = {c.text.casefold(): c for c in selectors.criteria(practice, active_only=False)}
        before = [c.text for c in selectors.criteria(practice)]
        kept: set[int] = set()
        for position, text in enumerate(texts):
            found = existing.get(text.casefold())
            if found is not None and found.pk not in kept:
                found.text, found.position, found.active = text, position, True
                found.save(update_fields=["text", "position", "active"])
                kept.add(found.pk)
            else:
                created = PatientInputCriterion.objects.create(practice=practice, text=text, position=position)
                kept.add(created.pk)
        selectors.criteria(practice).exclude(pk__in=kept).update(active=False)
        if before != texts:
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=PatientInputCriterion,
                actor_user=actor_user,
                summary="criteria for patient input",
                changes={"criteria": {"from": " | ".join(before), "to": " | ".join(texts)}},
            )
    return list(selectors.criteria(practice))


# --- proposed changes -------------------------------------------------------------------------------


def create_proposal(
    *, practice: Practice, actor_user: User | None, title: str, description: str, touchpoints: Sequence[str]
) -> ProposedChange:
    clean_title = _text(title, limit=TITLE_MAX, field="title", what=_("the change"))
    clean_description = _text(description, limit=TEXT_MAX, field="description", what="", required=False)
    codes = list(dict.fromkeys(touchpoints))
    unknown = [code for code in codes if code not in BY_CODE]
    if unknown:
        raise GovernanceRefused(_("Unknown touch point: %(code)s.") % {"code": unknown[0]}, field="touchpoints")
    with transaction.atomic():
        proposal = ProposedChange.objects.create(
            practice=practice,
            title=clean_title,
            description=clean_description,
            touchpoints=codes,
            proposed_by=actor_user,
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=proposal,
            actor_user=actor_user,
            summary="proposed change",
            changes={"title": {"from": None, "to": clean_title}},
        )
    return proposal


def _status_after_screening(input_needed: bool, summary: str) -> str:
    if input_needed and not summary:
        return ChangeStatus.WAITING_FOR_INPUT
    return ChangeStatus.READY


def screen_proposal(
    *,
    practice: Practice,
    actor_user: User | None,
    proposal: ProposedChange,
    criteria_ids: Sequence[int],
    input_method: str,
    input_summary: str,
) -> ProposedChange:
    """Run the change through the checklist: any criterion that applies means patient input is
    needed, and the way to get it must be chosen; what patients said is recorded here too."""
    if proposal.practice_id != practice.pk:
        raise GovernanceRefused(_("That change is not one of this practice's."))
    active = {c.pk for c in selectors.criteria(practice)}
    chosen = list(dict.fromkeys(criteria_ids))
    if any(pk not in active for pk in chosen):
        raise GovernanceRefused(_("Choose criteria from the checklist."), field="criteria")
    needed = bool(chosen)
    if input_method and input_method not in InputMethod.values:
        raise GovernanceRefused(_("Choose how patient input will be gathered."), field="input_method")
    if needed and not input_method:
        raise GovernanceRefused(
            _("Patient input is needed: choose how to get it (a survey to a sample, an adviser's review, a pilot)."),
            field="input_method",
        )
    summary = _text(input_summary, limit=TEXT_MAX, field="input_summary", what="", required=False)
    with transaction.atomic():
        locked = ProposedChange.objects.select_for_update().get(pk=proposal.pk, practice=practice)
        if locked.status in (ChangeStatus.APPROVED, ChangeStatus.DECLINED):
            raise GovernanceRefused(_("This change has been decided already."))
        before = (locked.criteria_met, locked.input_needed, locked.input_method, locked.input_summary, locked.status)
        locked.criteria_met = chosen
        locked.input_needed = needed
        locked.input_method = input_method if needed else ""
        locked.input_summary = summary
        locked.status = _status_after_screening(needed, summary)
        locked.save(update_fields=["criteria_met", "input_needed", "input_method", "input_summary", "status"])
        after = (locked.criteria_met, locked.input_needed, locked.input_method, locked.input_summary, locked.status)
        names = ("criteria_met", "input_needed", "input_method", "input_summary", "status")
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="proposed change screened for patient input",
            changes={n: {"from": str(b), "to": str(a)} for n, b, a in zip(names, before, after, strict=True) if a != b},
        )
    return locked


def decide_proposal(
    *,
    practice: Practice,
    actor_user: User | None,
    proposal: ProposedChange,
    meeting: CommitteeMeeting,
    approve: bool,
    text: str,
) -> Decision:
    """Approve or decline at a meeting, recorded as a decision about the change. Refused until the
    change has been screened, and while patient input is needed and what patients said is missing."""
    if proposal.practice_id != practice.pk or meeting.practice_id != practice.pk:
        raise GovernanceRefused(_("That change is not one of this practice's."))
    clean = _text(text, limit=TEXT_MAX, field="text", what=_("the decision"))
    with transaction.atomic():
        locked = ProposedChange.objects.select_for_update().get(pk=proposal.pk, practice=practice)
        if locked.status in (ChangeStatus.APPROVED, ChangeStatus.DECLINED):
            raise GovernanceRefused(_("This change has been decided already."))
        if locked.input_needed is None:
            raise GovernanceRefused(_("Run the change through the checklist for patient input first."))
        if locked.input_needed and not locked.input_summary.strip():
            raise GovernanceRefused(_("Patient input is needed before a decision: record what patients said first."))
        before = locked.status
        locked.status = ChangeStatus.APPROVED if approve else ChangeStatus.DECLINED
        locked.save(update_fields=["status"])
        decision = Decision.objects.create(
            practice=practice,
            meeting=meeting,
            text=clean,
            subject_kind=DecisionSubject.CHANGE,
            subject_id=locked.pk,
            subject_label=locked.title[:200],
        )
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="proposed change decided",
            changes={"status": {"from": before, "to": locked.status}},
        )
    return decision


# --- meetings ---------------------------------------------------------------------------------------


def prepare_meeting(
    *, practice: Practice, actor_user: User | None, held_on: date, today: date | None = None
) -> CommitteeMeeting:
    """A meeting on ``held_on`` with its agenda prepared now and kept as a snapshot."""
    today = today or _today(practice)
    if held_on > today + timedelta(days=MEETING_DAYS_AHEAD):
        raise GovernanceRefused(_("A meeting can be prepared up to a year ahead."), field="held_on")
    if held_on < today - timedelta(days=MEETING_DAYS_BACK):
        raise GovernanceRefused(_("A meeting cannot be more than two years back."), field="held_on")
    committee = ensure_committee(practice)
    with transaction.atomic():
        Committee.objects.select_for_update().filter(pk=committee.pk).first()
        if selectors.meetings(practice).filter(held_on=held_on).exists():
            raise GovernanceRefused(_("There is already a meeting on that day."), field="held_on")
        agenda = agenda_selectors.build_agenda(practice, held_on=held_on, today=today, committee=committee)
        meeting = CommitteeMeeting.objects.create(
            practice=practice, held_on=held_on, agenda=agenda, created_by=actor_user
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=meeting,
            actor_user=actor_user,
            summary="committee meeting prepared",
            changes={"held_on": {"from": None, "to": held_on.isoformat()}},
        )
    return meeting


def record_minutes(
    *,
    practice: Practice,
    actor_user: User | None,
    meeting: CommitteeMeeting,
    minutes: str,
    attendee_ids: Sequence[int],
    held: bool,
) -> CommitteeMeeting:
    if meeting.practice_id != practice.pk:
        raise GovernanceRefused(_("That meeting is not one of this practice's."))
    clean = _text(minutes, limit=TEXT_MAX * 5, field="minutes", what="", required=False)
    known = set(selectors.members(practice, active_only=False).values_list("pk", flat=True))
    chosen = sorted(set(attendee_ids))
    if any(pk not in known for pk in chosen):
        raise GovernanceRefused(_("Choose attendees from the committee's members."), field="attendees")
    if held and meeting.held_on > _today(practice):
        raise GovernanceRefused(_("A meeting ahead cannot have been held yet."), field="held")
    with transaction.atomic():
        locked = CommitteeMeeting.objects.select_for_update().get(pk=meeting.pk, practice=practice)
        before = (locked.minutes, locked.attendees, locked.held)
        locked.minutes, locked.attendees, locked.held = clean, chosen, held
        locked.save(update_fields=["minutes", "attendees", "held"])
        names = ("minutes", "attendees", "held")
        after = (locked.minutes, locked.attendees, locked.held)
        changes = {n: {"from": str(b), "to": str(a)} for n, b, a in zip(names, before, after, strict=True) if a != b}
        if changes:
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=locked,
                actor_user=actor_user,
                summary="committee minutes",
                changes=changes,
            )
    return locked


_SUBJECT_MODELS = {
    DecisionSubject.RECOVERY_CASE: RecoveryCase,
    DecisionSubject.SIGNAL: ChangeSignal,
    DecisionSubject.RCA: RootCauseAnalysis,
    DecisionSubject.PROJECT: ImprovementProject,
    DecisionSubject.GOAL: Goal,
    DecisionSubject.CHANGE: ProposedChange,
}


def add_decision(
    *,
    practice: Practice,
    actor_user: User | None,
    meeting: CommitteeMeeting,
    subject_kind: str,
    subject_id: int | None,
    subject_label: str,
    text: str,
) -> Decision:
    """A decision about one thing: a row of the practice (by kind and id) or a theme (by its label)."""
    if meeting.practice_id != practice.pk:
        raise GovernanceRefused(_("That meeting is not one of this practice's."))
    clean = _text(text, limit=TEXT_MAX, field="text", what=_("the decision"))
    label = subject_label.replace("\x00", "").strip()[:200]
    if subject_kind not in DecisionSubject.values:
        raise GovernanceRefused(_("Choose what the decision is about."), field="subject")
    if subject_kind == DecisionSubject.THEME:
        if not label or subject_id is not None:
            raise GovernanceRefused(_("Choose what the decision is about."), field="subject")
    else:
        model = _SUBJECT_MODELS[DecisionSubject(subject_kind)]
        if subject_id is None or not model._default_manager.filter(practice=practice, pk=subject_id).exists():
            raise GovernanceRefused(_("Choose what the decision is about."), field="subject")
    with transaction.atomic():
        decision = Decision.objects.create(
            practice=practice,
            meeting=meeting,
            text=clean,
            subject_kind=subject_kind,
            subject_id=subject_id,
            subject_label=label,
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=decision,
            actor_user=actor_user,
            summary="committee decision",
            changes={"subject": {"from": None, "to": f"{subject_kind}:{subject_id or label}"}},
        )
    return decision
