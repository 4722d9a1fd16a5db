"""Reads of the reminders area, each scoped by practice (and by appointment for the answer link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from practices.models import Practice
from scheduling.models import Appointment, VisitType

from ..defaults import DEFAULTS
from ..models import (
    AppointmentResponse,
    Channel,
    Message,
    MessageKind,
    MessageTemplate,
    MessagingSettings,
    ReminderPlan,
    ReminderStep,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development requirement: for the type checker only

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def messaging_settings(practice: Practice) -> MessagingSettings:
    """The practice's settings row, or an unsaved one with the defaults when it has none (all areas use it)."""
    return MessagingSettings.objects.filter(practice=practice).first() or MessagingSettings(practice=practice)


@dataclass
class TemplateEntry:
    kind: str
    kind_label: StrOrPromise
    channel: str
    channel_label: StrOrPromise
    language: str
    subject: str
    body: str
    is_custom: bool
    updated_at: datetime | None


def _kind_order() -> dict[str, int]:
    return {value: i for i, value in enumerate(MessageKind.values)}


def template_keys() -> list[tuple[str, str, str]]:
    """Every (kind, channel, language) the product sends, in a stable order."""
    order = _kind_order()
    return sorted(DEFAULTS, key=lambda k: (order.get(k[0], 99), k[1], k[2]))


def is_template_key(kind: str, channel: str, language: str) -> bool:
    return (kind, channel, language) in DEFAULTS


def template_entries(practice: Practice) -> list[TemplateEntry]:
    own = {(t.kind, t.channel, t.language): t for t in MessageTemplate.objects.filter(practice=practice)}
    entries = []
    for kind, channel, language in template_keys():
        row = own.get((kind, channel, language))
        subject, body = (row.subject, row.body) if row else DEFAULTS[(kind, channel, language)]
        entries.append(
            TemplateEntry(
                kind=kind,
                kind_label=MessageKind(kind).label,
                channel=channel,
                channel_label=Channel(channel).label,
                language=language,
                subject=subject,
                body=body,
                is_custom=row is not None,
                updated_at=row.updated_at if row else None,
            )
        )
    return entries


def template_entry_or_404(practice: Practice, kind: str, channel: str, language: str) -> TemplateEntry:
    if not is_template_key(kind, channel, language):
        raise Http404
    return next(e for e in template_entries(practice) if (e.kind, e.channel, e.language) == (kind, channel, language))


def _visit_type_name(plan: ReminderPlan) -> str:
    return plan.visit_type.name.lower() if plan.visit_type is not None else ""


def reminder_plans(practice: Practice) -> tuple[ReminderPlan | None, list[ReminderPlan]]:
    """(the default plan or None, the visit types' own plans), steps prefetched."""
    plans = list(
        ReminderPlan.objects.filter(practice=practice)
        .select_related("visit_type")
        .prefetch_related(Prefetch("steps", queryset=ReminderStep.objects.order_by("-minutes_before", "channel")))
    )
    default = next((p for p in plans if p.visit_type_id is None), None)
    own = sorted((p for p in plans if p.visit_type_id is not None), key=_visit_type_name)
    return default, own


def visit_types_without_plan(practice: Practice) -> list[VisitType]:
    return list(VisitType.objects.filter(practice=practice, reminder_plan__isnull=True).order_by("name"))


def plan_or_404(practice: Practice, pk: object) -> ReminderPlan:
    return get_object_or_404(ReminderPlan.objects.select_related("practice"), practice=practice, pk=pk)


def step_or_404(practice: Practice, pk: object) -> ReminderStep:
    return get_object_or_404(ReminderStep.objects.select_related("plan__practice"), plan__practice=practice, pk=pk)


def visit_type_or_404(practice: Practice, pk: object) -> VisitType:
    return get_object_or_404(VisitType, practice=practice, pk=pk)


def latest_response(appointment: Appointment) -> AppointmentResponse | None:
    """The patient's latest answer to a reminder, if any (uses a prefetched ``responses`` when present)."""
    cache = getattr(appointment, "_prefetched_objects_cache", {})
    if "responses" in cache:
        responses = list(cache["responses"])
        return responses[-1] if responses else None
    return AppointmentResponse.objects.filter(appointment=appointment).order_by("at", "pk").last()


def reminder_overview(practice: Practice, *, start: datetime, days: int = 7, limit: int = 300) -> list[Appointment]:
    """Appointments from ``start`` on, with their reminders (``reminders``) and answers (``responses``)."""
    return list(
        Appointment.objects.filter(practice=practice, start__gte=start, start__lt=start + timedelta(days=days))
        .select_related("patient", "provider", "location")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.filter(kind=MessageKind.REMINDER).order_by("created_at", "pk"),
                to_attr="reminders",
            ),
            Prefetch("responses", queryset=AppointmentResponse.objects.order_by("at", "pk")),
        )
        .order_by("start")[:limit]
    )
