"""Writes for the flow board's set-up: thresholds and check-in hours, the arrival code, intake
questions and practice policies. Each write is one transaction with its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from accounts.models import User
from audit import services as audit
from audit.models import Action
from practices.models import Practice

from ..models import FlowSettings, IntakeQuestion, PracticePolicy, _arrival_key

POLICY_WORDING = ("title_en", "title_es", "body_en", "body_es")


def flow_settings(practice: Practice) -> FlowSettings:
    """The practice's flow settings, created with the defaults the first time they are needed."""
    settings, _created = FlowSettings.objects.get_or_create(practice=practice)
    return settings


def _apply(instance: models.Model, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set ``values`` on ``instance``; return the changes as {field: {"from", "to"}}."""
    changes = {}
    for name, value in values.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = {"from": before, "to": value}
            setattr(instance, name, value)
    return changes


def update_flow_settings(*, practice: Practice, actor_user: User | None, **values: Any) -> FlowSettings:
    with transaction.atomic():
        settings = FlowSettings.objects.select_for_update().get(pk=flow_settings(practice).pk)
        changes = _apply(settings, values)
        if changes:
            settings.save()
            audit.record(
                practice=practice,
                action=Action.UPDATE,
                target=settings,
                actor_user=actor_user,
                summary="flow board settings changed",
                changes=changes,
            )
    return settings


def rotate_arrival_key(*, practice: Practice, actor_user: User | None) -> FlowSettings:
    """A new secret for the kiosk and QR-code address: the old printed code stops working."""
    with transaction.atomic():
        settings = FlowSettings.objects.select_for_update().get(pk=flow_settings(practice).pk)
        settings.arrival_key = _arrival_key()
        settings.save(update_fields=["arrival_key", "updated_at"])
        # The key itself is a secret: the entry says that it changed, not what it is.
        audit.record(
            practice=practice,
            action=Action.UPDATE,
            target=settings,
            actor_user=actor_user,
            summary="arrival code replaced",
        )
    return settings


def create_intake_question(*, practice: Practice, actor_user: User | None, **values: Any) -> IntakeQuestion:
    with transaction.atomic():
        question = IntakeQuestion.objects.create(practice=practice, **values)
        audit.record(
            practice=practice, action=Action.CREATE, target=question, actor_user=actor_user, summary="intake question"
        )
    return question


def update_intake_question(*, question: IntakeQuestion, actor_user: User | None, **values: Any) -> IntakeQuestion:
    with transaction.atomic():
        changes = _apply(question, values)
        if changes:
            question.save()
            audit.record(
                practice=question.practice,
                action=Action.UPDATE,
                target=question,
                actor_user=actor_user,
                summary="intake question",
                changes=changes,
            )
    return question


def create_policy(*, practice: Practice, actor_user: User | None, **values: Any) -> PracticePolicy:
    with transaction.atomic():
        policy = PracticePolicy.objects.create(practice=practice, **values)
        audit.record(practice=practice, action=Action.CREATE, target=policy, actor_user=actor_user, summary="policy")
    return policy


def update_policy(*, policy: PracticePolicy, actor_user: User | None, **values: Any) -> PracticePolicy:
    """New wording is a new version (acknowledgements name the version the patient saw)."""
    with transaction.atomic():
        policy = PracticePolicy.objects.select_for_update().get(pk=policy.pk)
        changes = _apply(policy, values)
        if any(name in changes for name in POLICY_WORDING):
            changes["version"] = {"from": policy.version, "to": policy.version + 1}
            policy.version += 1
        if changes:
            policy.save()
            audit.record(
                practice=policy.practice,
                action=Action.UPDATE,
                target=policy,
                actor_user=actor_user,
                summary=f"policy, version {policy.version}",
                changes=changes,
            )
    return policy
