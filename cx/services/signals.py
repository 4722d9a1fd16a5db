"""Writes for the "what changed" pages: responding to a change signal (a front-desk call, a one-question
survey through feedback's invitations and cooldown, a recovery case through feedback's recovery
services) and handling it (what was learned) or dismissing it ("not a real change").

Every write is one transaction, scoped by practice, with its audit entry naming the patient (a
signal is part of the patient's record). Nothing clinical goes anywhere: the call's title names the
patient, their number and the kind of change; the survey message holds the practice's name and the
link only (feedback's outbox template); the journey event carries the kind of change only. What was
learned is kept on the signal, never in an audit summary or a log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from feedback.models import Invitation, InvitationStatus
from feedback.models import SurveyKind as FeedbackSurveyKind
from feedback.services import invitations as feedback_invitations
from feedback.services import recovery as feedback_recovery
from patients.models import Patient
from practices.models import Practice

from ..models import Action, ChangeSignal, SignalStatus, SuggestedResponse
from ..selectors import signals as signal_selectors
from . import actions as action_services

LESSON_MAX = 2000
CALL_DUE_DAYS = 1


class SignalRefused(ValueError):
    """A response or handling the signal does not allow; the message is translated and fit to show."""


def _locked(signal: ChangeSignal, practice: Practice) -> ChangeSignal:
    return ChangeSignal.objects.select_for_update().select_related("patient").get(pk=signal.pk, practice=practice)


def _check(signal: ChangeSignal, practice: Practice) -> None:
    if signal.practice_id != practice.pk:
        raise SignalRefused(_("That record belongs to another practice."))


def _audit(signal: ChangeSignal, *, user: User | None, summary: str, changes: dict[str, object]) -> None:
    audit.record(
        practice=signal.practice,
        action=AuditAction.UPDATE,
        target=signal,
        actor_user=user,
        patient=signal.patient,
        summary=summary,
        changes=changes,
    )


# --- handling ----------------------------------------------------------------------------------------


def handle_signal(
    signal: ChangeSignal, *, user: User | None, lesson: str, dismissed: bool = False, now: datetime | None = None
) -> ChangeSignal:
    """Mark the signal handled with what was learned (required), or dismissed as not a real change
    (a reason is optional). Handling it again replaces the lesson."""
    lesson = lesson.strip()
    if not dismissed and not lesson:
        raise SignalRefused(_("Write what you learned, so the team can learn it too."))
    if len(lesson) > LESSON_MAX:
        raise SignalRefused(_("Keep what you learned under 2,000 characters."))
    now = now or timezone.now()
    to = SignalStatus.DISMISSED if dismissed else SignalStatus.HANDLED
    with transaction.atomic():
        locked = _locked(signal, signal.practice)
        before = locked.status
        locked.status = to
        locked.lesson = lesson
        locked.handled_by = user
        locked.handled_at = now
        locked.save(update_fields=["status", "lesson", "handled_by", "handled_at"])
        _audit(
            locked,
            user=user,
            summary="change signal dismissed" if dismissed else "change signal handled",
            changes={"status": [before, to]},
        )
    return locked


def reopen_signal(signal: ChangeSignal, *, user: User | None) -> ChangeSignal:
    """Back to "to handle" (the lesson is kept until it is handled again)."""
    with transaction.atomic():
        locked = _locked(signal, signal.practice)
        if locked.status == SignalStatus.OPEN:
            return locked
        before = locked.status
        locked.status = SignalStatus.OPEN
        locked.handled_at = None
        locked.handled_by = None
        locked.save(update_fields=["status", "handled_at", "handled_by"])
        _audit(locked, user=user, summary="change signal reopened", changes={"status": [before, SignalStatus.OPEN]})
    return locked


# --- responding --------------------------------------------------------------------------------------


def _took(locked: ChangeSignal, response: str, now: datetime, fields: list[str]) -> None:
    locked.response_taken = response
    locked.responded_at = now
    locked.save(update_fields=["response_taken", "responded_at", *fields])


def call_title(patient: Patient, kind_label: str) -> str:
    """The front desk's task: the patient's name and number and what changed; nothing clinical."""
    return _("Call %(name)s (patient %(number)s): %(change)s") % {
        "name": patient.full_name,
        "number": patient.pk,
        "change": kind_label,
    }


def respond_call(
    *, practice: Practice, signal: ChangeSignal, user: User, now: datetime | None = None
) -> tuple[ChangeSignal, Action]:
    """An action for the front desk to call the patient, due tomorrow: for the person asking if they
    are on the front desk, else the longest-serving front-desk member."""
    _check(signal, practice)
    now = now or timezone.now()
    caller = signal_selectors.front_desk_caller(practice=practice, actor_id=user.pk)
    if caller is None:
        raise SignalRefused(_("Nobody on the team has the front-desk role, so there is nobody to give the call to."))
    with transaction.atomic():
        locked = _locked(signal, practice)
        if locked.call_action_id is not None:
            raise SignalRefused(_("A call was already asked for. It is in the front desk's actions."))
        action = action_services.create_action(
            practice=practice,
            actor_user=user,
            title=call_title(locked.patient, locked.get_kind_display())[: action_services.TITLE_MAX],
            owner=caller.user,
            due_on=practice.local_date(now) + timedelta(days=CALL_DUE_DAYS),
        )
        locked.call_action = action
        _took(locked, SuggestedResponse.CALL, now, ["call_action"])
        _audit(locked, user=user, summary="change signal: call asked", changes={"response": SuggestedResponse.CALL})
    return locked, action


def respond_survey(
    *, practice: Practice, signal: ChangeSignal, user: User, now: datetime | None = None
) -> tuple[ChangeSignal, Invitation]:
    """The one-question survey about this change, through feedback's invitations: the practice's survey
    after a change (a copy of the shipped one the first time), its cooldown and the patient's channel.
    Refused when the cooldown holds it back or the practice switched that survey off; an invitation
    the patient has no channel for is kept as "not sent" (feedback's rule) and said so by the page."""
    _check(signal, practice)
    now = now or timezone.now()
    if signal_selectors.survey_switched_off(practice=practice):
        raise SignalRefused(
            _("The practice has switched off the one-question survey after a change (on the Surveys page).")
        )
    with transaction.atomic():
        locked = _locked(signal, practice)
        if locked.survey_invitation_id is not None:
            raise SignalRefused(_("The one-question survey was already sent for this change."))
        patient = locked.patient
        if signal_selectors.in_survey_cooldown(practice=practice, patient=patient, now=now):
            raise SignalRefused(
                _(
                    "Not sent: %(name)s was asked for feedback in the last %(days)s days, and the practice asks "
                    "a patient at most once in that time. Ask for a call instead."
                )
                % {"name": patient.full_name, "days": signal_selectors.cooldown_days(practice=practice)}
            )
        # The event names the change (a label only); the survey page shows the question about it.
        event = journey.record(
            practice=practice,
            patient=patient,
            touchpoint="survey",
            kind="change.asked",
            at=now,
            data={"signal": locked.kind},
        )
        invitation = feedback_invitations.invite(
            practice=practice, patient=patient, kind=FeedbackSurveyKind.AFTER_CHANGE, trigger_event=event, now=now
        )
        if invitation is None:
            # The cooldown was met between the check and the invitation, or the survey was switched off.
            raise SignalRefused(_("Not sent: the survey rules hold it back for this patient now."))
        locked.survey_invitation = invitation
        _took(locked, SuggestedResponse.MICRO_SURVEY, now, ["survey_invitation"])
        _audit(
            locked,
            user=user,
            summary="change signal: one-question survey",
            changes={"response": SuggestedResponse.MICRO_SURVEY, "invitation": invitation.status},
        )
    return locked, invitation


def survey_was_sent(invitation: Invitation) -> bool:
    return invitation.status != InvitationStatus.SKIPPED


def respond_recovery(
    *, practice: Practice, signal: ChangeSignal, user: User, now: datetime | None = None
) -> ChangeSignal:
    """A service recovery case through feedback's services. A case hangs on a survey answer, so: the
    patient's open case if they have one; else a case on their latest unhappy answer of the last 90 days
    (a 0–6 likelihood to recommend or a negative comment); else refused, saying so and offering a call
    or the one-question survey (an unhappy answer to it opens a case the usual way)."""
    _check(signal, practice)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(signal, practice)
        if locked.recovery_case_id is not None:
            raise SignalRefused(_("A recovery case is already linked to this change."))
        patient = locked.patient
        case = signal_selectors.open_recovery_case(practice=practice, patient=patient)
        if case is None:
            unhappy = signal_selectors.unhappy_answer(practice=practice, patient=patient, now=now)
            if unhappy is None:
                raise SignalRefused(
                    _(
                        "A recovery case starts from a survey answer, and %(name)s has given no unhappy answer "
                        "in the last 90 days. Ask for a call, or send the one-question survey: an unhappy answer "
                        "to it opens a case by itself."
                    )
                    % {"name": patient.full_name}
                )
            case = feedback_recovery.open_case(response=unhappy.answer.response, reason=unhappy.reason, now=now)
        locked.recovery_case = case
        _took(locked, SuggestedResponse.RECOVERY_CASE, now, ["recovery_case"])
        _audit(
            locked,
            user=user,
            summary="change signal: recovery case",
            changes={"response": SuggestedResponse.RECOVERY_CASE, "case": case.pk},
        )
    return locked


# --- reading a patient's record -----------------------------------------------------------------------


def record_timeline_viewed(*, practice: Practice, patient: Patient, user: User) -> None:
    """Opening a patient's change timeline is opening their record."""
    audit.record(
        practice=practice,
        action=AuditAction.VIEW,
        target=patient,
        actor_user=user,
        patient=patient,
        summary="change timeline",
    )


def record_signal_viewed(*, practice: Practice, signal: ChangeSignal, user: User) -> None:
    audit.record(
        practice=practice,
        action=AuditAction.VIEW,
        target=signal,
        actor_user=user,
        patient=signal.patient,
        summary="change signal",
    )


def record_list_viewed(*, practice: Practice, user: User, week: str, shown: int) -> None:
    """A week's list names patients: the view is recorded like the patient list's pages."""
    audit.record(
        practice=practice,
        action=AuditAction.VIEW,
        target=ChangeSignal,
        actor_user=user,
        summary=f"change signals, week of {week}, {shown} shown",
    )
