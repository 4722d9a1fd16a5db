"""The clean-up jobs on the worker (docs/operations.md, "Retention and clean-up"): each deletes exactly the rows
past their retention and keeps the rest, and running it again deletes nothing more."""

from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import services as account_services
from accounts.tasks import delete_expired_sign_in_data_hourly
from audit import services as audit
from audit.models import Action, AuditEntry
from core.cleanup import delete_in_batches
from journey import services as journey_services
from journey.models import JourneyEvent
from journey.tasks import delete_events_past_retention_daily
from messaging.models import WebhookReceipt
from messaging.services.retention import delete_old_webhook_receipts
from messaging.tasks import delete_old_webhook_receipts_hourly
from patients import services as patient_services
from patients.models import PatientSignInLink
from patients.tasks import delete_spent_sign_in_links_hourly
from scheduling.models import BookingConfirmation
from scheduling.services.retention import delete_spent_booking_confirmations
from scheduling.tasks import delete_spent_booking_confirmations_hourly

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def ago(**delta: float):
    return NOW - timedelta(**delta)


def test_expired_sessions_go_and_live_ones_stay():
    for key, expires in (("gone1", ago(days=3)), ("gone2", ago(seconds=1)), ("live", NOW + timedelta(minutes=5))):
        Session.objects.create(session_key=key, session_data="e30", expire_date=expires)
    assert account_services.delete_expired_sessions(now=NOW) == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert account_services.delete_expired_sessions(now=NOW) == 0


def test_staff_sign_in_records_are_kept_for_their_retention(settings):
    settings.SIGN_IN_LOG_RETENTION_DAYS = 30
    for label, at in (("old", ago(days=31)), ("recent", ago(days=29))):
        log = AccessLog.objects.create(username=label, ip_address="127.0.0.1", user_agent="test")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=at)
    assert account_services.delete_old_sign_in_logs(now=NOW) == 1
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent"]
    assert account_services.delete_old_sign_in_logs(now=NOW) == 0


def _link(patient, name: str, expires_at, used_at=None) -> PatientSignInLink:
    return PatientSignInLink.objects.create(
        practice=patient.practice,
        patient=patient,
        token_hash=name.ljust(64, "0"),
        expires_at=expires_at,
        used_at=used_at,
    )


def test_sign_in_links_go_once_expired_for_longer_than_the_retention(settings, patient):
    settings.SPENT_LINK_RETENTION_DAYS = 7
    _link(patient, "usedold", ago(days=8), used_at=ago(days=8, minutes=10))
    _link(patient, "unusedold", ago(days=8))
    _link(patient, "usedrecent", ago(days=6), used_at=ago(days=6, minutes=5))
    _link(patient, "expiredrecent", ago(hours=1))
    _link(patient, "live", NOW + timedelta(minutes=10))
    assert patient_services.delete_spent_sign_in_links(now=NOW) == 2
    kept = {link.token_hash.rstrip("0") for link in PatientSignInLink.objects.all()}
    assert kept == {"usedrecent", "expiredrecent", "live"}
    assert patient_services.delete_spent_sign_in_links(now=NOW) == 0


def test_webhook_receipts_go_after_their_retention_but_never_inside_the_replay_window(settings):
    settings.WEBHOOK_RECEIPT_RETENTION_DAYS = 7
    for signature, at in (("a", ago(days=8)), ("b", ago(days=6)), ("c", ago(minutes=20)), ("d", ago(minutes=5))):
        WebhookReceipt.objects.create(signature=signature, received_at=at)
    assert delete_old_webhook_receipts(now=NOW) == 1
    assert set(WebhookReceipt.objects.values_list("signature", flat=True)) == {"b", "c", "d"}
    settings.WEBHOOK_RECEIPT_RETENTION_DAYS = 0  # keeps what still guards against a replay (10 minutes)
    assert delete_old_webhook_receipts(now=NOW) == 2
    assert list(WebhookReceipt.objects.values_list("signature", flat=True)) == ["d"]
    assert delete_old_webhook_receipts(now=NOW) == 0


def _confirmation(patient, provider, location, visit_type, created_at) -> BookingConfirmation:
    return BookingConfirmation.objects.create(
        practice=patient.practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=created_at + timedelta(days=3),
        expires_at=created_at + timedelta(minutes=30),
        created_at=created_at,
    )


def test_booking_confirmations_go_once_their_link_can_no_longer_be_used(
    settings, patient, provider, location, visit_type
):
    settings.SPENT_LINK_RETENTION_DAYS = 7
    old = _confirmation(patient, provider, location, visit_type, ago(days=8))
    recent = _confirmation(patient, provider, location, visit_type, ago(days=6))
    assert delete_spent_booking_confirmations(now=NOW) == 1
    assert list(BookingConfirmation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not BookingConfirmation.objects.filter(pk=old.pk).exists()
    # A retention shorter than the link's own two days still keeps a link that works.
    settings.SPENT_LINK_RETENTION_DAYS = 0
    two_days = _confirmation(patient, provider, location, visit_type, ago(days=1, hours=23))
    assert delete_spent_booking_confirmations(now=NOW) == 1
    assert list(BookingConfirmation.objects.values_list("pk", flat=True)) == [two_days.pk]
    assert delete_spent_booking_confirmations(now=NOW) == 0


def _event(practice, occurred_at) -> JourneyEvent:
    return JourneyEvent.objects.create(
        practice=practice, stage="book", touchpoint="self-scheduling", kind="booking.started", occurred_at=occurred_at
    )


def test_journey_events_are_kept_unless_a_retention_is_set(settings, practice):
    old, recent = _event(practice, ago(days=3000)), _event(practice, ago(days=10))
    assert settings.JOURNEY_EVENT_RETENTION_DAYS == 0
    assert journey_services.delete_events_past_retention(now=NOW) == 0
    assert JourneyEvent.objects.count() == 2
    settings.JOURNEY_EVENT_RETENTION_DAYS = 2557  # seven years
    assert journey_services.delete_events_past_retention(now=NOW) == 1
    assert list(JourneyEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not JourneyEvent.objects.filter(pk=old.pk).exists()
    assert journey_services.delete_events_past_retention(now=NOW) == 0


def test_rows_are_deleted_a_batch_at_a_time_until_none_is_left(settings):
    settings.CLEANUP_BATCH_SIZE = 2
    for n in range(5):
        WebhookReceipt.objects.create(signature=f"s{n}", received_at=ago(days=30))
    WebhookReceipt.objects.create(signature="kept", received_at=NOW)
    old = WebhookReceipt.objects.filter(received_at__lt=ago(days=1))
    assert delete_in_batches(old) == 5
    assert list(WebhookReceipt.objects.values_list("signature", flat=True)) == ["kept"]


def test_the_periodic_tasks_run_the_jobs_and_leave_the_audit_log_alone(
    settings, patient, provider, location, visit_type
):
    settings.JOURNEY_EVENT_RETENTION_DAYS = 365
    Session.objects.create(session_key="gone", session_data="e30", expire_date=ago(days=1))
    _link(patient, "old", ago(days=30))
    WebhookReceipt.objects.create(signature="old", received_at=ago(days=30))
    confirmation = _confirmation(patient, provider, location, visit_type, ago(days=30))
    audit.record(practice=patient.practice, action=Action.CREATE, target=confirmation, patient=patient)
    _event(patient.practice, ago(days=400))
    audit_entries = AuditEntry.objects.count()
    assert audit_entries == 1
    assert delete_expired_sign_in_data_hourly.call_local() == (1, 0)
    assert delete_spent_sign_in_links_hourly.call_local() == 1
    assert delete_old_webhook_receipts_hourly.call_local() == 1
    assert delete_spent_booking_confirmations_hourly.call_local() == 1
    assert delete_events_past_retention_daily.call_local() == 1
    assert AuditEntry.objects.count() == audit_entries
    assert delete_expired_sign_in_data_hourly.call_local() == (0, 0)
    assert delete_spent_sign_in_links_hourly.call_local() == 0
    assert delete_events_past_retention_daily.call_local() == 0
