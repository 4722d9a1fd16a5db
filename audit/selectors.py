from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEntry

if TYPE_CHECKING:  # audit sits below practices: a name for the type checker only
    from practices.models import Practice


def audit_entries_for_practice(
    *,
    practice: Practice,
    actor: str = "",
    action: str = "",
    patient_id: int | None = None,
    object_type: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(practice=practice).select_related("patient", "actor_user")
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if action:
        entries = entries.filter(action=action)
    if patient_id:
        entries = entries.filter(patient_id=patient_id)
    if object_type:
        entries = entries.filter(object_type=object_type)
    tz = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        entries = entries.filter(at__lte=datetime.combine(until, time.max, tzinfo=tz))
    return entries
