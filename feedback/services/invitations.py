"""Asking patients for feedback: one invitation per triggering journey event, through the outbox.

``invite`` decides whether a patient is asked, and how:

- the practice's active survey of that kind (``surveys.survey_for``); none (switched off) → None;
- the per-patient cooldown (``FeedbackSettings.cooldown_days``): at most one invitation in that many
  days, counting the invitations created except the ones that were not sent (skipped) → None;
- one invitation per trigger event (``Invitation.trigger_event_id`` is unique), so a retried job asks
  once: a second call returns the first invitation;
- the channel the patient agreed to (``messaging.services.outbox.contact_channel``: SMS first, then email).
  Without one the invitation is still created, with status ``skipped`` and the reason, so response
  rates stay honest and staff see why; nothing is sent;
- the message, in the patient's language, holds the practice's name and the single-use link only.
  A visit survey goes ``post_visit_delay_hours`` after the visit; nothing goes during the practice's
  quiet hours (it waits for the morning). The link works ``invitation_valid_days`` from then.

``invite_from_journey`` is the periodic job: it reads the last three days of the journey event log for
triggers without an invitation (``selectors.invitations.pending_triggers``) and invites for each, visit
surveys first (so when one patient has several triggers at once, the visit survey wins and the cooldown
holds back the others).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

import journey
from journey.models import JourneyEvent
from messaging.models import MessageKind
from messaging.services.outbox import after_quiet_hours, contact_channel, queue_from_template
from patients.models import Patient
from practices.models import Practice
from scheduling.models import Appointment

from .. import survey_links
from ..models import FeedbackSettings, Invitation, InvitationStatus, SurveyKind, SurveyVersion
from ..selectors.invitations import appointment_for, in_cooldown, pending_triggers, recent_invitations
from ..selectors.listening import feedback_settings
from .surveys import current_version, survey_for

LANGUAGES = ("en", "es")


def skip_reason_for(patient: Patient) -> str:
    consented = (patient.sms_consent and "sms") or (patient.email_consent and "email")
    return "no_address" if consented else "no_consent"


def _send_after(
    *,
    practice: Practice,
    patient: Patient,
    kind: str,
    trigger_event: JourneyEvent | None,
    rules: FeedbackSettings,
    now: datetime,
) -> datetime:
    moment = now
    if kind == SurveyKind.POST_VISIT:
        moment = max(
            now, (trigger_event.occurred_at if trigger_event else now) + timedelta(hours=rules.post_visit_delay_hours)
        )
    return after_quiet_hours(practice=practice, patient=patient, moment=moment)


def invite(
    *,
    practice: Practice,
    patient: Patient,
    kind: str,
    appointment: Appointment | None = None,
    trigger_event: JourneyEvent | None = None,
    now: datetime | None = None,
) -> Invitation | None:
    """Invite ``patient`` to the practice's survey of ``kind``; None when they are not to be asked."""
    invitation, _created = _invite(
        practice=practice, patient=patient, kind=kind, appointment=appointment, trigger_event=trigger_event, now=now
    )
    return invitation


def _invite(
    *,
    practice: Practice,
    patient: Patient,
    kind: str,
    appointment: Appointment | None,
    trigger_event: JourneyEvent | None,
    now: datetime | None,
) -> tuple[Invitation | None, bool]:
    now = now or timezone.now()
    if patient.practice_id != practice.pk:
        raise ValueError("The patient belongs to another practice.")
    if appointment is not None and (appointment.practice_id != practice.pk or appointment.patient_id != patient.pk):
        raise ValueError("The appointment is not this patient's at this practice.")
    if trigger_event is not None:
        existing = Invitation.objects.filter(trigger_event_id=trigger_event.pk).first()
        if existing is not None:
            return existing, False
    survey = survey_for(practice=practice, kind=kind)
    version = current_version(survey) if survey is not None else None
    if version is None:
        return None, False
    rules = feedback_settings(practice=practice)
    try:
        with transaction.atomic():
            # One patient, one decision at a time: two workers must not both pass the cooldown.
            Patient.objects.select_for_update().filter(pk=patient.pk).first()
            if in_cooldown(practice=practice, patient=patient, days=rules.cooldown_days, now=now, kind=kind):
                return None, False
            invitation = _create(
                practice=practice,
                patient=patient,
                kind=kind,
                version=version,
                appointment=appointment,
                trigger_event=trigger_event,
                rules=rules,
                now=now,
            )
            return invitation, True
    except IntegrityError:
        # The same trigger event was handled a moment ago by another worker.
        if trigger_event is not None:
            return Invitation.objects.filter(trigger_event_id=trigger_event.pk).first(), False
        raise


def _create(
    *,
    practice: Practice,
    patient: Patient,
    kind: str,
    version: SurveyVersion,
    appointment: Appointment | None,
    trigger_event: JourneyEvent | None,
    rules: FeedbackSettings,
    now: datetime,
) -> Invitation:
    language = patient.preferred_language if patient.preferred_language in LANGUAGES else "en"
    channel = contact_channel(patient)
    send_after = _send_after(
        practice=practice, patient=patient, kind=kind, trigger_event=trigger_event, rules=rules, now=now
    )
    token, token_hash = survey_links.new_token()
    invitation = Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        appointment=appointment,
        trigger_event_id=trigger_event.pk if trigger_event is not None else None,
        token_hash=token_hash,
        status=InvitationStatus.SENT if channel else InvitationStatus.SKIPPED,
        skip_reason="" if channel else skip_reason_for(patient),
        language=language,
        created_at=now,
        expires_at=send_after + timedelta(days=rules.invitation_valid_days),
    )
    if channel is None:
        journey.record(
            practice=practice,
            patient=patient,
            touchpoint="survey",
            kind="survey.skipped",
            at=now,
            data={"survey": kind, "skipped_because": invitation.skip_reason},
        )
        return invitation
    queue_from_template(
        practice=practice,
        kind=MessageKind.SURVEY,
        channel=channel,
        language=language,
        values={"link": survey_links.survey_url(practice.slug, token)},
        dedupe_key=f"survey:{invitation.pk}",
        patient=patient,
        appointment=appointment,
        send_after=send_after,
        now=now,
    )
    journey.record(
        practice=practice,
        patient=patient,
        touchpoint="survey",
        kind="survey.invited",
        at=now,
        data={"survey": kind, "channel": channel},
    )
    return invitation


# --- the periodic job -----------------------------------------------------------------------------


def invite_from_journey(*, now: datetime | None = None) -> int:
    """Invite for every trigger event of the last three days not yet handled; returns invitations made.

    Safe to run again and in several workers at once: each event makes at most one invitation.
    """
    now = now or timezone.now()
    made = 0
    # (practice, survey kind is the visit survey) → patients held back by the cooldown (skip cheaply)
    cooling: dict[tuple[int, bool], set[int | None]] = {}
    for trigger in pending_triggers(now=now):
        event = trigger.event
        practice = event.practice
        for post_visit in (True, False):
            if (practice.pk, post_visit) not in cooling:
                days = feedback_settings(practice=practice).cooldown_days
                kind = SurveyKind.POST_VISIT if post_visit else SurveyKind.AFTER_BOOKING
                recent = recent_invitations(practice=practice, days=days, now=now, kind=kind)
                cooling[practice.pk, post_visit] = set(recent.values_list("patient_id", flat=True))
        held_back = cooling[practice.pk, trigger.kind == SurveyKind.POST_VISIT]
        patient = event.patient  # never None: pending_triggers reads patients' events only
        if patient is None or event.patient_id in held_back:
            continue
        invitation, created = _invite(
            practice=practice,
            patient=patient,
            kind=trigger.kind,
            appointment=appointment_for(event),
            trigger_event=event,
            now=now,
        )
        if created and invitation is not None:
            made += 1
            if invitation.status != InvitationStatus.SKIPPED:
                cooling[practice.pk, False].add(event.patient_id)
                if trigger.kind == SurveyKind.POST_VISIT:
                    cooling[practice.pk, True].add(event.patient_id)
    return made
