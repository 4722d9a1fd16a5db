"""Writes for improvement projects: create, change and finish one, each audited.

Every refusal is a ``ProjectRefused`` with a message for the page (and the field it is about), and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from journey.catalogue import BY_CODE
from practices.models import Membership, Practice

from .. import project_measures as pm
from ..models import Idea, IdeaStatus, ImprovementProject, ProjectStatus
from ..selectors import projects as project_selectors
from . import Refused

MAX_DAYS_AHEAD = 366  # a project may be planned up to a year ahead
MAX_YEARS_BACK = 10  # and recorded up to ten years back (older data is not in Touchpoints)
TITLE_MAX = 120


class ProjectRefused(Refused):
    pass


@dataclass(frozen=True)
class ProjectFields:
    title: str
    change: str
    touchpoints: Sequence[str]
    went_live_on: date
    primary_measure: str
    secondary_measures: Sequence[str] = ()
    window_weeks: int = 12
    owner: User | None = None


def _checked(*, practice: Practice, fields: ProjectFields, today: date, keep: Iterable[str] = ()) -> ProjectFields:
    """The fields cleaned, or ProjectRefused. ``keep``: measure codes the project already has, allowed
    even if the practice no longer asks that question."""
    title = fields.title.strip()
    if not title:
        raise ProjectRefused(_("Give the project a name."), field="title")
    if len(title) > TITLE_MAX:
        raise ProjectRefused(_("Keep the name under %(n)s characters.") % {"n": TITLE_MAX}, field="title")
    change = fields.change.strip()
    if not change:
        raise ProjectRefused(_("Say what changes."), field="change")
    touchpoints = list(dict.fromkeys(fields.touchpoints))
    if not touchpoints:
        raise ProjectRefused(_("Choose at least one touch point."), field="touchpoints")
    unknown = [code for code in touchpoints if code not in BY_CODE]
    if unknown:
        raise ProjectRefused(_("Unknown touch point: %(code)s.") % {"code": unknown[0]}, field="touchpoints")
    if fields.went_live_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ProjectRefused(_("The change cannot go live more than a year from today."), field="went_live_on")
    if fields.went_live_on < today - timedelta(days=round(365.25 * MAX_YEARS_BACK)):
        raise ProjectRefused(
            _("The change cannot have gone live more than %(n)s years ago.") % {"n": MAX_YEARS_BACK},
            field="went_live_on",
        )
    if not 2 <= fields.window_weeks <= 52:
        raise ProjectRefused(_("Compare between 2 and 52 weeks on each side."), field="window_weeks")
    codes = set(project_selectors.question_codes(practice=practice))
    allowed = set(keep)

    def known(code: str) -> bool:
        return pm.find(code, codes) is not None or (code in allowed and pm.parse(code) is not None)

    if not known(fields.primary_measure):
        raise ProjectRefused(_("Choose a primary measure from the list."), field="primary_measure")
    secondary = [code for code in dict.fromkeys(fields.secondary_measures) if code != fields.primary_measure]
    if any(not known(code) for code in secondary):
        raise ProjectRefused(_("Choose secondary measures from the list."), field="secondary_measures")
    if len(secondary) > pm.MAX_SECONDARY:
        raise ProjectRefused(
            _("Choose at most %(n)s secondary measures.") % {"n": pm.MAX_SECONDARY}, field="secondary_measures"
        )
    if fields.owner is not None and not Membership.objects.filter(practice=practice, user=fields.owner).exists():
        raise ProjectRefused(_("The owner must be a member of the team."), field="owner")
    return ProjectFields(
        title=title,
        change=change,
        touchpoints=touchpoints,
        went_live_on=fields.went_live_on,
        primary_measure=fields.primary_measure,
        secondary_measures=secondary,
        window_weeks=fields.window_weeks,
        owner=fields.owner,
    )


def _status(went_live_on: date, today: date) -> str:
    return ProjectStatus.PLANNED if went_live_on > today else ProjectStatus.LIVE


def _state(project: ImprovementProject) -> dict[str, str]:
    return {
        "title": project.title,
        "change": project.change,
        "touchpoints": ", ".join(project.touchpoints),
        "went_live_on": project.went_live_on.isoformat(),
        "window_weeks": str(project.window_weeks),
        "primary_measure": project.primary_measure,
        "secondary_measures": ", ".join(project.secondary_measures),
        "owner": str(project.owner_id or ""),
        "status": project.status,
    }


def _apply(project: ImprovementProject, fields: ProjectFields) -> None:
    project.title = fields.title
    project.change = fields.change
    project.touchpoints = list(fields.touchpoints)
    project.went_live_on = fields.went_live_on
    project.window_weeks = fields.window_weeks
    project.primary_measure = fields.primary_measure
    project.secondary_measures = list(fields.secondary_measures)
    project.owner = fields.owner


def create_project(
    *,
    practice: Practice,
    actor_user: User | None,
    fields: ProjectFields,
    idea: Idea | None = None,
    today: date | None = None,
) -> ImprovementProject:
    """A new project (planned when it goes live after today); an idea it comes from is marked chosen."""
    today = today or practice.local_date(timezone.now())
    if idea is not None and idea.practice_id != practice.pk:
        raise ProjectRefused(_("That idea is not one of this practice's."))
    clean = _checked(practice=practice, fields=fields, today=today)
    with transaction.atomic():
        project = ImprovementProject(practice=practice, idea=idea, created_by=actor_user)
        _apply(project, clean)
        project.status = _status(clean.went_live_on, today)
        project.full_clean()
        project.save()
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=project,
            actor_user=actor_user,
            summary="improvement project",
            changes={name: {"from": None, "to": value} for name, value in _state(project).items()},
        )
        if idea is not None and idea.status == IdeaStatus.NEW:
            idea.status = IdeaStatus.CHOSEN
            idea.save(update_fields=["status"])
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=idea,
                actor_user=actor_user,
                summary="idea chosen for an improvement project",
                changes={"status": {"from": IdeaStatus.NEW, "to": IdeaStatus.CHOSEN}},
            )
    return project


def update_project(
    *,
    practice: Practice,
    actor_user: User | None,
    project: ImprovementProject,
    fields: ProjectFields,
    today: date | None = None,
) -> ImprovementProject:
    """Change a project; its status follows the go-live date unless it is finished."""
    if project.practice_id != practice.pk:
        raise ProjectRefused(_("That project is not one of this practice's."))
    today = today or practice.local_date(timezone.now())
    keep = [project.primary_measure, *project.secondary_measures]
    clean = _checked(practice=practice, fields=fields, today=today, keep=keep)
    with transaction.atomic():
        locked = ImprovementProject.objects.select_for_update().get(pk=project.pk, practice=practice)
        before = _state(locked)
        _apply(locked, clean)
        if locked.status != ProjectStatus.FINISHED:
            locked.status = _status(clean.went_live_on, today)
        locked.full_clean()
        locked.save()
        after = _state(locked)
        changed = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
        if changed:
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=locked,
                actor_user=actor_user,
                summary="improvement project",
                changes=changed,
            )
    return locked


def finish_project(
    *, practice: Practice, actor_user: User | None, project: ImprovementProject, today: date | None = None
) -> ImprovementProject:
    """Mark the project finished (its results stay). A project that has not gone live cannot finish."""
    if project.practice_id != practice.pk:
        raise ProjectRefused(_("That project is not one of this practice's."))
    today = today or practice.local_date(timezone.now())
    with transaction.atomic():
        locked = ImprovementProject.objects.select_for_update().get(pk=project.pk, practice=practice)
        if locked.status == ProjectStatus.FINISHED:
            return locked
        if locked.went_live_on > today:
            raise ProjectRefused(_("The change has not gone live yet, so the project cannot be finished."))
        before = locked.status
        locked.status = ProjectStatus.FINISHED
        locked.save(update_fields=["status"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="improvement project finished",
            changes={"status": {"from": before, "to": ProjectStatus.FINISHED}},
        )
    return locked


def reopen_project(
    *, practice: Practice, actor_user: User | None, project: ImprovementProject, today: date | None = None
) -> ImprovementProject:
    """Measure a finished project again (live, or planned when its date is ahead)."""
    if project.practice_id != practice.pk:
        raise ProjectRefused(_("That project is not one of this practice's."))
    today = today or practice.local_date(timezone.now())
    with transaction.atomic():
        locked = ImprovementProject.objects.select_for_update().get(pk=project.pk, practice=practice)
        if locked.status != ProjectStatus.FINISHED:
            return locked
        locked.status = _status(locked.went_live_on, today)
        locked.save(update_fields=["status"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="improvement project reopened",
            changes={"status": {"from": ProjectStatus.FINISHED, "to": locked.status}},
        )
    return locked
