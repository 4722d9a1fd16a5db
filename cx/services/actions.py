"""Actions: something a named team member will do by a date, from a moment, an empathy map's idea,
a recovery case or an improvement project (or standalone).

Every write is one transaction with its audit entry. The owner must be an active member of the
practice and every linked record must be the practice's; otherwise ``ActionError`` says why in
words the page can show. Completing a done action, reopening an open one or dropping a dropped one
changes nothing (a double click is harmless).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from feedback.models import RecoveryCase
from practices.models import Membership, Practice

from ..models import Action, ActionStatus, ExperienceMoment, Idea, ImprovementProject

TITLE_MAX = 200


class ActionError(ValueError):
    """An action the practice cannot have (owner not on the team, a link to another practice's
    record, no title...); the message is translated and fit to show."""


def _is_active_member(practice: Practice, user: User) -> bool:
    return Membership.objects.filter(practice=practice, user=user, is_active=True, user__is_active=True).exists()


def _check_links(
    practice: Practice,
    *,
    moment: ExperienceMoment | None,
    idea: Idea | None,
    recovery_case: RecoveryCase | None,
    project: ImprovementProject | None,
) -> None:
    for linked in (moment, idea, recovery_case, project):
        if linked is not None and linked.practice_id != practice.pk:
            raise ActionError(_("That record belongs to another practice."))


def create_action(
    *,
    practice: Practice,
    actor_user: User | None,
    title: str,
    owner: User,
    due_on: date,
    moment: ExperienceMoment | None = None,
    idea: Idea | None = None,
    recovery_case: RecoveryCase | None = None,
    project: ImprovementProject | None = None,
) -> Action:
    """Create an open action for ``owner`` due on ``due_on`` and audit it."""
    title = " ".join(title.split())
    if not title:
        raise ActionError(_("Say what will be done."))
    if len(title) > TITLE_MAX:
        raise ActionError(_("Keep what will be done under 200 characters."))
    if not _is_active_member(practice, owner):
        raise ActionError(_("The person responsible must be an active member of the team."))
    _check_links(practice, moment=moment, idea=idea, recovery_case=recovery_case, project=project)
    with transaction.atomic():
        action = Action.objects.create(
            practice=practice,
            title=title,
            owner=owner,
            due_on=due_on,
            moment=moment,
            idea=idea,
            recovery_case=recovery_case,
            project=project,
            created_by=actor_user,
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=action,
            actor_user=actor_user,
            summary="Action created",
            changes={"owner": owner.pk, "due_on": due_on.isoformat()},
        )
    return action


def _set_status(*, practice: Practice, actor_user: User | None, action: Action, to: str, summary: str) -> Action:
    if action.practice_id != practice.pk:
        raise ActionError(_("That record belongs to another practice."))
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk, practice=practice)
        if locked.status == to:
            return locked
        before = locked.status
        locked.status = to
        locked.done_at = timezone.now() if to == ActionStatus.DONE else None
        locked.save(update_fields=["status", "done_at"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary=summary,
            changes={"status": [before, to]},
        )
    return locked


def complete_action(*, practice: Practice, actor_user: User | None, action: Action) -> Action:
    """Mark the action done (now)."""
    return _set_status(
        practice=practice, actor_user=actor_user, action=action, to=ActionStatus.DONE, summary="Action done"
    )


def reopen_action(*, practice: Practice, actor_user: User | None, action: Action) -> Action:
    """Open a done or dropped action again."""
    return _set_status(
        practice=practice, actor_user=actor_user, action=action, to=ActionStatus.OPEN, summary="Action reopened"
    )


def drop_action(*, practice: Practice, actor_user: User | None, action: Action) -> Action:
    """The team decided not to do it after all."""
    return _set_status(
        practice=practice, actor_user=actor_user, action=action, to=ActionStatus.DROPPED, summary="Action dropped"
    )
