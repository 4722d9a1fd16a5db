"""Every write to patients: audited in the same transaction, journey events where they matter."""

import hashlib
import secrets
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.tasks import task
from django.utils import timezone

import journey
from accounts.models import User
from audit import services as audit
from audit.masking import diff
from audit.models import Action
from core.cleanup import delete_in_batches
from practices.models import Practice

from .models import Patient, PatientSignInLink

AUDITED_FIELDS = Patient.DETAIL_FIELDS


def _validate_new(patient: Patient) -> None:
    # Field checks only: the database enforces the check constraints anyway, and validating them
    # (and the practice's existence) here would cost a query each on every online booking.
    patient.full_clean(exclude=["practice"], validate_constraints=False)


def _snapshot(patient: Patient) -> dict[str, Any]:
    return model_to_dict(patient, fields=AUDITED_FIELDS)


@transaction.atomic
def create_patient(*, practice: Practice, actor_user: User | None = None, **fields: Any) -> Patient:
    patient = Patient(practice=practice, **fields)
    _validate_new(patient)
    patient.save()
    audit.record(
        practice=practice,
        action=Action.CREATE,
        target=patient,
        patient=patient,
        actor_user=actor_user,
        changes=diff({}, _snapshot(patient), Patient.PROTECTED_FIELDS),
    )
    return patient


@transaction.atomic
def update_patient(
    *, patient: Patient, actor_user: User | None = None, actor_patient: Patient | None = None, **fields: Any
) -> Patient:
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    before = _snapshot(locked)
    for name, value in fields.items():
        if name not in AUDITED_FIELDS:
            raise ValueError(f"{name} cannot be changed here.")
        setattr(locked, name, value)
    locked.full_clean()
    changes = diff(before, _snapshot(locked), Patient.PROTECTED_FIELDS)
    if changes:
        locked.save()
        audit.record(
            practice=locked.practice,
            action=Action.UPDATE,
            target=locked,
            patient=locked,
            actor_user=actor_user,
            actor_patient=actor_patient,
            changes=changes,
        )
    return locked


def record_patient_viewed(
    *, patient: Patient, actor_user: User | None = None, actor_patient: Patient | None = None, summary: str = ""
) -> None:
    audit.record(
        practice=patient.practice,
        action=Action.VIEW,
        target=patient,
        patient=patient,
        actor_user=actor_user,
        actor_patient=actor_patient,
        summary=summary,
    )


def record_patient_list_viewed(*, practice: Practice, actor_user: User, page_number: int, shown: int) -> None:
    """A page of patient names was shown. The search words are not stored: they may be names."""
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=Patient,
        actor_user=actor_user,
        summary=f"patient list, page {page_number}, {shown} shown",
    )


# --- Patient sign-in by one-time link -------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_sign_in_links(*, practice: Practice, email: str) -> None:
    """Send a sign-in link to each patient of the practice with this email.

    Says nothing about whether anyone matched: the caller shows the same page either way.
    """
    patient_ids = list(
        Patient.objects.filter(practice=practice, email__iexact=email.strip()).values_list("pk", flat=True)[:5]
    )
    for patient_id in patient_ids:
        transaction.on_commit(partial(send_sign_in_link.enqueue, patient_id))


def _live_links(patient: Patient) -> QuerySet[PatientSignInLink]:
    return PatientSignInLink.objects.filter(patient=patient, used_at__isnull=True, expires_at__gt=timezone.now())


@transaction.atomic
def issue_sign_in_link(*, patient: Patient) -> str:
    """Create a link and return its raw token (only the hash is stored). It replaces any live one:
    a patient never has more than one live link."""
    _live_links(patient).update(expires_at=timezone.now())
    token = secrets.token_urlsafe(32)
    PatientSignInLink.objects.create(
        practice=patient.practice,
        patient=patient,
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(minutes=settings.PATIENT_SIGN_IN_LINK_MINUTES),
    )
    return token


@transaction.atomic
def _new_link_unless_one_is_live(patient_id: int) -> tuple[Patient, str] | None:
    """The patient and a new link's token, or None while the link emailed earlier still works (the
    patient's row is locked, so two requests at once cannot both mint one)."""
    patient = Patient.objects.select_for_update().select_related("practice").get(pk=patient_id)
    if not patient.email or _live_links(patient).exists():
        return None
    return patient, issue_sign_in_link(patient=patient)


def practice_sender(practice: Practice) -> tuple[str, list[str]]:
    """("<Practice name> <site address>", reply-to): the practice's name on the site's own address."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((practice.name, address)), [practice.email] if practice.email else []


def find_usable_link(*, practice: Practice, token: str) -> PatientSignInLink | None:
    return (
        PatientSignInLink.objects.select_related("patient")
        .filter(practice=practice, token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def redeem_sign_in_link(*, practice: Practice, token: str) -> Patient | None:
    """Use the link once. Returns the patient, or None if the link is unknown, used or expired."""
    used = PatientSignInLink.objects.filter(
        practice=practice, token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    if used != 1:
        return None
    patient = PatientSignInLink.objects.select_related("patient__practice").get(token_hash=_hash(token)).patient
    audit.record(practice=practice, action=Action.SIGN_IN, target=patient, patient=patient, actor_patient=patient)
    journey.record(practice=practice, patient=patient, touchpoint="patient-portal", kind="portal.signed_in")
    return patient


@task
def send_sign_in_link(patient_id: int) -> None:
    """Email a sign-in link, unless the one emailed earlier still works: that one is reused, so a
    flood of requests sends one email and leaves one live link."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    issued = _new_link_unless_one_is_live(patient_id)
    if issued is None:
        return
    patient, token = issued
    link = settings.SITE_URL + reverse("patients:sign_in_confirm", args=[patient.practice.slug, token])
    from_email, reply_to = practice_sender(patient.practice)
    with translation.override(patient.preferred_language):
        context = {"practice": patient.practice, "link": link, "minutes": settings.PATIENT_SIGN_IN_LINK_MINUTES}
        EmailMessage(
            subject=render_to_string("patients/email/sign_in_subject.txt", context).strip(),
            body=render_to_string("patients/email/sign_in_body.txt", context),
            from_email=from_email,
            to=[patient.email],
            reply_to=reply_to,
        ).send()


# --- Patients who book online -----------------------------------------------------------


@transaction.atomic
def create_patient_from_booking(*, practice: Practice, **fields: Any) -> Patient:
    """A new patient who books online: created, audited as their own act, referral source recorded.

    Call inside the booking's transaction: if the booking fails, the patient is rolled back with it.
    """
    patient = Patient(practice=practice, **fields)
    _validate_new(patient)
    patient.save()
    audit.record(
        practice=practice,
        action=Action.CREATE,
        target=patient,
        patient=patient,
        actor_patient=patient,
        summary="online booking",
        changes=diff({}, _snapshot(patient), Patient.PROTECTED_FIELDS),
    )
    if patient.referral_source:
        journey.record(
            practice=practice,
            patient=patient,
            touchpoint="referral-source",
            kind="referral.recorded",
            data={"source": patient.referral_source, "channel": "web"},
        )
    return patient


def delete_spent_sign_in_links(*, now: datetime | None = None) -> int:
    """Sign-in links expired more than ``SPENT_LINK_RETENTION_DAYS`` ago, used or not: neither can sign anyone
    in any more (a used link is also refused), and the sign-in itself is in the audit log."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SPENT_LINK_RETENTION_DAYS)
    return delete_in_batches(PatientSignInLink.objects.filter(expires_at__lt=cutoff))
