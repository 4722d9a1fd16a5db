"""Delivery: workers claim due outbox rows in batches with a lease, send each one, record the outcome.

The cycle of one batch (``deliver_batch``):

1. **Claim** (one short transaction): due rows (``queued`` and ``send_after <= now``, or ``sending``
   with an expired lease: its worker died) become ``sending`` with ``claimed_by``/``lease_until``
   and ``attempts + 1``. PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` so N workers take
   disjoint batches without waiting; SQLite: the IMMEDIATE transaction (config/settings.py)
   serialises the claims.
2. **Send** each row outside any transaction, keyed by its id (``msg-<id>``): email carries
   ``Message-ID: <msg-<id>@<site host>>``, the file backends write one file per id with O_EXCL, the
   HTTP provider gets ``Idempotency-Key: msg-<id>``. A row sent again after a crash is therefore the
   same message to the channel, and is delivered once (SMTP has a short window; docs/messaging.md).
   Consent is checked again right before sending: a patient who opted out since gets ``skipped``
   ("opted_out"); a reminder for a visit cancelled since gets ``skipped`` ("visit_changed").
   Appointment emails (confirmation, new time, cancellation; ``notices.py``) get their
   calendar file here, built from the appointment as it is now; one whose appointment changed again
   since it was queued is ``skipped`` ("visit_changed"): the later notice carries the new SEQUENCE.
3. **Record**: sent rows become ``sent`` in one UPDATE (``sent_at``, ``provider_message_id``);
   failures go back to ``queued`` with ``send_after = now + backoff`` (exponential, capped), or
   ``failed`` after ``MESSAGE_MAX_ATTEMPTS`` or a permanent refusal, with a short error code. With a
   channel that is not idempotent (SMTP, console) each row is recorded right after its send.

Errors and logs carry ids and short codes, never a message's text or address.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from scheduling.models import Appointment

from . import notices
from .models import Channel, Message, MessageKind, MessageStatus, MessagingSettings
from .sms import OutgoingSms, PermanentSendError, SendError, get_backend, reference_for

log = logging.getLogger("messaging.delivery")

# Kinds that go out even to a patient without consent: the confirmation of STOP itself, and the
# transactional appointment emails the patient expects after booking, moving or cancelling.
# Messages the patient asked for, or must get: they go out whatever the reminder and marketing consent says.
CONSENT_EXEMPT_KINDS = frozenset(
    {
        MessageKind.OPT_OUT,
        *notices.NOTICE_KINDS,
        MessageKind.WAITLIST_OFFER,
        MessageKind.WAITLIST_TAKEN,
        MessageKind.BOOKING_LINK,
    }
)
# Reminders, running-late notices and booking emails about a visit that no longer happens are not sent.
VISIT_KINDS = frozenset(
    {MessageKind.REMINDER, MessageKind.RUNNING_LATE, MessageKind.CONFIRMATION, MessageKind.RESCHEDULE}
)
VISIT_GONE = frozenset({"cancelled", "noshow", "entered-in-error"})


def new_worker_id() -> str:
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{secrets.token_hex(3)}"[:64]


def backoff_seconds(attempts: int) -> int:
    """Delay before attempt ``attempts + 1``: base * 2^(attempts-1), capped."""
    base, cap = settings.MESSAGE_RETRY_BASE_SECONDS, settings.MESSAGE_RETRY_MAX_SECONDS
    return int(min(cap, base * 2 ** max(0, attempts - 1)))


def message_id_header(message_id: int) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "touchpoints.local"
    return f"<{reference_for(message_id)}@{host}>"


# --- Senders: who a practice's messages come from ------------------------------------------------


@dataclass(frozen=True)
class Sender:
    email_from: str  # "Sender Name <address>"
    sms_number: str


def senders_for(practice_ids: Iterable[int]) -> dict[int, Sender]:
    from practices.models import Practice

    names = dict(Practice.objects.filter(pk__in=practice_ids).values_list("pk", "name"))
    own = {
        row["practice_id"]: row
        for row in MessagingSettings.objects.filter(practice_id__in=practice_ids).values(
            "practice_id", "sender_name", "from_email", "sms_number"
        )
    }
    _, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    result = {}
    for practice_id, name in names.items():
        row = cast(dict[str, str], own.get(practice_id, {}))  # one settings row's values, or none
        result[practice_id] = Sender(
            email_from=formataddr((row.get("sender_name") or name, row.get("from_email") or default_address)),
            sms_number=row.get("sms_number") or settings.SMS_FROM_NUMBER,
        )
    return result


# --- Email: one file per message id, like the SMS file backend -----------------------------------


class EmailFileBackend(BaseEmailBackend):
    """Email written to ``<file_path>/msg-<id>.eml`` (from the Message-ID), created with O_EXCL.

    An existing file means the message was delivered already: nothing is written twice. Set
    ``EMAIL_BACKEND=messaging.delivery.EmailFileBackend`` and ``EMAIL_FILE_PATH``.
    """

    idempotent = True

    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.file_path = Path(file_path or os.environ.get("EMAIL_FILE_PATH") or settings.VAR_DIR / "mail")
        self.file_path.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages) -> int:
        count = 0
        for email in email_messages:
            message_id = (email.extra_headers.get("Message-ID") or "").strip("<>").split("@")[0]
            name = message_id if message_id.startswith("msg-") else f"mail-{secrets.token_hex(8)}"
            try:
                fd = os.open(self.file_path / f"{name}.eml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                count += 1
                continue
            try:
                os.write(fd, email.message().as_bytes())
            finally:
                os.close(fd)
            count += 1
        return count


def appointments_for(messages: Iterable[Message]) -> dict[int, Appointment | None]:
    """{message id: its appointment as it is now (None if gone)} for the appointment emails among
    ``messages``, with what the calendar file needs; one query, none when there are no such emails.

    Delivery's own read at send time (across practices, like its claim).
    """
    emails = [m for m in messages if m.kind in notices.NOTICE_KINDS and m.channel == Channel.EMAIL and m.appointment_id]
    if not emails:
        return {}
    appointments = Appointment.objects.filter(pk__in={m.appointment_id for m in emails}).select_related(
        "practice", "patient", "provider", "location"
    )
    by_id = {a.pk: a for a in appointments}
    return {m.pk: by_id.get(m.appointment_id) for m in emails if m.appointment_id is not None}


# --- One batch ------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    replays: int = 0  # sends the channel recognised as already delivered (a retry after a crash)
    errors: dict = field(default_factory=dict)

    def add(self, other: BatchResult) -> None:
        for name in ("claimed", "sent", "retried", "failed", "skipped", "released", "replays"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.errors.items():
            self.errors[code] = self.errors.get(code, 0) + n


def _claimable_queued(now):
    return Message.objects.filter(status=MessageStatus.QUEUED, send_after__lte=now).order_by("send_after")


def _claimable_expired(now):
    return Message.objects.filter(status=MessageStatus.SENDING, lease_until__lt=now).order_by("lease_until")


def claim(*, worker: str, now, limit: int, lease_seconds: int) -> list[int]:
    """Take up to ``limit`` due rows for ``worker``: they become ``sending`` until the lease ends."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        ids: list[int] = []
        for queryset in (_claimable_expired(now), _claimable_queued(now)):
            if len(ids) >= limit:
                break
            if skip_locked:
                queryset = queryset.select_for_update(skip_locked=True)
            ids += list(queryset.values_list("pk", flat=True)[: limit - len(ids)])
        if ids:
            Message.objects.filter(pk__in=ids).update(
                status=MessageStatus.SENDING,
                claimed_by=worker,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=F("attempts") + 1,
            )
    return ids


def _mark_sent(worker: str, sent: list[tuple[int, str]], now) -> int:
    """One UPDATE for a whole batch: ``sending`` rows of this worker become ``sent`` with their provider ids.

    Plain SQL: the ORM's ``Case(When(...))`` over 500 rows costs more than the sends themselves.
    """
    table = connection.ops.quote_name(Message._meta.db_table)
    ids = [pk for pk, _ in sent]
    stamp = connection.ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} AS m SET status = %s, sent_at = %s, "  # noqa: S608 - table name, placeholders
            "lease_until = NULL, provider_message_id = v.pid "
            "FROM unnest(%s::bigint[], %s::varchar[]) AS v(id, pid) "
            "WHERE m.id = v.id AND m.claimed_by = %s AND m.status = %s"
        )
        params: list[Any] = [MessageStatus.SENT, stamp, ids, [pid for _, pid in sent], worker, MessageStatus.SENDING]
    else:
        whens = " ".join(["WHEN %s THEN %s"] * len(sent))
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"UPDATE {table} SET status = %s, sent_at = %s, lease_until = NULL, "  # noqa: S608 - as above
            f"provider_message_id = CASE id {whens} ELSE provider_message_id END "
            f"WHERE id IN ({marks}) AND claimed_by = %s AND status = %s"
        )
        params = [MessageStatus.SENT, stamp, *[v for pair in sent for v in pair], *ids, worker, MessageStatus.SENDING]
    # Only the table name and placeholders are formatted in; every value is a parameter.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


class _Recorder:
    """Collects outcomes and writes them in as few UPDATEs as possible."""

    def __init__(self, worker: str, result: BatchResult, now):
        self.worker = worker
        self.now = now
        self.result = result
        self.sent: list[tuple[int, str]] = []
        self.skipped: dict[str, list[int]] = {}

    def mine(self):
        return Message.objects.filter(claimed_by=self.worker, status=MessageStatus.SENDING)

    def flush(self) -> None:
        now = timezone.now()
        if self.sent:
            ids = [pk for pk, _ in self.sent]
            updated = _mark_sent(self.worker, self.sent, now)
            if updated < len(ids):
                # A status webhook may have been faster than us (delivered before we recorded "sent"):
                # keep its status, add what we know.
                for pk, pid in self.sent:
                    Message.objects.filter(pk=pk, provider_message_id="").exclude(status=MessageStatus.SENDING).update(
                        provider_message_id=pid, sent_at=now
                    )
            self.result.sent += len(ids)
            self.sent = []
        for reason, ids in self.skipped.items():
            self.mine().filter(pk__in=ids).update(status=MessageStatus.SKIPPED, skip_reason=reason, lease_until=None)
            self.result.skipped += len(ids)
        self.skipped = {}

    def failure(self, message: Message, error: SendError) -> None:
        self.result.errors[error.code] = self.result.errors.get(error.code, 0) + 1
        if error.permanent or message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
            self.mine().filter(pk=message.pk).update(status=MessageStatus.FAILED, error=error.code, lease_until=None)
            self.result.failed += 1
            log.warning("message %s failed for good: %s (attempt %s)", message.pk, error.code, message.attempts)
        else:
            delay = backoff_seconds(message.attempts)
            self.mine().filter(pk=message.pk).update(
                status=MessageStatus.QUEUED,
                error=error.code,
                lease_until=None,
                send_after=self.now + timedelta(seconds=delay),
            )
            self.result.retried += 1
            log.info("message %s will be retried in %s s: %s", message.pk, delay, error.code)


def _opted_out(message: Message) -> bool:
    patient = message.patient
    if patient is None or message.kind in CONSENT_EXEMPT_KINDS:
        return False
    return not (patient.email_consent if message.channel == Channel.EMAIL else patient.sms_consent)


def _visit_gone(message: Message) -> bool:
    return message.kind in VISIT_KINDS and message.appointment is not None and message.appointment.status in VISIT_GONE


class _EmailChannel:
    def __init__(self):
        self._connection = None

    @property
    def connection(self):
        if self._connection is None:
            self._connection = mailers.default
        return self._connection

    @property
    def idempotent(self) -> bool:
        return bool(getattr(self.connection, "idempotent", False))

    def send(self, message: Message, sender: Sender, attachments=()) -> str:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=sender.email_from,
            to=[message.to],
            headers={"Message-ID": message_id_header(message.pk)},
        )
        for attachment in attachments:
            email.attach(*attachment)
        try:
            sent = self.connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused:
            raise PermanentSendError("smtp_recipient_refused") from None
        except smtplib.SMTPResponseException as exc:
            code = f"smtp_{exc.smtp_code}"
            raise (PermanentSendError(code) if 500 <= exc.smtp_code < 600 else SendError(code)) from None
        except smtplib.SMTPException:
            raise SendError("smtp_error") from None
        except OSError:
            raise SendError("network") from None
        if not sent:
            raise SendError("email_not_sent")
        return message_id_header(message.pk).strip("<>")

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not lose the batch's outcome
                log.info("closing the mail connection failed")


class _SmsChannel:
    def __init__(self, backend=None):
        self._backend = backend

    @property
    def backend(self):
        if self._backend is None:
            self._backend = get_backend()
        return self._backend

    @property
    def idempotent(self) -> bool:
        return bool(getattr(self.backend, "idempotent", False))

    def send(self, message: Message, sender: Sender) -> str:
        return self.backend.send(
            OutgoingSms(message_id=message.pk, to=message.to, sender=sender.sms_number, body=message.body)
        )

    def replays(self) -> int:
        return getattr(self._backend, "replays", 0) if self._backend is not None else 0

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()


def deliver_batch(
    *,
    worker: str | None = None,
    now=None,
    limit: int | None = None,
    lease_seconds: int | None = None,
    sms_backend=None,
) -> BatchResult:
    """Claim one batch of due rows and deliver it; returns what happened."""
    worker = worker or new_worker_id()
    now = now or timezone.now()
    limit = limit or settings.MESSAGE_BATCH_SIZE
    lease_seconds = lease_seconds or settings.MESSAGE_LEASE_SECONDS
    result = BatchResult()
    ids = claim(worker=worker, now=now, limit=limit, lease_seconds=lease_seconds)
    result.claimed = len(ids)
    if not ids:
        return result
    started = time.monotonic()
    messages = list(
        Message.objects.filter(pk__in=ids, claimed_by=worker)
        .select_related("patient", "appointment")
        .only(
            "pk", "practice_id", "kind", "channel", "to", "subject", "body", "attempts", "dedupe_key",
            "patient__email_consent", "patient__sms_consent", "appointment__status",
        )
        .order_by("pk")
    )  # fmt: skip
    # Appointment emails: message id -> its appointment as it is now (None: gone). One query, only
    # when the batch has some; the same row decides staleness and builds the calendar file.
    by_notice = appointments_for(messages)
    senders = senders_for({m.practice_id for m in messages})
    email_channel, sms_channel = _EmailChannel(), _SmsChannel(sms_backend)
    channels: dict[str, _EmailChannel | _SmsChannel] = {Channel.EMAIL: email_channel, Channel.SMS: sms_channel}
    recorder = _Recorder(worker, result, now)
    try:
        for index, message in enumerate(messages):
            if time.monotonic() - started > lease_seconds * 0.8:
                # Our lease is about to end: hand the rest back instead of racing another worker.
                rest = [m.pk for m in messages[index:]]
                result.released = (
                    recorder.mine()
                    .filter(pk__in=rest)
                    .update(status=MessageStatus.QUEUED, lease_until=None, attempts=F("attempts") - 1)
                )
                break
            if _opted_out(message):
                recorder.skipped.setdefault("opted_out", []).append(message.pk)
                continue
            if _visit_gone(message) or (message.pk in by_notice and notices.is_stale(message, by_notice[message.pk])):
                recorder.skipped.setdefault("visit_changed", []).append(message.pk)
                continue
            channel = channels[message.channel]
            notice_appointment = by_notice.get(message.pk)  # an appointment email (by email only), not stale
            try:
                if notice_appointment is not None:
                    attachment = notices.calendar_attachment(notice_appointment, message.kind)
                    provider_id = email_channel.send(message, senders[message.practice_id], attachments=[attachment])
                else:
                    provider_id = channel.send(message, senders[message.practice_id])
            except SendError as exc:
                recorder.failure(message, exc)
                continue
            except Exception as exc:  # noqa: BLE001 - a backend bug fails this message, not the batch
                recorder.failure(message, SendError(f"error_{type(exc).__name__}"))
                continue
            recorder.sent.append((message.pk, provider_id))
            if not channel.idempotent:
                recorder.flush()  # the duplicate window is one row, not the batch
        recorder.flush()
    finally:
        result.replays += sms_channel.replays()
        for channel in channels.values():
            channel.close()
    return result


def send_due(*, now=None, limit: int | None = None, worker: str | None = None, sms_backend=None) -> int:
    """Deliver every due row, batch after batch, until none is left; returns how many were sent."""
    worker = worker or new_worker_id()
    limit = limit or settings.MESSAGE_BATCH_SIZE
    total = BatchResult()
    while True:
        result = deliver_batch(worker=worker, now=now, limit=limit, sms_backend=sms_backend)
        total.add(result)
        if result.claimed < limit or result.released:
            break
    if total.claimed:
        log.info(
            "delivered: %s sent, %s retried later, %s failed, %s skipped",
            total.sent,
            total.retried,
            total.failed,
            total.skipped,
        )
    return total.sent


def work_left(now=None) -> bool:
    """Anything due or in flight (a ``sending`` row comes back when its lease ends)?"""
    now = now or timezone.now()
    return Message.objects.filter(
        Q(status=MessageStatus.SENDING) | Q(status=MessageStatus.QUEUED, send_after__lte=now)
    ).exists()
