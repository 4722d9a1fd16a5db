"""Reads of the inbox area: the inbox, inbound texts (whose practice, whose patient) and a patient's
message history.

Every function takes the practice (and the patient where there is one); nothing here reads across
practices except ``settings_for_sms_number``, which is how an inbound text finds its practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Replace
from django.shortcuts import get_object_or_404

from patients.models import Patient
from practices.models import Practice
from scheduling.models import Appointment, AppointmentStatus

from ..keywords import normalise_phone, same_phone
from ..models import (
    Conversation,
    ConversationStatus,
    InboundAction,
    InboundMessage,
    Message,
    MessagingSettings,
)

# --- inbound texts: whose practice, whose patient --------------------------------------------------


def settings_for_sms_number(number: str) -> MessagingSettings | None:
    """The practice whose text-message number this is (numbers compared as digits)."""
    wanted = normalise_phone(number)
    if not wanted:
        return None
    exact = list(
        MessagingSettings.objects.select_related("practice").filter(
            sms_number__in={number, "+" + wanted, wanted, wanted[-10:]}
        )[:2]
    )
    if len(exact) == 1:
        return exact[0]
    # Numbers typed with spaces or dashes: few rows (one per practice with SMS), compared in Python.
    for row in MessagingSettings.objects.select_related("practice").exclude(sms_number="").iterator():
        if normalise_phone(row.sms_number) == wanted:
            return row
    return None


# --- patients by phone ----------------------------------------------------------------------------


def _digits_of(field: str) -> Combinable:
    expr: Combinable = F(field)
    for ch in ("(", ")", "-", " ", ".", "+", "/"):
        expr = Replace(expr, Value(ch), Value(""))
    return expr


def patients_with_phone(*, practice: Practice, phone: str, limit: int = 20) -> list[Patient]:
    """The practice's patients whose mobile number is this number (however it was typed)."""
    wanted = normalise_phone(phone)
    if len(wanted) < 7:
        return []
    candidates = (
        Patient.objects.filter(practice=practice)
        .exclude(phone="")
        .annotate(phone_digits=_digits_of("phone"))
        .filter(phone_digits__endswith=wanted[-10:])
        .select_related("practice")
        .order_by("pk")[: limit * 2]
    )
    found: list[Patient] = [p for p in candidates if same_phone(p.phone, wanted)]
    return found[:limit]


def number_opted_out(*, practice: Practice, phone: str) -> bool:
    """Whether this number's last keyword to the practice was an opt-out (STOP, not yet START)."""
    last = (
        InboundMessage.objects.filter(
            practice=practice, from_number=phone, action__in=[InboundAction.STOP, InboundAction.START]
        )
        .order_by("-received_at", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return last == InboundAction.STOP


def next_upcoming_appointment(*, practice: Practice, patient: Patient, after: datetime) -> Appointment | None:
    return (
        Appointment.objects.filter(
            practice=practice,
            patient=patient,
            status=AppointmentStatus.BOOKED,
            start__gt=after,
        )
        .order_by("start")
        .first()
    )


# --- the inbox ------------------------------------------------------------------------------------


def conversations(*, practice: Practice, status: str | None = None) -> QuerySet[Conversation]:
    """Open conversations first, then the rest; newest activity first within each."""
    qs = Conversation.objects.filter(practice=practice).select_related("patient")
    if status in ConversationStatus.values:
        qs = qs.filter(status=status)
    last_inbound = InboundMessage.objects.filter(conversation=OuterRef("pk")).order_by("-received_at", "-pk")
    return qs.annotate(
        open_rank=Case(When(status=ConversationStatus.OPEN, then=Value(0)), default=Value(1)),
        last_body=Subquery(last_inbound.values("body")[:1]),
        last_action=Subquery(last_inbound.values("action")[:1]),
    ).order_by("open_rank", "-last_message_at", "-pk")


def open_conversation_count(*, practice: Practice) -> int:
    return Conversation.objects.filter(practice=practice, status=ConversationStatus.OPEN).count()


def conversation_or_404(*, practice: Practice, pk: int) -> Conversation:
    return get_object_or_404(Conversation.objects.select_related("patient"), practice=practice, pk=pk)


@dataclass(frozen=True)
class ThreadItem:
    at: datetime
    direction: str  # "in" or "out"
    item: object


def thread(*, conversation: Conversation) -> list[ThreadItem]:
    """Inbound and outbound messages of the conversation, oldest first."""
    inbound = InboundMessage.objects.filter(practice_id=conversation.practice_id, conversation=conversation)
    outbound = Message.objects.filter(practice_id=conversation.practice_id, conversation=conversation)
    items = [ThreadItem(m.received_at, "in", m) for m in inbound] + [
        ThreadItem(m.created_at, "out", m) for m in outbound
    ]
    return sorted(items, key=lambda t: (t.at, t.direction == "out"))


# --- a patient's message history ------------------------------------------------------------------


def history_page_rows(*, practice: Practice, patient: Patient, offset: int, limit: int) -> list[tuple[str, int]]:
    """[("out" | "in", id)] newest first: the patient's outbound and inbound messages in one order."""
    outbound = (
        Message.objects.filter(practice=practice, patient=patient)
        .annotate(at=F("created_at"), direction=Value("out"))
        .values_list("direction", "pk", "at")
        .order_by()
    )
    inbound = (
        InboundMessage.objects.filter(practice=practice, patient=patient)
        .annotate(at=F("received_at"), direction=Value("in"))
        .values_list("direction", "pk", "at")
        .order_by()
    )
    rows = outbound.union(inbound, all=True).order_by("-at", "-pk")[offset : offset + limit]
    return [(direction, pk) for direction, pk, _at in rows]


def history_count(*, practice: Practice, patient: Patient) -> int:
    return (
        Message.objects.filter(practice=practice, patient=patient).count()
        + InboundMessage.objects.filter(practice=practice, patient=patient).count()
    )


def history_items(*, practice: Practice, patient: Patient, rows: list[tuple[str, int]]) -> list[ThreadItem]:
    out_ids = [pk for d, pk in rows if d == "out"]
    in_ids = [pk for d, pk in rows if d == "in"]
    outbound = {m.pk: m for m in Message.objects.filter(practice=practice, patient=patient, pk__in=out_ids)}
    inbound = {m.pk: m for m in InboundMessage.objects.filter(practice=practice, patient=patient, pk__in=in_ids)}
    items = []
    for direction, pk in rows:
        if direction == "out" and pk in outbound:
            items.append(ThreadItem(outbound[pk].created_at, "out", outbound[pk]))
        elif direction == "in" and pk in inbound:
            items.append(ThreadItem(inbound[pk].received_at, "in", inbound[pk]))
    return items
