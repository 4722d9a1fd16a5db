"""Writes of root-cause analyses: start one (from a recovery case or a recurring theme, with a timeline
prefilled from their dates), change it, add timeline entries, causal statements and actions, move it to
"actions under way", and mark actions done.

Rules (docs/cx.md, "Root-cause analysis"):

- A causal statement is saved even when it breaks a rule of causation (a first draft is still worth
  keeping); the page shows the failures beside it. The analysis cannot move to "actions under way"
  while a statement breaks a rule, nor without a statement and an action (``RcaRefused``).
- An action's owner is an active member of the practice; its project and cause are the practice's
  (and the analysis's); its kind is one of the RCA² hierarchy's and sets its strength.
- Once actions are under way, the analysis is "done" exactly when every action is done, and
  ``actions_done_on`` is the day the last one was done (the committee watches for recurrence from
  then). A new action on a done analysis puts it back under way and clears that day.

Every write is one transaction, scoped by practice, with its audit entry. No patient detail is
copied: a case's timeline is its dates and steps in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from feedback.models import RecoveryCase
from journey.catalogue import BY_CODE
from practices.models import Membership, Practice

from .. import action_hierarchy
from ..models import (
    CausalStatement,
    FactorCategory,
    ImprovementProject,
    RcaAction,
    RcaStatus,
    RootCauseAnalysis,
    TimelineEntry,
)
from ..selectors import rca as rca_selectors

STATEMENT_MAX = 1000


class RcaRefused(ValueError):
    """A change the analysis cannot take; the message is translated and fit to show. ``field`` names the
    form field it is about, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class RcaFields:
    title: str
    touchpoint: str
    theme: str
    summary: str
    led_by: User | None


@dataclass(frozen=True)
class ActionFields:
    description: str
    hierarchy_kind: str
    owner: User
    due_on: date
    measure: str
    project: ImprovementProject | None = None
    cause: CausalStatement | None = None


def _is_active_member(practice: Practice, user: User) -> bool:
    return Membership.objects.filter(practice=practice, user=user, is_active=True, user__is_active=True).exists()


def _check_fields(practice: Practice, fields: RcaFields) -> None:
    if not " ".join(fields.title.split()):
        raise RcaRefused(_("Say what failed."), "title")
    if fields.touchpoint not in BY_CODE:
        raise RcaRefused(_("Choose a touch point."), "touchpoint")
    if fields.led_by is not None and not _is_active_member(practice, fields.led_by):
        raise RcaRefused(_("The lead must be an active member of the team."), "led_by")


def _same_practice(rca: RootCauseAnalysis, practice: Practice) -> None:
    if rca.practice_id != practice.pk:
        raise RcaRefused(_("That record belongs to another practice."))


def create_rca(
    *,
    practice: Practice,
    actor_user: User | None,
    fields: RcaFields,
    recovery_case: RecoveryCase | None = None,
    timeline: list[tuple[datetime, str]] | None = None,
) -> RootCauseAnalysis:
    """Start an analysis, with the timeline the case or the theme prefilled."""
    _check_fields(practice, fields)
    if recovery_case is not None and recovery_case.practice_id != practice.pk:
        raise RcaRefused(_("That record belongs to another practice."))
    with transaction.atomic():
        rca = RootCauseAnalysis.objects.create(
            practice=practice,
            title=" ".join(fields.title.split()),
            touchpoint=fields.touchpoint,
            theme=fields.theme.strip(),
            summary=fields.summary.strip(),
            led_by=fields.led_by,
            recovery_case=recovery_case,
        )
        TimelineEntry.objects.bulk_create(
            [TimelineEntry(practice=practice, rca=rca, happened_at=at, what=what[:300]) for at, what in timeline or []]
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=rca,
            actor_user=actor_user,
            summary="Root-cause analysis started",
            changes={"touchpoint": rca.touchpoint, "recovery_case": recovery_case.pk if recovery_case else None},
        )
    return rca


def update_rca(*, practice: Practice, actor_user: User | None, rca: RootCauseAnalysis, fields: RcaFields) -> None:
    _same_practice(rca, practice)
    _check_fields(practice, fields)
    with transaction.atomic():
        rca.title = " ".join(fields.title.split())
        rca.touchpoint = fields.touchpoint
        rca.theme = fields.theme.strip()
        rca.summary = fields.summary.strip()
        rca.led_by = fields.led_by
        rca.save(update_fields=["title", "touchpoint", "theme", "summary", "led_by"])
        audit.record(
            practice=practice, action=AuditAction.UPDATE, target=rca, actor_user=actor_user, summary="RCA changed"
        )


def add_timeline_entry(
    *, practice: Practice, actor_user: User | None, rca: RootCauseAnalysis, happened_at: datetime, what: str
) -> TimelineEntry:
    _same_practice(rca, practice)
    what = " ".join(what.split())
    if not what:
        raise RcaRefused(_("Say what happened."), "what")
    with transaction.atomic():
        entry = TimelineEntry.objects.create(practice=practice, rca=rca, happened_at=happened_at, what=what[:300])
        audit.record(
            practice=practice, action=AuditAction.CREATE, target=entry, actor_user=actor_user, summary="RCA timeline"
        )
    return entry


def _clean_statement(statement: str, category: str) -> str:
    statement = " ".join(statement.split())
    if not statement:
        raise RcaRefused(_("Write the causal statement."), "statement")
    if len(statement) > STATEMENT_MAX:
        raise RcaRefused(_("Keep a causal statement under 1,000 characters."), "statement")
    if category not in FactorCategory.values:
        raise RcaRefused(_("Choose a contributing factor."), "category")
    return statement


def add_cause(
    *, practice: Practice, actor_user: User | None, rca: RootCauseAnalysis, statement: str, category: str
) -> CausalStatement:
    """Save the statement whatever the five rules say (the page shows its failures)."""
    _same_practice(rca, practice)
    statement = _clean_statement(statement, category)
    with transaction.atomic():
        cause = CausalStatement.objects.create(practice=practice, rca=rca, statement=statement, category=category)
        audit.record(
            practice=practice, action=AuditAction.CREATE, target=cause, actor_user=actor_user, summary="RCA cause"
        )
    return cause


def rewrite_cause(
    *, practice: Practice, actor_user: User | None, cause: CausalStatement, statement: str, category: str
) -> CausalStatement:
    if cause.practice_id != practice.pk:
        raise RcaRefused(_("That record belongs to another practice."))
    statement = _clean_statement(statement, category)
    with transaction.atomic():
        cause.statement, cause.category = statement, category
        cause.save(update_fields=["statement", "category"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=cause,
            actor_user=actor_user,
            summary="RCA cause rewritten",
        )
    return cause


def remove_cause(*, practice: Practice, actor_user: User | None, cause: CausalStatement) -> None:
    if cause.practice_id != practice.pk:
        raise RcaRefused(_("That record belongs to another practice."))
    with transaction.atomic():
        audit.record(
            practice=practice,
            action=AuditAction.DELETE,
            target=cause,
            actor_user=actor_user,
            summary="RCA cause removed",
        )
        cause.delete()


def _settle(rca: RootCauseAnalysis) -> None:
    """Once actions are under way: done exactly when every action is done (on the last one's day)."""
    if rca.status == RcaStatus.OPEN:
        return
    days = list(RcaAction.objects.filter(practice_id=rca.practice_id, rca=rca).values_list("done_on", flat=True))
    if days and all(day is not None for day in days):
        status, done_on = RcaStatus.DONE, max(day for day in days if day is not None)
    else:
        status, done_on = RcaStatus.ACTIONS, None
    if (rca.status, rca.actions_done_on) != (status, done_on):
        rca.status, rca.actions_done_on = status, done_on
        rca.save(update_fields=["status", "actions_done_on"])


def add_action(
    *, practice: Practice, actor_user: User | None, rca: RootCauseAnalysis, fields: ActionFields
) -> RcaAction:
    _same_practice(rca, practice)
    description = " ".join(fields.description.split())
    if not description:
        raise RcaRefused(_("Say what will be done."), "description")
    if not action_hierarchy.is_kind(fields.hierarchy_kind):
        raise RcaRefused(_("Choose a kind of action from the hierarchy."), "hierarchy_kind")
    if not _is_active_member(practice, fields.owner):
        raise RcaRefused(_("The person responsible must be an active member of the team."), "owner")
    measure = " ".join(fields.measure.split())
    if not measure:
        raise RcaRefused(_("Say how you will know it worked."), "measure")
    if fields.project is not None and fields.project.practice_id != practice.pk:
        raise RcaRefused(_("That record belongs to another practice."), "project")
    if fields.cause is not None and (fields.cause.practice_id != practice.pk or fields.cause.rca_id != rca.pk):
        raise RcaRefused(_("Choose one of this analysis's causal statements."), "cause")
    with transaction.atomic():
        locked = RootCauseAnalysis.objects.select_for_update().get(pk=rca.pk, practice=practice)
        action = RcaAction.objects.create(
            practice=practice,
            rca=locked,
            cause=fields.cause,
            description=description,
            hierarchy_kind=fields.hierarchy_kind,
            strength=action_hierarchy.strength_of(fields.hierarchy_kind),
            owner=fields.owner,
            due_on=fields.due_on,
            measure=measure[:200],
            project=fields.project,
        )
        _settle(locked)
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=action,
            actor_user=actor_user,
            summary="RCA action added",
            changes={"kind": action.hierarchy_kind, "owner": fields.owner.pk, "due_on": fields.due_on.isoformat()},
        )
    rca.refresh_from_db()
    return action


def start_actions(*, practice: Practice, actor_user: User | None, rca: RootCauseAnalysis) -> RootCauseAnalysis:
    """Analysis finished: actions under way (or done, if every action already is). Refused while a
    causal statement breaks a rule, or with no statement or no action."""
    _same_practice(rca, practice)
    with transaction.atomic():
        locked = RootCauseAnalysis.objects.select_for_update().get(pk=rca.pk, practice=practice)
        if locked.status != RcaStatus.OPEN:
            return locked
        page = rca_selectors.rca_page(rca=locked)
        if page.blockers:
            raise RcaRefused(" ".join(page.blockers))
        locked.status = RcaStatus.ACTIONS
        locked.save(update_fields=["status"])
        _settle(locked)
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="RCA actions under way",
            changes={"status": [RcaStatus.OPEN, locked.status]},
        )
    return locked


def reopen_analysis(*, practice: Practice, actor_user: User | None, rca: RootCauseAnalysis) -> RootCauseAnalysis:
    """Back to analysing (a new cause came to light); the recurrence watch stops until done again."""
    _same_practice(rca, practice)
    with transaction.atomic():
        locked = RootCauseAnalysis.objects.select_for_update().get(pk=rca.pk, practice=practice)
        if locked.status == RcaStatus.OPEN:
            return locked
        before = locked.status
        locked.status, locked.actions_done_on = RcaStatus.OPEN, None
        locked.save(update_fields=["status", "actions_done_on"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="RCA analysing again",
            changes={"status": [before, RcaStatus.OPEN]},
        )
    return locked


def mark_action_done(*, practice: Practice, actor_user: User | None, action: RcaAction, today: date) -> RcaAction:
    """Mark the action done today (a second click changes nothing); when it was the last one and the
    actions are under way, the analysis is done and the recurrence watch starts."""
    if action.practice_id != practice.pk:
        raise RcaRefused(_("That record belongs to another practice."))
    with transaction.atomic():
        rca = RootCauseAnalysis.objects.select_for_update().get(pk=action.rca_id, practice=practice)
        locked = RcaAction.objects.select_for_update().get(pk=action.pk, practice=practice)
        if locked.done_on is not None:
            return locked
        locked.done_on = today
        locked.save(update_fields=["done_on"])
        _settle(rca)
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="RCA action done",
            changes={"done_on": today.isoformat(), "rca_status": rca.status},
        )
    return locked
