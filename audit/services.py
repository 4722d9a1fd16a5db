from django.db import models
from django.utils import timezone

from .context import current_origin
from .models import Action, AuditEntry


def record(
    *,
    practice,
    action: Action | str,
    target: models.Model | type[models.Model],
    actor_user=None,
    actor_patient=None,
    patient=None,
    summary: str = "",
    changes: dict | None = None,
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
