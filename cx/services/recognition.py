"""Recognition: finding the team members patients credit in their comments, the lead's decision on
each, the email to the person, and the team members' profiles (job title, nicknames, email choices).

- ``find_recognitions`` scans positive and mixed comments of a window with ``cx.recognition``; each
  mention becomes one ``Recognition`` row (unique per practice, answer and mention, so a re-run adds
  nothing): a *candidate* when it names one person, *ambiguous* with ``possible_users`` when it could be
  several. Nobody is credited until the lead confirms. The evidence is the comment redacted
  (``cx.redaction``: staff names kept, the patient's own names and other people's replaced).
- ``confirm`` credits one person (for an ambiguous one, the lead picks among ``possible_users``);
  ``dismiss`` sets it aside. When the person opted in (``TeamMemberProfile.recognition_email``) the
  confirmation sends ``signals.recognition_confirmed`` after commit and a task emails them the
  evidence once: ``send_recognition_email`` claims ``emailed_at`` with a conditional update before
  sending, so a retried or duplicated task never sends twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from practices.models import Membership, Practice

from .. import signals
from ..models import JobTitle, Recognition, RecognitionStatus, SourceKind, TeamMemberProfile
from ..recognition import find_mentions
from ..redaction import redact
from ..selectors import recognition as recognition_selectors

MENTION_MAX = 80
NICKNAMES_MAX = 200


class RecognitionError(ValueError):
    """A decision the recognition does not allow; the message is translated and fit to show."""


# --- finding -----------------------------------------------------------------------------------------


def find_recognitions(*, practice: Practice, since: datetime, until: datetime) -> int:
    """Scan the practice's positive and mixed comments given in [since, until); returns the new rows.

    Idempotent: a mention already stored (any status) is left as it is."""
    team = recognition_selectors.team(practice=practice)
    if not team:
        return 0
    keep = recognition_selectors.staff_names(team)
    answers = list(recognition_selectors.praise_comments(practice=practice, since=since, until=until))
    duty = recognition_selectors.on_duty(practice=practice, responses=[a.response for a in answers])
    created = 0
    for answer in answers:
        response = answer.response
        own_names = recognition_selectors.patient_names(response.patient)
        mentions = find_mentions(
            answer.text,
            team=team,
            on_duty=duty.get(response.pk, frozenset()),
            patient_names=own_names,
            language=response.language,
        )
        if not mentions:
            continue
        evidence = redact(answer.text, staff_names=keep, patient_names=own_names)
        for mention in mentions:
            ids = sorted(set(mention.user_ids))
            single = len(ids) == 1
            try:
                with transaction.atomic():
                    _, made = Recognition.objects.get_or_create(
                        practice=practice,
                        answer=answer,
                        mention=mention.text[:MENTION_MAX],
                        defaults={
                            "user_id": ids[0] if single else None,
                            "possible_users": ids,
                            "source": SourceKind.COMMENT,
                            "evidence": evidence,
                            "touchpoint": response.touchpoint,
                            "said_at": answer.answered_at,
                            "status": RecognitionStatus.CANDIDATE if single else RecognitionStatus.AMBIGUOUS,
                        },
                    )
            except IntegrityError:  # another scan stored it between the get and the create
                made = False
            created += int(made)
    if created:
        with transaction.atomic():
            audit.record(
                practice=practice,
                action=AuditAction.CREATE,
                target=Recognition,
                summary=f"{created} recognition candidates found in comments",
                changes={"found": created},
            )
    return created


# --- deciding ----------------------------------------------------------------------------------------


def _active_member(practice: Practice, user_id: int) -> User | None:
    membership = (
        Membership.objects.filter(practice=practice, user_id=user_id, is_active=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def confirm(
    *, practice: Practice, actor_user: User | None, recognition: Recognition, user: User | None = None
) -> Recognition:
    """Credit the person: the candidate's, or for an ambiguous one the person the lead picked among
    ``possible_users``. Confirming it again for the same person changes nothing."""
    if recognition.practice_id != practice.pk:
        raise RecognitionError(_("That recognition belongs to another practice."))
    with transaction.atomic():
        locked = Recognition.objects.select_for_update().get(pk=recognition.pk, practice=practice)
        chosen_id = user.pk if user is not None else locked.user_id
        if chosen_id is None:
            raise RecognitionError(_("Choose who the patient meant."))
        if chosen_id not in locked.possible_users and chosen_id != locked.user_id:
            raise RecognitionError(_("Choose one of the people the patient could have meant."))
        person = _active_member(practice, chosen_id)
        if person is None:
            raise RecognitionError(_("That person is no longer on the team."))
        if locked.status == RecognitionStatus.CONFIRMED and locked.user_id == person.pk:
            return locked
        before = locked.status
        locked.user = person
        locked.status = RecognitionStatus.CONFIRMED
        locked.decided_by = actor_user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["user", "status", "decided_by", "decided_at"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Recognition confirmed",
            changes={"status": [before, RecognitionStatus.CONFIRMED], "user": person.pk},
        )
        wants_email = TeamMemberProfile.objects.filter(practice=practice, user=person, recognition_email=True).exists()
        if wants_email and locked.emailed_at is None:
            recognition_id = locked.pk
            transaction.on_commit(
                lambda: signals.recognition_confirmed.send(sender=Recognition, recognition_id=recognition_id)
            )
    return locked


def dismiss(*, practice: Practice, actor_user: User | None, recognition: Recognition) -> Recognition:
    """Set the recognition aside (not about the team, the wrong person...). Dismissing it again changes nothing."""
    if recognition.practice_id != practice.pk:
        raise RecognitionError(_("That recognition belongs to another practice."))
    with transaction.atomic():
        locked = Recognition.objects.select_for_update().get(pk=recognition.pk, practice=practice)
        if locked.status == RecognitionStatus.DISMISSED:
            return locked
        before = locked.status
        locked.status = RecognitionStatus.DISMISSED
        locked.decided_by = actor_user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="Recognition dismissed",
            changes={"status": [before, RecognitionStatus.DISMISSED]},
        )
    return locked


# --- the email ---------------------------------------------------------------------------------------


def send_recognition_email(*, recognition_id: int) -> bool:
    """Email the confirmed person their patient's (already redacted) words, once. Returns whether it sent.

    The send is claimed first (``emailed_at`` set only where still empty); if sending fails the claim is
    released and the error raised, so the task's retry sends it; a second run finds it claimed."""
    now = timezone.now()
    claimed = Recognition.objects.filter(
        pk=recognition_id, status=RecognitionStatus.CONFIRMED, user__isnull=False, emailed_at__isnull=True
    ).update(emailed_at=now)
    if not claimed:
        return False
    recognition = Recognition.objects.select_related("practice", "user").get(pk=recognition_id)
    person = recognition.user
    still_wanted = (
        person is not None
        and TeamMemberProfile.objects.filter(
            practice_id=recognition.practice_id, user=person, recognition_email=True
        ).exists()
        and _active_member(recognition.practice, person.pk) is not None
    )
    if not still_wanted or person is None:
        Recognition.objects.filter(pk=recognition_id, emailed_at=now).update(emailed_at=None)
        return False
    membership = Membership.objects.get(practice_id=recognition.practice_id, user=person)
    link = settings.SITE_URL + reverse(
        "cx:team_member", kwargs={"practice_slug": recognition.practice.slug, "pk": membership.pk}
    )
    context = {"recognition": recognition, "person": person, "practice": recognition.practice, "link": link}
    try:
        # Staff have no language preference yet: the site's default language, as other staff emails.
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=_("A patient thanked you at %(practice)s") % {"practice": recognition.practice.name},
                message=render_to_string("cx/recognition/email.txt", context),
                from_email=None,
                recipient_list=[person.email],
            )
    except Exception:
        Recognition.objects.filter(pk=recognition_id, emailed_at=now).update(emailed_at=None)
        raise
    with transaction.atomic():
        audit.record(
            practice=recognition.practice,
            action=AuditAction.SEND,
            target=recognition,
            summary="Recognition emailed to the team member",
        )
    return True


# --- profiles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileChange:
    nicknames: str | None = None
    job_title: str | None = None
    recognition_email: bool | None = None
    moment_email: bool | None = None


def _clean_nicknames(raw: str) -> str:
    names = recognition_selectors.nicknames(raw)
    cleaned = ", ".join(dict.fromkeys(" ".join(name.split()) for name in names))
    if len(cleaned) > NICKNAMES_MAX:
        raise RecognitionError(_("Keep the other names under 200 characters."))
    return cleaned


def update_profile(
    *, practice: Practice, actor_user: User | None, user: User, change: ProfileChange
) -> TeamMemberProfile:
    """Save what changed on a team member's profile (fields left None are kept) and audit it. The
    views decide who may change what: the member their nicknames and email choices, editors job titles
    and nicknames."""
    if _active_member(practice, user.pk) is None:
        raise RecognitionError(_("That person is no longer on the team."))
    if change.job_title is not None and change.job_title and change.job_title not in JobTitle.values:
        raise RecognitionError(_("Choose a job title from the list."))
    nicknames = _clean_nicknames(change.nicknames) if change.nicknames is not None else None
    with transaction.atomic():
        profile, _created = TeamMemberProfile.objects.select_for_update().get_or_create(practice=practice, user=user)
        changes: dict[str, list[object]] = {}
        for field, value in (
            ("also_known_as", nicknames),
            ("job_title", change.job_title),
            ("recognition_email", change.recognition_email),
            ("moment_email", change.moment_email),
        ):
            if value is not None and getattr(profile, field) != value:
                changes[field] = [getattr(profile, field), value]
                setattr(profile, field, value)
        if changes:
            profile.save()
            audit.record(
                practice=practice,
                action=AuditAction.UPDATE,
                target=profile,
                actor_user=actor_user,
                summary="Team member profile changed",
                changes=changes,
            )
    return profile
