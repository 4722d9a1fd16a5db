"""Online check-in from the patient's visit link: when it is open, and the one write that completes it.

The window opens ``FlowSettings.online_check_in_hours`` before the visit (exactly that many hours
before counts as open) and closes when the visit's practice-local day ends. Once done, the patient
may still correct it until the visit starts. A cancelled visit, a finished one or a no-show
never changes.

What the patient gives is written in one transaction: their contact and insurance details on the
patient record (through ``patients.services.update_patient``, which audits the change), the
``OnlineCheckIn`` row, an audit entry and a journey event. Intake answers are clinical: they are
kept only on the ``OnlineCheckIn`` row, never in the audit summary or the journey event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from patients.models import Coverage
from patients.services import update_patient
from scheduling.models import Appointment, AppointmentStatus

from ..models import IntakeQuestion, OnlineCheckIn
from ..selectors.checkin import active_policies, active_questions
from ..selectors.flow import day_bounds, flow_settings_for

CANCELLED = "cancelled"
TOO_EARLY = "too_early"
OPEN = "open"
DONE = "done"
PAST = "past"

CLOSED_APPOINTMENT_STATUSES = (AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW)
GONE_APPOINTMENT_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.ENTERED_IN_ERROR)


class CheckInRefused(ValueError):
    """Online check-in cannot be done now; ``reason`` says why (a state above, or one of the codes below)."""

    STARTED = "started"  # already checked in, and the visit has begun: no more changes online
    POLICIES = "policies"  # not every policy was acknowledged
    ANSWERS = "answers"  # a required question was left empty
    DETAILS = "details"  # the contact or insurance details were refused by the patient record

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def opens_at(appointment: Appointment) -> datetime:
    hours = flow_settings_for(appointment.practice).online_check_in_hours
    return appointment.start - timedelta(hours=hours)


def _has_check_in(appointment: Appointment) -> bool:
    try:
        return appointment.online_check_in is not None
    except OnlineCheckIn.DoesNotExist:
        return False


def check_in_state(appointment: Appointment, now: datetime) -> str:
    """Where online check-in stands for ``appointment`` at ``now``: one of the five states above."""
    if appointment.status in GONE_APPOINTMENT_STATUSES:
        return CANCELLED
    practice = appointment.practice
    _day_start, day_end = day_bounds(practice, practice.local_date(appointment.start))
    if appointment.status in CLOSED_APPOINTMENT_STATUSES or now >= day_end:
        return PAST
    if now < opens_at(appointment):
        return TOO_EARLY
    return DONE if _has_check_in(appointment) else OPEN


def _clean_answers(questions: list[IntakeQuestion], answers: Mapping[Any, object]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for question in questions:
        value = answers.get(question.pk, answers.get(str(question.pk), ""))
        value = str(value or "").replace("\x00", "").strip()
        if not value:
            if question.required:
                raise CheckInRefused(CheckInRefused.ANSWERS)
            continue
        kept[str(question.pk)] = value
    return kept


def complete_online_check_in(
    *,
    appointment: Appointment,
    phone: str,
    email: str,
    self_pay: bool,
    insurance_carrier: str,
    insurance_member_id: str,
    card_front: ContentFile[bytes] | None,
    card_back: ContentFile[bytes] | None,
    answers: Mapping[Any, object],
    acknowledged_policy_ids: Iterable[int | str],
    now: datetime | None = None,
) -> OnlineCheckIn:
    """Complete (or update) the online check-in of ``appointment``; raises CheckInRefused with the reason.

    ``card_front`` / ``card_back``: clean photos from ``card_photos.normalise_card_photo``, or None to
    keep the ones given before. A self-paying patient keeps no card photos.
    """
    now = now or timezone.now()
    written: list[str] = []  # files saved by this call: removed again if the transaction fails
    try:
        with transaction.atomic():
            check_in = _complete(
                appointment=appointment,
                phone=phone,
                email=email,
                self_pay=self_pay,
                insurance_carrier=insurance_carrier,
                insurance_member_id=insurance_member_id,
                card_front=card_front,
                card_back=card_back,
                answers=answers,
                acknowledged_policy_ids=acknowledged_policy_ids,
                now=now,
                written=written,
            )
    except BaseException:
        storage = OnlineCheckIn._meta.get_field("card_front").storage
        for name in written:
            storage.delete(name)
        raise
    return check_in


def _complete(
    *,
    appointment: Appointment,
    phone: str,
    email: str,
    self_pay: bool,
    insurance_carrier: str,
    insurance_member_id: str,
    card_front: ContentFile[bytes] | None,
    card_back: ContentFile[bytes] | None,
    answers: Mapping[Any, object],
    acknowledged_policy_ids: Iterable[int | str],
    now: datetime,
    written: list[str],
) -> OnlineCheckIn:
    locked = Appointment.objects.select_for_update().select_related("practice", "patient").get(pk=appointment.pk)
    practice, patient = locked.practice, locked.patient
    existing = OnlineCheckIn.objects.select_for_update().filter(appointment=locked).first()
    state = check_in_state(locked, now)
    if state not in (OPEN, DONE):
        raise CheckInRefused(state)
    if existing is not None and now >= locked.start:
        raise CheckInRefused(CheckInRefused.STARTED)

    policies = active_policies(practice)
    acknowledged = {int(pk) for pk in acknowledged_policy_ids}
    if any(policy.pk not in acknowledged for policy in policies):
        raise CheckInRefused(CheckInRefused.POLICIES)
    kept_answers = _clean_answers(active_questions(practice), answers or {})

    carrier = "" if self_pay else insurance_carrier.strip()
    member_id = "" if self_pay else insurance_member_id.strip()
    if not self_pay and not (carrier and member_id):
        raise CheckInRefused(CheckInRefused.DETAILS)
    try:
        update_patient(
            patient=patient,
            actor_patient=patient,
            phone=phone.strip(),
            email=email.strip(),
            coverage=Coverage.SELF_PAY if self_pay else Coverage.INSURANCE,
            insurance_carrier=carrier,
            insurance_member_id=member_id,
        )
    except ValidationError as error:
        raise CheckInRefused(CheckInRefused.DETAILS) from error

    check_in = existing or OnlineCheckIn(practice=practice, appointment=locked, completed_at=now)
    replaced: list[str] = []
    for field, upload in (("card_front", card_front), ("card_back", card_back)):
        current = getattr(check_in, field)
        if self_pay:
            if current:
                replaced.append(current.name)
            setattr(check_in, field, "")
        elif upload is not None:
            if current:
                replaced.append(current.name)
            current.save("card.jpg", upload, save=False)
            written.append(current.name)
    check_in.self_pay = self_pay
    check_in.insurance_carrier = carrier
    check_in.insurance_member_id = member_id
    check_in.answers = kept_answers
    check_in.policies_acknowledged = [{"id": policy.pk, "version": policy.version} for policy in policies]
    check_in.save()

    cards = sum(1 for field in ("card_front", "card_back") if getattr(check_in, field))
    audit.record(
        practice=practice,
        action=Action.UPDATE if existing else Action.CREATE,
        target=check_in,
        patient=patient,
        actor_patient=patient,
        summary=f"online check-in {'updated' if existing else 'completed'} ({cards} card photos)",
    )
    journey.record(
        practice=practice,
        patient=patient,
        touchpoint="online-check-in",
        kind="checkin.completed",
        at=now,
        data={
            "cards": cards,
            "answers": len(kept_answers),
            "update": existing is not None,
            "appointment": appointment.pk,
        },
    )
    if replaced:
        storage = OnlineCheckIn._meta.get_field("card_front").storage

        def delete_replaced() -> None:
            for name in replaced:
                storage.delete(name)

        transaction.on_commit(delete_replaced)
    return check_in


def record_check_in_viewed(
    *, check_in: OnlineCheckIn, actor_user: User | None, summary: str = "online check-in viewed"
) -> None:
    """Staff looked at what a patient gave at online check-in (the page, or a card photo)."""
    audit.record(
        practice=check_in.appointment.practice,
        action=Action.VIEW,
        target=check_in,
        actor_user=actor_user,
        patient=check_in.appointment.patient,
        summary=summary,
    )
