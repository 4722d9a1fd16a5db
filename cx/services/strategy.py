"""Writes for the strategy: goals, their intended experiences and measures, quarterly reviews; each audited.

Every refusal is a ``StrategyRefused`` with a message for the page (and the field it is about), and
changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from journey.catalogue import BY_CODE
from practices.models import Membership, Practice

from .. import project_measures as pm
from ..models import Goal, GoalMeasure, GoalStatus, IntendedExperience, StrategyReview
from ..selectors import projects as project_selectors
from ..selectors.strategy import quarter_start
from . import Refused

TITLE_MAX = 200
SENTENCE_MAX = 300
MAX_YEARS_AHEAD = 5  # a target date up to five years ahead
MAX_YEARS_BACK = 1  # and up to a year back (a goal recorded late)
MAX_MINUTES = 24 * 60


class StrategyRefused(Refused):
    pass


@dataclass(frozen=True)
class GoalFields:
    title: str
    why: str = ""
    owner: User | None = None
    status: str = GoalStatus.ACTIVE


def _today(practice: Practice) -> date:
    return practice.local_date(timezone.now())


def _mine(practice: Practice, record: Goal | IntendedExperience | None) -> None:
    if record is not None and record.practice_id != practice.pk:
        if isinstance(record, Goal):
            raise StrategyRefused(_("That goal is not one of this practice's."))
        raise StrategyRefused(_("That experience is not one of this practice's."))


def _checked_goal(practice: Practice, fields: GoalFields) -> GoalFields:
    title = fields.title.strip()
    if not title:
        raise StrategyRefused(_("Write the goal."), field="title")
    if len(title) > TITLE_MAX:
        raise StrategyRefused(_("Keep the goal under %(n)s characters.") % {"n": TITLE_MAX}, field="title")
    if fields.status not in GoalStatus.values:
        raise StrategyRefused(_("Choose a status from the list."), field="status")
    if fields.owner is not None and not Membership.objects.filter(practice=practice, user=fields.owner).exists():
        raise StrategyRefused(_("The owner must be a member of the team."), field="owner")
    return GoalFields(title=title, why=fields.why.strip(), owner=fields.owner, status=fields.status)


def _goal_state(goal: Goal) -> dict[str, str]:
    return {"title": goal.title, "why": goal.why, "owner": str(goal.owner_id or ""), "status": goal.status}


def create_goal(*, practice: Practice, actor_user: User | None, fields: GoalFields) -> Goal:
    clean = _checked_goal(practice, fields)
    with transaction.atomic():
        last = Goal.objects.filter(practice=practice).order_by("-position").values_list("position", flat=True).first()
        goal = Goal.objects.create(
            practice=practice,
            title=clean.title,
            why=clean.why,
            owner=clean.owner,
            status=clean.status,
            position=min((last or 0) + 1, 32767),
            created_by=actor_user,
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=goal,
            actor_user=actor_user,
            summary="strategy goal",
            changes={name: {"from": None, "to": value} for name, value in _goal_state(goal).items()},
        )
    return goal


def update_goal(*, practice: Practice, actor_user: User | None, goal: Goal, fields: GoalFields) -> Goal:
    _mine(practice, goal)
    clean = _checked_goal(practice, fields)
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=goal.pk, practice=practice)
        before = _goal_state(locked)
        locked.title, locked.why, locked.owner, locked.status = clean.title, clean.why, clean.owner, clean.status
        locked.save(update_fields=["title", "why", "owner", "status"])
        after = _goal_state(locked)
        changed = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
        if changed:
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=locked,
                actor_user=actor_user,
                summary="strategy goal",
                changes=changed,
            )
    return locked


def add_experience(
    *, practice: Practice, actor_user: User | None, goal: Goal, touchpoint: str, sentence: str
) -> IntendedExperience:
    """The experience the goal intends at one touch point, in a sentence."""
    _mine(practice, goal)
    if touchpoint not in BY_CODE:
        raise StrategyRefused(_("Choose a touch point from the list."), field="touchpoint")
    sentence = " ".join(sentence.split())
    if not sentence:
        raise StrategyRefused(_("Write the experience a patient should have, in a sentence."), field="sentence")
    if len(sentence) > SENTENCE_MAX:
        raise StrategyRefused(_("Keep the sentence under %(n)s characters.") % {"n": SENTENCE_MAX}, field="sentence")
    with transaction.atomic():
        experience = IntendedExperience.objects.create(
            practice=practice, goal=goal, touchpoint=touchpoint, sentence=sentence
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=experience,
            actor_user=actor_user,
            summary="intended experience",
            changes={"goal": {"from": None, "to": str(goal.pk)}, "touchpoint": {"from": None, "to": touchpoint}},
        )
    return experience


def target_range(measure: pm.Measure) -> tuple[float, float]:
    """The values a target may take, in the measure's unit."""
    if measure.kind == pm.PROPORTION:
        return 0.0, 100.0
    if measure.kind == pm.NPS:
        return -100.0, 100.0
    return 0.0, float(MAX_MINUTES)


def add_measure(
    *,
    practice: Practice,
    actor_user: User | None,
    goal: Goal,
    measure: str,
    target: float,
    target_on: date,
    experience: IntendedExperience | None = None,
    today: date | None = None,
) -> GoalMeasure:
    """A measure from the catalogue with its target and date, optionally under one of the goal's experiences."""
    _mine(practice, goal)
    _mine(practice, experience)
    if experience is not None and experience.goal_id != goal.pk:
        raise StrategyRefused(_("Choose one of this goal's experiences."), field="experience")
    found = pm.find(measure, set(project_selectors.question_codes(practice=practice)))
    if found is None:
        raise StrategyRefused(_("Choose a measure from the list."), field="measure")
    low, high = target_range(found)
    if not math.isfinite(target) or not low <= target <= high:
        raise StrategyRefused(
            _("The target must be between %(low)s and %(high)s.") % {"low": round(low), "high": round(high)},
            field="target",
        )
    today = today or _today(practice)
    if target_on > today + timedelta(days=round(365.25 * MAX_YEARS_AHEAD)):
        raise StrategyRefused(
            _("Choose a date less than %(n)s years ahead.") % {"n": MAX_YEARS_AHEAD}, field="target_on"
        )
    if target_on < today - timedelta(days=365 * MAX_YEARS_BACK):
        raise StrategyRefused(_("Choose a date less than a year ago."), field="target_on")
    with transaction.atomic():
        goal_measure = GoalMeasure.objects.create(
            practice=practice, goal=goal, experience=experience, measure=found.code, target=target, target_on=target_on
        )
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=goal_measure,
            actor_user=actor_user,
            summary="goal measure",
            changes={
                "goal": {"from": None, "to": str(goal.pk)},
                "measure": {"from": None, "to": found.code},
                "target": {"from": None, "to": str(target)},
                "target_on": {"from": None, "to": target_on.isoformat()},
            },
        )
    return goal_measure


def record_review(
    *,
    practice: Practice,
    actor_user: User | None,
    quarter: date,
    what_moved: str,
    what_will_change: str,
    today: date | None = None,
) -> StrategyReview:
    """The review of one calendar quarter (any day of it): one per quarter, not for a quarter not yet begun."""
    today = today or _today(practice)
    first = quarter_start(quarter)
    if first > today:
        raise StrategyRefused(_("That quarter has not begun yet."), field="quarter")
    if first < quarter_start(today) - timedelta(days=366 * 3):
        raise StrategyRefused(_("Choose a quarter of the last three years."), field="quarter")
    moved, change = what_moved.strip(), what_will_change.strip()
    if not moved:
        raise StrategyRefused(_("Say what moved this quarter."), field="what_moved")
    if not change:
        raise StrategyRefused(_("Say what will change."), field="what_will_change")
    if StrategyReview.objects.filter(practice=practice, quarter_start=first).exists():
        raise StrategyRefused(_("That quarter has been reviewed already."), field="quarter")
    try:
        with transaction.atomic():
            review = StrategyReview.objects.create(
                practice=practice,
                quarter_start=first,
                what_moved=moved,
                what_will_change=change,
                recorded_by=actor_user,
            )
            audit.record(
                practice=practice,
                action=AuditAction.CREATE,
                target=review,
                actor_user=actor_user,
                summary="strategy review",
                changes={"quarter_start": {"from": None, "to": first.isoformat()}},
            )
    except IntegrityError:  # recorded by someone else meanwhile
        raise StrategyRefused(_("That quarter has been reviewed already."), field="quarter") from None
    return review
