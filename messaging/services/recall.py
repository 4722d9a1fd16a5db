"""After the visit: recall (when a patient is due back), reactivation of lapsed patients, and the
thank-you message.

Recall
------
A ``Recall`` row says when a patient is due back. Staff set it (``set_recall``, with the interval
they chose: only the interval is kept, never why), or a fulfilled visit of a visit type with a
``recall_interval_months`` sets it (``set_recall_after_visit``; a staff-chosen interval wins over the
visit type's, and a due date only ever moves forward). ``refresh_recalls_from_visits`` does the same
for existing data from each patient's latest such visit.

``send_due_recalls(now)`` (daily) messages each patient who is due (``due_on`` on or before the
practice's today), has no visit booked ahead, has had fewer than
``MessagingSettings.recall_max_messages`` recall messages for this due date, and none in the last
``recall_days_between`` days. Each message is keyed ``recall:<patient>:<due date>:<n>`` and the
count is raised in the same transaction, under the recall row's lock: running it twice, or in two
workers at once, sends nothing twice. (The due date is in the key so that a new recall cycle, after
the next visit, starts again at 1 without colliding with the last cycle's keys.) Patients with no
channel they agreed to are not messaged and not counted.

Reactivation
------------
Lapsed patients: at least one completed visit, none in the last 18 months, nothing booked ahead.
Staff send them one message at a time from the reactivation list, at most one per patient per month
(``reactivation:<patient>:<YYYY-MM>``).

Thank you
---------
``queue_thank_you(appointment=...)`` once per fulfilled visit (``thanks:<appointment>``), and
``queue_thank_yous(now=...)`` catches any fulfilled visit that ended in the last day without one.
Its link is built by ``thank_you_link`` only. It goes only where the practice switched its visit
survey off: otherwise the survey invitation (feedback's) is the thank-you. Messaging sits below
feedback, so it asks through the ``signals.thank_you_replaced`` signal, which feedback answers.

Staff reading the recall and reactivation lists is audited here too (``record_*_viewed``).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from patients.models import Patient
from practices.models import Practice
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus

from .. import signals
from ..models import Channel, Message, MessageKind, MessagingSettings, Recall
from ..selectors import recall as recall_selectors
from ..selectors import reminders as reminder_selectors
from .outbox import contact_channel, queue_from_template

LAPSED_AFTER_MONTHS = 18


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def booking_link(practice: Practice) -> str:
    return settings.SITE_URL + reverse("scheduling:book", kwargs={"practice_slug": practice.slug}) + "?kind=returning"


def _has_future_visit(patient: Patient, now: datetime) -> bool:
    return Appointment.objects.filter(patient=patient, status__in=ACTIVE_STATUSES, start__gt=now).exists()


# --- reading the lists (audited) -------------------------------------------------------------------


def record_recall_list_viewed(*, practice: Practice, actor_user: User, page_number: int, shown: int) -> None:
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=Recall,
        actor_user=actor_user,
        summary=f"recall list, page {page_number}, {shown} shown",
    )


def record_reactivation_list_viewed(*, practice: Practice, actor_user: User, page_number: int, shown: int) -> None:
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=Patient,
        actor_user=actor_user,
        summary=f"reactivation list, page {page_number}, {shown} shown",
    )


# --- setting recall -------------------------------------------------------------------------------


@transaction.atomic
def set_recall(
    *, practice: Practice, patient: Patient, due_on: date, interval_months: int, actor_user: User | None = None
) -> Recall:
    """Staff set (or change) when the patient is due back. A new due date starts a new message cycle."""
    if patient.practice_id != practice.pk:
        raise ValueError("The patient belongs to another practice.")
    if interval_months <= 0:
        raise ValueError("The interval must be at least one month.")
    found = Recall.objects.select_for_update().filter(practice=practice, patient=patient).first()
    created = found is None
    before: dict[str, object] = (
        {} if found is None else {"due_on": found.due_on.isoformat(), "interval_months": found.interval_months}
    )
    recall = found if found is not None else Recall(practice=practice, patient=patient)
    if created or recall.due_on != due_on:
        recall.messages_sent = 0
        recall.last_sent_at = None
    recall.due_on = due_on
    recall.interval_months = interval_months
    recall.set_by = actor_user
    recall.save()
    after: dict[str, object] = {"due_on": due_on.isoformat(), "interval_months": interval_months}
    audit.record(
        practice=practice,
        action=Action.CREATE if created else Action.UPDATE,
        target=recall,
        patient=patient,
        actor_user=actor_user,
        changes={k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v},
    )
    journey.record(practice=practice, patient=patient, touchpoint="recall", kind="recall.set", data={"source": "staff"})
    return recall


def _interval_for(recall: Recall | None, visit_type_months: int | None) -> int | None:
    if recall is not None and recall.set_by_id is not None:
        return recall.interval_months  # staff chose this patient's interval (a shorter one after a skin cancer)
    return visit_type_months or None


@transaction.atomic
def set_recall_after_visit(*, appointment: Appointment) -> Recall | None:
    """A fulfilled visit sets the next due date: the visit's day plus the interval. Never moves it back."""
    if appointment.status != AppointmentStatus.FULFILLED:
        return None
    practice, patient = appointment.practice, appointment.patient
    recall = Recall.objects.select_for_update().filter(practice=practice, patient=patient).first()
    months = _interval_for(recall, appointment.visit_type.recall_interval_months)
    if not months:
        return recall
    due_on = add_months(practice.local_date(appointment.start), months)
    if recall is not None and recall.due_on >= due_on:
        return recall
    if recall is None:
        recall = Recall(practice=practice, patient=patient)
    recall.due_on = due_on
    recall.interval_months = months
    recall.messages_sent = 0
    recall.last_sent_at = None
    recall.save()
    audit.record(
        practice=practice,
        action=Action.UPDATE,
        target=recall,
        patient=patient,
        summary="recall set after a completed visit",
    )
    journey.record(practice=practice, patient=patient, touchpoint="recall", kind="recall.set", data={"source": "visit"})
    return recall


class _LatestVisit(TypedDict):
    patient_id: int
    practice_id: int
    start: datetime
    visit_type__recall_interval_months: int | None
    practice__timezone: str


def refresh_recalls_from_visits(*, now: datetime | None = None, practice: Practice | None = None) -> int:
    """Set due dates from each patient's latest fulfilled visit of a visit type with a recall interval.

    For existing data and the demo; only ever moves a due date forward. Returns how many rows changed.
    """
    now = now or timezone.now()
    visits = Appointment.objects.filter(
        status=AppointmentStatus.FULFILLED, visit_type__recall_interval_months__gt=0, start__lte=now
    )
    if practice is not None:
        visits = visits.filter(practice=practice)
    latest: dict[int, _LatestVisit] = {}
    for row in visits.order_by("patient_id", "-start").values(
        "patient_id", "practice_id", "start", "visit_type__recall_interval_months", "practice__timezone"
    ):
        latest.setdefault(row["patient_id"], row)
    changed = 0
    ids = list(latest)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        existing = {r.patient_id: r for r in Recall.objects.filter(patient_id__in=chunk)}
        to_create: list[Recall] = []
        to_update: list[Recall] = []
        for patient_id in chunk:
            row = latest[patient_id]
            recall = existing.get(patient_id)
            months = _interval_for(recall, row["visit_type__recall_interval_months"])
            if months is None:  # never: the query asks for visit types with an interval; a staff one is at least 1
                continue
            visit_day = row["start"].astimezone(ZoneInfo(row["practice__timezone"])).date()
            due_on = add_months(visit_day, months)
            if recall is None:
                to_create.append(
                    Recall(practice_id=row["practice_id"], patient_id=patient_id, due_on=due_on, interval_months=months)
                )
            elif recall.due_on < due_on:
                recall.due_on, recall.interval_months = due_on, months
                recall.messages_sent, recall.last_sent_at = 0, None
                to_update.append(recall)
        with transaction.atomic():
            Recall.objects.bulk_create(to_create, ignore_conflicts=True)
            Recall.objects.bulk_update(to_update, ["due_on", "interval_months", "messages_sent", "last_sent_at"])
        changed += len(to_create) + len(to_update)
    return changed


# --- sending recall -------------------------------------------------------------------------------


def send_due_recalls(*, now: datetime | None = None) -> int:
    """Queue today's recall messages (run daily). Returns how many were queued."""
    now = now or timezone.now()
    sent = 0
    practice_ids = (
        Recall.objects.filter(due_on__lte=now.date() + timedelta(days=1))
        .values_list("practice_id", flat=True)
        .distinct()
    )
    for practice in Practice.objects.filter(pk__in=list(practice_ids)):
        rules = reminder_selectors.messaging_settings(practice)
        today = practice.local_date(now)
        due = recall_selectors.due_recalls(
            practice=practice,
            today=today,
            now=now,
            max_messages=rules.recall_max_messages,
            not_since=now - timedelta(days=rules.recall_days_between),
        )
        link = booking_link(practice)
        for recall_id in list(due.values_list("pk", flat=True)):
            if _send_one(recall_id, rules=rules, today=today, now=now, link=link) is not None:
                sent += 1
    return sent


def _send_one(recall_id: int, *, rules: MessagingSettings, today: date, now: datetime, link: str) -> Message | None:
    with transaction.atomic():
        recall = (
            Recall.objects.select_for_update(of=("self",))
            .select_related("patient", "practice")
            .filter(pk=recall_id)
            .first()
        )
        if recall is None or recall.due_on > today or recall.messages_sent >= rules.recall_max_messages:
            return None
        if recall.last_sent_at is not None and recall.last_sent_at > now - timedelta(days=rules.recall_days_between):
            return None
        patient = recall.patient
        channel = contact_channel(patient)
        if channel is None or _has_future_visit(patient, now):
            return None
        n = recall.messages_sent + 1
        message = queue_from_template(
            practice=recall.practice,
            kind=MessageKind.RECALL,
            channel=channel,
            language=patient.preferred_language,
            values={"link": link},
            dedupe_key=f"recall:{patient.pk}:{recall.due_on.isoformat()}:{n}",
            patient=patient,
            now=now,
        )
        recall.messages_sent = n
        recall.last_sent_at = now
        recall.save(update_fields=["messages_sent", "last_sent_at", "updated_at"])
        journey.record(
            practice=recall.practice,
            patient=patient,
            touchpoint="recall",
            kind="recall.sent",
            at=now,
            data={"channel": channel, "number": n},
        )
    return message


# --- reactivation ---------------------------------------------------------------------------------


class ReactivationRefused(ValueError):
    pass


def lapsed_cutoff(now: datetime) -> datetime:
    return datetime.combine(add_months(now.date(), -LAPSED_AFTER_MONTHS), now.timetz())


def reactivation_key(patient: Patient, practice: Practice, now: datetime) -> str:
    return f"reactivation:{patient.pk}:{practice.local_date(now):%Y-%m}"


def send_reactivation(
    *, practice: Practice, patient: Patient, actor_user: User, now: datetime | None = None
) -> Message:
    """One "we'd love to see you again" message to a lapsed patient; at most one per month."""
    now = now or timezone.now()
    if patient.practice_id != practice.pk:
        raise ReactivationRefused("The patient belongs to another practice.")
    key = reactivation_key(patient, practice, now)
    with transaction.atomic():
        existing = Message.objects.filter(practice=practice, dedupe_key=key).first()
        if existing is not None:
            return existing
        if not recall_selectors.is_lapsed(practice=practice, patient=patient, cutoff=lapsed_cutoff(now), now=now):
            raise ReactivationRefused("not_lapsed")
        channel = contact_channel(patient)
        if channel is None:
            raise ReactivationRefused("no_channel")
        message = queue_from_template(
            practice=practice,
            kind=MessageKind.REACTIVATION,
            channel=channel,
            language=patient.preferred_language,
            values={"link": booking_link(practice)},
            dedupe_key=key,
            patient=patient,
            now=now,
        )
        audit.record(
            practice=practice,
            action=Action.SEND,
            target=patient,
            patient=patient,
            actor_user=actor_user,
            summary=f"reactivation message by {channel}",
        )
        journey.record(
            practice=practice,
            patient=patient,
            touchpoint="recall",
            kind="reactivation.sent",
            at=now,
            data={"channel": channel},
        )
    return message


# --- thank you ------------------------------------------------------------------------------------


def thank_you_link(appointment: Appointment) -> str:
    """Where the thank-you message points. For now the practice's public page; the survey replaces it."""
    return settings.SITE_URL + reverse("practices:public", kwargs={"practice_slug": appointment.practice.slug})


def sends_visit_survey(practice: Practice) -> bool:
    """Whether something else thanks the patient after a visit: feedback's visit survey (on unless the
    practice switched it off) answers ``signals.thank_you_replaced``. A "thank you" is only sent without it.
    """
    return any(answer for _receiver, answer in signals.thank_you_replaced.send(sender=Practice, practice=practice))


def queue_thank_you(*, appointment: Appointment, now: datetime | None = None) -> Message | None:
    """Thank the patient once for a fulfilled visit (``thanks:<appointment>``); None if it is not fulfilled,
    or if the practice's visit survey (which thanks them) goes out instead."""
    if appointment.status != AppointmentStatus.FULFILLED or sends_visit_survey(appointment.practice):
        return None
    patient = appointment.patient
    # Without consent the row is kept as "not sent", so staff see why.
    channel = contact_channel(patient) or Channel.EMAIL
    return queue_from_template(
        practice=appointment.practice,
        kind=MessageKind.THANK_YOU,
        channel=channel,
        language=patient.preferred_language,
        values={"link": thank_you_link(appointment)},
        dedupe_key=f"thanks:{appointment.pk}",
        patient=patient,
        appointment=appointment,
        now=now,
    )


def queue_thank_yous(*, now: datetime | None = None) -> int:
    """Thank-yous for fulfilled visits that ended in the last day without one (run every few minutes)."""
    now = now or timezone.now()
    already = Message.objects.filter(appointment=OuterRef("pk"), kind=MessageKind.THANK_YOU)
    visits = (
        Appointment.objects.filter(status=AppointmentStatus.FULFILLED, end__gt=now - timedelta(days=1), end__lte=now)
        .exclude(Exists(already))
        .select_related("patient", "practice")
    )
    queued = 0
    for appointment in visits.iterator(chunk_size=200):
        if queue_thank_you(appointment=appointment, now=now) is not None:
            queued += 1
    return queued
