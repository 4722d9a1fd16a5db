"""Writes of the weekly experience moment: preparing the draft of a meeting, the lead's choices and
edits (the story, the lesson), the meeting's record (attendees, who was recognised, decisions,
actions), marking it presented, and the team's email on the meeting morning.

Each write is one transaction with its audit entry. Whatever the lead types into a quote, a note or
the decisions is stored redacted (``cx.redaction``), as the quotes picked from patients' words are:
the moment is shown on a meeting-room screen and emailed, so no patient detail may reach it. Bad input
raises ``MomentError`` with a message fit to show, and nothing is changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from feedback.models import Answer, RecoveryCase
from journey.catalogue import BY_CODE
from practices.models import Membership, Practice

from ..models import (
    ExperienceMoment,
    MomentAttendee,
    MomentEmail,
    MomentStatus,
    PatientShown,
    Recognition,
    RecognitionStatus,
    SourceKind,
)
from ..selectors import moments as selectors
from . import actions as action_services
from . import recognition as recognition_services

logger = logging.getLogger(__name__)

EMAIL_FROM_HOUR = time(7, 0)  # the team's email goes out once the meeting day's local time passes 07:00
QUOTE_MAX = 2000
NOTE_MAX = 2000
PATIENT_MAX = 60


class MomentError(ValueError):
    """A change the moment cannot take; the message is translated and fit to show."""


def _check(practice: Practice, moment: ExperienceMoment) -> None:
    if moment.practice_id != practice.pk:
        raise MomentError(gettext("That moment belongs to another practice."))


def _clean_text(value: str, limit: int) -> str:
    text = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").strip().split("\n"))
    if "\x00" in text:
        raise MomentError(gettext("The text contains a character that cannot be stored."))
    if len(text) > limit:
        raise MomentError(gettext("Keep each text under %(limit)s characters.") % {"limit": limit})
    return text


def _touchpoint(value: str) -> str:
    if value and value not in BY_CODE:
        raise MomentError(gettext("Choose a touch point from the list."))
    return value


def _patient_names(*, practice: Practice, answer_id: int | None, case_id: int | None) -> list[str]:
    """The names of the patient a quote came from, so the redaction removes them."""
    names: list[str] = []
    if answer_id:
        row = (
            Answer.objects.filter(pk=answer_id, response__practice=practice)
            .values_list("response__patient__first_name", "response__patient__last_name")
            .first()
        )
        names.extend(row or ())
    if case_id:
        row = (
            RecoveryCase.objects.filter(pk=case_id, practice=practice)
            .values_list("patient__first_name", "patient__last_name")
            .first()
        )
        names.extend(row or ())
    return names


# --- preparing the draft -----------------------------------------------------------------------------


def prepare_moment(
    *, practice: Practice, actor_user: User | None, meeting_date: date, now: datetime | None = None
) -> ExperienceMoment:
    """Create the draft of ``meeting_date``'s moment, or refresh it: its week follows the practice's
    meeting time, the week's comments are scanned for recognitions, and an empty story or lesson is
    filled with the best candidate. Safe to repeat (one moment per practice and meeting date); a moment
    already presented keeps its week and choices."""
    settings = selectors.cx_settings(practice)
    start, end = selectors.moment_period(practice, meeting_date, settings=settings)
    with transaction.atomic():
        moment, created = ExperienceMoment.objects.get_or_create(
            practice=practice,
            meeting_date=meeting_date,
            defaults={"period_start": start, "period_end": end, "created_by": actor_user},
        )
        if created:
            audit.record(
                practice=practice,
                action=AuditAction.CREATE,
                target=moment,
                actor_user=actor_user,
                summary="Experience moment prepared",
                changes={"meeting_date": meeting_date.isoformat()},
            )
        elif moment.status == MomentStatus.DRAFT and (moment.period_start, moment.period_end) != (start, end):
            before = [moment.period_start.isoformat(), moment.period_end.isoformat()]
            moment.period_start, moment.period_end = start, end
            moment.save(update_fields=["period_start", "period_end", "updated_at"])
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=moment,
                actor_user=actor_user,
                summary="Experience moment's week moved to the meeting time",
                changes={"period": [before, [start.isoformat(), end.isoformat()]]},
            )
    if moment.status != MomentStatus.DRAFT:
        return moment
    recognition_services.find_recognitions(practice=practice, since=moment.period_start, until=moment.period_end)
    if not moment.story_source:
        options = selectors.story_options(practice, moment, settings=settings)
        if options:
            moment = _apply_story(practice=practice, actor_user=actor_user, moment=moment, option=options[0])
    if not moment.lesson_source:
        lessons = selectors.lesson_options(practice, moment, language=translation.get_language() or "en", now=now)
        if lessons:
            moment = _apply_lesson(practice=practice, actor_user=actor_user, moment=moment, option=lessons[0])
    return moment


def prepare_next_moment(
    *, practice: Practice, actor_user: User | None, now: datetime | None = None
) -> ExperienceMoment:
    """The moment of the practice's next meeting (today's if the meeting is today)."""
    today = selectors.local_today(practice, now)
    return prepare_moment(
        practice=practice, actor_user=actor_user, meeting_date=selectors.next_meeting_date(practice, today), now=now
    )


# --- the story ---------------------------------------------------------------------------------------


def _locked(practice: Practice, moment: ExperienceMoment) -> ExperienceMoment:
    _check(practice, moment)
    return ExperienceMoment.objects.select_for_update().get(pk=moment.pk, practice=practice)


def _apply_story(
    *, practice: Practice, actor_user: User | None, moment: ExperienceMoment, option: selectors.StoryOption
) -> ExperienceMoment:
    with transaction.atomic():
        locked = _locked(practice, moment)
        before = locked.story_source
        locked.story_source = option.source
        locked.story_answer_id = option.answer_id
        locked.story_case_id = option.case_id
        locked.story_touchpoint = option.touchpoint
        locked.story_patient = option.patient
        locked.story_quote = option.quote
        locked.story_note = option.done
        locked.save()
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Story chosen for the experience moment",
            changes={"story": [before, option.key]},
        )
    return locked


def choose_story(
    *, practice: Practice, actor_user: User | None, moment: ExperienceMoment, key: str
) -> ExperienceMoment:
    """Make one of the week's candidates the moment's story (its redacted words replace the earlier ones)."""
    _check(practice, moment)
    for option in selectors.story_options(practice, moment):
        if option.key == key:
            return _apply_story(practice=practice, actor_user=actor_user, moment=moment, option=option)
    raise MomentError(gettext("That story is not one of this week's candidates; nothing was changed."))


def _shown_patient(practice: Practice, value: str) -> str:
    """How the lead names the patient of a story they write: a first name only, and only when the
    practice shows first names."""
    value = " ".join(value.split())
    if not value:
        return ""
    if selectors.cx_settings(practice).patient_shown != PatientShown.FIRST_NAME:
        raise MomentError(gettext("This practice shows patients anonymously: leave the patient's name empty."))
    if len(value) > PATIENT_MAX or " " in value or any(ch.isdigit() or ch == "@" for ch in value):
        raise MomentError(gettext("Give the patient's first name only (one word), or leave it empty."))
    return value


def save_story(
    *,
    practice: Practice,
    actor_user: User | None,
    moment: ExperienceMoment,
    touchpoint: str,
    quote: str,
    note: str,
    patient: str | None = None,
) -> ExperienceMoment:
    """The lead's edit of the story, or a story they write (no candidate chosen: written by the team).
    The words are stored redacted; the patient, when given, is a first name only."""
    _check(practice, moment)
    touchpoint = _touchpoint(touchpoint)
    quote, note = _clean_text(quote, QUOTE_MAX), _clean_text(note, NOTE_MAX)
    if not quote and not note:
        raise MomentError(gettext("Write the patient's words or what the team did."))
    shown = _shown_patient(practice, patient) if patient is not None else None
    names = _patient_names(practice=practice, answer_id=moment.story_answer_id, case_id=moment.story_case_id)
    redact = selectors.redactor(practice, selectors.week_patient_names(practice, moment))
    with transaction.atomic():
        locked = _locked(practice, moment)
        if not locked.story_source:
            locked.story_source = SourceKind.MANUAL
        locked.story_touchpoint = touchpoint
        if shown is not None:
            locked.story_patient = shown
        locked.story_quote = redact(quote, patient_names=names)
        locked.story_note = redact(note, patient_names=names)
        locked.save()
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Experience moment's story edited",
            changes={"story_source": locked.story_source, "story_touchpoint": touchpoint},
        )
    return locked


def clear_story(*, practice: Practice, actor_user: User | None, moment: ExperienceMoment) -> ExperienceMoment:
    """Start the story again (the lead writes one, or picks another)."""
    with transaction.atomic():
        locked = _locked(practice, moment)
        if not locked.story_source:
            return locked
        before = locked.story_source
        locked.story_source = locked.story_touchpoint = locked.story_patient = ""
        locked.story_quote = locked.story_note = ""
        locked.story_answer = locked.story_case = None
        locked.save()
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Experience moment's story cleared",
            changes={"story": [before, ""]},
        )
    return locked


# --- the lesson --------------------------------------------------------------------------------------


def _apply_lesson(
    *, practice: Practice, actor_user: User | None, moment: ExperienceMoment, option: selectors.LessonOption
) -> ExperienceMoment:
    with transaction.atomic():
        locked = _locked(practice, moment)
        before = locked.lesson_source
        locked.lesson_source = option.source
        locked.lesson_answer_id = option.answer_id
        locked.lesson_case_id = option.case_id
        locked.lesson_touchpoint = option.touchpoint
        locked.lesson_quote = option.quote
        locked.lesson_done = option.done
        locked.save()
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Failed experience chosen for the experience moment",
            changes={"lesson": [before, option.key]},
        )
    return locked


def choose_lesson(
    *, practice: Practice, actor_user: User | None, moment: ExperienceMoment, key: str, language: str = "en"
) -> ExperienceMoment:
    _check(practice, moment)
    for option in selectors.lesson_options(practice, moment, language=language):
        if option.key == key:
            return _apply_lesson(practice=practice, actor_user=actor_user, moment=moment, option=option)
    raise MomentError(gettext("That failed experience is not one of this week's; nothing was changed."))


def save_lesson(
    *, practice: Practice, actor_user: User | None, moment: ExperienceMoment, touchpoint: str, quote: str, done: str
) -> ExperienceMoment:
    _check(practice, moment)
    touchpoint = _touchpoint(touchpoint)
    quote, done = _clean_text(quote, QUOTE_MAX), _clean_text(done, NOTE_MAX)
    if not quote and not done:
        raise MomentError(gettext("Say what went wrong or what was done about it."))
    names = _patient_names(practice=practice, answer_id=moment.lesson_answer_id, case_id=moment.lesson_case_id)
    redact = selectors.redactor(practice, selectors.week_patient_names(practice, moment))
    with transaction.atomic():
        locked = _locked(practice, moment)
        if not locked.lesson_source:
            locked.lesson_source = SourceKind.MANUAL
        locked.lesson_touchpoint = touchpoint
        locked.lesson_quote = redact(quote, patient_names=names)
        locked.lesson_done = redact(done, patient_names=names)
        locked.save()
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Experience moment's failed experience edited",
            changes={"lesson_source": locked.lesson_source, "lesson_touchpoint": touchpoint},
        )
    return locked


# --- the meeting's record ----------------------------------------------------------------------------


def record_meeting(
    *,
    practice: Practice,
    actor_user: User | None,
    moment: ExperienceMoment,
    meeting_date: date,
    attendees: Sequence[User],
    recognised: Sequence[Recognition],
    decisions: str,
) -> ExperienceMoment:
    """Who attended, who was recognised at the meeting, and what was decided. Attendees must be active
    members; the recognised, confirmed recognitions of the practice. The decisions are stored redacted."""
    _check(practice, moment)
    decisions = _clean_text(decisions, NOTE_MAX * 2)
    user_ids = {u.pk for u in attendees}
    members = set(
        Membership.objects.filter(practice=practice, is_active=True, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    if members != user_ids:
        raise MomentError(gettext("Attendees must be members of the team."))
    recognition_ids = {r.pk for r in recognised}
    confirmed = set(
        Recognition.objects.filter(
            practice=practice, pk__in=recognition_ids, status=RecognitionStatus.CONFIRMED
        ).values_list("pk", flat=True)
    )
    if confirmed != recognition_ids:
        raise MomentError(gettext("Only confirmed recognitions can be given at the meeting."))
    if (
        meeting_date != moment.meeting_date
        and ExperienceMoment.objects.filter(practice=practice, meeting_date=meeting_date).exists()
    ):
        raise MomentError(gettext("Another moment is already kept for that meeting date."))
    decisions = selectors.redactor(practice, selectors.week_patient_names(practice, moment))(decisions)
    with transaction.atomic():
        locked = _locked(practice, moment)
        before_date = locked.meeting_date
        locked.meeting_date = meeting_date
        locked.decisions = decisions
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as clash:
            raise MomentError(gettext("Another moment is already kept for that meeting date.")) from clash
        existing = set(
            MomentAttendee.objects.filter(practice=practice, moment=locked).values_list("user_id", flat=True)
        )
        MomentAttendee.objects.filter(practice=practice, moment=locked).exclude(user_id__in=user_ids).delete()
        MomentAttendee.objects.bulk_create(
            [MomentAttendee(practice=practice, moment=locked, user_id=uid) for uid in sorted(user_ids - existing)]
        )
        Recognition.objects.filter(practice=practice, moment=locked).exclude(pk__in=recognition_ids).update(moment=None)
        Recognition.objects.filter(practice=practice, pk__in=recognition_ids).update(moment=locked)
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Experience moment's meeting recorded",
            changes={
                "meeting_date": [before_date.isoformat(), meeting_date.isoformat()],
                "attendees": sorted(user_ids),
                "recognised": sorted(recognition_ids),
            },
        )
    return locked


def decide_recognition(
    *,
    practice: Practice,
    actor_user: User | None,
    moment: ExperienceMoment,
    recognition_id: int,
    confirm: bool,
    user_id: int | None = None,
) -> Recognition:
    """Confirm (for an ambiguous one: as ``user_id``, one of the people who could be meant) or dismiss a
    recognition found in the moment's week, through the recognition services."""
    _check(practice, moment)
    recognition = (
        Recognition.objects.filter(practice=practice, pk=recognition_id)
        .filter(said_at__gte=moment.period_start, said_at__lt=moment.period_end)
        .first()
    )
    if recognition is None:
        raise MomentError(gettext("That recognition is not one of this week's; nothing was changed."))
    try:
        if not confirm:
            return recognition_services.dismiss(practice=practice, actor_user=actor_user, recognition=recognition)
        person = None
        if user_id is not None:
            person = User.objects.filter(pk=user_id).first()
            if person is None:
                raise MomentError(gettext("Choose one of the people the patient could have meant."))
        return recognition_services.confirm(
            practice=practice, actor_user=actor_user, recognition=recognition, user=person
        )
    except recognition_services.RecognitionError as refused:
        raise MomentError(str(refused)) from refused


def add_action(
    *, practice: Practice, actor_user: User | None, moment: ExperienceMoment, title: str, owner: User, due_on: date
) -> None:
    """An action that came out of the meeting (``ActionError`` says why one cannot be created)."""
    _check(practice, moment)
    action_services.create_action(
        practice=practice, actor_user=actor_user, title=title, owner=owner, due_on=due_on, moment=moment
    )


def mark_presented(
    *, practice: Practice, actor_user: User | None, moment: ExperienceMoment, now: datetime | None = None
) -> tuple[ExperienceMoment, bool]:
    """The moment was presented at the meeting; (moment, whether it changed)."""
    with transaction.atomic():
        locked = _locked(practice, moment)
        if locked.status == MomentStatus.PRESENTED:
            return locked, False
        locked.status = MomentStatus.PRESENTED
        locked.presented_at = now or timezone.now()
        locked.save(update_fields=["status", "presented_at", "updated_at"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Experience moment presented",
            changes={"status": [MomentStatus.DRAFT, MomentStatus.PRESENTED]},
        )
    return locked, True


# --- the morning email -------------------------------------------------------------------------------


def _send_one(*, practice: Practice, moment: ExperienceMoment, user: User, now: datetime) -> bool:
    """Mark and send in one transaction: the mark rolls back if sending fails (the next run retries), and
    a second worker's mark fails on the unique constraint before it sends."""
    content = selectors.team_email(practice=practice, moment=moment)
    link = django_settings.SITE_URL + reverse("cx:moment_screen", args=[practice.slug, moment.pk])
    touchpoint = BY_CODE.get(content.touchpoint)
    context = {
        "practice": practice,
        "email": content,
        "link": link,
        "user": user,
        "touchpoint_name": touchpoint.name if touchpoint else "",
    }
    try:
        with transaction.atomic():
            MomentEmail.objects.create(practice=practice, moment=moment, user=user, sent_at=now)
            audit.record(
                practice=practice,
                action=AuditAction.SEND,
                target=moment,
                actor_user=None,
                summary="Experience moment emailed to a team member",
                changes={"user": user.pk},
            )
            with translation.override(django_settings.LANGUAGE_CODE):
                EmailMessage(
                    subject=render_to_string("cx/moments/email/subject.txt", context).strip(),
                    body=render_to_string("cx/moments/email/body.txt", context),
                    to=[user.email],
                ).send()
    except IntegrityError:
        return False  # another run sent it
    return True


def send_moment_emails(*, now: datetime | None = None) -> int:
    """For each practice whose meeting is today and whose local time has passed 07:00, email the moment
    to every member who opted in, once. Prepares the next meeting's draft the day before if nobody has.
    Returns how many emails were sent; one practice's failure does not stop the others."""
    now = now or timezone.now()
    sent = 0
    for practice in Practice.objects.order_by("pk"):
        local = now.astimezone(ZoneInfo(practice.timezone))
        if local.time() < EMAIL_FROM_HOUR:
            continue
        try:
            sent += _morning_of(practice=practice, now=now, today=local.date())
        except Exception:
            logger.exception("Experience moment email not sent for practice %s", practice.pk)
    return sent


def _morning_of(*, practice: Practice, now: datetime, today: date) -> int:
    settings = selectors.cx_settings(practice)
    upcoming = selectors.next_meeting_date(practice, today, settings=settings)
    if (upcoming - today).days <= 1 and selectors.moment_for(practice=practice, meeting_date=upcoming) is None:
        prepare_moment(practice=practice, actor_user=None, meeting_date=upcoming, now=now)
    if not settings.team_email:
        return 0
    moment = selectors.moment_for(practice=practice, meeting_date=today)
    if moment is None:
        return 0
    sent = 0
    for user in selectors.email_recipients(practice=practice, moment=moment):
        try:
            sent += _send_one(practice=practice, moment=moment, user=user, now=now)
        except Exception:
            logger.exception("Experience moment email to user %s not sent", user.pk)
    return sent
