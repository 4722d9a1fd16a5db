"""Scoped reads for the inbox, inbound replies, running-late notices, recall and message history.

Every function takes the practice (and the patient where there is one); nothing here reads across
practices except ``settings_for_sms_number``, which is how an inbound text finds its practice.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Replace
from django.shortcuts import get_object_or_404

from patients.models import Patient
from practices.models import Provider
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus

from .keywords import normalise_phone, same_phone
from .models import (
    Conversation,
    ConversationStatus,
    InboundAction,
    InboundMessage,
    Message,
    MessagingSettings,
    Recall,
    RunningLate,
)

# --- practice settings ----------------------------------------------------------------------------


def settings_for_practice(practice) -> MessagingSettings:
    """The practice's settings row, or unsaved defaults when it has none."""
    found = MessagingSettings.objects.filter(practice=practice).first()
    return found or MessagingSettings(practice=practice)


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


def _digits_of(field: str):
    expr = F(field)
    for ch in ("(", ")", "-", " ", ".", "+", "/"):
        expr = Replace(expr, Value(ch), Value(""))
    return expr


def patients_with_phone(*, practice, phone: str, limit: int = 20) -> list[Patient]:
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
    return [p for p in candidates if same_phone(p.phone, wanted)][:limit]


def number_opted_out(*, practice, phone: str) -> bool:
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


def next_upcoming_appointment(*, practice, patient, after: datetime) -> Appointment | None:
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


def conversations(*, practice, status: str | None = None) -> QuerySet[Conversation]:
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


def open_conversation_count(*, practice) -> int:
    return Conversation.objects.filter(practice=practice, status=ConversationStatus.OPEN).count()


def conversation_or_404(*, practice, pk: int) -> Conversation:
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


# --- running late ---------------------------------------------------------------------------------


def providers_for_running_late(*, practice) -> QuerySet[Provider]:
    return Provider.objects.filter(practice=practice, is_active=True).order_by("last_name", "first_name")


def running_late_today(*, practice, day: date) -> QuerySet[RunningLate]:
    return RunningLate.objects.filter(practice=practice, day=day).select_related("provider", "marked_by")


def later_booked_appointments(*, practice, provider, after: datetime, before: datetime) -> QuerySet[Appointment]:
    """The provider's booked appointments starting after ``after`` and before ``before``."""
    return (
        Appointment.objects.filter(
            practice=practice,
            provider=provider,
            status=AppointmentStatus.BOOKED,
            start__gt=after,
            start__lt=before,
        )
        .select_related("patient", "practice")
        .order_by("start")
    )


# --- recall and reactivation ----------------------------------------------------------------------


def _future_active(now: datetime):
    return Appointment.objects.filter(patient=OuterRef("patient"), status__in=ACTIVE_STATUSES, start__gt=now)


def recalls(*, practice) -> QuerySet[Recall]:
    return Recall.objects.filter(practice=practice).select_related("patient").order_by("due_on", "pk")


def recall_for_patient(*, practice, patient) -> Recall | None:
    return Recall.objects.filter(practice=practice, patient=patient).first()


def due_recalls(*, practice, today: date, now: datetime, max_messages: int, not_since: datetime) -> QuerySet[Recall]:
    """Recalls due by ``today`` whose patient has no visit booked ahead and may get another message."""
    return (
        Recall.objects.filter(practice=practice, due_on__lte=today, messages_sent__lt=max_messages)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=not_since))
        .exclude(Exists(_future_active(now)))
        .select_related("patient", "practice")
        .order_by("due_on", "pk")
    )


def lapsed_patients(*, practice, cutoff: datetime, now: datetime) -> QuerySet[Patient]:
    """Patients with at least one completed visit, none since ``cutoff``, and nothing booked ahead."""
    future = Appointment.objects.filter(patient=OuterRef("pk"), status__in=ACTIVE_STATUSES, start__gt=now)
    return (
        Patient.objects.filter(practice=practice)
        .annotate(last_visit=Max("appointments__start", filter=Q(appointments__status=AppointmentStatus.FULFILLED)))
        .filter(last_visit__isnull=False, last_visit__lt=cutoff)
        .exclude(Exists(future))
        .order_by("last_visit", "pk")
    )


def is_lapsed(*, practice, patient, cutoff: datetime, now: datetime) -> bool:
    return lapsed_patients(practice=practice, cutoff=cutoff, now=now).filter(pk=patient.pk).exists()


def reactivations_sent(*, practice, patient_ids, dedupe_prefix_month: str) -> set[int]:
    """Which of these patients already got a reactivation message this month."""
    keys = {f"reactivation:{pk}:{dedupe_prefix_month}": pk for pk in patient_ids}
    found = Message.objects.filter(practice=practice, dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    return {keys[k] for k in found}


# --- a patient's message history ------------------------------------------------------------------


def history_page_rows(*, practice, patient, offset: int, limit: int) -> list[tuple[str, int]]:
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


def history_count(*, practice, patient) -> int:
    return (
        Message.objects.filter(practice=practice, patient=patient).count()
        + InboundMessage.objects.filter(practice=practice, patient=patient).count()
    )


def history_items(*, practice, patient, rows: list[tuple[str, int]]) -> list[ThreadItem]:
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
