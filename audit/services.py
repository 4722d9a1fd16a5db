"""Appending audit entries. Every app writes them, so audit sits below practices and patients: its
foreign keys name them by string (``audit/models.py``), and the annotations import them for the type
checker only (import-linter leaves type-checking imports out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from accounts.models import User

from .context import current_origin
from .models import Action, AuditEntry

if TYPE_CHECKING:
    from patients.models import Patient
    from practices.models import Practice


def record(
    *,
    practice: Practice,
    action: Action | str,
    target: models.Model | type[models.Model],
    actor_user: User | None = None,
    actor_patient: Patient | None = None,
    patient: Patient | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. Call inside the same transaction as the write it describes.

    ``target`` is the record touched, or its model class for a list of records.
    """
    origin = current_origin.get()
    if actor_user is not None:
        actor_label = str(actor_user.email)
    elif actor_patient is not None:
        actor_label = f"patient #{actor_patient.pk}"
    else:
        actor_label = "system"
    return AuditEntry.objects.create(
        practice=practice,
        at=timezone.now(),
        actor_user=actor_user,
        actor_patient=actor_patient,
        actor_label=actor_label,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk or "") if isinstance(target, models.Model) else "",
        patient=patient,
        summary=summary[:200],
        changes=changes or {},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        path=origin.path,
    )
