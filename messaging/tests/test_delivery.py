"""Delivery: batches claimed with a lease, sent, recorded; retries with backoff; failure after N
attempts; consent checked again at send time; a crashed worker's rows sent once by another."""

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from huey.api import PeriodicTask

from messaging import delivery
from messaging.delivery import backoff_seconds, claim, deliver_batch, send_due
from messaging.models import Channel, Message, MessageKind, MessageStatus
from messaging.services.outbox import queue_message
from messaging.sms import FileBackend, OutgoingSms
from messaging.tasks import send_due_messages_every_minute
from tests.factories import NOW

from .fake_sms_provider import FakeSmsProvider


def sms_files(folder: Path) -> dict[int, dict]:
    """message id -> the JSON the file backend wrote."""
    if not folder.exists():
        return {}
    return {int(path.stem.removeprefix("msg-")): json.loads(path.read_text()) for path in folder.glob("msg-*.json")}


@pytest.fixture
def http_provider(settings):
    with FakeSmsProvider(api_key="key-123") as provider:
        settings.SMS_BACKEND = "http"
        settings.SMS_PROVIDER_URL = provider.url
        settings.SMS_PROVIDER_API_KEY = "key-123"
        yield provider


def test_it_sends_due_texts_once_and_marks_them_sent(sms_dir, sender_settings, make_message):
    due = [make_message(), make_message()]
    later = make_message(send_after=NOW + timedelta(minutes=5))

    assert send_due(now=NOW) == 2

    files = sms_files(sms_dir)
    assert set(files) == {m.pk for m in due}
    assert files[due[0].pk] == {
        "id": f"file-msg-{due[0].pk}",
        "to": "+15125550199",
        "from": "+15125550100",
        "body": due[0].body,
    }
    for message in due:
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT
        assert message.provider_message_id == f"file-msg-{message.pk}"
        assert message.sent_at is not None
        assert message.attempts == 1
        assert message.lease_until is None
    later.refresh_from_db()
    assert later.status == MessageStatus.QUEUED
    assert send_due(now=NOW) == 0  # nothing sent twice


def test_it_sends_email_from_the_practice_with_a_message_id_per_row(settings, sender_settings, make_message):
    settings.SITE_URL = "https://care.clearskin.example"
    message = make_message(Channel.EMAIL)

    assert send_due(now=NOW) == 1

    (email,) = mail.outbox
    assert email.from_email == "ClearSkin Front Desk <hello@clearskin.example>"
    assert email.to == ["ana@example.com"]
    assert email.extra_headers["Message-ID"] == f"<msg-{message.pk}@care.clearskin.example>"
    assert email.message()["Message-ID"] == f"<msg-{message.pk}@care.clearskin.example>"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == f"msg-{message.pk}@care.clearskin.example"


def test_it_falls_back_to_the_practice_name_and_the_site_address(settings, make_message):
    settings.DEFAULT_FROM_EMAIL = "Touchpoints <no-reply@touchpoints.example>"
    make_message(Channel.EMAIL)

    send_due(now=NOW)

    assert mail.outbox[0].from_email == "ClearSkin Test <no-reply@touchpoints.example>"


def test_it_backs_off_exponentially_up_to_a_cap(settings):
    settings.MESSAGE_RETRY_BASE_SECONDS = 60
    settings.MESSAGE_RETRY_MAX_SECONDS = 3600
    assert [backoff_seconds(n) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_it_retries_a_failed_send_after_the_backoff(http_provider, settings, make_message):
    settings.MESSAGE_RETRY_BASE_SECONDS = 60
    message = make_message()
    http_provider.fail_next = 1

    assert send_due(now=NOW) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (MessageStatus.QUEUED, 1, "http_503")
    assert message.send_after == NOW + timedelta(seconds=60)

    assert send_due(now=NOW + timedelta(seconds=59)) == 0  # not due yet
    assert len(http_provider.requests) == 1

    assert send_due(now=NOW + timedelta(seconds=60)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert len(http_provider.sent) == 1


def test_it_fails_for_good_after_the_last_attempt_without_leaking_text(http_provider, settings, make_message, caplog):
    settings.MESSAGE_MAX_ATTEMPTS = 4
    message = make_message(body="Secret words 4242")
    http_provider.fail_next = 100
    caplog.set_level(logging.INFO, logger="messaging")

    now = NOW
    for _ in range(6):
        send_due(now=now)
        now += timedelta(hours=2)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 4
    assert message.error == "http_503"
    assert len(http_provider.requests) == 4
    assert "Secret" not in caplog.text and "+15125550199" not in caplog.text
    assert f"message {message.pk} failed for good: http_503" in caplog.text


def test_it_fails_at_once_when_the_provider_refuses_the_message(http_provider, make_message):
    message = make_message()
    http_provider.fail_next, http_provider.fail_status = 1, 400

    send_due(now=NOW)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (MessageStatus.FAILED, 1, "http_400")


def test_it_skips_a_patient_who_opted_out_after_the_message_was_queued(sms_dir, consenting_patient, make_message):
    text = make_message()
    email = make_message(Channel.EMAIL)
    confirmation = make_message(kind=MessageKind.OPT_OUT, dedupe_key="optout:1")
    consenting_patient.sms_consent = False
    consenting_patient.save(update_fields=["sms_consent"])

    send_due(now=NOW)

    text.refresh_from_db()
    assert (text.status, text.skip_reason) == (MessageStatus.SKIPPED, "opted_out")
    assert text.pk not in sms_files(sms_dir)
    email.refresh_from_db()
    assert email.status == MessageStatus.SENT  # email consent still given
    confirmation.refresh_from_db()
    assert confirmation.status == MessageStatus.SENT  # the STOP confirmation itself goes out
    assert set(sms_files(sms_dir)) == {confirmation.pk}


def test_it_does_not_take_rows_another_worker_holds(sms_dir, make_message):
    message = make_message()
    assert claim(worker="other", now=NOW, limit=10, lease_seconds=300) == [message.pk]

    assert send_due(now=NOW + timedelta(seconds=299)) == 0

    message.refresh_from_db()
    assert (message.status, message.claimed_by) == (MessageStatus.SENDING, "other")
    assert sms_files(sms_dir) == {}


def test_it_finishes_a_dead_workers_batch_once_after_its_lease(sms_dir, make_message):
    first, second = make_message(), make_message()
    # A worker claims both, writes the first text, and dies before recording anything.
    claim(worker="dead", now=NOW, limit=10, lease_seconds=60)
    FileBackend(sms_dir).send(OutgoingSms(message_id=first.pk, to=first.to, sender="", body=first.body))

    result = deliver_batch(worker="alive", now=NOW + timedelta(seconds=61))

    assert (result.claimed, result.sent, result.replays) == (2, 2, 1)
    assert set(sms_files(sms_dir)) == {first.pk, second.pk}
    for message in (first, second):
        message.refresh_from_db()
        assert (message.status, message.claimed_by, message.attempts) == (MessageStatus.SENT, "alive", 2)


def test_it_keeps_a_delivered_status_that_arrived_before_sent_was_recorded(sms_dir, make_message, monkeypatch):
    message = make_message()
    real_send = FileBackend.send

    def send_then_webhook(self, outgoing):
        provider_id = real_send(self, outgoing)
        Message.objects.filter(pk=outgoing.message_id).update(status=MessageStatus.DELIVERED)
        return provider_id

    monkeypatch.setattr(FileBackend, "send", send_then_webhook)

    send_due(now=NOW)

    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.provider_message_id == f"file-msg-{message.pk}"


def test_it_hands_back_the_rest_of_a_batch_when_its_lease_runs_out(sms_dir, make_message, monkeypatch):
    messages = [make_message() for _ in range(3)]
    clock = iter([0.0, 0.0, 1000.0, 1000.0])
    monkeypatch.setattr(delivery.time, "monotonic", lambda: next(clock))

    result = deliver_batch(worker="slow", now=NOW, lease_seconds=60)

    assert (result.sent, result.released) == (1, 2)
    statuses = {m.pk: m.status for m in Message.objects.filter(pk__in=[m.pk for m in messages])}
    assert sorted(statuses.values()) == [MessageStatus.QUEUED, MessageStatus.QUEUED, MessageStatus.SENT]
    assert sorted(Message.objects.values_list("attempts", flat=True)) == [0, 0, 1]


def test_it_sends_a_queued_message_as_soon_as_it_is_committed(
    sms_dir, practice, consenting_patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_message(
            practice=practice,
            kind=MessageKind.CONFIRMATION,
            channel=Channel.SMS,
            dedupe_key="confirmation:1",
            body="ClearSkin Test: you are booked.",
            patient=consenting_patient,
        )

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert set(sms_files(sms_dir)) == {message.pk}


def test_it_looks_for_due_messages_every_minute(sms_dir, make_message):
    assert issubclass(send_due_messages_every_minute.task_class, PeriodicTask)
    every_minute = send_due_messages_every_minute.task_class().validate_datetime
    assert all(every_minute(NOW.replace(tzinfo=None) + timedelta(minutes=n)) for n in range(60))
    # Not a reminder: the same run first retires reminders whose visit is gone, and this one has none.
    make_message(kind=MessageKind.RECALL, send_after=timezone.now() - timedelta(minutes=1))

    assert send_due_messages_every_minute.call_local() == 1
