"""Saving the practice's experience-toolkit settings."""

from django.db import transaction

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from practices.models import Practice

from ..models import CxSettings

SETTINGS_FIELDS = ("meeting_weekday", "meeting_time", "patient_shown", "team_email", "candidate_retention_days")


def save_settings(*, practice: Practice, actor_user: User | None = None, **fields: object) -> CxSettings:
    """Change the practice's settings (the row is created on the first save)."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown experience toolkit settings: {sorted(unknown)}")
    with transaction.atomic():
        found = CxSettings.objects.select_for_update().filter(practice=practice).first()
        created = found is None
        row = found if found is not None else CxSettings(practice=practice)
        before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        audit.record(
            practice=practice,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target=row,
            actor_user=actor_user,
            summary="experience toolkit settings",
            changes={
                name: {"from": str(before[name]), "to": str(getattr(row, name))}
                for name in SETTINGS_FIELDS
                if created or before[name] != getattr(row, name)
            },
        )
    return row
