"""Writes of the empathy maps area: patient groups, empathy maps (the team's expectations), ideas,
and an idea turned into an action.

Every write is one transaction with its audit entry. A request the practice cannot have (a name
already taken, ages the wrong way round, a second map for the same touch point and group, a record of
another practice) raises ``MapError`` with a translated message fit to show, and ``field`` naming
the form field it belongs to ("" for the whole form).

An idea becomes an improvement project on the projects area's page: the map links to
``cx:project_new`` with ``?idea=<pk>``, and that page creates the project with its ``idea`` set.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from journey.catalogue import BY_CODE
from practices.models import Practice

from ..models import Action, EmpathyMap, Feeling, Idea, IdeaStatus, PatientGroup
from . import actions as action_services

NAME_MAX = 80
AGE_MAX = 120
MAP_TEXT_MAX = 2000
IDEA_MAX = 300
EFFORT_WEEKS_MAX = Decimal("520")


class MapError(ValueError):
    """Refused: the message is translated and fit to show; ``field`` is the form field it is about."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _own(practice: Practice, *records: Model | None) -> None:
    for record in records:
        if record is not None and getattr(record, "practice_id", None) != practice.pk:
            raise MapError(_("That record belongs to another practice."))


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


# --- patient groups -------------------------------------------------------------------------------


def _clean_group(
    practice: Practice,
    *,
    name: str,
    visits: str,
    language: str,
    min_age: int | None,
    max_age: int | None,
    group: PatientGroup | None,
) -> dict[str, Any]:
    name = " ".join(name.split())
    if not name:
        raise MapError(_("Give the group a name."), field="name")
    if len(name) > NAME_MAX:
        raise MapError(_("Keep the name under 80 characters."), field="name")
    taken = PatientGroup.objects.filter(practice=practice, name__iexact=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise MapError(_("There is already a group called “%(name)s”.") % {"name": name}, field="name")
    if visits not in PatientGroup.Visits.values:
        raise MapError(_("Choose new, returning, or both."), field="visits")
    if language not in ("", "en", "es"):
        raise MapError(_("Choose English, Spanish or any language."), field="language")
    for field, age in (("min_age", min_age), ("max_age", max_age)):
        if age is not None and not 0 <= age <= AGE_MAX:
            raise MapError(_("Give an age from 0 to 120."), field=field)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise MapError(
            _("The youngest age (%(min)s) must not be above the oldest (%(max)s).") % {"min": min_age, "max": max_age},
            field="max_age",
        )
    return {"name": name, "visits": visits, "language": language, "min_age": min_age, "max_age": max_age}


def _group_values(group: PatientGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "visits": group.visits,
        "language": group.language,
        "min_age": group.min_age,
        "max_age": group.max_age,
    }


def create_group(
    *,
    practice: Practice,
    actor_user: User | None,
    name: str,
    visits: str = "",
    language: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
) -> PatientGroup:
    values = _clean_group(
        practice, name=name, visits=visits, language=language, min_age=min_age, max_age=max_age, group=None
    )
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: two people saving the same name at once
                group = PatientGroup.objects.create(practice=practice, **values)
        except IntegrityError:
            raise MapError(
                _("There is already a group called “%(name)s”.") % {"name": values["name"]}, field="name"
            ) from None
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=group,
            actor_user=actor_user,
            summary="Patient group created",
            changes=_changes({}, values),
        )
    return group


def update_group(
    *,
    practice: Practice,
    actor_user: User | None,
    group: PatientGroup,
    name: str,
    visits: str = "",
    language: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
) -> PatientGroup:
    _own(practice, group)
    values = _clean_group(
        practice, name=name, visits=visits, language=language, min_age=min_age, max_age=max_age, group=group
    )
    with transaction.atomic():
        locked = PatientGroup.objects.select_for_update().get(pk=group.pk, practice=practice)
        changes = _changes(_group_values(locked), values)
        if not changes:
            return locked
        for field, value in values.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(values))
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Patient group changed",
            changes=changes,
        )
    return locked


def delete_group(*, practice: Practice, actor_user: User | None, group: PatientGroup) -> None:
    """Delete a group no map uses (a map's group is what its "actual" side was read for)."""
    _own(practice, group)
    with transaction.atomic():
        locked = PatientGroup.objects.select_for_update().get(pk=group.pk, practice=practice)
        used = EmpathyMap.objects.filter(practice=practice, group=locked).count()
        if used:
            raise MapError(_group_in_use(used))
        audit.record(
            practice=practice,
            action=AuditAction.DELETE,
            target=locked,
            actor_user=actor_user,
            summary="Patient group deleted",
            changes={"name": [locked.name, None]},
        )
        locked.delete()


def _group_in_use(count: int) -> str:
    return ngettext(
        "%(count)s empathy map is for this group: delete the map first.",
        "%(count)s empathy maps are for this group: delete those maps first.",
        count,
    ) % {"count": count}


# --- empathy maps ---------------------------------------------------------------------------------

MAP_FIELDS = ("thinks", "feels", "says", "does", "expected_feeling")


def _clean_map(practice: Practice, *, touchpoint: str, group: PatientGroup | None, fields: dict[str, Any]) -> None:
    if touchpoint not in BY_CODE:
        raise MapError(_("Choose one of the touch points."), field="touchpoint")
    _own(practice, group)
    for name in ("thinks", "feels", "says", "does"):
        if len(fields[name]) > MAP_TEXT_MAX:
            raise MapError(_("Keep each part under 2,000 characters."), field=name)
    if fields["expected_feeling"] not in Feeling.values:
        raise MapError(_("Choose positive, mixed or negative."), field="expected_feeling")


def _map_taken(practice: Practice, touchpoint: str, group: PatientGroup | None, exclude: int | None) -> bool:
    rows = EmpathyMap.objects.filter(practice=practice, touchpoint=touchpoint, group=group)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.exists()


def _map_fields(thinks: str, feels: str, says: str, does: str, expected_feeling: str) -> dict[str, Any]:
    return {
        "thinks": thinks.strip(),
        "feels": feels.strip(),
        "says": says.strip(),
        "does": does.strip(),
        "expected_feeling": expected_feeling,
    }


def create_map(
    *,
    practice: Practice,
    actor_user: User | None,
    touchpoint: str,
    group: PatientGroup | None,
    thinks: str = "",
    feels: str = "",
    says: str = "",
    does: str = "",
    expected_feeling: str = Feeling.POSITIVE,
) -> EmpathyMap:
    """The team's map of one touch point for one group (None: every patient); one map per pair."""
    fields = _map_fields(thinks, feels, says, does, expected_feeling)
    _clean_map(practice, touchpoint=touchpoint, group=group, fields=fields)
    with transaction.atomic():
        if _map_taken(practice, touchpoint, group, exclude=None):
            raise MapError(_("There is already a map for this touch point and these patients."), field="touchpoint")
        try:
            with transaction.atomic():  # a savepoint: two people saving the same new map at once
                empathy_map = EmpathyMap.objects.create(
                    practice=practice, touchpoint=touchpoint, group=group, created_by=actor_user, **fields
                )
        except IntegrityError:
            raise MapError(
                _("There is already a map for this touch point and these patients."), field="touchpoint"
            ) from None
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=empathy_map,
            actor_user=actor_user,
            summary="Empathy map created",
            changes={"touchpoint": [None, touchpoint], "group": [None, group.pk if group else None]},
        )
    return empathy_map


def update_map(
    *,
    practice: Practice,
    actor_user: User | None,
    empathy_map: EmpathyMap,
    touchpoint: str,
    group: PatientGroup | None,
    thinks: str = "",
    feels: str = "",
    says: str = "",
    does: str = "",
    expected_feeling: str = Feeling.POSITIVE,
) -> EmpathyMap:
    _own(practice, empathy_map)
    fields = _map_fields(thinks, feels, says, does, expected_feeling)
    _clean_map(practice, touchpoint=touchpoint, group=group, fields=fields)
    with transaction.atomic():
        locked = EmpathyMap.objects.select_for_update().get(pk=empathy_map.pk, practice=practice)
        if _map_taken(practice, touchpoint, group, exclude=locked.pk):
            raise MapError(_("There is already a map for this touch point and these patients."), field="touchpoint")
        before = {name: getattr(locked, name) for name in MAP_FIELDS}
        before.update(touchpoint=locked.touchpoint, group=locked.group_id)
        after = {**fields, "touchpoint": touchpoint, "group": group.pk if group else None}
        changes = _changes(before, after)
        if not changes:
            return locked
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.touchpoint = touchpoint
        locked.group = group
        locked.save()
        # The team's words are kept out of the audit diff (only which parts changed).
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Empathy map changed",
            changes={
                name: ["…", "…"] if name in ("thinks", "feels", "says", "does") else value
                for name, value in changes.items()
            },
        )
    return locked


def delete_map(*, practice: Practice, actor_user: User | None, empathy_map: EmpathyMap) -> None:
    """Delete a map and its ideas (actions and projects made from them stay, without the link)."""
    _own(practice, empathy_map)
    with transaction.atomic():
        locked = EmpathyMap.objects.select_for_update().get(pk=empathy_map.pk, practice=practice)
        audit.record(
            practice=practice,
            action=AuditAction.DELETE,
            target=locked,
            actor_user=actor_user,
            summary="Empathy map deleted",
            changes={"touchpoint": [locked.touchpoint, None], "ideas": Idea.objects.filter(empathy_map=locked).count()},
        )
        locked.delete()


# --- ideas ----------------------------------------------------------------------------------------


def _clean_idea(*, text: str, impact: int, effort: int, confidence: int, effort_weeks: Decimal) -> dict[str, Any]:
    text = " ".join(text.split())
    if not text:
        raise MapError(_("Say what the idea is."), field="text")
    if len(text) > IDEA_MAX:
        raise MapError(_("Keep the idea under 300 characters."), field="text")
    if not 1 <= impact <= 5:
        raise MapError(_("Impact is 1 (a little) to 5 (a lot)."), field="impact")
    if not 1 <= effort <= 5:
        raise MapError(_("Effort is 1 (easy) to 5 (a lot of work)."), field="effort")
    if not 0 <= confidence <= 100:
        raise MapError(_("Confidence is a percentage from 0 to 100."), field="confidence")
    weeks = Decimal(effort_weeks)
    if not Decimal("0.1") <= weeks <= EFFORT_WEEKS_MAX:
        raise MapError(_("Effort in person-weeks is from 0.1 to 520."), field="effort_weeks")
    return {
        "text": text,
        "impact": impact,
        "effort": effort,
        "confidence": confidence,
        "effort_weeks": weeks.quantize(Decimal("0.1")),
    }


def add_idea(
    *,
    practice: Practice,
    actor_user: User | None,
    empathy_map: EmpathyMap,
    text: str,
    impact: int = 3,
    effort: int = 3,
    confidence: int = 80,
    effort_weeks: Decimal = Decimal(1),
) -> Idea:
    _own(practice, empathy_map)
    values = _clean_idea(text=text, impact=impact, effort=effort, confidence=confidence, effort_weeks=effort_weeks)
    with transaction.atomic():
        idea = Idea.objects.create(practice=practice, empathy_map=empathy_map, created_by=actor_user, **values)
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=idea,
            actor_user=actor_user,
            summary="Idea added to an empathy map",
            changes={name: [None, str(value)] for name, value in values.items() if name != "text"},
        )
    return idea


def update_idea(
    *,
    practice: Practice,
    actor_user: User | None,
    idea: Idea,
    text: str,
    impact: int,
    effort: int,
    confidence: int,
    effort_weeks: Decimal,
) -> Idea:
    _own(practice, idea)
    values = _clean_idea(text=text, impact=impact, effort=effort, confidence=confidence, effort_weeks=effort_weeks)
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk, practice=practice)
        changes = _changes({name: getattr(locked, name) for name in values}, values)
        if not changes:
            return locked
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Idea changed",
            changes={name: [str(old), str(new)] for name, (old, new) in changes.items()},
        )
    return locked


def _set_idea_status(*, practice: Practice, actor_user: User | None, idea: Idea, to: str, summary: str) -> Idea:
    _own(practice, idea)
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk, practice=practice)
        if locked.status == to:
            return locked
        before = locked.status
        locked.status = to
        locked.save(update_fields=["status"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary=summary,
            changes={"status": [before, to]},
        )
    return locked


def choose_idea(*, practice: Practice, actor_user: User | None, idea: Idea) -> Idea:
    """The team picks the idea (it then becomes an action or a project)."""
    return _set_idea_status(
        practice=practice, actor_user=actor_user, idea=idea, to=IdeaStatus.CHOSEN, summary="Idea chosen"
    )


def drop_idea(*, practice: Practice, actor_user: User | None, idea: Idea) -> Idea:
    return _set_idea_status(
        practice=practice, actor_user=actor_user, idea=idea, to=IdeaStatus.DROPPED, summary="Idea dropped"
    )


def reconsider_idea(*, practice: Practice, actor_user: User | None, idea: Idea) -> Idea:
    """A chosen or dropped idea goes back to the list of new ones."""
    return _set_idea_status(
        practice=practice, actor_user=actor_user, idea=idea, to=IdeaStatus.NEW, summary="Idea reconsidered"
    )


def idea_to_action(
    *,
    practice: Practice,
    actor_user: User | None,
    idea: Idea,
    owner: User,
    due_on: date,
    title: str = "",
) -> Action:
    """An action with an owner and a due date from the idea (its text unless ``title`` says otherwise);
    the idea is marked chosen in the same transaction."""
    _own(practice, idea)
    with transaction.atomic():
        action = action_services.create_action(
            practice=practice,
            actor_user=actor_user,
            title=title.strip() or idea.text,
            owner=owner,
            due_on=due_on,
            idea=idea,
        )
        choose_idea(practice=practice, actor_user=actor_user, idea=idea)
    return action
